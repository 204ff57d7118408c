"""Throughput and peak memory of `seedner extract` as the corpus grows: one worker, the `auto`
default, a number of workers, the Ray engine and the Spark engine (on `local[2]`), each run as
its own command.

    python benchmarks/scale.py                           # 10 MB and 100 MB: 1, auto, ray
    python benchmarks/scale.py --sizes 10,100,1000       # ... and 1 GB
    python benchmarks/scale.py --sizes 10 --configs 1,2,auto,ray
    python benchmarks/scale.py --sizes 10 --configs 1,spark

The table is printed and written to benchmarks/results/scale-DATE.md (--results), with the
command, the CPUs and what --workers auto chose; the README's *Scaling* table is that file.

The corpus is one JSON Lines file of records of about 2,000 characters, made by repeating the
paragraphs of seeds/ (public news text) until the file has the size asked for (MB of UTF-8);
it is built once in --work-dir and reused. Speed is characters of input text per second of
wall time, start-up included. Every half second the command and all its descendants (worker
processes; Ray's own processes and actors when the command starts Ray) are sampled: their
CPU time, summed (on a busy machine CPU time compares the work done, where wall time
compares the share of the CPUs won; Spark's JVM and Python workers are descendants too), and
the sum of their proportional set sizes (PSS: shared pages split between the processes
sharing them), whose peak is the peak memory,
given also for the first and second half of the run (by output written): flat memory has
the same peak in both halves. Every configuration's output is compared byte for byte with
the first one's. Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
RECORD_CHARS = 2000
SPARK_MASTER = "local[2]"


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


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def sample_tree(root: int) -> tuple[float, dict[int, int]]:
    """PSS (MB) of ``root`` and all its descendants, and the CPU ticks of each of them."""
    tree = _children()
    todo, pss, ticks = [root], 0, {}
    while todo:
        pid = todo.pop()
        pss += _pss_kb(pid)
        ticks[pid] = _cpu_ticks(pid)
        todo.extend(tree.get(pid, []))
    return pss / 1024, ticks


@dataclass
class Measure:
    seconds: float
    cpu_seconds: float  # all processes of the tree, sampled: each one's last 0.5 s may be missed
    peak_mb: float
    peak_first_half_mb: float  # while the first half of the output (in bytes) was written
    peak_second_half_mb: float


def run(command: list[str], out: Path) -> Measure:
    """Time, CPU time and memory of one command and every process it starts."""
    out.unlink(missing_ok=True)  # a previous run's file would count as output written
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT)
    samples: list[tuple[int, float]] = []  # (output bytes so far, PSS MB)
    ticks: dict[int, int] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.5):
            pss, now = sample_tree(proc.pid)
            for pid, value in now.items():
                ticks[pid] = max(ticks.get(pid, 0), value)
            written = out.stat().st_size if out.exists() else 0
            samples.append((written, pss))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    status = proc.wait()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if status != 0:
        raise SystemExit(f"{' '.join(command)}: exit status {status}")
    half = out.stat().st_size / 2
    first = [pss for written, pss in samples if written <= half] or [0.0]
    second = [pss for written, pss in samples if written > half] or [0.0]
    cpu = sum(ticks.values()) / os.sysconf("SC_CLK_TCK")
    return Measure(seconds, cpu, max(first + second), max(first), max(second))


def command_for(config: str, corpus: Path, out: Path) -> list[str]:
    base = [sys.executable, "-m", "seedner", "extract", str(corpus), "-o", str(out), "-q"]
    if config == "ray":
        return [*base, "--engine", "ray"]
    if config == "spark":
        return [*base, "--engine", "spark", "--spark-master", SPARK_MASTER]
    return [*base, "--workers", config]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100", help="corpus sizes in MB, comma-separated")
    parser.add_argument(
        "--configs",
        default="1,auto,ray",
        help="numbers of workers, auto, ray, spark; comma-separated",
    )
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/seedner-scale"))
    parser.add_argument(
        "--results", type=Path, default=ROOT / "benchmarks" / "results", help="where the table goes"
    )
    args = parser.parse_args()
    from seedner.run.workers import auto_workers, cpu_count

    args.work_dir.mkdir(parents=True, exist_ok=True)
    configs = args.configs.split(",")
    machine = f"{cpu_count()} CPUs; --workers auto = {auto_workers()} here"
    print(machine, flush=True)
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
            m = run(command_for(config, corpus, out), out)
            speed = chars / m.seconds
            base = base or speed
            same = "" if first is None else ("same" if _same(first, out) else "DIFFERENT")
            first = first or out
            rows.append((f"{size:g} MB", config, m, speed, speed / base, same))
            print(
                f"{size:g} MB {config:>5}: {m.seconds:8.1f} s {speed:10,.0f} chars/s "
                f"(x{speed / base:.2f}) cpu {m.cpu_seconds:8.1f} s peak {m.peak_mb:7,.0f} MB "
                f"(1st half {m.peak_first_half_mb:,.0f}, 2nd {m.peak_second_half_mb:,.0f}) {same}",
                flush=True,
            )
    lines = [
        "| corpus | configuration | wall s | chars/s | speed vs 1st | CPU s "
        "| peak memory, all processes (1st half / 2nd half of the run) | output |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for size_label, config, m, speed, ratio, same in rows:
        lines.append(
            f"| {size_label} | {_config_label(config)} | {m.seconds:,.0f} | {speed:,.0f} "
            f"| {ratio:.2f} | {m.cpu_seconds:,.0f} | {m.peak_mb:,.0f} MB "
            f"({m.peak_first_half_mb:,.0f} / {m.peak_second_half_mb:,.0f}) "
            f"| {same or 'reference'} |"
        )
    table = "\n".join(lines)
    print("\n" + table)
    args.results.mkdir(parents=True, exist_ok=True)
    report = args.results / f"scale-{time.strftime('%Y-%m-%d')}.md"
    command = " ".join(["python benchmarks/scale.py", *sys.argv[1:]])
    report.write_text(f"`{command}`: {machine}.\n\n{table}\n", encoding="utf-8")
    print(f"\nwritten to {report}")


def _config_label(config: str) -> str:
    if config == "ray":
        return "`--engine ray`"
    if config == "spark":
        return f"`--engine spark --spark-master {SPARK_MASTER}`"
    if config == "auto":
        from seedner.run.workers import auto_workers

        return f"`--workers auto` ({auto_workers()})"
    return "1 process" if config == "1" else f"`--workers {config}`"


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
