"""Throughput and peak memory of `seedner extract` as the corpus grows: one worker, the `auto`
default, a number of workers, and the Ray engine, each run as its own command.

    python benchmarks/scale.py                           # 10 MB and 100 MB: 1, auto, ray
    python benchmarks/scale.py --sizes 10,100,1000       # ... and 1 GB
    python benchmarks/scale.py --sizes 10 --configs 1,2,auto,ray

The corpus is one JSON Lines file of records of about 2,000 characters, made by repeating the
paragraphs of seeds/ (public news text) until the file has the size asked for (MB of UTF-8);
it is built once in --work-dir and reused. Speed is characters of input text per second of
wall time, start-up included. CPU seconds are those of the command and of the worker
processes it waited for (not shown for Ray, whose actors it does not wait for): on a busy
machine they compare the work done where wall times compare the share of the CPUs won. Peak
memory is the largest sum, sampled twice a second, of the proportional set size (PSS: shared
pages split between the processes sharing them) of the command and all its descendants:
worker processes, and Ray's own processes when the command starts Ray. Every
configuration's output is compared byte for byte with the first one's. Linux only (it reads
/proc).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
RECORD_CHARS = 2000


def build_corpus(path: Path, megabytes: float) -> tuple[int, int]:
    """Records of seed paragraphs up to ``megabytes`` of UTF-8; (records, characters)."""
    paragraphs = [
        line
        for seed in sorted((ROOT / "seeds").glob("*.txt"))
        for line in seed.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    limit = int(megabytes * 1_000_000)
    written = records = chars = 0
    text: list[str] = []
    size = 0
    tmp = path.with_suffix(".part")
    with open(tmp, "wb") as out:
        while written < limit:
            for paragraph in paragraphs:
                text.append(paragraph)
                size += len(paragraph) + 1
                if size >= RECORD_CHARS:
                    body = "\n".join(text)
                    line = orjson.dumps({"id": records, "text": body}) + b"\n"
                    out.write(line)
                    written += len(line)
                    records += 1
                    chars += len(body)
                    text, size = [], 0
                    if written >= limit:
                        break
    tmp.rename(path)
    return records, chars


def corpus_chars(path: Path) -> int:
    with open(path, "rb") as stream:
        return sum(len(orjson.loads(line)["text"]) for line in stream)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_mb(root: int) -> float:
    """PSS of ``root`` and all its descendants, in MB."""
    tree = _children()
    todo, total = [root], 0
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid)
        todo.extend(tree.get(pid, []))
    return total / 1024


def run(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (the command and the descendants it waited for) and peak
    memory (MB, PSS of the process tree) of one command."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT)
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.5):
            peak = max(peak, tree_pss_mb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, code, usage = os.wait4(proc.pid, 0)
    proc.returncode = status = os.waitstatus_to_exitcode(code)
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if status != 0:
        raise SystemExit(f"{' '.join(command)}: exit status {status}")
    return seconds, usage.ru_utime + usage.ru_stime, peak


def command_for(config: str, corpus: Path, out: Path) -> list[str]:
    base = [sys.executable, "-m", "seedner", "extract", str(corpus), "-o", str(out), "-q"]
    if config == "ray":
        return [*base, "--engine", "ray"]
    return [*base, "--workers", config]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100", help="corpus sizes in MB, comma-separated")
    parser.add_argument(
        "--configs", default="1,auto,ray", help="numbers of workers, auto, ray; comma-separated"
    )
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/seedner-scale"))
    args = parser.parse_args()
    from seedner.workers import auto_workers, cpu_count

    args.work_dir.mkdir(parents=True, exist_ok=True)
    configs = args.configs.split(",")
    print(f"{cpu_count()} CPUs; --workers auto = {auto_workers()} here", flush=True)
    rows = []
    for size in (float(s) for s in args.sizes.split(",")):
        corpus = args.work_dir / f"corpus-{size:g}MB.jsonl"
        if not corpus.exists():
            records, chars = build_corpus(corpus, size)
        else:
            chars = corpus_chars(corpus)
            records = corpus.read_bytes().count(b"\n")
        print(f"\n{corpus}: {records:,} records, {chars:,} characters", flush=True)
        first: Path | None = None
        base = None
        for config in configs:
            out = args.work_dir / f"out-{size:g}MB-{config}.jsonl"
            seconds, cpu, peak = run(command_for(config, corpus, out))
            speed = chars / seconds
            base = base or speed
            same = "" if first is None else ("same" if _same(first, out) else "DIFFERENT")
            first = first or out
            row = (f"{size:g} MB", config, seconds, speed, speed / base, cpu, peak, same)
            rows.append(row)
            print(
                f"{row[0]:>8} {config:>5}: {seconds:8.1f} s {speed:10,.0f} chars/s "
                f"(x{row[4]:.2f}) cpu {cpu:8.1f} s peak {peak:7,.0f} MB {same}",
                flush=True,
            )
    print(
        "\n| corpus | configuration | wall s | chars/s | speed vs 1st | CPU s "
        "| peak memory | output |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for size_label, config, seconds, speed, ratio, cpu, peak, same in rows:
        print(
            f"| {size_label} | {config} | {seconds:,.0f} | {speed:,.0f} | {ratio:.2f} "
            f"| {'-' if config == 'ray' else f'{cpu:,.0f}'} | {peak:,.0f} MB "
            f"| {same or 'reference'} |"
        )


def _same(a: Path, b: Path) -> bool:
    with open(a, "rb") as x, open(b, "rb") as y:
        while True:
            left, right = x.read(1 << 20), y.read(1 << 20)
            if left != right:
                return False
            if not left:
                return True


if __name__ == "__main__":
    main()
