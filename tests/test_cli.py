"""The command line: formats, inputs, exit codes, and the JSONL contract on the seeds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
from typer.testing import CliRunner

from seedner.cli import app

from .helpers import ROOT, SEEDS, seed_text

runner = CliRunner()


def _jsonl(output: str) -> list[dict]:
    return [orjson.loads(line) for line in output.splitlines()]


def test_seeds_give_one_line_each_with_exact_offsets(seed_jsonl: list[dict]) -> None:
    # seed_jsonl (conftest): the records of `seedner extract seeds/ -f jsonl`
    assert [Path(r["id"]).name for r in seed_jsonl] == sorted(p.name for p in SEEDS.glob("*.txt"))
    total = 0
    for record in seed_jsonl:
        text = Path(record["id"]).read_text(encoding="utf-8")
        starts = [e["start"] for e in record["entities"]]
        assert starts == sorted(starts)
        for e in record["entities"]:
            assert set(e) == {"text", "norm", "type", "label", "start", "end", "source", "score"}
            assert e["type"] in {"PER", "ORG", "LOC", "DATE"}
            assert text[e["start"] : e["end"]] == e["text"]
            total += 1
    assert total > 100


def test_jsonl_is_utf8_without_escapes() -> None:
    result = runner.invoke(app, ["extract", str(SEEDS / "000_7010a327d54ec02f.txt"), "-f", "jsonl"])
    line = result.stdout_bytes.split(b"\n")[0]
    assert b"\\u" not in line
    assert "上海".encode() in line
    assert result.stdout_bytes.endswith(b"\n")


def test_types_filter() -> None:
    path, _ = seed_text("000")
    result = runner.invoke(app, ["extract", str(path), "-f", "jsonl", "--types", "PER,DATE"])
    (record,) = _jsonl(result.stdout)
    kinds = {e["type"] for e in record["entities"]}
    assert kinds == {"PER", "DATE"}


def test_unknown_type_is_a_usage_error() -> None:
    result = runner.invoke(app, ["extract", str(SEEDS), "--types", "PER,FOO"])
    assert result.exit_code == 2
    assert "unknown entity type(s) FOO" in result.stderr


def test_missing_input_fails_but_keeps_the_others() -> None:
    path, _ = seed_text("000")
    result = runner.invoke(app, ["extract", "no/such/file.txt", str(path), "-f", "jsonl"])
    assert result.exit_code == 1
    assert "no/such/file.txt: no such file or directory" in result.stderr
    assert [r["id"] for r in _jsonl(result.stdout)] == [str(path)]


def test_stdin_plain_text() -> None:
    text = "国务院总理李鹏今天在北京会见了联合国秘书长。"
    result = runner.invoke(app, ["extract", "-", "-f", "jsonl"], input=text.encode("utf-8"))
    (record,) = _jsonl(result.stdout)
    assert record["id"] == "-"
    found = {(e["text"], e["type"]) for e in record["entities"]}
    assert ("李鹏", "PER") in found and ("北京", "LOC") in found


def test_jsonl_records_on_stdin_keep_ids_and_dates() -> None:
    records = [
        {"id": "a1", "text": "5月4日，中国科学院在上海举行会议。", "date": "2022-06-01"},
        {"id": 2, "text": "外交部发言人华春莹回答了记者提问。"},
    ]
    data = b"".join(orjson.dumps(r) + b"\n" for r in records)
    result = runner.invoke(
        app, ["extract", "-", "--input-format", "jsonl", "-f", "jsonl"], input=data
    )
    assert result.exit_code == 0, result.stderr
    out = _jsonl(result.stdout)
    assert [r["id"] for r in out] == ["a1", 2]
    dates = [e for e in out[0]["entities"] if e["type"] == "DATE"]
    assert [(d["text"], d["norm"]) for d in dates] == [("5月4日", "2022-05-04")]
    assert ("华春莹", "PER") in {(e["text"], e["type"]) for e in out[1]["entities"]}


def test_table_output_names_each_document() -> None:
    path, _ = seed_text("001")
    result = runner.invoke(app, ["extract", str(path), "-f", "table"])
    assert result.exit_code == 0
    assert path.name in result.stdout
    assert "PER" in result.stdout and "mentions" in result.stdout


def test_output_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(SEEDS), "-o", str(out)])
    assert result.exit_code == 0
    assert len(out.read_bytes().splitlines()) == 5


def test_help_does_not_load_torch() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from seedner.cli import app; "
        "r = CliRunner().invoke(app, ['extract', '--help']); assert r.exit_code == 0, r.output; "
        "assert 'torch' not in sys.modules and 'hanlp' not in sys.modules, 'heavy import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_closed_pipe_ends_quietly() -> None:
    proc = subprocess.run(
        f"{sys.executable} -m seedner extract {SEEDS} -f jsonl | head -n 1",
        shell=True,
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.stdout.count(b"\n") == 1
    assert b"Traceback" not in proc.stderr


def test_csv_has_a_row_per_mention(seed_jsonl: list[dict]) -> None:
    import csv
    import io

    path, text = seed_text("001")
    result = runner.invoke(app, ["extract", str(path), "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    (as_jsonl,) = [r for r in seed_jsonl if r["id"] == str(path)]
    assert len(rows) == len(as_jsonl["entities"])
    for row in rows:
        assert text[int(row["start"]) : int(row["end"])] == row["text"]  # newlines survive
