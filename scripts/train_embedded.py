"""Train the embedded model shipped in src/seedner/embedded/.

python scripts/train_embedded.py ../shared/datasets/msra/train.tsv ../shared/datasets/msra/dev.tsv
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from seedner.model.card import MSRA_TERMS, write_model_card
from seedner.model.train import TrainSettings, fit

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
    args = parser.parse_args()
    settings = TrainSettings(
        epochs=args.epochs,
        time_budget_min=args.time_budget_min,
        limit=args.limit,
        threads=args.threads,
    )
    fit(args.train, args.dev, args.out, settings)
    command = "python scripts/train_embedded.py " + shlex.join(sys.argv[1:])
    write_model_card(args.out, command, MSRA_TERMS)


if __name__ == "__main__":
    main()
