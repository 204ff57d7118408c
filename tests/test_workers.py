"""--workers N and --engine ray: the single-process output, its lines, order, errors and status."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

import seedner.run.workers
from seedner.api import Extractor
from seedner.cli import app
from seedner.run.options import parse_workers
from seedner.run.workers import ParallelExtractor, auto_workers, resolve_workers, worker_threads
from seedner.types import Document

from .helpers import ROOT, SEEDS, records_with_bad_lines, run_extract, seed_text

runner = CliRunner()


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return records_with_bad_lines(tmp_path_factory.mktemp("inputs"))


def _run(*args: str) -> tuple[int, bytes, list[str]]:
    return run_extract(*args, "-f", "jsonl")


@pytest.fixture(scope="module")
def single(records: Path) -> tuple[int, bytes, list[str]]:
    return _run(str(SEEDS), str(records), "missing.txt", "--workers", "1")


def test_single_run_reports_the_bad_inputs(
    records: Path, single: tuple[int, bytes, list[str]]
) -> None:
    status, out, errors = single
    assert status == 1
    assert errors == [
        "seedner: error: missing.txt: no such file or directory",
        f"seedner: error: {records}:4: malformed JSON (unexpected end of data)",
        f'seedner: error: {records}:7: record has no "text" string',
    ]
    ids = [orjson.loads(line)["id"] for line in out.splitlines()]
    good = [line for line in records.read_bytes().splitlines() if line.startswith(b'{"id":"p')]
    seeds = [str(path) for path in sorted(SEEDS.glob("*.txt"))]
    assert ids == seeds + [orjson.loads(line)["id"] for line in good]


def test_two_workers_give_the_same_bytes(
    records: Path, single: tuple[int, bytes, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tiny inputs are normally done in-process: make these go to the workers, in many chunks.
    monkeypatch.setattr(seedner.run.workers, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(seedner.run.workers, "CHUNK_CHARS", 1500)
    started = []
    real = ParallelExtractor._parallel

    def spy(self: ParallelExtractor, documents: Iterator[Document], stream: bool) -> Iterator:
        started.append(self.workers)
        return real(self, documents, stream)

    monkeypatch.setattr(ParallelExtractor, "_parallel", spy)
    assert _run(str(SEEDS), str(records), "missing.txt", "--workers", "2") == single
    assert started == [2]


def test_api_workers_give_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    import seedner

    monkeypatch.setattr(seedner.run.workers, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(seedner.run.workers, "CHUNK_CHARS", 800)
    _, text = seed_text("002")
    paragraphs = [p for p in text.split("\n") if p.strip()]
    results = seedner.extract(paragraphs, workers=2)
    assert results == seedner.extract(paragraphs)
    assert sum(len(r.entities) for r in results) > 20


def test_small_inputs_start_no_workers(records: Path, extractor: Extractor) -> None:
    parallel = ParallelExtractor(workers=2)
    docs = [Document(str(i), p) for i, p in enumerate(["李鹏在北京。", "上海市。"])]
    results = parallel.run(docs)
    assert not parallel.started
    assert [r.entities for r in results] == [r.entities for r in extractor.run(docs)]


def test_ray_engine_gives_the_same_bytes(
    records: Path, single: tuple[int, bytes, list[str]], tmp_path: Path
) -> None:
    pytest.importorskip("ray.data", reason='the Ray engine needs pip install "seedner[ray]"')
    import ray

    import seedner.run.ray_engine

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        args = (str(SEEDS), str(records), "missing.txt", "--engine", "ray")
        assert _run(*args, "--workers", "2") == single
        # Shards in a folder: concatenated, the same lines; several JSON Lines files.
        shards = tmp_path / "shards"
        shards.mkdir()
        seedner.run.ray_engine.SHARD_LINES = 4
        try:
            status, _, errors = _run(*args, "--workers", "1", "-o", str(shards))
        finally:
            seedner.run.ray_engine.SHARD_LINES = 100_000
        assert (status, errors) == (single[0], single[2])
        files = sorted(shards.glob("part-*.jsonl"))
        assert len(files) > 2
        assert b"".join(f.read_bytes() for f in files) == single[1]
    finally:
        ray.shutdown()


def test_ray_work_items_read_as_the_local_reader(records: Path) -> None:
    """JSON Lines cut into many slices: the same documents, error lines and default ids."""
    from seedner.io.sources import iter_documents
    from seedner.run.ray_engine import read_item, work_items

    # records without an id get "FILE:LINE" as id: their line numbers must survive the cuts
    _, text = seed_text("002")
    unnamed = [orjson.dumps({"text": p}) + b"\n" for p in text.split("\n") if p.strip()]
    mixed = records.parent / "mixed.jsonl"
    mixed.write_bytes(b"\n".join(unnamed) + records.read_bytes() + b"".join(unnamed))
    inputs = [str(SEEDS / "000_7010a327d54ec02f.txt"), str(mixed), str(SEEDS)]

    def read(source: Iterator[Document], errors: list[str]) -> list[tuple]:
        return [(d.id, d.text, d.meta) for d in source] + [("errors", errors)]

    local_errors: list[str] = []
    local = read(iter_documents(inputs, on_error=local_errors.append), local_errors)
    files = [Path(inputs[0]), mixed, *sorted(SEEDS.glob("*.txt"))]
    items = list(work_items(files, input_format="auto", encoding=None, range_bytes=300))
    assert sum(item["kind"] == "range" for item in items) > 5
    ray_errors: list[str] = []
    docs = (
        doc
        for item in items
        for doc in read_item(
            item, input_format="auto", encoding=None, on_error=ray_errors.append, on_warning=print
        )
    )
    assert read(docs, ray_errors) == local


def test_ray_engine_without_ray_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails
    path, _ = seed_text("000")
    result = runner.invoke(app, ["extract", str(path), "--engine", "ray"])
    assert result.exit_code == 2
    assert (
        result.stderr == 'seedner: error: --engine ray needs Ray Data: pip install "seedner[ray]"\n'
    )


@pytest.mark.parametrize("engine", ["local", "ray"])
@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_bad_worker_counts_are_usage_errors(value: str, engine: str) -> None:
    if engine == "ray":
        pytest.importorskip("ray.data", reason='the Ray engine needs pip install "seedner[ray]"')
    path, _ = seed_text("000")
    result = runner.invoke(app, ["extract", str(path), "--workers", value, "--engine", engine])
    assert result.exit_code == 2
    assert result.stderr == f"seedner: error: --workers {value!r}: give a positive number or auto\n"


def test_auto_never_runs_more_threads_than_cpus() -> None:
    """auto: one worker per CPU (at most AUTO_MAX_WORKERS), workers × encoder threads within
    the CPUs; one on a GPU."""
    assert auto_workers(cpus=1) == 1
    assert auto_workers(cpus=2) == 2
    assert auto_workers(cpus=64) == seedner.run.workers.AUTO_MAX_WORKERS
    for cpus in range(1, 65):
        workers = auto_workers(cpus=cpus)
        assert workers * worker_threads(workers, cpus) <= cpus
    assert worker_threads(8, 64) == 8
    assert auto_workers("cuda", cpus=16) == 1
    assert parse_workers("auto") is None  # each engine decides: resolve_workers here
    assert resolve_workers(parse_workers("auto")) == auto_workers()
    assert resolve_workers(parse_workers("3")) == 3


# A run with workers started for a small input, interrupted once its first lines are out.
# SIGINT is set to Python's own handler first: a test runner started in the background of a
# non-interactive shell hands its children SIGINT ignored, as a terminal's Ctrl-C never is.
_RUN = """
import signal, sys, seedner.run.workers as w
signal.signal(signal.SIGINT, signal.default_int_handler)
w.PARALLEL_MIN_CHARS, w.CHUNK_CHARS = 0, 1000
from seedner.cli import main
sys.argv = ["seedner", "extract", *sys.argv[1:]]
main()
"""


def test_ctrl_c_leaves_whole_lines_and_resume_completes(tmp_path: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    paragraphs = [p for t in texts for p in t.split("\n") if len(p.strip()) > 20] * 3
    source = tmp_path / "many.jsonl"
    source.write_bytes(
        b"".join(orjson.dumps({"id": i, "text": p}) + b"\n" for i, p in enumerate(paragraphs))
    )
    out = tmp_path / "out.jsonl"
    args = [str(source), "-o", str(out), "--workers", "2", "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-c", _RUN, *args], stderr=subprocess.PIPE, env=env, cwd=tmp_path
    )
    deadline = time.monotonic() + 300
    while (not out.exists() or out.read_bytes().count(b"\n") < 3) and proc.poll() is None:
        assert time.monotonic() < deadline, "no output within 300 s"
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr.decode()
    # no traceback, from this process or a worker: seedner's own line, saying what was written
    (line,) = stderr.decode().splitlines()
    data = out.read_bytes()
    assert data.endswith(b"\n")
    done = [orjson.loads(line)["id"] for line in data.splitlines()]
    assert line == (
        f"seedner: interrupted: {len(done)} documents written to {out}; "
        "run the same command with --resume to continue"
    )
    assert done == list(range(len(done))) and len(done) < len(paragraphs)

    again = subprocess.run(
        [sys.executable, "-c", _RUN, *args, "--resume"], capture_output=True, env=env, timeout=600
    )
    assert again.returncode == 0, again.stderr.decode()
    ids = [orjson.loads(line)["id"] for line in out.read_bytes().splitlines()]
    assert ids == list(range(len(paragraphs)))
