"""``seedner extract``: entities from files, folders, stdin or JSON Lines."""

from __future__ import annotations

import sys
from contextlib import ExitStack, closing
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from seedner.cli.common import DeviceOption, ErrorLog, ModelOption, usage_error


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
            help="Write to this file instead of stdout (with --engine ray: or shards in a folder).",
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    workers: Annotated[
        str,
        typer.Option(help="Processes, each with its own model: a number, or auto (fastest here)."),
    ] = "auto",
    engine: Annotated[
        Engine,
        typer.Option(help='local, or ray: a Ray Data job (pip install "seedner\\[ray]").'),
    ] = Engine.local,
    ray_address: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="With --engine ray: join this Ray cluster (default: start a local one)."),
    ] = None,
) -> None:
    """Extract people, organizations, places and dates from Chinese documents."""
    from seedner.api import Extractor, parse_types
    from seedner.cli.progress import progress_display
    from seedner.dates import parse_date
    from seedner.decoding import check_encoding
    from seedner.html_view import HtmlSink
    from seedner.loading import ModelError
    from seedner.sinks import CsvSink, JsonlSink, TableSink, completed_ids, output_console
    from seedner.sources import plan_inputs, read_documents

    try:
        parse_types(types)
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    try:
        if encoding is not None:
            check_encoding(encoding)
    except ValueError as exc:
        raise usage_error(f"--encoding: {exc}") from None
    if ref_date is not None and parse_date(ref_date) is None:
        raise usage_error(f"--ref-date {ref_date!r} is not a date YYYY-MM-DD")
    if fmt is None:
        to_terminal = output is None and sys.stdout.isatty()
        fmt = OutputFormat.table if to_terminal else OutputFormat.jsonl
    done: set[str | int] = set()
    if resume:
        if output is None or output.is_dir():
            raise usage_error("--resume needs -o FILE: the output of the run to continue")
        if fmt is not OutputFormat.jsonl:
            raise usage_error("--resume works with JSON Lines output (-f jsonl)")
        done = completed_ids(output)
    if engine is Engine.ray:
        from seedner.ray_engine import RayUsageError, run_ray

        try:
            status = run_ray(
                inputs,
                output,
                done=done,
                model=model,
                types=types,
                ref_date=ref_date,
                device=device,
                workers=workers,
                glob=glob,
                input_format=input_format.value,
                encoding=encoding,
                fmt=fmt.value,
                address=ray_address,
                on_error=ErrorLog(),
                on_warning=lambda message: sys.stderr.write(f"seedner: warning: {message}\n"),
            )
        except (RayUsageError, ModelError) as exc:
            raise usage_error(str(exc)) from None
        raise typer.Exit(status)
    if output is not None and output.is_dir():
        raise usage_error(f"-o {output}: is a folder (shards in a folder need --engine ray)")
    from seedner.workers import ParallelExtractor, WorkerError, parse_workers

    try:
        n_workers = parse_workers(workers, device)
        extractor: Extractor | ParallelExtractor = (
            ParallelExtractor(
                model, workers=n_workers, types=types, ref_date=ref_date, device=device
            )
            if n_workers > 1
            else Extractor(model, types=types, ref_date=ref_date, device=device)
        )
    except (ModelError, ValueError) as exc:
        raise usage_error(str(exc)) from None

    errors = ErrorLog()
    plan = plan_inputs(inputs, glob=glob, input_format=input_format.value, on_error=errors)
    documents = read_documents(
        plan,
        input_format=input_format.value,
        encoding=encoding,
        on_error=errors,
        on_warning=lambda message: sys.stderr.write(f"seedner: warning: {message}\n"),
    )
    if done:
        documents = (d for d in documents if d.id not in done)
    with ExitStack() as stack:
        sink: JsonlSink | TableSink | CsvSink | HtmlSink
        if fmt is OutputFormat.jsonl:
            stream = stack.enter_context(open(output, "ab" if resume else "wb")) if output else None
            sink = JsonlSink(stream or sys.stdout.buffer)
        elif fmt is OutputFormat.csv:
            kwargs = {"encoding": "utf-8", "newline": ""}
            csv_file = stack.enter_context(open(output, "w", **kwargs)) if output else None
            sink = CsvSink(csv_file or sys.stdout)
        elif fmt is OutputFormat.html:
            page = stack.enter_context(open(output, "w", encoding="utf-8")) if output else None
            sink = HtmlSink(page or sys.stdout)
        else:
            text = stack.enter_context(open(output, "w", encoding="utf-8")) if output else None
            sink = TableSink(output_console(text))
        on_terminal = output is None and sys.stdout.isatty()
        progress = stack.enter_context(progress_display(not quiet, plan, errors, on_terminal))
        results = stack.enter_context(closing(extractor.iter_results(documents)))
        try:
            for result in results:
                with progress.paused():
                    sink.write(result)
                progress.advance(result)
        except ModelError as exc:  # a model that a worker process could not load
            raise usage_error(str(exc)) from None
        except WorkerError as exc:
            errors(str(exc))
        with progress.paused():
            sink.finish()
    if errors.count:
        raise typer.Exit(1)
