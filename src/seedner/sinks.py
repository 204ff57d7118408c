"""Where results go: JSON Lines for programs, rich tables for people."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import IO, TYPE_CHECKING

import orjson

from seedner.types import ENTITY_TYPES, DocumentResult

if TYPE_CHECKING:
    from rich.console import Console

_JSON_OPTIONS = orjson.OPT_APPEND_NEWLINE


def jsonl_line(result: DocumentResult) -> bytes:
    """One output line: ``{"id": ..., "entities": [...]}`` and a newline, UTF-8."""
    return orjson.dumps(result.to_dict(), option=_JSON_OPTIONS)


class JsonlSink:
    """Writes one line per document and flushes it, so consumers see it at once."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def write(self, result: DocumentResult) -> None:
        self.stream.write(jsonl_line(result))
        self.stream.flush()


def summarize(result: DocumentResult) -> list[tuple[str, str, int, int]]:
    """``(type, canonical form, mentions, first start)`` rows, by type then first position."""
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], int] = {}
    for e in result.entities:
        key = (e.type, e.norm if e.norm is not None else e.text)
        counts[key] += 1
        first.setdefault(key, e.start)
    order = {t: i for i, t in enumerate(ENTITY_TYPES)}
    rows = [(t, norm, counts[(t, norm)], first[(t, norm)]) for t, norm in counts]
    rows.sort(key=lambda r: (order.get(r[0], 99), r[3]))
    return rows


class CsvSink:
    """One row per mention: ``id,type,norm,text,label,start,end``, with a header row."""

    FIELDS = ("id", "type", "norm", "text", "label", "start", "end")

    def __init__(self, stream: IO[str]) -> None:
        import csv

        self.stream = stream
        self.writer = csv.writer(stream)
        self.writer.writerow(self.FIELDS)

    def write(self, result: DocumentResult) -> None:
        self.writer.writerows(
            (result.id, e.type, e.norm, e.text, e.label, e.start, e.end) for e in result.entities
        )
        self.stream.flush()


TYPE_STYLES = {"PER": "cyan", "ORG": "magenta", "LOC": "green", "DATE": "yellow"}


class TableSink:
    """One rich table per document."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def write(self, result: DocumentResult) -> None:
        from rich.table import Table

        rows = summarize(result)
        table = Table(
            title=f"{result.id}  ({len(result.entities)} mentions, {len(rows)} entities)",
            title_justify="left",
        )
        table.add_column("type")
        table.add_column("entity")
        table.add_column("mentions", justify="right")
        table.add_column("first at", justify="right")
        for kind, norm, count, start in rows:
            style = TYPE_STYLES.get(kind, "")
            table.add_row(f"[{style}]{kind}[/]", norm, str(count), str(start))
        self.console.print(table)


def completed_ids(path: Path) -> set[str | int]:
    """Ids already written to a JSONL output file, for ``--resume``.

    A last line cut short by an interruption is removed from the file, so that document
    is done again and the file stays valid JSON Lines.
    """
    if not path.exists():
        return set()
    data = path.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    if len(complete) != len(data):
        with open(path, "r+b") as handle:
            handle.truncate(len(complete))
    done: set[str | int] = set()
    for line in complete.splitlines():
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(record, dict) and "id" in record:
            done.add(record["id"])
    return done
