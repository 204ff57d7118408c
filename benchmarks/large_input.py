"""Peak memory and time of `seedner extract` on single very large documents and on one very
long sentence, each run in its own process.

    python benchmarks/large_input.py                 # 20 MB and 50 MB one-line documents, and
                                                     # a 10,000-character line without punctuation
    python benchmarks/large_input.py --mb 5          # other sizes
    python benchmarks/large_input.py --src OTHER/src # the same runs with another checkout's code,
                                                     # to compare the output digests

The input is given by its name (the record's id), so digests compare across runs.
A large document is one line (no line breaks: blocks are cut at sentence ends), built from
the seeds with their line breaks removed and a dense roster sentence (names written back to
back, places, an organization) after each seed, so it holds about one entity every 17
characters. The output of each run is summed up by its entity count and a SHA-256 digest.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROSTER = (
    "出席会议的有王小明、李红、张建国、刘伟（女）、陈静，"
    "以及北京市、上海市浦东新区和中国科学院的代表。"
)


def run(path: Path, out: Path, src: Path) -> tuple[float, float, int, str]:
    """Seconds, peak RSS in MB of the extract process, entities and the output's digest."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [
        "/usr/bin/time", "-f", "%M", sys.executable, "-m", "seedner", "extract", path.name,
        "-o", str(out), "-q",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(
        cmd, check=True, env=env, cwd=path.parent, stderr=subprocess.PIPE, text=True
    )
    seconds = time.perf_counter() - started
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    data = out.read_bytes()
    entities = data.count(b'"start":')
    return seconds, peak_kb / 1024, entities, hashlib.sha256(data).hexdigest()[:16]


def one_line_document(path: Path, megabytes: float) -> int:
    """Write a one-line document of about ``megabytes`` MB; its size in bytes."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    unit = "".join("".join(s.split("\n")) + ROSTER * 20 for s in seeds).encode("utf-8")
    target = int(megabytes * 1_000_000)
    with open(path, "wb") as out:
        written = 0
        while written < target:
            out.write(unit)
            written += len(unit)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[20, 50], help="sizes in MB")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the code to run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        long_line = Path(tmp) / "long_line.txt"
        long_line.write_text("李鹏在北京" + "中国科学院上海分院的研究人员" * 715, encoding="utf-8")
        cases = [("10,000-char line, no punctuation", long_line)]
        for mb in args.mb:
            path = Path(tmp) / f"one_line_{mb:g}mb.txt"
            size = one_line_document(path, mb)
            cases.append((f"{size / 1e6:.0f} MB document, one line", path))
        for name, path in cases:
            chars = len(path.read_text(encoding="utf-8"))
            seconds, peak, entities, digest = run(path, Path(tmp) / "out.jsonl", args.src)
            print(
                f"{name}: {chars:,} characters, {seconds:.1f} s, peak RSS {peak:,.0f} MB, "
                f"{entities:,} entities, output sha256 {digest}",
                flush=True,
            )


if __name__ == "__main__":
    main()
