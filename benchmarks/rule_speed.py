"""Speed of the rule-based text steps on large inputs: sentence splitting, normalization and
the date rules. The tests check what these steps give on such inputs; this script times them.

    python benchmarks/rule_speed.py              # best of 5 runs per case
    python benchmarks/rule_speed.py --repeats 9

Each case is timed at one, two and four times its size; "x1 / x2 / x4" is the time of each
size over the time of the smallest, so a linear step reads about 1 / 2 / 4.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from seedner.dates import find_dates
from seedner.text.normalize import normalize
from seedner.text.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def best_time(step: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` runs, in seconds (other load only slows a run down)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per case (best is kept)")
    args = parser.parse_args()

    seeds = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    folded = normalize(seeds).text + "\n"
    normalize("中文")  # builds the fold table once, outside the timings
    cases: list[tuple[str, Callable[[int], str], Callable[[str], object]]] = [
        ("split_sentences, seeds (normalized)", lambda k: folded * 40 * k, split_sentences),
        (
            "split_sentences, no break at all",
            lambda k: ("甲乙丙丁" * 50_000 + "a1" * 50_000) * k,
            split_sentences,
        ),
        ("normalize, seeds", lambda k: seeds * 25 * k, normalize),
        ("normalize, runs of spaces", lambda k: "李" + " \xa0" * 200_000 * k + "鹏", normalize),
        ("find_dates, seeds", lambda k: seeds * 10 * k, find_dates),
    ]
    print(f"{'case':<38} {'characters':>11} {'seconds':>8} {'chars/s':>12}   x1 / x2 / x4")
    for name, make, step in cases:
        texts = [make(k) for k in (1, 2, 4)]
        seconds = [best_time(partial(step, t), args.repeats) for t in texts]
        ratios = " / ".join(f"{s / seconds[0]:.1f}" for s in seconds)
        size, took = len(texts[-1]), seconds[-1]
        print(f"{name:<38} {size:>11,} {took:>8.3f} {size / took:>12,.0f}   {ratios}")


if __name__ == "__main__":
    main()
