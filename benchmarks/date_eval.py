"""DATE accuracy of ``seedner.dates.find_dates`` on a character-level BIO corpus.

Usage::

    PYTHONPATH=src python benchmarks/date_eval.py [PATH] [--top N]

PATH defaults to ``../shared/datasets/peoples_daily_time/dev.tsv`` (relative to the repo).
Every sentence is run with ``ref=None``. Reports precision/recall/F1 for exact span match
and for overlap match (a predicted span counts if it overlaps a gold DATE span, and vice
versa), then the most frequent misses, spurious spans and boundary disagreements.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "datasets" / "peoples_daily_time" / "dev.tsv"

try:
    from seedner.bio import bio_spans, read_bio_tsv
    from seedner.dates import find_dates
    from seedner.scoring import prf
except ImportError:  # run without PYTHONPATH=src
    sys.path.insert(0, str(REPO / "src"))
    from seedner.bio import bio_spans, read_bio_tsv
    from seedner.dates import find_dates
    from seedner.scoring import prf

Span = tuple[int, int]


def overlaps(span: Span, others: list[Span]) -> bool:
    return any(span[0] < o[1] and o[0] < span[1] for o in others)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--top", type=int, default=20, help="how many strings to list")
    args = parser.parse_args(argv)

    n_gold = n_pred = n_sent = n_chars = 0
    exact = overlap_pred = overlap_gold = 0
    missed: Counter[str] = Counter()  # gold spans no prediction overlaps
    spurious: Counter[str] = Counter()  # predicted spans that overlap no gold span
    boundary: Counter[tuple[str, str]] = Counter()  # (gold, predicted) overlapping, not equal
    seconds = 0.0
    for sentence, tags in read_bio_tsv(args.path):
        n_sent += 1
        n_chars += len(sentence)
        gold = [(s, e) for s, e, kind in bio_spans(tags) if kind == "DATE"]
        t0 = time.perf_counter()
        pred = [(d.start, d.end) for d in find_dates(sentence)]
        seconds += time.perf_counter() - t0
        n_gold += len(gold)
        n_pred += len(pred)
        exact += len(set(gold) & set(pred))
        for g in gold:
            if overlaps(g, pred):
                overlap_gold += 1
            else:
                missed[sentence[g[0] : g[1]]] += 1
        for p in pred:
            if overlaps(p, gold):
                overlap_pred += 1
                if p not in gold:
                    for g in gold:
                        if g[0] < p[1] and p[0] < g[1]:
                            boundary[sentence[g[0] : g[1]], sentence[p[0] : p[1]]] += 1
            else:
                spurious[sentence[p[0] : p[1]]] += 1

    print(f"corpus: {args.path}")
    print(f"sentences {n_sent}, characters {n_chars}, gold DATE {n_gold}, predicted {n_pred}")
    print(f"find_dates time: {seconds:.2f} s ({n_chars / max(seconds, 1e-9) / 1e6:.2f} M chars/s)")
    p, r, f = prf(exact, n_pred, exact, n_gold)
    print(f"exact   P {p:.3f}  R {r:.3f}  F1 {f:.3f}   (tp {exact})")
    p, r, f = prf(overlap_pred, n_pred, overlap_gold, n_gold)
    print(
        f"overlap P {p:.3f}  R {r:.3f}  F1 {f:.3f}   "
        f"(pred overlapping gold {overlap_pred}, gold overlapped {overlap_gold})"
    )

    def show(title: str, counter: Counter[str], total: int) -> None:
        print(f"\n{title} ({total} spans, {len(counter)} distinct); top {args.top}:")
        for text, n in counter.most_common(args.top):
            print(f"  {n:4d}  {text}")

    show(
        "false negatives: gold DATE not overlapped by any prediction", missed, n_gold - overlap_gold
    )
    show("false positives: predictions overlapping no gold DATE", spurious, n_pred - overlap_pred)
    print(f"\nboundary disagreements (gold -> predicted); top {args.top}:")
    for (g, pr), n in boundary.most_common(args.top):
        print(f"  {n:4d}  {g} -> {pr}")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except BrokenPipeError:  # | head
        sys.stderr.close()
        raise SystemExit(0) from None
