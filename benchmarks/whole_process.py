"""Whole-process timing: one tool, one folder of documents, start-up included.

seedner runs as its users run it, ``seedner extract FOLDER -f jsonl``; each peer runs as
``python benchmarks/extract_folder.py TOOL FOLDER``. Wall time counts from process start to
exit (interpreter start, imports, model load, reading, extraction, writing JSON Lines);
peak memory is the process's own ``ru_maxrss``, from ``os.wait4``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def seedner_command() -> list[str]:
    script = Path(sys.executable).with_name("seedner")  # the console script of this venv
    return [str(script)] if script.is_file() else [sys.executable, "-m", "seedner"]


def tool_command(tool: str, folder: Path, seedner_model: str, chinesener_batch: int) -> list[str]:
    if tool == "seedner":
        cmd = [*seedner_command(), "extract", str(folder), "-f", "jsonl", "-q"]
        return cmd if seedner_model == "embedded" else [*cmd, "--model", seedner_model]
    cmd = [sys.executable, str(HERE / "extract_folder.py"), tool, str(folder)]
    return cmd if tool != "chinesener" else [*cmd, "--chinesener-batch", str(chinesener_batch)]


def tool_env(torch_threads: int | None) -> dict[str, str]:
    env = dict(os.environ)
    src = str(REPO / "src")  # seedner from the checkout when it is not installed
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), src) if p)
    if torch_threads is not None:
        env["OMP_NUM_THREADS"] = str(torch_threads)
    return env


def run_whole_process(
    cmd: list[str], env: dict[str, str], documents: int, chars: int, timeout: float
) -> dict[str, Any]:
    """Run ``cmd`` once; its JSON Lines must hold one line per document."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        lines = sum(1 for _ in out)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-15:]
    result: dict[str, Any] = {"command": cmd, "exit": proc.returncode}
    if proc.returncode != 0 or lines != documents:
        why = f"exit {proc.returncode}, {lines} of {documents} lines written"
        result["error"] = f"{why}: {tail[-1]}" if tail else why
        result["stderr_tail"] = tail
        return result
    result.update(
        wall_s=wall,
        documents=documents,
        chars=chars,
        chars_per_s=chars / wall,
        peak_rss_mb=usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 1024),
    )
    return result
