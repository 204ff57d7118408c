"""Dev F1 of a generalist's training checkpoint with its corpus heads added to the output layer.

A generalist trains a small emission head per corpus beside the shared output layer
(``seedner.model.gru_network``); the shipped model keeps the shared layer alone. Adding a
corpus's head back shows how far the same encoder goes with that corpus's own conventions,
and a weighted sum of heads shows the trade between corpora (model tags, float32, exact span
micro F1 on PER/ORG/LOC, as training scores its epochs):

    python benchmarks/corpus_heads.py RUN/model RUN/ckpt.pt \\
        --dev msra=../shared/datasets/msra/dev.tsv \\
        --dev peoples_daily=../shared/datasets/peoples_daily_time/dev.tsv \\
        --dev cluener=$WORK/cluener/dev.tsv --dev weibo=../shared/datasets/weibo/dev.tsv \\
        --mix "" --mix msra=1 --mix peoples_daily=1 --mix msra=0.5,peoples_daily=0.5

``RUN/model`` is the run's saved model (its vocabulary and lexicon), ``RUN/ckpt.pt`` the
checkpoint ``scripts/train_embedded.py --checkpoint`` wrote; ``--corpora`` names its heads in
the order of the run's ``--corpus`` options (default: the order in its ``training.json``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from seedner.loading.labels import canonical_type
from seedner.model.corpora import harmonised
from seedner.model.generalist import continued
from seedner.model.learner import dev_f1

TYPES = ("PER", "ORG", "LOC")


def parse_mix(text: str, corpora: list[str]) -> dict[int, float]:
    """``"msra=1,weibo=0.5"`` → head index → weight; ``""``: the shared layer alone."""
    mix: dict[int, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        if name not in corpora:
            raise SystemExit(f"--mix {text!r}: no head {name!r} (heads: {', '.join(corpora)})")
        mix[corpora.index(name)] = float(weight or 1)
    return mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", help="the run's saved model folder")
    parser.add_argument("checkpoint", help="the run's checkpoint (with its corpus heads)")
    parser.add_argument("--dev", action="append", required=True, help="NAME=PATH, repeatable")
    parser.add_argument("--mix", action="append", default=None, help='"NAME=W,…"; "" shared')
    parser.add_argument("--corpora", help="head names in order (default: the run's)")
    args = parser.parse_args()
    if args.corpora:
        corpora = args.corpora.split(",")
    else:
        facts = json.loads((Path(args.model) / "training.json").read_text(encoding="utf-8"))
        corpora = [c["name"] for c in facts["corpora"]]
    state = torch.load(args.checkpoint, weights_only=False, map_location="cpu")["model"]
    tagger = continued(args.model, len(corpora), dropout=0.0)
    model = tagger.model
    assert model is not None
    model.load_state_dict(state)
    weight, bias = model.proj.weight.data.clone(), model.proj.bias.data.clone()
    sets = {}
    for spec in args.dev:
        name, _, path = spec.partition("=")
        sets[name] = harmonised(path, TYPES, canonical_type)
    print("| heads added | " + " | ".join(sets) + " | mean |")
    print("|---|" + "---:|" * (len(sets) + 1))
    for text in args.mix or [""]:
        mix = parse_mix(text, corpora)
        model.proj.weight.data.copy_(weight)
        model.proj.bias.data.copy_(bias)
        for index, share in mix.items():  # emissions are linear in the heads: sum them in
            model.proj.weight.data += share * model.heads[index].weight.data
            model.proj.bias.data += share * model.heads[index].bias.data
        scores = dev_f1(tagger, sets)
        mean = sum(scores.values()) / len(scores)
        cells = " | ".join(f"{scores[name]:.4f}" for name in sets)
        print(f"| {text or 'none (shared layer)'} | {cells} | {mean:.4f} |", flush=True)


if __name__ == "__main__":
    main()
