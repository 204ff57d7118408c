"""Dev F1 as ``seedner evaluate`` scores it, and by the guideline: where a corpus leaves untagged
what docs/guidelines.md tags (People's Daily's abbreviations ``中美``, ``欧盟``, ``在京``: its
``/j`` words; runs of place abbreviations elsewhere), a predicted entity that lies wholly on
such positions is neither right nor wrong. The positions are the ones training leaves open
(``seedner.model.partial``), so the two scores differ by exactly the convention.

    python benchmarks/guideline_f1.py ../shared/datasets/peoples_daily_time/dev.tsv \\
        --pos-file ../shared/datasets/peoples_daily_time/orig/199801.txt \\
        --model embedded --model /path/to/other/model
"""

from __future__ import annotations

import argparse
from pathlib import Path

from seedner.api import Extractor
from seedner.bio import bio_spans
from seedner.loading.labels import canonical_type
from seedner.model.corpora import OPEN, harmonised
from seedner.model.partial import abbreviation_spans, opened, pos_opener
from seedner.types import Document

TYPES = ("PER", "ORG", "LOC")


def f1(tp: int, predicted: int, gold: int) -> float:
    return 2 * tp / (predicted + gold) if predicted + gold else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dev", type=Path)
    parser.add_argument("--pos-file", help="People's Daily's POS file, for its /j words")
    parser.add_argument("--model", action="append", default=[])
    args = parser.parse_args()
    sentences = harmonised(args.dev, TYPES, canonical_type)
    opener = pos_opener(args.pos_file) if args.pos_file else abbreviation_spans
    marked, count = opened(sentences, opener)
    print(f"{args.dev}: {len(sentences)} sentences, {count} open positions")
    docs = [Document(i, text) for i, (text, _) in enumerate(sentences)]
    for model in args.model or ["embedded"]:
        results = Extractor(model=model, types=list(TYPES)).run(docs)
        tp = predicted = gold = ignored = 0
        tp_all = predicted_all = 0
        for (_, tags), (_, open_tags), result in zip(sentences, marked, results):
            truth = {(s, e, k) for s, e, k in bio_spans(tags)}
            found = {(e.start, e.end, e.type) for e in result.entities}
            gold += len(truth)
            tp_all += len(truth & found)
            predicted_all += len(found)
            kept = {x for x in found if not all(t == OPEN for t in open_tags[x[0] : x[1]])}
            ignored += len(found - kept)
            tp += len(truth & kept)
            predicted += len(kept)
        print(
            f"{model}: F1 {f1(tp_all, predicted_all, gold):.4f}; by the guideline "
            f"{f1(tp, predicted, gold):.4f} ({ignored} entities on open positions not counted)"
        )


if __name__ == "__main__":
    main()
