"""Rewrite the embedded model's card from its training.json (after copying a model folder),
closed by the hand-written notes in embedded_card_notes.md.

python scripts/write_card.py src/seedner/embedded
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from seedner.model.card import write_model_card

NOTES = Path(__file__).with_name("embedded_card_notes.md")


def main() -> None:
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / "training.json").is_file():
        sys.exit("usage: python scripts/write_card.py MODEL_DIR (a folder with training.json)")
    out = Path(sys.argv[1])
    report = json.loads((out / "training.json").read_text(encoding="utf-8"))
    command = report.get("command") or "(not recorded)"
    card = write_model_card(out, command, NOTES.read_text(encoding="utf-8"))
    print(card)


if __name__ == "__main__":
    main()
