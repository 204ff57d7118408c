"""Terminal and command-line details: progress on a terminal, pipes, version, usage errors,
NUL bytes, broken links, and the README's streaming example."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from seedner import __version__
from seedner.cli import app
from seedner.cli.evaluate import format_scores
from seedner.io.decoding import DecodeError, decode_bytes
from seedner.scoring import score

from .helpers import ROOT, SEEDS, seed_text

runner = CliRunner()
SEEDNER = [sys.executable, "-m", "seedner"]
_CSI_RE = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")


def _screen(raw: str) -> list[str]:
    """What a terminal shows after ``raw``: CR, LF, erase line and cursor up are applied
    (colours and cursor visibility ignored)."""
    lines: list[list[str]] = [[]]
    row = col = 0
    pos = 0
    while pos < len(raw):
        found = _CSI_RE.match(raw, pos)
        if found:
            args, command = found.groups()
            if command == "K" and args == "2":
                lines[row] = []
            elif command == "A":
                row = max(0, row - int(args or 1))
            pos = found.end()
            continue
        ch = raw[pos]
        pos += 1
        if ch == "\r":
            col = 0
        elif ch == "\n":
            row += 1
            col = 0
            if row == len(lines):
                lines.append([])
        else:
            line = lines[row]
            line.extend(" " * (col - len(line)))
            line[col : col + 1] = [ch]
            col += 1
    return ["".join(line).rstrip() for line in lines]


def _run_on_terminal(args: list[str]) -> str:
    """Run seedner with stdout and stderr on one pseudo-terminal; everything it drew."""
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [*SEEDNER, *args],
        stdout=follower,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=300) == 0
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def terminal_run() -> tuple[str, list[str]]:
    raw = _run_on_terminal(["extract", str(SEEDS.relative_to(ROOT))])
    return raw, _screen(raw)


def test_progress_is_cleared_before_each_table(terminal_run: tuple[str, list[str]]) -> None:
    raw, screen = terminal_run
    assert "documents ·" in raw  # the display was drawn ...
    assert not any("documents ·" in line for line in screen)  # ... and nothing of it is left
    titles = [line for line in screen if re.search(r"\.txt  \(\d+ mentions", line)]
    assert len(titles) == 5
    assert all(line.startswith("seeds/") for line in titles)  # nothing glued in front


def test_progress_shows_totals_and_the_run_ends_with_a_summary_line(
    terminal_run: tuple[str, list[str]],
) -> None:
    raw, screen = terminal_run
    total_bytes = sum(p.stat().st_size for p in SEEDS.glob("*.txt"))
    assert "/5 documents" in raw
    assert re.search(r"\d+%", raw)
    assert f"/{total_bytes / 1000:.1f}" in raw  # bytes done / total, in kB
    assert re.search(r"-:--:--|\d:\d\d:\d\d", raw)  # the time left
    last = screen[-1] if screen[-1] else screen[-2]
    assert re.fullmatch(
        r"seedner: 5 documents, [\d,]+ entities, [\d,]+ characters in [\d.]+ s "
        r"\([\d,]+ chars/s\), 0 inputs failed",
        last,
    )


@pytest.mark.parametrize("fmt", ["jsonl", "table"])  # rich's own handler would exit 1
def test_closed_pipe_exits_0_under_pipefail(fmt: str) -> None:
    command = f"set -o pipefail; {sys.executable} -m seedner extract {SEEDS} -f {fmt} | head -n 1"
    proc = subprocess.run(
        ["bash", "-c", command], capture_output=True, cwd=ROOT, check=False, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(b"\n") == 1
    assert proc.stderr == b""


def test_version_and_short_help() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"seedner {__version__}\n"
    short = runner.invoke(app, ["extract", "-h"])
    assert short.exit_code == 0
    assert "--encoding" in short.stdout and "--format" in short.stdout


def test_unknown_encoding_is_a_usage_error_before_any_work() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from seedner.cli import app; "
        "r = CliRunner().invoke(app, ['extract', 'seeds', '--encoding', 'utf-9']); "
        "print(r.exit_code, repr(r.stderr), repr(r.stdout)); "
        "assert 'torch' not in sys.modules, 'the model was loaded'"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == (
        "2 \"seedner: error: --encoding: unknown encoding 'utf-9'\\n\" ''"
    )


def test_codec_that_is_not_a_text_encoding_is_a_usage_error() -> None:
    result = runner.invoke(app, ["extract", str(SEEDS), "--encoding", "base64"])
    assert result.exit_code == 2
    assert result.stderr == "seedner: error: --encoding: 'base64' is not a text encoding\n"


@pytest.mark.parametrize("value", ["", " , "])
def test_empty_types_is_a_usage_error(value: str) -> None:
    result = runner.invoke(app, ["extract", str(SEEDS), "--types", value])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "no entity type given" in result.stderr


def test_nul_byte_in_text_keeps_the_document_with_exact_offsets(tmp_path: Path) -> None:
    _, seed = seed_text("000")
    text = "国务院总理李\0鹏今天在北京会见了联合国秘书长。\n" + seed
    path = tmp_path / "damaged.txt"
    path.write_bytes(text.encode("utf-8"))
    result = runner.invoke(app, ["extract", str(path), "-f", "jsonl"])
    assert result.exit_code == 0
    assert result.stderr == (
        f"seedner: warning: {path}: NUL character in the text (1), read as spaces;"
        " offsets count them\n"
    )
    (record,) = [orjson.loads(line) for line in result.stdout.splitlines()]
    for e in record["entities"]:
        assert text[e["start"] : e["end"]] == e["text"]
    # the NUL reads as a space, and a space inside a name is padding: one person
    assert {"text": "李\0鹏", "norm": "李鹏", "type": "PER"}.items() <= next(
        e for e in record["entities"] if e["start"] == 5
    ).items()


def test_only_files_mostly_not_text_are_binary() -> None:
    text = "上海市科学技术委员会发布通知。" * 20
    data = text.encode("gb18030")
    padded = data[:40] + b"\0" * 30 + data[40:]  # a run of NULs inside GB18030 text
    assert decode_bytes(padded) == (text[:20] + "\0" * 30 + text[20:], "gb18030")
    with pytest.raises(DecodeError, match="binary file"):
        decode_bytes(data[:40] + b"\0" * 40)  # half NULs
    with pytest.raises(DecodeError, match="binary file"):
        decode_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4)


def test_broken_link_in_a_folder_is_reported(tmp_path: Path) -> None:
    path, _ = seed_text("000")
    (tmp_path / "good.txt").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    result = runner.invoke(app, ["extract", str(tmp_path), "-f", "jsonl"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"seedner: error: {tmp_path / 'gone.txt'}: broken symbolic link"
        f" (its target {tmp_path / 'deleted.txt'} does not exist)\n"
    )
    assert [orjson.loads(line)["id"] for line in result.stdout.splitlines()] == [
        str(tmp_path / "good.txt")
    ]


def test_readme_documents_the_result_types_and_its_streaming_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Python API") :]
    for name in ("DocumentResult", "Entity", "iter_results"):
        assert f"`{name}" in section, name
    (example,) = [b for b in re.findall(r"```python\n(.*?)```", section, re.S) if "iter_re" in b]
    proc = subprocess.run(
        [sys.executable, "-c", example], cwd=ROOT, capture_output=True, text=True, check=True
    )
    lines = proc.stdout.splitlines()
    assert [line.split()[0] for line in lines] == sorted(
        str(p.relative_to(ROOT)) for p in SEEDS.glob("*.txt")
    )
    assert all(int(line.split()[1]) > 0 for line in lines)


@pytest.mark.parametrize(
    "command", [[], ["extract"], ["summary"], ["evaluate"], ["models"], ["train"]], ids=str
)
def test_help_shows_plain_metavars(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    text = result.stdout
    assert "Usage: seedner" in text
    assert not re.search(r"<(bool|str|int|float|path|dir|file|list)\b[^>]*>", text), text
    assert not re.search(r"\{\w+\}", text), text  # no {inputs} in the usage line
    # a flag has no metavar: its help follows its names directly
    assert re.search(r"--help\s+-h\s+Show this message and exit", text), text


def test_help_names_arguments_and_values_as_metavars() -> None:
    extract = runner.invoke(app, ["extract", "--help"], env={"COLUMNS": "100"}).stdout
    assert "Usage: seedner extract [OPTIONS] INPUTS..." in extract
    assert re.search(r"\*\s+INPUTS\.\.\.\s+Files, folders", extract)
    assert re.search(r"--format\s+-f\s+\[table\|jsonl\|csv\|html\]\s", extract)
    assert re.search(r"--glob\s+TEXT\s", extract)
    assert re.search(r"--output\s+-o\s+PATH\s", extract)
    assert re.search(r"--quiet\s+-q\s+No progress", extract)
    assert re.search(r"--resume\s+--no-resume\s+With -o FILE", extract)
    summary = runner.invoke(app, ["summary", "--help"], env={"COLUMNS": "100"}).stdout
    assert "Usage: seedner summary [OPTIONS] [FILE]..." in summary
    assert re.search(r"--top\s+-n\s+N \[x>=1\]\s", summary)
    train = runner.invoke(app, ["train", "--help"], env={"COLUMNS": "100"}).stdout
    assert "Usage: seedner train [OPTIONS] TRAIN DEV" in train


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["extract", str(SEEDS), "-f", "xml"], "invalid value for '--format' / '-f': 'xml'"),
        (["extract", str(SEEDS), "--bogus"], "no such option: --bogus"),
        (["extract", str(SEEDS), "--types"], "option '--types' requires an argument"),
        (["extract"], "missing argument 'INPUTS...'"),
        (["evaluate"], "missing argument 'GOLD'"),
        (["summary", "-n", "0"], "invalid value for '--top' / '-n'"),
        (["train", "a.tsv"], "missing argument 'DEV'"),
        (["nosuch"], "no such command 'nosuch'"),
    ],
)
def test_usage_errors_are_one_line_with_status_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"seedner: error: {message}"), line


def test_usage_error_from_the_installed_command() -> None:
    proc = subprocess.run(
        [*SEEDNER, "extract", "seeds", "-f", "xml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        "seedner: error: invalid value for '--format' / '-f':"
        " 'xml' is not one of 'table', 'jsonl', 'csv', 'html'\n"
    )


def test_summary_of_a_text_file_is_one_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("会议纪要\n\n今天上午，李鹏在北京会见了客人。\n" * 20, encoding="utf-8")
    result = runner.invoke(app, ["summary", str(notes), "--json"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"seedner: error: {notes}: not seedner JSON Lines output (line 1: '会议纪要');"
        " summary reads what `seedner extract -f jsonl` writes"
    ]
    assert orjson.loads(result.stdout)["documents"] == 0


def test_evaluate_heading_is_not_wrapped_mid_phrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    gold = Path("msra-dev-first-300-sentences-gold.tsv")  # the heading is wider than the table
    gold.write_text("李\tB-PER\n鹏\tI-PER\n在\tO\n北\tB-LOC\n京\tI-LOC\n\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{gold}: 1 documents, exact span match"
    assert "┏" in lines[1]  # the table follows at once
    long = "/data/corpora/people-daily-1998/annotated/with-a-long-name/dev.tsv"
    scores = score([[(0, 2, "PER")]], [[(0, 2, "PER")]], ["PER"])
    monkeypatch.setenv("COLUMNS", "80")
    format_scores(scores, long)
    assert capsys.readouterr().out.splitlines()[:2] == [f"{long}:", "1 documents, exact span match"]
