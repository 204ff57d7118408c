"""How long ``seedner extract --model electra-small`` takes to fail without network, with an
empty HanLP cache. The tests check that it fails on the first refused connection, with one
line on stderr; this script times that, the whole process from start to exit.

    python benchmarks/offline_failure.py             # 3 runs
    python benchmarks/offline_failure.py --runs 5

Every request goes to a proxy address that refuses connections at once (127.0.0.1:9).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFUSING_PROXY = "http://127.0.0.1:9"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    command = [sys.executable, "-m", "seedner", "extract", "seeds", "--model", "electra-small"]
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory() as home:
            env = {
                **os.environ,
                "HTTPS_PROXY": REFUSING_PROXY,
                "https_proxy": REFUSING_PROXY,
                "NO_PROXY": "",
                "no_proxy": "",
                "HANLP_HOME": home,
            }
            started = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - started
        lines = done.stderr.splitlines()
        cause = next((line for line in lines if "cannot be downloaded" in line), "")
        cause = cause.partition("cannot be downloaded ")[2].partition(";")[0] or "(no cause)"
        status = f"exit status {done.returncode}, {len(lines)} line(s) on stderr"
        print(f"run {run}: {seconds:.2f} s, {status}: {cause}")


if __name__ == "__main__":
    main()
