"""A user dictionary of a million entries: how long it takes to load, how much memory it holds,
and how much slower tagging is with it than without, in the same run.

    python benchmarks/dictionary.py                      # 1,000,000 entries, MSRA dev as corpus
    python benchmarks/dictionary.py --entries 200000 --corpus seeds
    python benchmarks/dictionary.py --markdown benchmarks/results/dictionary-DATE.md

The dictionary is synthetic (no word list ships with seedner): people (a common surname and
two given characters), organizations (a place, a word, a kind such as 研究院) and places (a
word and a kind such as 路), written from the characters of the corpus in proportion to their
frequency, with a tenth of the entries ``force``, a twentieth ``block`` and the rest
``prefer``; a few hundred carry ids. Loading (reading and compiling) is timed in a fresh
process each time: wall and CPU seconds, and the growth of its resident memory. Tagging runs
the corpus through one :class:`~seedner.api.Extractor` without and one with the dictionary,
alternately, three times each, taking turns to go first (ratios of the best and of the median
times); then the two take turns five documents at a time (the ratio of the sums: other
processes slow both alike); and the dictionary step is timed alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from itertools import accumulate
from pathlib import Path
from statistics import median

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
MSRA_DEV = REPO.parent / "shared" / "datasets" / "msra" / "dev.tsv"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PLACES = _words("北京 上海 广州 深圳 天津 重庆 南京 杭州 成都 武汉 西安 苏州 长沙 青岛 厦门")
ORG_KINDS = _words("公司 集团 研究院 研究所 大学 学院 中心 协会 委员会 实验室 银行 医院")
LOC_KINDS = _words("路 街 村 镇 县 山 湖 河 湾 岛 园区 新区")

# Run in a fresh interpreter: the dictionary's load time and the memory it adds.
LOAD = """
import json, os, sys, time
def rss():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) * 1024
from seedner.dicts import load_dictionary
from seedner.text.normalize import fold_text
fold_text("x")  # the fold table is the model's too: built before the clock starts
before, wall, cpu = rss(), time.perf_counter(), time.process_time()
d = load_dictionary([sys.argv[1]])
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"wall": wall, "cpu": cpu, "rss": rss() - before, "entries": len(d),
                  "warning": d.warning()}))
"""


def corpus_characters(texts: list[str]) -> tuple[list[str], list[int]]:
    """The 3,000 commonest Chinese characters of ``texts`` and their cumulative counts."""
    counts = Counter(ch for text in texts for ch in text if "\u4e00" <= ch <= "\u9fff")
    chars, weights = zip(*counts.most_common(3000))
    return list(chars), list(accumulate(weights))


def make_dictionary(path: Path, entries: int, texts: list[str], seed: int = 7) -> None:
    """``entries`` distinct surfaces, written as TSV (see the module docstring)."""
    rng = random.Random(seed)
    chars, cumulative = corpus_characters(texts)

    def word(n: int) -> str:
        return "".join(rng.choices(chars, cum_weights=cumulative, k=n))

    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as out:
        out.write("# synthetic names for benchmarks/dictionary.py\n")
        while len(seen) < entries:
            roll = rng.random()
            if roll < 0.7:
                surface, kind = rng.choice(SURNAMES) + word(2), "PER"
            elif roll < 0.9:
                surface = rng.choice(PLACES) + word(rng.choice((2, 3))) + rng.choice(ORG_KINDS)
                kind = "ORG"
            else:
                surface, kind = word(rng.choice((2, 3))) + rng.choice(LOC_KINDS), "LOC"
            if surface in seen:
                continue
            seen.add(surface)
            mode = rng.random()
            if mode < 0.1:
                out.write(f"{surface}\t{kind}\tforce\n")
            elif mode < 0.15:
                out.write(f"{surface}\t{kind}\tblock\n")
            elif mode < 0.1503:
                out.write(f"{surface}\t{kind}\tprefer\t{surface}(id)\n")
            else:
                out.write(f"{surface}\t{kind}\n")


def corpus(name: str) -> list[str]:
    """Documents of about 2,000 characters: the MSRA dev sentences, or the seeds 20 times."""
    if name == "msra" and MSRA_DEV.is_file():
        sentences, chars = [], []
        for line in MSRA_DEV.read_text(encoding="utf-8").splitlines():
            if line.strip():
                chars.append(line.split("\t")[0])
            elif chars:
                sentences.append("".join(chars))
                chars = []
        docs, current = [], ""
        for sentence in sentences:
            current += sentence
            if len(current) >= 2000:
                docs.append(current)
                current = ""
        return docs + ([current] if current else [])
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] * 20


def load_in_fresh_process(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", LOAD, str(path)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def interleaved_ratio(without: object, with_: object, docs: list, repeats: int) -> float:
    """Total time with over total time without, the two extractors taking turns on groups of
    five documents (each first every other group), ``repeats`` times over: a busy machine slows
    both alike."""
    totals = {"without": 0.0, "with": 0.0}
    pair = [("without", without), ("with", with_)]
    for _ in range(repeats):
        for i in range(0, len(docs), 5):
            group = docs[i : i + 5]
            pair.reverse()  # each goes first every other time: no bias from the order
            for name, extractor in pair:
                started = time.perf_counter()
                extractor.run(group)  # type: ignore[attr-defined]
                totals[name] += time.perf_counter() - started
    return totals["with"] / totals["without"]


def dictionary_step(extractor: object, texts: list[str], repeats: int) -> float:
    """The best time of the dictionary's own work on ``texts``: matching, block, force and
    prefer on each normalized text (no model mentions: the matches are the same)."""
    from seedner.rules.dictionary import apply_dictionary
    from seedner.text.normalize import normalize

    dictionary = extractor.dictionary  # type: ignore[attr-defined]
    normalized = [normalize(t).text for t in texts]
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for text in normalized:
            apply_dictionary(text, [], dictionary)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--corpus", choices=("msra", "seeds"), default="msra")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--markdown", type=Path, help="also write the results here")
    args = parser.parse_args()

    from seedner.api import Extractor
    from seedner.types import Document

    texts = corpus(args.corpus)
    docs = [Document(str(i), t) for i, t in enumerate(texts)]
    size = sum(map(len, texts))
    lines = [
        f"# User dictionary of {args.entries:,} entries ({dt.date.today()})",
        "",
        f"`python benchmarks/dictionary.py --entries {args.entries} --corpus {args.corpus}`"
        f" on {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} at the start).",
        "",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "names.tsv"
        started = time.perf_counter()
        make_dictionary(path, args.entries, texts)
        made = time.perf_counter() - started
        lines += [
            f"Dictionary: {path.stat().st_size / 1e6:.1f} MB of TSV, made in {made:.1f} s.",
            "",
            "| load (a fresh process each) | wall s | CPU s | resident memory added |",
            "|---|---:|---:|---:|",
        ]
        for _ in range(args.repeats):
            load = load_in_fresh_process(path)
            lines.append(
                f"| read and compiled | {load['wall']:.2f} | {load['cpu']:.2f}"
                f" | {load['rss'] / 1e6:.0f} MB |"
            )
        without, with_ = Extractor(), Extractor(dicts=[str(path)])
        without.run(docs[:3])  # warm up both (first calls build caches)
        with_.run(docs[:3])
        times: dict[str, list[float]] = {"without": [], "with": []}
        cpu: dict[str, list[float]] = {"without": [], "with": []}
        results = {}
        pair = [("without", without), ("with", with_)]
        for _ in range(args.repeats):
            pair.reverse()  # each goes first every other time: no bias from the order
            for name, extractor in pair:
                started, used = time.perf_counter(), time.process_time()
                results[name] = extractor.run(docs)
                times[name].append(time.perf_counter() - started)
                cpu[name].append(time.process_time() - used)
        interleaved = interleaved_ratio(without, with_, docs, args.repeats)
        step = dictionary_step(with_, texts, args.repeats)
    sources = Counter(e.source for r in results["with"] for e in r.entities)
    base, dicted = min(times["without"]), min(times["with"])
    base_cpu, dicted_cpu = min(cpu["without"]), min(cpu["with"])

    def cell(values: list[float]) -> str:
        return " / ".join(f"{t:.2f}" for t in values)

    lines += [
        "",
        f"Tagging {len(docs):,} documents ({size:,} characters, {args.corpus}), best of"
        f" {args.repeats} (wall and CPU seconds of each run, the runs alternating):",
        "",
        "| extractor | wall s | CPU s | chars/s (best wall) | entities |",
        "|---|---|---|---:|---:|",
        f"| without the dictionary | {cell(times['without'])} | {cell(cpu['without'])} |"
        f" {size / base:,.0f} | {sum(len(r.entities) for r in results['without']):,} |",
        f"| with the dictionary | {cell(times['with'])} | {cell(cpu['with'])} |"
        f" {size / dicted:,.0f} | {sum(len(r.entities) for r in results['with']):,} |",
        "",
        f"With / without: **{dicted / base:.3f}** by the best wall times,"
        f" **{dicted_cpu / base_cpu:.3f}** by the best CPU times,"
        f" **{median(times['with']) / median(times['without']):.3f}** by the median wall"
        f" times, **{interleaved:.3f}** by the sums of runs interleaved a few documents at a"
        f" time (which spreads the load of other processes evenly). The dictionary step alone"
        f" (its matching and rules on the"
        f" normalized texts, best of {args.repeats}): {step:.3f} s, {step / base:.1%} of the"
        f" best run without it ({step / size * 1e9:,.0f} ns per character). Entities by source"
        f" with the dictionary: {', '.join(f'{k} {v:,}' for k, v in sorted(sources.items()))}.",
    ]
    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    if args.markdown:
        args.markdown.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
