"""Fold a GRU model's concatenated inputs into summed ones and distill it back to its emissions.

    python scripts/fold_inputs.py MODEL OUT --corpus TRAIN.tsv [--corpus ...]
        [--sentences 3000] [--epochs 3] [--lr 0.0002] [--threads 2] [--seed 1]

The corpora's text only is read (no labels): the same sentences give the inputs' second moments
for the fold and the distillation's batches (:mod:`seedner.model.compression`). OUT gets the folded
model with MODEL's calibration, training record (the fold and distillation added under
``folding``) and model card. Runs on the CPU.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import torch

from seedner.model.component import CharNER
from seedner.model.compression import distill, fold, sample_texts

CARRIED = ("calibration.json", "MODEL_CARD.md")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpus", action="append", required=True, help="CHAR<TAB>TAG file")
    parser.add_argument("--sentences", type=int, default=3000, help="per corpus")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.0002)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    teacher = CharNER()
    teacher.load(args.model, precision="float32")
    texts = sample_texts(args.corpus, args.sentences, args.seed)
    print(f"{len(texts)} sentences, {sum(map(len, texts))} characters", flush=True)
    student, kept = fold(teacher, texts)
    print(f"folded: {kept:.6f} of the gate inputs' variance kept", flush=True)
    history = distill(
        student,
        teacher,
        texts,
        args.epochs,
        args.lr,
        seed=args.seed,
        report=lambda line: print(line, flush=True),
    )
    student.save(args.out)
    for name in CARRIED:
        if (args.model / name).is_file():
            shutil.copy(args.model / name, args.out / name)
    record_path = args.model / "training.json"
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.is_file() else {}
    record["folding"] = {
        "command": " ".join(["python", "scripts/fold_inputs.py", *(argv or sys.argv[1:])]),
        "sentences": len(texts),
        "characters": sum(map(len, texts)),
        "variance_kept": kept,
        "epochs": history,
        "settings": {k: v for k, v in vars(args).items() if k not in ("model", "out")},
    }
    (args.out / "training.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
