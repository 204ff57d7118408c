"""Where results go: JSON Lines and CSV for programs, rich tables for people.

Every sink has ``write(result)`` for each document, in order, and ``finish()`` after the last.
(The HTML page is in :mod:`seedner.io.html_view`.)
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from itertools import islice
from typing import IO, TYPE_CHECKING

import orjson

from seedner.summary import CorpusSummary
from seedner.types import ENTITY_TYPES, DocumentResult, StreamedResult

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

_JSON_OPTIONS = orjson.OPT_APPEND_NEWLINE


def jsonl_line(result: DocumentResult) -> bytes:
    """One output line: ``{"id": ..., "entities": [...]}`` and a newline, UTF-8."""
    return orjson.dumps(result.to_dict(), option=_JSON_OPTIONS)


class JsonlSink:
    """Writes one line per document and flushes it, so consumers see it at once.

    A streamed result's line is written a piece at a time as its entities are made: the
    same bytes as :func:`jsonl_line`, never all in memory.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def write(self, result: DocumentResult | StreamedResult) -> None:
        if isinstance(result, StreamedResult):
            self._write_streamed(result)
        else:
            self.stream.write(jsonl_line(result))
        self.stream.flush()

    def _write_streamed(self, result: StreamedResult, piece: int = 1000) -> None:
        self.stream.write(b'{"id":' + orjson.dumps(result.id) + b',"entities":[')
        entities = iter(result.entities)
        separator = b""
        while chunk := [orjson.dumps(e.to_dict()) for e in islice(entities, piece)]:
            self.stream.write(separator + b",".join(chunk))
            separator = b","
        self.stream.write(b"]}\n")

    def finish(self) -> None:
        pass


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
    """One row per mention: ``id,type,norm,text,label,start,end,source,score``, with a header
    row (an empty ``score`` where the entity has none)."""

    FIELDS = ("id", "type", "norm", "text", "label", "start", "end", "source", "score")

    def __init__(self, stream: IO[str]) -> None:
        import csv

        self.stream = stream
        self.writer = csv.writer(stream)
        self.writer.writerow(self.FIELDS)

    def write(self, result: DocumentResult | StreamedResult) -> None:
        self.writer.writerows(
            (result.id, e.type, e.norm, e.text, e.label, e.start, e.end, e.source, e.score)
            for e in result.entities
        )
        self.stream.flush()

    def finish(self) -> None:
        pass


TYPE_STYLES = {"PER": "cyan", "ORG": "magenta", "LOC": "green", "DATE": "yellow"}


class TableSink:
    """One rich table per document and, after more than one, the corpus summary."""

    def __init__(self, console: Console, top: int = 10) -> None:
        self.console = console
        self.top = top
        self.summary = CorpusSummary()

    def write(self, result: DocumentResult) -> None:
        from rich.table import Table

        self.summary.add(result)
        rows = summarize(result)
        counts = f"({len(result.entities)} mentions, {len(rows)} entities)"
        table = Table(
            title=f"{escape(str(result.id))}  {counts}",
            title_justify="left",
        )
        table.add_column("type")
        table.add_column("entity")
        table.add_column("mentions", justify="right")
        table.add_column("first at", justify="right")
        for kind, norm, count, start in rows:
            style = TYPE_STYLES.get(kind, "")
            table.add_row(f"[{style}]{kind}[/]", escape(norm), str(count), str(start))
        self.console.print(table)

    def finish(self) -> None:
        if self.summary.documents > 1:
            for renderable in summary_tables(self.summary, self.top):
                self.console.print(renderable)


def output_console(file: IO[str] | None = None) -> Console:
    """A rich console for data on stdout (or ``file``). On a closed pipe (``| head``) rich
    would exit with status 1; this one raises BrokenPipeError instead, which the command line
    turns into a quiet exit 0."""
    return _console_class()(file=file)


@cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class OutputConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return OutputConsole


def escape(text: str) -> str:
    """Document text inside rich markup: ``[b]`` in a name stays text."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def summary_tables(summary: CorpusSummary, top: int) -> list[RenderableType]:
    """The corpus summary for a terminal: top entities per type, dates by month (with bars),
    the people and organizations named together most often."""
    from rich.table import Table
    from rich.text import Text

    totals = summary.type_mentions()
    counts = ", ".join(f"{totals[k]:,} {k}" for k in summary.types)
    out: list[RenderableType] = [
        f"[bold]Corpus: {summary.documents:,} documents[/] ({counts} mentions)"
    ]
    for kind in summary.types:
        rows = summary.top(kind, top)
        if not rows:
            continue
        style = TYPE_STYLES.get(kind, "")
        table = Table(title=f"top {kind}", title_justify="left", title_style=style)
        table.add_column(kind, style=style)
        table.add_column("mentions", justify="right")
        table.add_column("documents", justify="right")
        for e in rows:
            table.add_row(escape(e.norm), str(e.mentions), str(e.documents))
        out.append(table)
    timeline = summary.timeline()
    if timeline:
        from rich.bar import Bar

        peak = max(m.mentions for m in timeline)
        table = Table(title="dates by month", title_justify="left")
        table.add_column("month")
        table.add_column("mentions", justify="right")
        table.add_column("documents", justify="right")
        table.add_column("", width=30)
        for m in timeline:
            bar = Bar(size=peak, begin=0, end=m.mentions, width=30, color="yellow")
            table.add_row(m.month, str(m.mentions), str(m.documents), bar)
        out.append(table)
    if summary.years_only or summary.unresolved_dates:
        years = ", ".join(f"{y} ({n})" for y, n in sorted(summary.years_only.items()))
        out.append(
            Text(
                f"dates known to the year only: {years or 'none'}; "
                f"unresolved (no reference date): {summary.unresolved_dates}"
            )
        )
    pairs = summary.pairs(top)
    if pairs:
        table = Table(title="named in the same documents", title_justify="left")
        table.add_column("")
        table.add_column("")
        table.add_column("documents", justify="right")
        for p in pairs:
            first = f"[{TYPE_STYLES.get(p.first[0], '')}]{escape(p.first[1])}[/]"
            second = f"[{TYPE_STYLES.get(p.second[0], '')}]{escape(p.second[1])}[/]"
            table.add_row(first, second, str(p.documents))
        out.append(table)
    return out
