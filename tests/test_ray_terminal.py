"""--engine ray on a terminal: progress and the closing summary line on stderr, JSON Lines on
stdout, and no Ray process left once the run returns.

One run, in a child process whose stdout and stderr are pseudo-terminals, serves every test here:
each start of Ray costs seconds.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass

import pytest

from .helpers import ROOT, SEEDS, seed_text

pytest.importorskip("ray.data", reason='the Ray engine needs pip install "seedner[ray]"')
pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="pseudo-terminals and a child subreaper: Linux"
)

# The child: run_ray with what the CLI passes for `seedner extract SEEDS records.jsonl missing.txt
# --engine ray` on a terminal (no -f: JSON Lines; no -q), then a report of the processes still
# alive under it.
# As a subreaper it adopts any orphaned descendant (a worker whose raylet is gone), so the
# report sees every process Ray left behind, not only those still under their parent.
_RUN = """
import ctypes, json, sys, threading, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
from seedner.run.progress import ErrorLog
from seedner.run.options import ExtractOptions, RunOptions
from seedner.run.ray_engine import run_ray
import ray, psutil  # psutil: shipped with Ray

def alive():
    names = []
    for process in psutil.Process().children(recursive=True):
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                names.append(" ".join(process.cmdline()) or process.name())
        except psutil.Error:
            pass
    return names

seen, running = set(), True
def watch():
    while running:
        seen.update(name.split()[0].rsplit("/", 1)[-1] for name in alive())
        time.sleep(0.2)
watcher = threading.Thread(target=watch, daemon=True)
watcher.start()
status = run_ray(
    RunOptions(ExtractOptions(), engine="ray", workers=1), sys.argv[2:], None, done=set(),
    fmt="jsonl", on_error=ErrorLog(), on_warning=print, quiet=False,
)
left = alive()
running = False
watcher.join()
with open(sys.argv[1], "w") as report:
    json.dump({"status": status, "left": left, "seen": sorted(seen)}, report)
"""

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SUMMARY = re.compile(
    r"seedner: 8 documents, [\d,]+ entities, [\d,]+ characters in [\d.]+ s "
    r"\([\d,]+ chars/s\), 1 input failed"
)


@dataclass
class TerminalRun:
    stdout: str
    stderr: str
    report: dict
    seconds: float


def _terminal() -> tuple[int, int]:
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    return main, child


@pytest.fixture(scope="module")
def terminal_run(tmp_path_factory: pytest.TempPathFactory) -> TerminalRun:
    folder = tmp_path_factory.mktemp("terminal")
    report = folder / "report.json"
    paragraphs = [p for p in seed_text("001")[1].split("\n") if p.strip()][:3]
    records = "".join(
        json.dumps({"id": f"p{i}", "text": p}) + "\n" for i, p in enumerate(paragraphs)
    )
    (folder / "records.jsonl").write_text(records, encoding="utf-8")
    (out, out_child), (err, err_child) = _terminal(), _terminal()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TERM": "xterm-256color"}
    env.pop("RAY_ADDRESS", None)  # a local Ray, started and stopped by the run
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", _RUN, str(report), str(SEEDS), "records.jsonl", "missing.txt"],
        stdin=subprocess.DEVNULL,
        stdout=out_child,
        stderr=err_child,
        env=env,
        cwd=folder,
    )
    os.close(out_child)
    os.close(err_child)
    data = {out: b"", err: b""}
    reading = set(data)
    try:
        while reading:
            assert time.monotonic() - started < 300, "no end within 300 s"
            ready = select.select(list(reading), [], [], 0.2)[0]
            for fd in ready:
                try:
                    chunk = os.read(fd, 1 << 16)
                except OSError:  # EIO: no process holds the terminal any more
                    chunk = b""
                data[fd] += chunk
                if not chunk:
                    reading.discard(fd)
            if not ready and proc.poll() is not None:
                break
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        seconds = time.monotonic() - started
        os.close(out)
        os.close(err)
    stdout, stderr = (
        ANSI.sub("", data[fd].decode("utf-8", "replace").replace("\r\n", "\n")) for fd in (out, err)
    )
    assert report.exists(), stderr
    return TerminalRun(stdout, stderr, json.loads(report.read_text()), seconds)


def test_ray_progress_and_summary_line_on_a_terminal(terminal_run: TerminalRun) -> None:
    stderr = terminal_run.stderr
    # the listing error first, then the live display (redrawn with \r), then the summary line
    assert stderr.startswith("seedner: error: missing.txt: "), stderr
    assert "starting Ray" in stderr
    # counts as batches arrive, and every input byte done by the end
    assert re.search(r"[1-9]\d* documents · [\d,]+ entities", stderr), stderr
    assert re.search(r"100% ([\d.]+)/\1 kB", stderr), stderr
    last = stderr.rstrip("\n").rsplit("\n", 1)[-1].rsplit("\r", 1)[-1]
    assert SUMMARY.fullmatch(last), stderr


def test_ray_writes_json_lines_to_a_terminal(terminal_run: TerminalRun) -> None:
    lines = terminal_run.stdout.splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert ids == [*map(str, sorted(SEEDS.glob("*.txt"))), "p0", "p1", "p2"]
    assert terminal_run.report["status"] == 1  # missing.txt


def test_no_ray_process_outlives_the_run(terminal_run: TerminalRun) -> None:
    seen = terminal_run.report["seen"]
    assert "raylet" in seen and any(name.startswith("ray::") for name in seen), seen
    assert terminal_run.report["left"] == []
