"""Peak memory and time of `seedner extract` on one very large file and on one very long
sentence, each run in its own process.

    python benchmarks/large_input.py            # a 50 MB file built from seeds/, and a
                                                # 10,000-character line without punctuation
    python benchmarks/large_input.py --mb 5     # a smaller file
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(path: Path, out: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS in MB of the extract process, and output lines."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "seedner", "extract", str(path), "-o", str(out), "-q"]
    subprocess.run(cmd, check=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        print("warning: peak RSS not above an earlier child's; figure is a lower bound")
    return seconds, peak / 1024, len(out.read_bytes().splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="size of the large file in MB")
    args = parser.parse_args()
    seeds = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    with tempfile.TemporaryDirectory() as tmp:
        long_line = Path(tmp) / "long_line.txt"
        long_line.write_text("李鹏在北京" + "中国科学院上海分院的研究人员" * 715, encoding="utf-8")
        big = Path(tmp) / "big.txt"
        target = int(args.mb * 1_000_000)
        with open(big, "w", encoding="utf-8") as out:
            written = 0
            while written < target:
                out.write(seeds)
                written += len(seeds.encode("utf-8"))
        cases = [
            ("10,000-char line, no punctuation", long_line),
            (f"{written / 1e6:.0f} MB file", big),
        ]
        for name, path in cases:
            chars = len(path.read_text(encoding="utf-8"))
            seconds, peak, lines = run(path, Path(tmp) / "out.jsonl")
            print(
                f"{name}: {chars:,} characters, {seconds:.1f} s ({chars / seconds:,.0f} chars/s "
                f"including start-up), peak RSS {peak:,.0f} MB, {lines} output line(s)"
            )


if __name__ == "__main__":
    main()
