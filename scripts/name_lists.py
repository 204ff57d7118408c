"""Write sentences of names written one after another (``seedner.model.namelists``) as a
character-BIO file: training material from the training corpora's names, or a list set from
the dev corpora's names to check that each name of a list comes out alone.

    python scripts/name_lists.py ../shared/datasets/msra/train.tsv \\
        ../shared/datasets/peoples_daily_time/train.tsv -o $WORK/namelists.tsv -n 3000
    python scripts/name_lists.py ../shared/datasets/msra/dev.tsv \\
        ../shared/datasets/peoples_daily_time/dev.tsv -o $WORK/namelists-dev.tsv -n 300 --seed 2
    seedner evaluate $WORK/namelists-dev.tsv -t PER   # recall: the names found exactly
"""

from __future__ import annotations

import argparse
from pathlib import Path

from seedner.loading.labels import canonical_type
from seedner.model.corpora import harmonised
from seedner.model.namelists import name_lists, person_names


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpora", nargs="+", help="character-BIO files whose PER names to use")
    parser.add_argument("-o", "--out", required=True)
    parser.add_argument("-n", "--sentences", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    corpora = [harmonised(path, ("PER", "ORG", "LOC"), canonical_type) for path in args.corpora]
    names = person_names(corpora)
    lines = []
    for text, tags in name_lists(names, args.sentences, args.seed):
        lines += [f"{ch}\t{tag}" for ch, tag in zip(text, tags)] + [""]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out}: {args.sentences} sentences from {len(names)} names")


if __name__ == "__main__":
    main()
