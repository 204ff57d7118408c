"""Whole-process timing: one tool, one folder of documents, start-up included.

seedner runs as its users run it, ``seedner extract FOLDER -f jsonl``; each peer runs as
``python benchmarks/extract_folder.py TOOL FOLDER``. Wall time counts from process start to
exit (interpreter start, imports, model load, reading, extraction, writing JSON Lines);
peak memory is ``ru_maxrss`` from ``os.wait4`` (the largest single process of the tool's process
tree); on Linux, the peak of the whole tree's summed memory is sampled too (every 0.1 s: the
sum of every process's RSS, and of its PSS, where pages shared between processes, such as
the libraries two worker processes both load, count once in all). CPU time (user + system,
the tool's and its workers') is printed beside wall time: other tenants of a shared VM move it
less.

Run alone, alternating rounds over the big corpus (MSRA train + dev as ~2,000-character
documents) give a ratio that one pair of runs on a shared machine cannot:

    python benchmarks/whole_process.py --tools seedner,chinesener --rounds 5
    python benchmarks/whole_process.py --tools seedner,chinesener,seedner@OTHER_MODEL_DIR
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
    """``seedner@DIR``: seedner with the model in DIR (two models compared in one run);
    ``seedner:PRECISION`` (``seedner:int8``): with that ``SEEDNER_PRECISION``."""
    if tool.startswith("seedner@"):
        tool, seedner_model = "seedner", tool.partition("@")[2]
    if tool.startswith("seedner:"):
        tool = "seedner"
    if tool == "seedner":
        cmd = [*seedner_command(), "extract", str(folder), "-f", "jsonl", "-q"]
        return cmd if seedner_model == "embedded" else [*cmd, "--model", seedner_model]
    cmd = [sys.executable, str(HERE / "extract_folder.py"), tool, str(folder)]
    return cmd if tool != "chinesener" else [*cmd, "--chinesener-batch", str(chinesener_batch)]


def tool_env(torch_threads: int | None, tool: str = "") -> dict[str, str]:
    env = dict(os.environ)
    if tool.startswith("seedner:"):
        env["SEEDNER_PRECISION"] = tool.partition(":")[2]
    src = str(REPO / "src")  # seedner from the checkout when it is not installed
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), src) if p)
    if torch_threads is not None:
        env["OMP_NUM_THREADS"] = str(torch_threads)
    return env


class TreeMemory(threading.Thread):
    """Samples the summed RSS and PSS (MB) of a process and its descendants until stopped."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_rss_mb = self.peak_pss_mb = 0.0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(self.every):
            rss = pss = 0.0
            for pid in self._tree():
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as f:
                        for line in f:
                            if line.startswith(("Rss:", "Pss:")):
                                kb = int(line.split()[1]) / 1024
                                rss, pss = (rss + kb, pss) if line[0] == "R" else (rss, pss + kb)
                except OSError:  # gone, or not Linux
                    continue
            self.peak_rss_mb = max(self.peak_rss_mb, rss)
            self.peak_pss_mb = max(self.peak_pss_mb, pss)

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                children.setdefault(ppid, []).append(int(entry))
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children.get(pid, [])
        return tree

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_whole_process(
    cmd: list[str], env: dict[str, str], documents: int, chars: int, timeout: float
) -> dict[str, Any]:
    """Run ``cmd`` once; its JSON Lines must hold one line per document."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        memory = TreeMemory(proc.pid)
        if sys.platform == "linux":
            memory.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
            if memory.is_alive():
                memory.stop()
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
        # user + system time of the tool and the children it waited for (its workers): less
        # at the mercy of the VM's other tenants than wall time
        cpu_s=usage.ru_utime + usage.ru_stime,
    )
    if memory.peak_rss_mb:
        result.update(tree_rss_mb=memory.peak_rss_mb, tree_pss_mb=memory.peak_pss_mb)
    return result


def main() -> None:
    """Alternating whole-process runs of several tools over the big corpus: on a shared
    machine a single pair of runs can differ by 20%, so the ratio is read over rounds."""
    import argparse
    import statistics

    from ner_data import BIG_CORPUS_SOURCES, corpus_documents, write_documents

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument(
        "--tools",
        default="seedner,chinesener",
        help="comma-separated; seedner@DIR: that model; seedner:int8: that precision",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seedner-model", default="embedded")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument(
        "--chinesener-batch", type=int, default=64, help="sentences per forward pass"
    )
    args = parser.parse_args()
    tools = args.tools.split(",")
    docs = corpus_documents(list(BIG_CORPUS_SOURCES), None)
    chars = sum(map(len, docs))
    times: dict[str, list[float]] = {tool: [] for tool in tools}
    cpu: dict[str, list[float]] = {tool: [] for tool in tools}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "docs"
        write_documents(docs, folder)
        print(f"{len(docs):,} documents, {chars:,} characters; {args.rounds} rounds")
        for round_ in range(1, args.rounds + 1):
            for tool in tools:
                cmd = tool_command(tool, folder, args.seedner_model, args.chinesener_batch)
                env = tool_env(None, tool)
                r = run_whole_process(cmd, env, len(docs), chars, args.timeout)
                if "error" in r:
                    sys.exit(f"{tool}: {r['error']}")
                times[tool].append(r["wall_s"])
                cpu[tool].append(r["cpu_s"])
                print(
                    f"round {round_} {tool}: {r['wall_s']:.1f} s ({r['cpu_s']:.1f} s CPU), "
                    f"largest process "
                    f"{r['peak_rss_mb']:.0f} MB, all processes {r.get('tree_pss_mb', 0):.0f} MB "
                    "(PSS)",
                    flush=True,
                )
    first = tools[0]
    for tool in tools[1:]:
        for label, taken in (
            (f"{first} speed ÷ {tool}", times),
            (f"{tool} CPU time ÷ {first}'s", cpu),
        ):
            pairs = [b / a for a, b in zip(taken[first], taken[tool])]
            print(
                f"{label}: per round "
                + ", ".join(f"{p:.2f}" for p in pairs)
                + f"; median {statistics.median(pairs):.2f}"
            )


if __name__ == "__main__":
    main()
