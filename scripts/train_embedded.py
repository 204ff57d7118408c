"""Train the embedded model shipped in src/seedner/embedded/.

    python scripts/train_embedded.py \
        ../shared/datasets/msra/train.tsv ../shared/datasets/msra/dev.tsv

This is `seedner train` with the MSRA settings: it runs the same function
(`seedner.cli.train.train_model`), trains into the package's model folder, and writes the
model card with the MSRA corpus's terms (research use only).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from seedner.cli.train import TrainError, train_model
from seedner.model.card import MSRA_TERMS
from seedner.model.train import TrainSettings

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "seedner" / "embedded"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("train")
    parser.add_argument("dev")
    parser.add_argument("-o", "--out", default=str(DEFAULT_OUT))
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--time-budget-min", type=float, default=80)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    args = parser.parse_args()
    settings = TrainSettings(
        epochs=args.epochs,
        time_budget_min=args.time_budget_min,
        limit=args.limit,
        threads=args.threads,
    )
    command = "python scripts/train_embedded.py " + shlex.join(sys.argv[1:])
    try:
        train_model(
            args.train,
            args.dev,
            args.out,
            settings,
            command=command,
            data_note=MSRA_TERMS,
            quiet=args.quiet,
            overwrite=True,
        )
    except TrainError as exc:
        sys.exit(f"train_embedded.py: error: {exc}")


if __name__ == "__main__":
    main()
