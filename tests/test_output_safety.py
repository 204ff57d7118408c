"""``-o FILE`` is checked before any work and never destroys what the user gave: not an input,
not a file that is not seedner output; a write that fails leaves whole records to resume from."""

from __future__ import annotations

import os
import pty
import resource
import select
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from seedner.cli import app

from .helpers import ROOT, SEEDS

runner = CliRunner()


def _one_error(stderr: str, *parts: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("seedner: error: "), stderr
    for part in parts:
        assert part in lines[0], stderr


def _copy_seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_output_naming_an_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    folder = _copy_seeds(tmp_path)
    target = sorted(folder.glob("*.txt"))[0]
    before = target.read_bytes()
    for inputs in ([str(folder)], [str(target)]):
        result = runner.invoke(app, ["extract", *inputs, "-f", "jsonl", "-o", str(target)])
        assert result.exit_code == 2
        _one_error(result.stderr, str(target), "is one of the inputs")
        assert target.read_bytes() == before
    # the same file by another name
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    result = runner.invoke(app, ["extract", str(folder), "-o", str(link)])
    assert result.exit_code == 2 and target.read_bytes() == before


@pytest.mark.parametrize(
    ("where", "cause"),
    [("missing/out.jsonl", "no such file or directory"), ("/proc/version", "cannot write")],
)
def test_unwritable_output_is_one_line_before_any_work(
    tmp_path: Path, where: str, cause: str
) -> None:
    if where.startswith("/proc") and not Path(where).exists():
        pytest.skip("no /proc on this system")
    target = tmp_path / where if not where.startswith("/") else Path(where)
    result = runner.invoke(app, ["extract", str(SEEDS), "-o", str(target), "--model", "nonesuch"])
    # refused for the output, before the (unknown) model is even looked at
    assert result.exit_code == 2
    _one_error(result.stderr, str(target), cause)


def test_output_in_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders: the case cannot be made here")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    result = runner.invoke(app, ["extract", str(SEEDS), "-o", str(folder / "out.jsonl")])
    assert result.exit_code == 2
    _one_error(result.stderr, "permission denied")


def test_resume_refuses_a_file_that_is_not_seedner_output(tmp_path: Path) -> None:
    for content in (b"my notes\nmore notes\n", b"my notes, no line end"):
        notes = tmp_path / "notes.txt"
        notes.write_bytes(content)
        result = runner.invoke(app, ["extract", str(SEEDS), "-o", str(notes), "--resume"])
        assert result.exit_code == 2
        _one_error(result.stderr, str(notes), "line 1 is not a seedner record")
        assert notes.read_bytes() == content
    # a seedner file with a foreign line further down names that line
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"id":"a","entities":[]}\n{"id":"b","entities":[]}\nnotes\n')
    result = runner.invoke(app, ["extract", str(SEEDS), "-o", str(out), "--resume"])
    assert result.exit_code == 2
    _one_error(result.stderr, "line 3 is not a seedner record")


def _limit_file_size(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, EFBIG


def test_a_write_that_fails_mid_run_cuts_at_a_record_and_resume_completes(
    tmp_path: Path, seed_jsonl_bytes: bytes
) -> None:
    """A size-limited file stands for a full disk: the run ends with one line, the file
    holds whole records only, and ``--resume`` completes it to the full output."""
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "seedner", "extract", str(SEEDS), "-o", str(out), "-q"]
    limit = len(seed_jsonl_bytes) * 2 // 3
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cut = subprocess.run(
        cmd, preexec_fn=lambda: _limit_file_size(limit), capture_output=True, text=True, env=env
    )
    assert cut.returncode == 1
    _one_error(cut.stderr, str(out), "write failed", "--resume")
    data = out.read_bytes()
    assert 0 < len(data) <= limit and data.endswith(b"\n")
    assert seed_jsonl_bytes.startswith(data)  # whole records, the first ones
    again = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert out.read_bytes() == seed_jsonl_bytes


def test_a_full_stdout_is_one_line() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        cut = subprocess.run(
            [sys.executable, "-m", "seedner", "extract", str(SEEDS), "-f", "jsonl"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
    assert cut.returncode == 1
    _one_error(cut.stderr, "<stdout>", "no space left on device")


def test_json_lines_input_shows_a_bar_with_its_size(tmp_path: Path) -> None:
    """With stderr on a terminal, a JSON Lines file's progress has a percentage (its size is
    known) and the run ends with the summary line."""
    records = tmp_path / "docs.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    records.write_bytes(
        b"".join(orjson.dumps({"id": i, "text": t}) + b"\n" for i, t in enumerate(texts))
    )
    main, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "160", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "seedner", "extract", str(records), "-o", str(tmp_path / "o")],
        stderr=secondary,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    os.close(secondary)
    shown = b""
    while True:
        ready, _, _ = select.select([main], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    assert proc.wait(timeout=120) == 0
    text = shown.decode("utf-8", "replace")
    assert "%" in text, text
    assert "seedner: 5 documents" in text, text
