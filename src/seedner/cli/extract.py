"""``seedner extract``: entities from files, folders, stdin or JSON Lines."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from seedner.cli.common import DeviceOption, ModelOption, usage_error


class OutputFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"
    html = "html"


class InputFormatOption(str, Enum):
    auto = "auto"
    text = "text"
    jsonl = "jsonl"


class Engine(str, Enum):
    local = "local"
    ray = "ray"
    spark = "spark"


def _warn(message: str) -> None:
    sys.stderr.write(f"seedner: warning: {message}\n")


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
            "--format",
            "-f",
            help="table (default on a terminal), jsonl (default when piped), csv (per mention),"
            " html (one page: documents with entities highlighted).",
        ),
    ] = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output",
            "-o",
            help="Write to this file instead of stdout (with --engine ray or spark: or shards"
            " in a folder).",
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
    model: ModelOption = "embedded",
    device: DeviceOption = None,
    resume: Annotated[
        bool,
        typer.Option(
            help="With -o FILE: skip documents whose id is already in FILE, append the rest."
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No progress display and no closing summary line."),
    ] = False,
    workers: Annotated[
        str,
        typer.Option(help="Processes, each with its own model: a number, or auto (fastest here)."),
    ] = "auto",
    engine: Annotated[
        Engine,
        typer.Option(
            help='local; ray: a Ray Data job (pip install "seedner\\[ray]"); spark: a Spark job'
            ' (pip install "seedner\\[spark]").'
        ),
    ] = Engine.local,
    ray_address: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="With --engine ray: join this Ray cluster (default: start a local one)."),
    ] = None,
    spark_master: Annotated[
        str,
        typer.Option(help="With --engine spark: the Spark master (local[N], yarn, k8s://...)."),
    ] = "local[*]",
    no_rules: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--no-rules",
            metavar="RULES",
            help="Turn off rules after the model, comma-separated: boilerplate, latin-names,"
            " repeated-names, gazetteer, guideline, companies, dictionary, consistency, dates.",
        ),
    ] = None,
    dicts: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--dict",
            metavar="FILE",
            help="A user dictionary (TSV surface<TAB>TYPE[<TAB>mode[<TAB>id]], or JSON Lines);"
            " modes force, prefer, block. Repeatable: the later file wins.",
        ),
    ] = None,
    min_score: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(
            "--min-score",
            metavar="P",
            help="Drop the model's entities scored below P (0 to 1); entities from rules,"
            " dictionaries or HanLP's models are kept.",
        ),
    ] = None,
) -> None:
    """Extract people, organizations, places and dates from Chinese documents."""
    from seedner.errors import ModelError
    from seedner.run.batch import UsageError, run
    from seedner.run.options import ExtractOptions, RunOptions

    try:
        options = RunOptions.parse(
            ExtractOptions.parse(
                model,
                types=types,
                ref_date=ref_date,
                device=device,
                no_rules=no_rules,
                min_score=min_score,
                dicts=dicts,
                on_warning=_warn,
            ),
            engine=engine.value,
            workers=workers,
            ray_address=ray_address,
            spark_master=spark_master,
            glob=glob,
            input_format=input_format.value,
            encoding=encoding,
        )
    except (ValueError, ModelError) as exc:
        raise usage_error(str(exc)) from None
    if fmt is None:  # a table for a person at a terminal; JSON Lines for programs (and Ray, Spark)
        to_terminal = output is None and sys.stdout.isatty() and engine is Engine.local
        fmt = OutputFormat.table if to_terminal else OutputFormat.jsonl
    try:
        status = run(options, inputs, output=output, fmt=fmt.value, resume=resume, quiet=quiet)
    except UsageError as exc:
        raise usage_error(str(exc)) from None
    raise typer.Exit(status)
