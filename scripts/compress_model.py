"""A cheaper copy of a GRU model: its inputs folded into summed ones, its layers narrowed, and
the result distilled back to the model's emissions.

    python scripts/compress_model.py MODEL OUT --corpus TRAIN.tsv [--corpus ...]
        [--hidden 96] [--sentences 8000] [--epochs 6] [--lr 0.001] [--threads 2] [--seed 1]

The corpora's text only is read (no labels): the same sentences give the inputs' second moments
for the fold, the units' output variance for the narrowing (a quarter of them) and the
distillation's batches (:mod:`seedner.model.compression`). OUT gets the compressed model with
MODEL's calibration and its training record (the compression added under ``compression``),
and a model card written from them. Runs on the CPU.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import torch

from seedner.model.card import write_model_card
from seedner.model.component import CharNER
from seedner.model.compression import distill, fold, prune_hidden, sample_texts

CARRIED = ("calibration.json",)  # the CRF is the model's, so its temperature holds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument(
        "--corpus",
        action="append",
        required=True,
        help="CHAR<TAB>TAG file, or FILE:N to take its sentences N times",
    )
    parser.add_argument("--hidden", type=int, default=96, help="GRU units per direction")
    parser.add_argument("--sentences", type=int, default=8000, help="per corpus")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--lr", type=float, default=0.001)
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
    if args.hidden != student.config["hidden"]:
        student = prune_hidden(student, texts[::4], args.hidden)
        print(f"narrowed to {args.hidden} units per direction", flush=True)
    command = " ".join(["python", "scripts/compress_model.py", *(argv or sys.argv[1:])])

    def save(history: list[dict[str, float]]) -> None:
        """The student as it stands, with its record: a stopped run leaves a usable model."""
        student.save(args.out)
        for name in CARRIED:
            if (args.model / name).is_file():
                shutil.copy(args.model / name, args.out / name)
        source = args.model / "training.json"
        record = json.loads(source.read_text(encoding="utf-8")) if source.is_file() else {}
        record["compression"] = {
            "command": command,
            "sentences": len(texts),
            "characters": sum(map(len, texts)),
            "variance_kept": kept,
            "epochs": history,
            "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        }
        text = json.dumps(record, ensure_ascii=False, indent=1) + "\n"
        (args.out / "training.json").write_text(text, encoding="utf-8")
        write_model_card(args.out, record.get("command") or "(not recorded)")

    def report(line: str) -> None:
        print(line, flush=True)

    history = distill(
        student,
        teacher,
        texts,
        args.epochs,
        args.lr,
        seed=args.seed,
        report=report,
        after_epoch=save,
    )
    save(history)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
