"""Carve a development split out of CLUENER2020's training file.

    python scripts/split_cluener.py ../shared/datasets/cluener/train.tsv OUT_DIR

CLUENER's public release labels only its train and dev files, and its dev file is kept
apart as a held-out test set, so model selection needs a split of its own. Sentence *i*
(0-based, file order) goes to ``OUT_DIR/dev.tsv`` when ``i % 10 == 9``, otherwise to
``OUT_DIR/train.tsv``: 1,074 dev and 9,674 train sentences. Labels are written as given
(``B-name``, ``I-company`` …); ``seedner evaluate`` maps them to PER/ORG/LOC
(see ``seedner.loading.labels``). The corpus is research-use data: keep OUT_DIR outside the project.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from seedner.bio import read_bio_tsv

DEV_EVERY = 10


def split(train: Path, out: Path) -> tuple[int, int]:
    out.mkdir(parents=True, exist_ok=True)
    counts = [0, 0]
    with (
        open(out / "train.tsv", "w", encoding="utf-8") as tr,
        open(out / "dev.tsv", "w", encoding="utf-8") as dv,
    ):
        for i, (text, tags) in enumerate(read_bio_tsv(train)):
            is_dev = i % DEV_EVERY == DEV_EVERY - 1
            handle = dv if is_dev else tr
            handle.write("".join(f"{c}\t{t}\n" for c, t in zip(text, tags)) + "\n")
            counts[is_dev] += 1
    return counts[0], counts[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("train", type=Path, help="cluener/train.tsv")
    parser.add_argument("out", type=Path, help="folder for train.tsv and dev.tsv")
    args = parser.parse_args()
    if not args.train.is_file():
        sys.exit(f"split_cluener.py: error: no such file: {args.train}")
    n_train, n_dev = split(args.train, args.out)
    print(f"{args.out}/train.tsv: {n_train} sentences; {args.out}/dev.tsv: {n_dev} sentences")


if __name__ == "__main__":
    main()
