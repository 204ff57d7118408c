"""CLUENER dev through the whole extraction path, by CLUENER's own types, and by the guideline.

CLUENER tags an address as one span with its numbers (``北京市海淀区中关村大街27号``), where
docs/guidelines.md (rule 7) makes each division and the street a place and leaves the numbers
out: there no prediction can be right. This prints, for each CLUENER type that maps to PER,
ORG or LOC, how many of its spans come out exactly (recall), then F1 as ``seedner evaluate``
scores it and F1 with the addresses set aside: a gold address, and a prediction lying wholly
inside one, are neither right nor wrong. CLUENER also leaves most places named in passing
untagged (`中国`, `湖南`: tagged in some sentences, not in others); the last figure also sets
aside a predicted place on untagged characters whose text the same file tags as a place
elsewhere.

    python benchmarks/cluener_types.py $WORK/cluener/dev.tsv --model embedded --model DIR
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from seedner.api import Extractor
from seedner.bio import bio_spans
from seedner.loading.labels import canonical_type
from seedner.model.corpora import read_sentences
from seedner.types import Document

TYPES = ("PER", "ORG", "LOC")
SET_ASIDE = "address"  # guideline rule 7


def f1(tp: int, predicted: int, gold: int) -> float:
    return 2 * tp / (predicted + gold) if predicted + gold else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dev", type=Path, help="CLUENER in character BIO with its own types")
    parser.add_argument("--model", action="append", default=[])
    args = parser.parse_args()
    sentences = read_sentences(args.dev)
    tagged_places = {
        text[s:e]
        for text, tags in sentences
        for s, e, kind in bio_spans(tags)
        if canonical_type(kind) == "LOC"
    }
    docs = [Document(i, text) for i, (text, _) in enumerate(sentences)]
    for model in args.model or ["embedded"]:
        results = Extractor(model=model, types=list(TYPES)).run(docs)
        by_type: Counter[str] = Counter()
        exact: Counter[str] = Counter()
        tp = predicted = gold = 0  # as seedner evaluate counts
        tp_kept = predicted_kept = gold_kept = 0  # addresses set aside
        predicted_consistent = 0  # ... and places tagged elsewhere, untagged here
        for (text, tags), result in zip(sentences, results):
            spans = [(s, e, k, canonical_type(k)) for s, e, k in bio_spans(tags)]
            truth = {(s, e, t) for s, e, _, t in spans if t in TYPES}
            found = {(x.start, x.end, x.type) for x in result.entities}
            tp, predicted, gold = tp + len(truth & found), predicted + len(found), gold + len(truth)
            for s, e, kind, mapped in spans:
                if mapped in TYPES:
                    by_type[kind] += 1
                    exact[kind] += (s, e, mapped) in found
            aside = [(s, e) for s, e, kind, _ in spans if kind == SET_ASIDE]
            truth_kept = {x for x in truth if (x[0], x[1]) not in aside}
            found_kept = {x for x in found if not any(s <= x[0] and x[1] <= e for s, e in aside)}
            tp_kept += len(truth_kept & found_kept)
            predicted_kept += len(found_kept)
            gold_kept += len(truth_kept)
            predicted_consistent += sum(
                1
                for x in found_kept
                if not (
                    x[2] == "LOC"
                    and text[x[0] : x[1]] in tagged_places
                    and all(tag == "O" for tag in tags[x[0] : x[1]])
                )
            )
        print(f"{model}:")
        for kind, n in by_type.most_common():
            print(f"  {kind:<13} {canonical_type(kind)}  {n:5d} spans, exact {exact[kind] / n:.3f}")
        print(
            f"  F1 {f1(tp, predicted, gold):.4f}; addresses set aside (rule 7) "
            f"{f1(tp_kept, predicted_kept, gold_kept):.4f}; and places CLUENER tags elsewhere "
            f"but not there {f1(tp_kept, predicted_consistent, gold_kept):.4f}"
        )


if __name__ == "__main__":
    main()
