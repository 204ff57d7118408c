"""``seedner summary``: corpus-level tables from ``extract``'s JSON Lines."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Annotated, Any, BinaryIO, Optional

import typer

from seedner.cli.common import usage_error
from seedner.run.progress import ErrorLog


def summary_command(
    inputs: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer needs Optional here
        typer.Argument(
            metavar="FILE",
            help="JSON Lines written by `seedner extract -f jsonl`, or - for stdin (the default).",
            show_default=False,
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Rows per table.")] = 10,
    types: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--types", "-t", help="Only these types, comma-separated: PER,ORG,LOC,DATE."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object, for programs.")] = False,
) -> None:
    """Top entities per type, dates by month, and who is named together, across documents."""
    from seedner.run.options import parse_types
    from seedner.summary import CorpusSummary

    try:
        chosen = parse_types(types)
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    names = inputs or ["-"]
    if names == ["-"] and sys.stdin.isatty():
        raise usage_error("summary reads extract's JSON Lines: give files or pipe them in")
    errors = ErrorLog()
    summary = CorpusSummary(chosen)
    for entities in _read_results(names, errors):
        summary.add_entities(entities)
    if as_json:
        import orjson

        sys.stdout.buffer.write(
            orjson.dumps(summary.to_dict(top), option=orjson.OPT_APPEND_NEWLINE)
        )
        sys.stdout.flush()
    else:
        from seedner.io.sinks import output_console, summary_tables

        console = output_console()
        for renderable in summary_tables(summary, top):
            console.print(renderable)
    if errors.count:
        raise typer.Exit(1)


def _read_results(names: list[str], on_error: ErrorLog) -> Iterator[list[dict[str, Any]]]:
    """Each record's entities; a bad line or file is reported and skipped."""
    for name in names:
        if name == "-":
            yield from _result_records(sys.stdin.buffer, "<stdin>", on_error)
            continue
        try:
            with open(name, "rb") as stream:
                yield from _result_records(stream, name, on_error)
        except IsADirectoryError:
            on_error(f"{name}: is a directory (give extract's JSON Lines files)")
        except OSError as exc:
            on_error(f"{name}: cannot read ({exc.strerror or exc})")


def _result_records(
    stream: BinaryIO, label: str, on_error: ErrorLog
) -> Iterator[list[dict[str, Any]]]:
    """A bad line is reported and skipped; a bad first line rejects the whole input instead,
    which is then some other file (plain text, other JSON) and would give an error per line."""
    from seedner.io.jsonl import json_lines

    started = False
    for line in json_lines(stream):
        if line.blank:
            continue
        entities, problem = _entities(line.value, line.problem)
        if entities is not None:
            started = True
            yield entities
        elif started:
            on_error(f"{label}:{line.number}: {problem}")
        else:
            text = line.raw.decode("utf-8", "replace").strip()
            excerpt = text if len(text) <= 40 else text[:39] + "…"
            on_error(
                f"{label}: not seedner JSON Lines output (line {line.number}: {excerpt!r});"
                " summary reads what `seedner extract -f jsonl` writes"
            )
            return


def _entities(record: Any, problem: str) -> tuple[list[dict[str, Any]] | None, str]:
    """The entities of one record of extract's output, or None and what is wrong with it."""
    if problem:
        return None, problem
    entities = record.get("entities") if isinstance(record, dict) else None
    if not isinstance(entities, list) or not all(
        isinstance(e, dict) and isinstance(e.get("type"), str) for e in entities
    ):
        return None, 'not a result of extract (no "entities" list with types)'
    return entities, ""
