"""Train the embedded model shipped in src/seedner/embedded/ (the generalist).

Prepare the pretrained weights and the CLUENER split in a folder outside the checkout (the
corpora stay out of the project), train, then average the best and the last epoch's weights
(the commands that made the shipped model; its card records them):

    WORK=/tmp/seedner-train
    pip download --no-deps --no-binary :all: jieba==0.42.1 -d $WORK
    python scripts/convert_lac.py $WORK/jieba-0.42.1.tar.gz $WORK/lac_small.pt
    python scripts/split_cluener.py ../shared/datasets/cluener/train.tsv $WORK/cluener
    python scripts/train_embedded.py --lac $WORK/lac_small.pt \\
        --corpus msra=../shared/datasets/msra/train.tsv:0.3 \\
        --corpus peoples_daily=../shared/datasets/peoples_daily_time/train.tsv:0.4 \\
        --corpus cluener=$WORK/cluener/train.tsv:1 \\
        --corpus weibo=../shared/datasets/weibo/train.tsv:2 \\
        --dev msra=../shared/datasets/msra/dev.tsv \\
        --dev peoples_daily=../shared/datasets/peoples_daily_time/dev.tsv \\
        --dev cluener=$WORK/cluener/dev.tsv \\
        --dev weibo=../shared/datasets/weibo/dev.tsv \\
        -o $WORK/gen1 --checkpoint $WORK/gen1.ckpt --epochs 16 --time-budget-min 95 --threads 1
    python scripts/average_weights.py $WORK/gen1 $WORK/gen1.ckpt -o $WORK/gen1avg \\
        --dev msra=../shared/datasets/msra/dev.tsv \\
        --dev peoples_daily=../shared/datasets/peoples_daily_time/dev.tsv \\
        --dev cluener=$WORK/cluener/dev.tsv --dev weibo=../shared/datasets/weibo/dev.tsv
    cp $WORK/gen1avg/* src/seedner/embedded/

The shipped model goes on from that one (``--init``) to the conventions of
docs/guidelines.md, with the lexicon input and synthetic name lists:

    tar xzf $WORK/jieba-0.42.1.tar.gz -C $WORK    # jieba's dict.txt (MIT)
    python scripts/name_lists.py ../shared/datasets/msra/train.tsv \
        ../shared/datasets/peoples_daily_time/train.tsv -o $WORK/namelists.tsv -n 3000
    python scripts/train_embedded.py --init $WORK/gen1avg \
        --lexicon $WORK/jieba-0.42.1/jieba/dict.txt --lr 0.0008 \
        --corpus msra=...:0.3 --corpus peoples_daily=...:0.4 --corpus cluener=...:1 \
        --corpus weibo=...:2 --corpus namelists=$WORK/namelists.tsv:1 \
        --partial peoples_daily=../shared/datasets/peoples_daily_time/orig/199801.txt \
        --partial cluener --partial weibo --dev ... -o $WORK/gen2 --checkpoint $WORK/gen2.ckpt \
        --epochs 8 --threads 1 --average

(the model card records the exact command).

``--corpus NAME=PATH:WEIGHT``: a character-BIO training file and the share of its chunks
(sentences longer than 160 characters are cut at punctuation) sampled per epoch (2 = every
chunk twice). ``--partial NAME[=POSFILE]``: corpus NAME leaves abbreviations untagged; its
``O`` there is no evidence (partial labels, ``seedner.model.partial``). ``--dev NAME=PATH``: a
dev file; the model kept
is the one with the best mean F1 over all dev files (with ``--average``: the mean of its
weights and the later epochs', where that scores at least as well). The model card is
written with the terms of every corpus and of LAC.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from seedner.loading.labels import canonical_type
from seedner.model.card import write_model_card
from seedner.model.generalist import Corpus, GeneralistSettings, train_generalist

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "seedner" / "embedded"
# the card's hand-written part: data and licences, evaluation, alternatives tried
CARD_NOTES = Path(__file__).with_name("embedded_card_notes.md")


def corpus_arg(value: str) -> Corpus:
    name, sep, rest = value.partition("=")
    path, _, weight = rest.rpartition(":")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH:WEIGHT, got {value!r}")
    if not path:
        path, weight = rest, "1"
    try:
        return Corpus(name, path, float(weight))
    except ValueError:
        raise argparse.ArgumentTypeError(f"weight of {value!r} is not a number") from None


def dev_arg(value: str) -> tuple[str, str]:
    name, sep, path = value.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {value!r}")
    return name, path


def partial_arg(value: str) -> tuple[str, str]:
    name, _, pos_file = value.partition("=")
    return name, pos_file or "rules"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=corpus_arg, action="append", required=True)
    parser.add_argument("--dev", type=dev_arg, action="append", required=True)
    parser.add_argument("--lac", help="LAC-small weights from scripts/convert_lac.py")
    parser.add_argument("-o", "--out", default=str(DEFAULT_OUT))
    parser.add_argument("--checkpoint", help="resume file, written after every epoch")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--time-budget-min", type=float, default=85)
    parser.add_argument("--limit", type=int, help="first N sentences of each corpus (tests)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--layers", type=int, default=2, help="BiGRU layers (LAC has two)")
    parser.add_argument("--init", help="a saved generalist to go on training from")
    parser.add_argument("--lr", type=float, default=1.5e-3, help="Adam's initial rate")
    parser.add_argument(
        "--lexicon", help="jieba's dict.txt: the network reads the words around each character"
    )
    parser.add_argument(
        "--partial",
        action="append",
        default=[],
        metavar="NAME[=POSFILE]",
        help="corpus NAME leaves abbreviations untagged: their O positions are open (partial "
        "labels), found by the guideline's lists and, with People's Daily's POS file, its /j words",
    )
    parser.add_argument(
        "--average",
        action="store_true",
        help="keep the mean of the best epoch's weights and the later epochs' if it scores "
        "at least as well on dev",
    )
    args = parser.parse_args()
    extra = [args.lac or ".", args.init or ".", args.lexicon or "."] + [
        v.partition("=")[2] or "." for v in args.partial
    ]
    for path in [c.path for c in args.corpus] + [p for _, p in args.dev] + extra:
        if not Path(path).exists():
            sys.exit(f"train_embedded.py: error: no such file: {path}")
    settings = GeneralistSettings(
        epochs=args.epochs,
        lac=args.lac,
        time_budget_min=args.time_budget_min,
        limit=args.limit,
        threads=args.threads,
        layers=args.layers,
        average=args.average,
        init=args.init,
        lr=args.lr,
        lexicon=args.lexicon,
        partial=dict(partial_arg(value) for value in args.partial),
    )
    command = "python scripts/train_embedded.py " + shlex.join(sys.argv[1:])
    report = train_generalist(
        args.corpus,
        dict(args.dev),
        args.out,
        settings,
        checkpoint=args.checkpoint,
        command=command,
        type_of=canonical_type,
    )
    if report.best_epoch == 0:
        sys.exit("train_embedded.py: error: no epoch improved on dev; no model saved")
    write_model_card(Path(args.out), command, CARD_NOTES.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
