"""Interpolate a model trained on from another (``train_embedded.py --init``) with the model it
started from: ``(1 - alpha) * start + alpha * trained``, weight by weight.

Training on from a model moves it towards what the new data teach and away from some of what
it knew; the mean of the two weights keeps much of both (weight-space ensembling of a
fine-tuned model with its start). Inputs the starting model did not read (the lexicon's) have
weight zero in it.

    python scripts/interpolate_weights.py $WORK/gen1avg $WORK/gen2 --alpha 0.5 -o $WORK/gen2mix

The output folder gets the trained model's vocabulary, config and lexicon, the interpolated
weights (``model.safetensors``, ``encoder.onnx``), its ``training.json`` with an
``interpolated`` entry, and its model card.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
from pathlib import Path

import torch

from seedner.model.card import write_model_card
from seedner.model.finetune import load_tagger

CARD_NOTES = Path(__file__).with_name("embedded_card_notes.md")


def interpolated(
    start: dict[str, torch.Tensor], trained: dict[str, torch.Tensor], alpha: float
) -> dict[str, torch.Tensor]:
    """The trained weights moved back towards the start; a starting weight smaller along an
    axis (fewer inputs) counts as zero where it has none."""
    out = {}
    for name, value in trained.items():
        base = start.get(name)
        if base is None or not value.is_floating_point():
            out[name] = value
            continue
        base = base.to(value.dtype)
        if base.shape != value.shape:
            padded = torch.zeros_like(value)
            padded[tuple(slice(0, n) for n in base.shape)] = base
            base = padded
        out[name] = (1 - alpha) * base + alpha * value
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("start", type=Path, help="the model training went on from")
    parser.add_argument("trained", type=Path, help="the model train_embedded.py --init made")
    parser.add_argument("--alpha", type=float, default=0.5, help="the trained model's share")
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args()
    for folder in (args.start, args.trained):
        if not (folder / "config.json").is_file():
            sys.exit(f"interpolate_weights.py: error: no model in {folder}")
    start, trained = load_tagger(args.start), load_tagger(args.trained)
    assert start.model is not None and trained.model is not None
    weights = interpolated(start.model.state_dict(), trained.model.state_dict(), args.alpha)
    trained.model.load_state_dict(weights)
    args.out.mkdir(parents=True, exist_ok=True)
    trained.save(args.out)
    shutil.copy(args.trained / "training.json", args.out / "training.json")
    report = json.loads((args.out / "training.json").read_text(encoding="utf-8"))
    command = "python scripts/interpolate_weights.py " + shlex.join(sys.argv[1:])
    report["interpolated"] = {"start": str(args.start), "alpha": args.alpha, "command": command}
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    (args.out / "training.json").write_text(text, encoding="utf-8")
    write_model_card(args.out, report.get("command", ""), CARD_NOTES.read_text(encoding="utf-8"))
    print(f"{args.out}: {1 - args.alpha:g} × {args.start} + {args.alpha:g} × {args.trained}")


if __name__ == "__main__":
    main()
