"""Every resolved date across a folder of documents, in order: a timeline.

python examples/timeline.py seeds/
"""

import sys

import seedner
from seedner.io.sources import iter_documents

folder = sys.argv[1] if len(sys.argv) > 1 else "seeds/"
events = []
extractor = seedner.Extractor(types="DATE")
for result in extractor.iter_results(iter_documents([folder])):
    for e in result.entities:
        if e.norm:
            context = result.text[max(0, e.start - 10) : e.end + 20].replace("\n", " ")
            events.append((e.norm, result.id, context))
for norm, doc, context in sorted(events):
    print(f"{norm:<22} {doc}  …{context}…")
