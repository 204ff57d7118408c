"""Every bad input gets one line on stderr naming it; the good inputs' output is complete."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from seedner.cli import app

from .helpers import seed_text

runner = CliRunner()
GOOD, GOOD_TEXT = seed_text("000")


def _run(*inputs: str) -> tuple[int, list[str], list[dict]]:
    result = runner.invoke(app, ["extract", *inputs, str(GOOD), "-f", "jsonl"])
    lines = [orjson.loads(line) for line in result.stdout.splitlines()]
    return result.exit_code, result.stderr.splitlines(), lines


def _assert_good_output_complete(lines: list[dict], extra: int = 0) -> None:
    assert len(lines) == 1 + extra
    good = lines[-1]
    assert good["id"] == str(GOOD)
    assert any(e["norm"] == "李鹏" and e["type"] == "PER" for e in good["entities"])


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    code, errors, lines = _run(str(missing))
    assert code == 1
    assert errors == [f"seedner: error: {missing}: no such file or directory"]
    _assert_good_output_complete(lines)


def test_directory_without_matching_files(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("上海", encoding="utf-8")
    code, errors, lines = _run(str(tmp_path))
    assert code == 1
    assert errors == [f"seedner: error: {tmp_path}: no files matching '*.txt' in this directory"]
    _assert_good_output_complete(lines)


def test_binary_file(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20)
    code, errors, lines = _run(str(binary))
    assert code == 1
    assert errors == [f"seedner: error: {binary}: binary file (NUL bytes)"]
    _assert_good_output_complete(lines)


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root reads files whatever their mode; this kernel file refuses every read instead.
        unreadable = Path("/proc/self/mem")
    else:
        unreadable = tmp_path / "secret.txt"
        unreadable.write_text("李鹏", encoding="utf-8")
        unreadable.chmod(0)
    code, errors, lines = _run(str(unreadable))
    assert code == 1
    assert len(errors) == 1
    assert errors[0].startswith(f"seedner: error: {unreadable}: cannot read (")
    _assert_good_output_complete(lines)


def test_malformed_jsonl_line_and_record_without_text(tmp_path: Path) -> None:
    records = tmp_path / "docs.jsonl"
    records.write_text(
        '{"id": "ok", "text": "外交部发言人华春莹回答了记者提问。"}\n'
        '{"id": "broken", "text": "上海\n'
        '{"id": "empty-record"}\n'
        '{"id": "ok2", "text": "中国科学院在北京。"}\n',
        encoding="utf-8",
    )
    code, errors, lines = _run(str(records))
    assert code == 1
    assert len(errors) == 2
    assert errors[0].startswith(f"seedner: error: {records}:2: malformed JSON")
    assert errors[1] == f'seedner: error: {records}:3: record has no "text" string'
    assert [line["id"] for line in lines[:2]] == ["ok", "ok2"]
    _assert_good_output_complete(lines, extra=2)


def test_empty_file_is_not_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, errors, lines = _run(str(empty))
    assert code == 0 and errors == []
    assert lines[0] == {"id": str(empty), "entities": []}
    _assert_good_output_complete(lines, extra=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--types", "PER,XYZ"], "unknown entity type(s) XYZ"),
        (["--ref-date", "2023-13-01"], "reference date '2023-13-01' is not a date YYYY-MM-DD"),
        (["--resume"], "--resume needs -o FILE"),
        (["--model", "/no/such/model"], "model '/no/such/model': no saved HanLP component"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["extract", str(GOOD), *args])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr
    assert result.stdout == ""


def test_resume_skips_done_documents_and_repairs_a_cut_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    (seeds_dir := GOOD.parent)
    first = runner.invoke(app, ["extract", str(seeds_dir), "-o", str(out)])
    assert first.exit_code == 0
    full = out.read_bytes().splitlines(keepends=True)
    # An interrupted run: two complete lines and half of the third.
    out.write_bytes(full[0] + full[1] + full[2][:40])
    again = runner.invoke(app, ["extract", str(seeds_dir), "-o", str(out), "--resume"])
    assert again.exit_code == 0
    assert out.read_bytes().splitlines(keepends=True) == full
