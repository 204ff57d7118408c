"""--engine spark and seedner.spark on a local Spark (local[2]): the local engine's lines,
order, error lines and exit status; the entities column of with_entities."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import seedner.run.ray_engine
from seedner.api import Extractor
from seedner.cli import app
from seedner.types import Document

from .helpers import SEEDS, records_with_bad_lines, run_extract, seed_text

runner = CliRunner()
# pyspark warns that it was not tested with pandas 3: not about seedner
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support:FutureWarning")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local Spark for the module; run_spark uses it as this process's active session."""
    pytest.importorskip("pyspark", reason='the Spark engine needs pip install -e ".[spark]"')
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java 17+ (java is not on PATH)")
    from seedner.run.spark_engine import spark_session

    with spark_session("local[2]") as session:
        yield session


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return records_with_bad_lines(tmp_path_factory.mktemp("inputs"))


def _run(*args: str) -> tuple[int, bytes, list[str]]:
    return run_extract(*args)


def test_spark_engine_gives_the_same_bytes(
    spark: Any, records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = (str(SEEDS), str(records), "missing.txt")
    single = _run(*inputs, "--workers", "1", "-f", "jsonl")
    status, out, errors = single
    assert status == 1
    assert errors == [
        "seedner: error: missing.txt: no such file or directory",
        f"seedner: error: {records}:4: malformed JSON (unexpected end of data)",
        f'seedner: error: {records}:7: record has no "text" string',
    ]
    good = [line for line in records.read_bytes().splitlines() if line.startswith(b'{"id":"p')]
    assert len(out.splitlines()) == len(list(SEEDS.glob("*.txt"))) + len(good)
    assert _run(*inputs, "--engine", "spark") == single
    # Shards in a folder: concatenated, the same lines.
    shards = tmp_path / "shards"
    shards.mkdir()
    monkeypatch.setattr(seedner.run.ray_engine, "SHARD_LINES", 4)
    status, _, errors = _run(*inputs, "--engine", "spark", "-o", str(shards))
    assert (status, errors) == (single[0], single[2])
    files = sorted(shards.glob("part-*.jsonl"))
    assert len(files) > 2
    assert b"".join(f.read_bytes() for f in files) == single[1]
    # --resume: a file cut after two records is completed to the same bytes.
    output = tmp_path / "out.jsonl"
    output.write_bytes(b"".join(single[1].splitlines(keepends=True)[:2]))
    status, _, errors = _run(*inputs, "--engine", "spark", "-o", str(output), "--resume")
    assert (status, errors, output.read_bytes()) == (single[0], single[2], single[1])


def test_with_entities_adds_the_entities_column(spark: Any, extractor: Extractor) -> None:
    from seedner.spark import with_entities

    _, text = seed_text("002")
    paragraphs = [p for p in text.split("\n") if p.strip()][:6]
    rows = [(i, p) for i, p in enumerate(paragraphs)] + [(99, None)]
    df = spark.createDataFrame(rows, "id long, text string").repartition(2)
    got = {row["id"]: row["entities"] for row in with_entities(df).collect()}
    assert got.pop(99) is None
    want = extractor.run([Document(i, p) for i, p in enumerate(paragraphs)])
    fields = ("start", "end", "type", "text", "norm", "label", "source")
    assert {i: [tuple(e[k] for k in fields) for e in entities] for i, entities in got.items()} == {
        i: [tuple(e.to_dict()[k] for k in fields) for e in r.entities] for i, r in enumerate(want)
    }
    assert sum(map(len, got.values())) > 5


def test_spark_engine_compiles_the_dictionary_in_each_worker(spark: Any, tmp_path: Path) -> None:
    names = tmp_path / "names.tsv"
    names.write_text("上海科学院\tORG\tforce\n李处\tPER\tblock\n", encoding="utf-8")
    local = _run(str(SEEDS), "--workers", "1", "-f", "jsonl", "--dict", str(names))
    assert local[0] == 0 and b'"source":"dict"' in local[1]
    assert _run(str(SEEDS), "--engine", "spark", "--dict", str(names)) == local


def test_spark_engine_without_pyspark_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` now fails
    path, _ = seed_text("000")
    result = runner.invoke(app, ["extract", str(path), "--engine", "spark"])
    assert result.exit_code == 2
    assert result.stderr == (
        'seedner: error: --engine spark needs pyspark: pip install -e ".[spark]"'
        ' (from a package index: pip install "seedner[spark]")\n'
    )


def test_spark_engine_refuses_stdin() -> None:
    result = runner.invoke(app, ["extract", "-", "--engine", "spark"], input="李鹏在北京。")
    assert result.exit_code == 2
    assert "give stdin to --engine local" in result.stderr
