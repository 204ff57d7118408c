"""What changed in the embedded model's output on the seeds: a regression report, not a test.

Any retraining changes some of what the model finds, so the exact output is not something
the tests pin. This script compares ``seedner.extract`` on ``seeds/*.txt`` with the output
stored in ``benchmarks/seeds_expected.jsonl`` and prints every entity added, removed or
retyped, then the mentions an analyst checked first on the earlier, MSRA-only model
(names cut or mistyped, page labels and Latin terms taken for names), each as expected or
not.

    python benchmarks/seeds_regression.py                 # the report; exit status 0
    python benchmarks/seeds_regression.py --check         # exit status 1 if anything changed
    python benchmarks/seeds_regression.py --update        # store the current output
    python benchmarks/seeds_regression.py --model PATH    # another model than the embedded one
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import seedner
from seedner import Document, DocumentResult

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
# one entity a line: [file, start, end, type, text]
EXPECTED = Path(__file__).resolve().parent / "seeds_expected.jsonl"

# (seed prefix, name, its offsets, the one entity expected there: a type, or None for none)
PINNED: list[tuple[str, str, tuple[int, ...], str | None]] = [
    ("001", "习近平", (527, 589, 625, 893, 1298), "PER"),  # whole after a comma
    ("001", "于海军", (707, 850, 870, 1098, 1205, 4078), "PER"),  # a person, not the navy
    ("001", "吴雪尘", (3700, 4434), "PER"),  # never cut to 吴雪
    ("001", "mRNA", (1058, 1139, 1167, 1185), None),  # a Latin term, no person
    ("003", "金山区", (1364,), "LOC"),  # districts read as given names
    ("003", "金山", (1383,), "LOC"),
    ("003", "崇明区", (1460,), "LOC"),
    ("003", "徐汇区", (1636,), "LOC"),
    ("003", "杨浦区", (2290,), "LOC"),
    ("003", "杨浦", (2300,), "LOC"),
    ("003", "来源", (33,), None),  # page labels
    ("003", "请注明", (2588,), None),
    ("004", "萬鋼", (417, 1221, 1663), "PER"),  # one person at every mention
]

Row = tuple[str, int, int, str, str]  # file, start, end, type, text


def current_rows(model: str) -> list[Row]:
    paths = sorted(SEEDS.glob("*.txt"))
    docs = [Document(p.name, p.read_text(encoding="utf-8")) for p in paths]
    results: list[DocumentResult] = seedner.extract(docs, model=model)
    return [
        (str(r.id), e.start, e.end, e.type, e.text)
        for r in results
        for e in sorted(r.entities, key=lambda e: (e.start, e.end, e.type))
    ]


def read_rows(path: Path) -> list[Row]:
    return [tuple(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]


def write_rows(path: Path, rows: list[Row]) -> None:
    """One entity a line (a name may hold a line break: JSON keeps it on one)."""
    lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    path.write_text("".join(lines), encoding="utf-8")


def changes(expected: list[Row], found: list[Row]) -> list[str]:
    """One line per entity added (+), removed (-) or retyped (~), in file and offset order."""
    old = {row[:3]: row for row in expected}
    new = {row[:3]: row for row in found}
    lines = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        name, start, end = key
        if before is None and after is not None:
            lines.append(f"+ {name} {start}-{end} {after[3]} {after[4]}")
        elif after is None and before is not None:
            lines.append(f"- {name} {start}-{end} {before[3]} {before[4]}")
        elif before is not None and after is not None and before[3] != after[3]:
            lines.append(f"~ {name} {start}-{end} {before[4]}: {before[3]} -> {after[3]}")
    return lines


def pinned_report(found: list[Row]) -> tuple[int, list[str]]:
    """How many pinned mentions are as expected, and a line for each one that is not."""
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    by_prefix: dict[str, list[Row]] = {}
    for row in found:
        by_prefix.setdefault(row[0][:3], []).append(row)
    good, lines = 0, []
    for prefix, name, starts, kind in PINNED:
        for start in starts:
            end = start + len(name)
            if texts[prefix][start:end] != name:
                lines.append(f"! {prefix} {start}: the seed no longer has {name} there")
                continue
            there = [r for r in by_prefix.get(prefix, []) if r[1] < end and start < r[2]]
            want = [] if kind is None else [(start, end, kind)]
            if [(r[1], r[2], r[3]) for r in there] == want:
                good += 1
            else:
                got = ", ".join(f"{r[3]} {r[4]} {r[1]}-{r[2]}" for r in there) or "nothing"
                lines.append(f"x {prefix} {name} {start}: {kind or 'nothing'} expected, {got}")
    return good, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--check", action="store_true", help="exit status 1 on any change")
    parser.add_argument("--update", action="store_true", help=f"rewrite {EXPECTED.name}")
    args = parser.parse_args()

    found = current_rows(args.model)
    if args.update:
        write_rows(EXPECTED, found)
        print(f"{EXPECTED.relative_to(ROOT)}: {len(found)} entities stored")
        return 0
    expected = read_rows(EXPECTED)
    changed = changes(expected, found)
    counts = {mark: sum(line.startswith(mark) for line in changed) for mark in "+-~"}
    print(
        f"seeds: {len(found)} entities ({len(expected)} expected): {counts['+']} added, "
        f"{counts['-']} removed, {counts['~']} retyped"
    )
    for line in changed:
        print(f"  {line}")
    good, missed = pinned_report(found)
    print(f"pinned mentions: {good} of {good + len(missed)} as expected")
    for line in missed:
        print(f"  {line}")
    return 1 if args.check and (changed or missed) else 0


if __name__ == "__main__":
    sys.exit(main())
