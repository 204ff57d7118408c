"""Dev F1 as ``seedner evaluate`` scores it, and by the guideline: where a corpus leaves untagged
what docs/guidelines.md tags (People's Daily's abbreviations ``中美``, ``欧盟``, ``在京``: its
``/j`` words; runs of place abbreviations elsewhere), a predicted entity that lies wholly on
such positions is neither right nor wrong; where a corpus tags otherwise what the guideline
tags one way (MSRA's ``中国政府``: the country alone; People's Daily's ``东盟`` a place), the
gold is relabelled as training relabels it. The positions and relabellings are training's
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
from seedner.model.partial import (
    abbreviation_spans,
    bodies_as_organizations,
    governments_as_organizations,
    opened,
    pos_opener,
)
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
    relabelled, bodies = bodies_as_organizations(sentences)
    relabelled, governments = governments_as_organizations(relabelled)
    marked, count = opened(relabelled, opener)
    print(
        f"{args.dev}: {len(sentences)} sentences, {count} open positions, "
        f"{bodies + governments} entities relabelled"
    )
    docs = [Document(i, text) for i, (text, _) in enumerate(sentences)]
    for model in args.model or ["embedded"]:
        results = Extractor(model=model, types=list(TYPES)).run(docs)
        tp = predicted = gold = ignored = 0
        tp_all = predicted_all = 0
        gold_all = 0
        for (_, tags), (_, relabelled_tags), (_, open_tags), result in zip(
            sentences, relabelled, marked, results
        ):
            plain = {(s, e, k) for s, e, k in bio_spans(tags)}
            truth = {(s, e, k) for s, e, k in bio_spans(relabelled_tags)}
            found = {(e.start, e.end, e.type) for e in result.entities}
            gold_all += len(plain)
            tp_all += len(plain & found)
            predicted_all += len(found)
            gold += len(truth)
            kept = {x for x in found if not all(t == OPEN for t in open_tags[x[0] : x[1]])}
            ignored += len(found - kept)
            tp += len(truth & kept)
            predicted += len(kept)
        print(
            f"{model}: F1 {f1(tp_all, predicted_all, gold_all):.4f}; by the guideline "
            f"{f1(tp, predicted, gold):.4f} ({ignored} entities on open positions not counted)"
        )


if __name__ == "__main__":
    main()
