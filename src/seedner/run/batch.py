"""The run layer: checked options in, an engine chosen, inputs read, results written.

* :func:`extract` — the one-call Python API (texts or documents in, results out).
* :func:`local_engine` — the engine of a local run: this process, or a worker pool.
* :func:`run` — a batch run over files, folders or stdin, as ``seedner extract`` does it:
  the output checked before any work, the engine (local, Ray or Spark) chosen from the options,
  documents read and tagged, results written by the sink of the format, errors reported a
  line each; it returns the exit status.

Who imports whom: ``cli.extract`` → ``run`` → (``api``, ``workers``, ``ray_engine``,
``spark_engine``, ``output``, ``sinks``, ``sources``, ``progress``); ``workers`` → ``api``;
``api`` imports neither, and every engine takes :class:`~seedner.run.options.ExtractOptions`
as it is.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any, Literal, overload

from seedner.errors import SeednerError
from seedner.run.options import ExtractOptions, RunOptions
from seedner.types import Document, DocumentResult

OutputFormat = Literal["table", "jsonl", "csv", "html"]
STREAMED_FORMATS = ("jsonl", "csv")  # a long document's entities written as they are made


class UsageError(SeednerError):
    """What stops a run before any work (exit status 2): a bad option, an unknown model, an
    output that cannot be written."""


def _as_document(item: str | Document, index: int) -> Document:
    return item if isinstance(item, Document) else Document(str(index), item)


@overload
def extract(  # type: ignore[overload-overlap]  # a str is also an iterable of str
    inputs: str | Document,
    *,
    model: str = ...,
    types: str | Iterable[str] | None = ...,
    ref_date: dt.date | str | None = ...,
    device: str | None = ...,
    workers: int | str = ...,
    no_rules: str | Iterable[str] | None = ...,
    min_score: float | None = ...,
    dicts: str | Iterable[str] | None = ...,
) -> DocumentResult: ...
@overload
def extract(
    inputs: Iterable[str | Document],
    *,
    model: str = ...,
    types: str | Iterable[str] | None = ...,
    ref_date: dt.date | str | None = ...,
    device: str | None = ...,
    workers: int | str = ...,
    no_rules: str | Iterable[str] | None = ...,
    min_score: float | None = ...,
    dicts: str | Iterable[str] | None = ...,
) -> list[DocumentResult]: ...


def extract(
    inputs: str | Document | Iterable[str | Document],
    *,
    model: str = "embedded",
    types: str | Iterable[str] | None = None,
    ref_date: dt.date | str | None = None,
    device: str | None = None,
    workers: int | str = 1,
    no_rules: str | Iterable[str] | None = None,
    min_score: float | None = None,
    dicts: str | Iterable[str] | None = None,
) -> DocumentResult | list[DocumentResult]:
    """Extract PER/ORG/LOC/DATE entities.

    A single text or ``Document`` gives one ``DocumentResult``; an iterable gives a list,
    in input order. Plain strings get ids ``"0"``, ``"1"``, ...

    ``workers`` (a number or ``"auto"``) tags a large iterable in that many processes, with
    the same results (:mod:`seedner.run.workers`); scripts using it need the usual
    ``if __name__ == "__main__":`` guard of Python's multiprocessing. ``no_rules`` turns off
    rules after the model by name (:data:`seedner.rules.postprocess.RULES`); ``min_score``
    drops a model's entities whose score is below it (those without a score are kept);
    ``dicts`` are user dictionary files (:mod:`seedner.dicts`).
    """
    options = RunOptions.parse(
        ExtractOptions.parse(
            model,
            types=types,
            ref_date=ref_date,
            device=device,
            no_rules=no_rules,
            min_score=min_score,
            dicts=dicts,
        ),
        workers=workers,
    )
    if isinstance(inputs, (str, Document)):
        options = RunOptions(options.extract)  # one document: this process
    engine = local_engine(options)
    if isinstance(inputs, (str, Document)):
        return engine.run([_as_document(inputs, 0)])[0]
    return engine.run([_as_document(item, i) for i, item in enumerate(inputs)])


def local_engine(options: RunOptions) -> Any:
    """An ``Extractor`` (in this process) or a ``ParallelExtractor`` (worker processes), as
    ``options.workers`` asks; both have ``run`` and ``iter_results(documents, stream=...)``."""
    from seedner.api import Extractor
    from seedner.run.workers import ParallelExtractor, resolve_workers

    workers = resolve_workers(options.workers, options.extract.device)
    if workers > 1:
        return ParallelExtractor(options.extract, workers=workers)
    return Extractor.from_options(options.extract)


def run(
    options: RunOptions,
    inputs: list[str],
    *,
    output: Path | None,
    fmt: OutputFormat,
    resume: bool = False,
    quiet: bool = False,
) -> int:
    """Extract from ``inputs`` (files, folders, ``-``) to ``output`` or stdout; the exit status
    (0, or 1 if an input failed). Raises :class:`UsageError` before any work for what must
    stop the run: a bad output, ``--resume`` without a JSON Lines file, an unknown model."""
    from seedner.errors import ModelError
    from seedner.io.output import OutputError, check_output, resumable_ids
    from seedner.io.sources import plan_inputs
    from seedner.run.progress import ErrorLog

    cluster = options.engine != "local"  # Ray and Spark plan and report the inputs again
    if resume:
        if output is None or output.is_dir():
            raise UsageError("--resume needs -o FILE: the output of the run to continue")
        if fmt != "jsonl":
            raise UsageError("--resume works with JSON Lines output (-f jsonl)")
    if output is not None and output.is_dir() and not cluster:
        raise UsageError(
            f"-o {output}: is a folder (shards in a folder need --engine ray or spark)"
        )
    errors = ErrorLog()
    # the Ray and Spark engines plan the inputs again and report their errors themselves
    plan = plan_inputs(
        inputs,
        glob=options.glob,
        input_format=options.input_format,
        on_error=(lambda _: None) if cluster else errors,
    )
    done: set[str | int] = set()
    try:
        if output is not None and not output.is_dir():
            check_output(output, plan.items, resume=resume)
            done = resumable_ids(output) if resume else set()
        if cluster:
            run_cluster, refused = _cluster_engine(options.engine)
            try:
                return run_cluster(
                    options, inputs, output, done=done, fmt=fmt, on_error=errors,
                    on_warning=_warn, quiet=quiet,
                )  # fmt: skip
            except refused as exc:
                raise UsageError(str(exc)) from None
            except OutputError as exc:  # a write failed during the run
                errors(str(exc))
                return 1
        engine = local_engine(options)
    except (OutputError, ModelError) as exc:
        raise UsageError(str(exc)) from None
    return _run_local(
        engine, plan, errors, options, fmt=fmt, output=output, resume=resume, done=done,
        quiet=quiet,
    )  # fmt: skip


def _cluster_engine(name: str) -> tuple[Any, type[Exception]]:
    """The run function of the Ray or Spark engine and the error it refuses options with
    (each imported only when asked for)."""
    if name == "ray":
        from seedner.run.ray_engine import RayUsageError, run_ray

        return run_ray, RayUsageError
    from seedner.run.spark_engine import SparkUsageError, run_spark

    return run_spark, SparkUsageError


def _warn(message: str) -> None:
    sys.stderr.write(f"seedner: warning: {message}\n")


def _run_local(
    engine: Any,
    plan: Any,
    errors: Any,
    options: RunOptions,
    *,
    fmt: OutputFormat,
    output: Path | None,
    resume: bool,
    done: set[str | int],
    quiet: bool,
) -> int:
    """Read, tag and write every document of ``plan`` with ``engine``; the exit status."""
    from seedner.errors import ModelError
    from seedner.io.output import OutputError, OutputFile, open_sink
    from seedner.io.sources import read_documents
    from seedner.run.progress import progress_display
    from seedner.run.workers import WorkerError

    documents = read_documents(
        plan,
        input_format=options.input_format,
        encoding=options.encoding,
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
            raise UsageError(str(exc)) from None
        if out is not None:
            stack.callback(out.close)
        sink = open_sink(fmt, out)
        on_terminal = output is None and sys.stdout.isatty()
        progress = stack.enter_context(progress_display(not quiet, plan, errors, on_terminal))
        stream = fmt in STREAMED_FORMATS
        results = stack.enter_context(closing(engine.iter_results(documents, stream=stream)))
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
            raise UsageError(str(exc)) from None
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
                if output is not None and fmt == "jsonl"
                else ""
            )
            sys.stderr.write(
                f"seedner: interrupted: {written:,} document{'' if written == 1 else 's'}"
                f" written{where}{again}\n"
            )
            return 130
    return 1 if errors.count else 0
