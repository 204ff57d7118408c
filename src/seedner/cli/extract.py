"""``seedner extract``: entities from files, folders, stdin or JSON Lines."""

from __future__ import annotations

import sys
from contextlib import ExitStack, closing
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

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
        typer.Option(help='local, or ray: a Ray Data job (pip install "seedner\\[ray]").'),
    ] = Engine.local,
    ray_address: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="With --engine ray: join this Ray cluster (default: start a local one)."),
    ] = None,
) -> None:
    """Extract people, organizations, places and dates from Chinese documents."""
    from seedner.api import parse_types
    from seedner.dates import parse_date
    from seedner.decoding import check_encoding
    from seedner.loading import ModelError
    from seedner.output import OutputError, check_output, resumable_ids
    from seedner.sources import plan_inputs

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
        to_terminal = output is None and sys.stdout.isatty() and engine is Engine.local
        fmt = OutputFormat.table if to_terminal else OutputFormat.jsonl
    if resume:
        if output is None or output.is_dir():
            raise usage_error("--resume needs -o FILE: the output of the run to continue")
        if fmt is not OutputFormat.jsonl:
            raise usage_error("--resume works with JSON Lines output (-f jsonl)")
    errors = ErrorLog()
    # the Ray engine plans the inputs again and reports their errors itself
    plan = plan_inputs(
        inputs,
        glob=glob,
        input_format=input_format.value,
        on_error=(lambda _: None) if engine is Engine.ray else errors,
    )
    done: set[str | int] = set()
    if output is not None and output.is_dir() and engine is Engine.local:
        raise usage_error(f"-o {output}: is a folder (shards in a folder need --engine ray)")
    if output is not None and not output.is_dir():
        try:
            check_output(output, plan.items, resume=resume)
            done = resumable_ids(output) if resume else set()
        except OutputError as exc:
            raise usage_error(str(exc)) from None
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
                quiet=quiet,
                on_error=ErrorLog(),
                on_warning=_warn,
            )
        except (RayUsageError, ModelError) as exc:
            raise usage_error(str(exc)) from None
        except OutputError as exc:
            ErrorLog()(str(exc))
            raise typer.Exit(1) from None
        raise typer.Exit(status)
    extractor = _extractor(model, types, ref_date, device, workers)
    status = _run(
        extractor,
        plan,
        errors,
        fmt=fmt,
        output=output,
        resume=resume,
        done=done,
        input_format=input_format.value,
        encoding=encoding,
        quiet=quiet,
    )
    raise typer.Exit(status)


def _warn(message: str) -> None:
    sys.stderr.write(f"seedner: warning: {message}\n")


def _extractor(
    model: str, types: str | None, ref_date: str | None, device: str | None, workers: str
) -> Any:
    """The extractor of a local run: in this process, or over worker processes."""
    from seedner.api import Extractor
    from seedner.loading import ModelError
    from seedner.workers import ParallelExtractor, parse_workers

    try:
        n_workers = parse_workers(workers, device)
        if n_workers > 1:
            return ParallelExtractor(
                model, workers=n_workers, types=types, ref_date=ref_date, device=device
            )
        return Extractor(model, types=types, ref_date=ref_date, device=device)
    except (ModelError, ValueError) as exc:
        raise usage_error(str(exc)) from None


def _open_sink(fmt: OutputFormat, out: Any) -> Any:
    """The sink writing ``fmt`` to ``out`` (an :class:`~seedner.output.OutputFile`) or stdout."""
    from seedner.html_view import HtmlSink
    from seedner.sinks import CsvSink, JsonlSink, TableSink, output_console

    if fmt is OutputFormat.jsonl:
        return JsonlSink(out or sys.stdout.buffer)
    text = out.text() if out is not None else None
    if fmt is OutputFormat.csv:
        return CsvSink(text or sys.stdout)
    if fmt is OutputFormat.html:
        return HtmlSink(text or sys.stdout)
    return TableSink(output_console(text))


def _run(
    extractor: Any,
    plan: Any,
    errors: ErrorLog,
    *,
    fmt: OutputFormat,
    output: Path | None,
    resume: bool,
    done: set[str | int],
    input_format: str,
    encoding: str | None,
    quiet: bool,
) -> int:
    """Read, tag and write every document of ``plan``; the exit status."""
    from seedner.cli.progress import progress_display
    from seedner.loading import ModelError
    from seedner.output import OutputError, OutputFile
    from seedner.sources import read_documents
    from seedner.workers import WorkerError

    documents = read_documents(
        plan,
        input_format=input_format,  # type: ignore[arg-type]
        encoding=encoding,
        on_error=errors,
        on_warning=_warn,
    )
    if done:
        documents = (d for d in documents if d.id not in done)
    written = 0
    with ExitStack() as stack:
        try:
            out = OutputFile(output, append=resume) if output is not None else None
        except OutputError as exc:
            raise usage_error(str(exc)) from None
        if out is not None:
            stack.callback(out.close)
        sink = _open_sink(fmt, out)
        on_terminal = output is None and sys.stdout.isatty()
        progress = stack.enter_context(progress_display(not quiet, plan, errors, on_terminal))
        # JSON Lines and CSV write a long document's entities as they are made
        stream = fmt in (OutputFormat.jsonl, OutputFormat.csv)
        results = stack.enter_context(closing(extractor.iter_results(documents, stream=stream)))
        try:
            for result in results:
                with progress.paused():
                    sink.write(result)
                    if out is not None:
                        out.commit()
                written += 1
                progress.advance(result)
            with progress.paused():
                sink.finish()
                if out is not None:
                    out.flush()
        except ModelError as exc:  # a model that a worker process could not load
            raise usage_error(str(exc)) from None
        except WorkerError as exc:
            errors(str(exc))
        except OutputError as exc:
            progress.cancel()
            errors(str(exc))
        except BrokenPipeError:
            raise
        except OSError as exc:  # stdout that cannot be written (a full disk behind it)
            progress.cancel()
            errors(f"<stdout>: write failed ({(exc.strerror or str(exc)).lower()})")
        except KeyboardInterrupt:
            progress.cancel()
            if out is not None:  # the file ends at its last complete record, counted
                out.abandon()
                written = out.records
            where = f" to {output}" if output is not None else ""
            again = (
                "; run the same command with --resume to continue"
                if output is not None and fmt is OutputFormat.jsonl
                else ""
            )
            sys.stderr.write(
                f"seedner: interrupted: {written:,} document{'' if written == 1 else 's'}"
                f" written{where}{again}\n"
            )
            return 130
    return 1 if errors.count else 0
