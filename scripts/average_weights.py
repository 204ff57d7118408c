"""Average a trained generalist model with the final epoch of its training checkpoint.

The embedded model is the mean of its run's best epoch (the saved model) and its last epoch
(the checkpoint ``train_embedded.py --checkpoint`` writes after every epoch):

    python scripts/average_weights.py $WORK/gen1 $WORK/gen1.ckpt -o $WORK/gen1avg \\
        --dev msra=../shared/datasets/msra/dev.tsv \\
        --dev peoples_daily=../shared/datasets/peoples_daily_time/dev.tsv \\
        --dev cluener=$WORK/cluener/dev.tsv --dev weibo=../shared/datasets/weibo/dev.tsv

(``$WORK``: the folder of ``scripts/train_embedded.py``'s commands.)

The output folder gets the averaged weights (``model.safetensors``, ``encoder.onnx``), the model's
vocabulary and config, its ``training.json`` with an ``averaged`` entry (the epochs and, with
``--dev``, the averaged model's dev F1), and its model card.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
from pathlib import Path

import torch
from train_embedded import dev_arg  # this folder is on sys.path when a script runs

from seedner.loading.labels import canonical_type
from seedner.model.card import write_model_card
from seedner.model.corpora import harmonised
from seedner.model.generalist import TYPES
from seedner.model.learner import dev_f1
from seedner.model.trainer import WeightSum
from seedner.model.weights import weights_path

CARD_NOTES = Path(__file__).with_name("embedded_card_notes.md")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("model", type=Path, help="a model folder from train_embedded.py")
    parser.add_argument("checkpoint", type=Path, help="its --checkpoint file")
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument(
        "--dev", type=dev_arg, action="append", default=[], help="NAME=PATH, as in training"
    )
    args = parser.parse_args()
    if weights_path(args.model) is None:
        sys.exit(f"average_weights.py: error: no model weights in {args.model}")
    for path in (args.model / "training.json", args.checkpoint):
        if not path.is_file():
            sys.exit(f"average_weights.py: error: no such file: {path}")
    import hanlp

    report = json.loads((args.model / "training.json").read_text(encoding="utf-8"))
    state = torch.load(args.checkpoint, weights_only=False)
    last_epoch = len(state["epochs"])
    if args.out.resolve() != args.model.resolve():
        shutil.copytree(args.model, args.out, dirs_exist_ok=True)
    tagger = hanlp.load(str(args.model))  # the best epoch's weights
    model = tagger.model
    assert model is not None
    total = WeightSum.of(tagger.saved_state())
    model.load_state_dict(state["model"], strict=False)  # the last epoch's (its corpus heads
    total.add(tagger.saved_state())  # are not in the saved model, nor in the sum)
    model.load_state_dict(total.mean(), strict=False)
    tagger.save(args.out)  # half-precision model.safetensors, float32 encoder.onnx
    averaged: dict = {"epochs": [report["best_epoch"], last_epoch], "kept": True}
    if args.dev:
        sets = {name: harmonised(path, TYPES, canonical_type) for name, path in args.dev}
        f1 = dev_f1(tagger, sets)
        averaged.update(dev_f1=f1, mean_f1=sum(f1.values()) / len(f1))
        print(" ".join(f"{k} {v:.4f}" for k, v in f1.items()), f"mean {averaged['mean_f1']:.4f}")
    report["averaged"] = averaged
    command = (report.get("command") or "(training command not recorded)") + (
        "\npython scripts/average_weights.py " + shlex.join(sys.argv[1:])
    )
    report["command"] = command
    (args.out / "training.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    write_model_card(args.out, command, CARD_NOTES.read_text(encoding="utf-8"))
    print(f"averaged epochs {report['best_epoch']} and {last_epoch}: {args.out}")


if __name__ == "__main__":
    main()
