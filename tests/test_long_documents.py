"""A document longer than a model batch: its mentions wait in compact columns and, streamed,
its entities are made and written a window at a time — the same entities as the rules over
the whole document, never all in memory at once."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from seedner.api import BATCH_CHARS, Extractor
from seedner.cli import app
from seedner.io.sinks import CsvSink, JsonlSink, jsonl_line
from seedner.types import Document, DocumentResult, Entity, StreamedResult

from .helpers import SEEDS

BATCH = 4000  # characters per block: the seeds, three times over, make dozens of windows


def _long_text() -> str:
    """The seeds one after another, three times: names of one seed recur far apart, dates
    of the date lines resolve later month-days, web addresses and boilerplate included."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return "\n".join(seeds * 3)


@pytest.fixture(scope="module")
def long_text() -> str:
    return _long_text()


@pytest.mark.parametrize(
    "options", [{}, {"types": "PER,LOC"}, {"ref_date": "2023-06-01"}], ids=["all", "types", "ref"]
)
def test_streamed_entities_equal_the_whole_document_rules(long_text: str, options: dict) -> None:
    extractor = Extractor(**options)
    doc = Document("long", long_text)
    (whole,) = extractor.iter_results([doc], BATCH)
    (streamed,) = extractor.iter_results([doc], BATCH, stream=True)
    assert isinstance(whole, DocumentResult) and isinstance(streamed, StreamedResult)
    entities = list(streamed.entities)
    assert len(entities) == len(streamed.entities) > 500
    assert entities == whole.entities
    # the consistency rules reached across windows: a name of the first seed is found in
    # its repetition two thirds of the text later
    first = whole.entities[0]
    assert any(e.norm == first.norm and e.start > len(long_text) // 2 for e in whole.entities)


def test_a_long_document_is_tagged_as_in_one_block(extractor: Extractor, long_text: str) -> None:
    """Blocks end at line breaks, so cutting the document changes none of its entities."""
    doc = Document("long", long_text)
    (in_blocks,) = extractor.iter_results([doc], BATCH)
    (at_once,) = extractor.iter_results([doc], len(long_text) + 1)
    assert in_blocks.entities == at_once.entities


def test_streamed_lines_are_the_same_bytes_and_written_as_made(
    extractor: Extractor, long_text: str
) -> None:
    doc = Document("long", long_text)
    (whole,) = extractor.iter_results([doc], BATCH)
    (streamed,) = extractor.iter_results([doc], BATCH, stream=True)

    class Watched(io.BytesIO):
        """Records how much was written before the last entity was made."""

        def __init__(self) -> None:
            super().__init__()
            self.before_end = 0

    out = Watched()
    entities = streamed.entities
    original = entities._entities

    def watched_entities() -> Iterator[Entity]:
        for e in original:
            out.before_end = out.tell()
            yield e

    entities._entities = watched_entities()
    JsonlSink(out).write(streamed)
    assert out.getvalue() == jsonl_line(whole)
    assert out.before_end > len(jsonl_line(whole)) // 2  # written in pieces, not at the end
    record = orjson.loads(out.getvalue())
    assert record["id"] == "long" and len(record["entities"]) == len(whole.entities)


def test_streaming_memory_does_not_grow_with_the_entities(
    extractor: Extractor, long_text: str
) -> None:
    """Writing a streamed result four times as long, with four times the entities, takes
    about the same memory (Python allocations, traced): a window's entities at a time."""

    class Counting:
        written = 0

        def write(self, data: bytes) -> None:
            self.written += len(data)

        def flush(self) -> None:
            pass

    peaks, sizes = [], []
    for times in (2, 8):
        (streamed,) = extractor.iter_results(
            [Document("long", long_text * times)], BATCH, stream=True
        )
        sink = Counting()
        tracemalloc.start()
        try:
            JsonlSink(sink).write(streamed)  # type: ignore[arg-type]
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        sizes.append(sink.written)
    assert sizes[1] > 3.5 * sizes[0]
    assert peaks[1] < 1.5 * peaks[0], peaks


def test_csv_rows_of_a_streamed_result(extractor: Extractor, long_text: str) -> None:
    doc = Document("long", long_text)
    (whole,) = extractor.iter_results([doc], BATCH)
    (streamed,) = extractor.iter_results([doc], BATCH, stream=True)
    a, b = io.StringIO(), io.StringIO()
    CsvSink(a).write(whole)
    CsvSink(b).write(streamed)
    assert a.getvalue() == b.getvalue()


def test_cli_writes_a_long_document_as_the_api_finds_it(
    extractor: Extractor, tmp_path: Path, long_text: str
) -> None:
    text = "\n".join([long_text] * 6)
    assert len(text) > BATCH_CHARS  # streamed by the command
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    for workers in ("1", "2"):  # with workers, a long document is done in the main process
        result = CliRunner().invoke(
            app, ["extract", str(path), "-f", "jsonl", "--workers", workers]
        )
        assert result.exit_code == 0, result.stderr
        (whole,) = extractor.iter_results([Document(str(path), text)])
        assert result.stdout_bytes == jsonl_line(whole)


def test_workers_leave_a_long_document_to_the_main_process(
    extractor: Extractor, long_text: str
) -> None:
    """A document cannot be shared between workers: done here, in its turn, no worker started."""
    from seedner.run.workers import ParallelExtractor

    doc = Document("long", "\n".join([long_text] * 5))
    assert len(doc.text) > BATCH_CHARS
    pool = ParallelExtractor(workers=2, min_parallel_chars=0)
    (streamed,) = pool.iter_results([doc], stream=True)
    assert isinstance(streamed, StreamedResult) and not pool.started
    (whole,) = extractor.iter_results([doc])
    assert list(streamed.entities) == whole.entities
