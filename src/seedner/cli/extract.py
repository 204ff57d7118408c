"""``seedner extract``: entities from files, folders, stdin or JSON Lines."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from seedner.cli.common import ErrorLog, usage_error


class OutputFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"


class InputFormatOption(str, Enum):
    auto = "auto"
    text = "text"
    jsonl = "jsonl"


def extract_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders (walked recursively) or - for stdin.", show_default=False
        ),
    ],
    fmt: Annotated[
        Optional[OutputFormat],  # noqa: UP045 - typer needs Optional here
        typer.Option(
            "--format", "-f", help="table (default on a terminal) or jsonl (default when piped)."
        ),
    ] = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output", "-o", help="Write to this file instead of stdout.", dir_okay=False
        ),
    ] = None,
    types: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--types", "-t", help="Only these types, comma-separated: PER,ORG,LOC,DATE."),
    ] = None,
    glob: Annotated[str, typer.Option(help="Files to take from folders.")] = "*.txt",
    input_format: Annotated[
        InputFormatOption,
        typer.Option(
            help="auto: *.jsonl files are JSON Lines, all else plain text; use jsonl for stdin."
        ),
    ] = InputFormatOption.auto,
    encoding: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Decode input with this encoding instead of detecting it."),
    ] = None,
    ref_date: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Resolve relative dates (今年, 5月4日) against YYYY-MM-DD."),
    ] = None,
    model: Annotated[
        str, typer.Option(help="embedded, or a folder holding a saved HanLP component.")
    ] = "embedded",
    device: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="auto, cpu, cuda or cuda:N."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Extract people, organizations, places and dates from Chinese documents."""
    from seedner.api import Extractor, parse_types
    from seedner.models import ModelError
    from seedner.sinks import JsonlSink, TableSink
    from seedner.sources import iter_documents

    try:
        parse_types(types)
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    if fmt is None:
        to_terminal = output is None and sys.stdout.isatty()
        fmt = OutputFormat.table if to_terminal else OutputFormat.jsonl
    try:
        extractor = Extractor(model, types=types, ref_date=ref_date, device=device)
    except (ModelError, ValueError) as exc:
        raise usage_error(str(exc)) from None

    errors = ErrorLog()
    documents = iter_documents(
        inputs, glob=glob, input_format=input_format.value, encoding=encoding, on_error=errors
    )
    stream = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115
    try:
        if fmt is OutputFormat.jsonl:
            sink = JsonlSink(stream)
        else:
            from rich.console import Console

            console = Console(file=open(output, "w", encoding="utf-8")) if output else Console()  # noqa: SIM115
            sink = TableSink(console)
        for result in extractor.iter_results(documents):
            sink.write(result)
    finally:
        if output:
            stream.close()
    if errors.count:
        raise typer.Exit(1)
