"""F1 on a BIO corpus as given and converted to traditional Chinese (OpenCC s2t).

    python benchmarks/traditional_f1.py ../shared/datasets/msra/dev.tsv

OpenCC's s2t can change a sentence's length (phrase rules); such sentences are left out
of both runs and counted, so both figures are over the same sentences.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import opencc

from seedner.bio import read_bio_tsv
from seedner.evaluation import evaluate_file


def _write(path: Path, sentences: list[tuple[str, list[str]]]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for text, tags in sentences:
            out.writelines(f"{c}\t{t}\n" for c, t in zip(text, tags))
            out.write("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", default="../shared/datasets/msra/dev.tsv")
    parser.add_argument("--model", default="embedded")
    args = parser.parse_args()
    s2t = opencc.OpenCC("s2t")
    simplified, traditional = [], []
    changed_chars = dropped = 0
    for text, tags in read_bio_tsv(args.gold):
        converted = s2t.convert(text)
        if len(converted) != len(text):
            dropped += 1
            continue
        simplified.append((text, tags))
        traditional.append((converted, tags))
        changed_chars += sum(a != b for a, b in zip(text, converted))
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"simplified": Path(tmp) / "s.tsv", "traditional": Path(tmp) / "t.tsv"}
        _write(paths["simplified"], simplified)
        _write(paths["traditional"], traditional)
        scores = {k: evaluate_file(p, model=args.model) for k, p in paths.items()}
    total = sum(len(t) for t, _ in simplified)
    print(
        f"{len(simplified)} sentences ({dropped} left out: s2t changed their length); "
        f"{changed_chars:,} of {total:,} characters differ in the traditional version"
    )
    for name, s in scores.items():
        per = "  ".join(f"{t} {v.f1:.4f}" for t, v in s.per_type.items())
        print(
            f"{name:<12} micro P {s.micro.precision:.4f} R {s.micro.recall:.4f} "
            f"F1 {s.micro.f1:.4f}   ({per})"
        )
    diff = scores["traditional"].micro.f1 - scores["simplified"].micro.f1
    print(f"difference: {100 * diff:+.2f} F1 points")


if __name__ == "__main__":
    main()
