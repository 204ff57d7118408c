"""``--engine ray``: the same extraction as a Ray Data job (``pip install "seedner[ray]"``).

The driver lists the inputs as the local engine does (folders walked for ``--glob``, sorted)
and makes a dataset of *work items*: groups of consecutive text files, line-aligned slices of
large JSON Lines files (with the line number each starts at, so error lines and default ids
read as with the local engine); listing errors are reported first, as the local engine
reports them. ``map_batches`` hands the
items to :class:`ExtractActor` actors, which load the model once each, read their items with
seedner's own readers and return one row per document (its JSON line) or per bad input (its
error line). The driver receives the rows in input order (``preserve_order``) and writes them:
stdout, one file (``-o FILE``) or a folder of shards (``-o DIR``). On a terminal it shows the
local engine's progress display and closing summary line on stderr. A local Ray it started
is stopped, its processes gone, before it returns.

Ray is imported only here, and this module only for ``--engine ray``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import chain, repeat
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from seedner.api import BATCH_CHARS
from seedner.io.output import OutputFile
from seedner.io.sources import STDIN, InputPlan, plan_inputs, read_documents, read_records
from seedner.loading.devices import names_gpu
from seedner.run.options import RunOptions
from seedner.types import Document, DocumentResult

if TYPE_CHECKING:
    from seedner.run.progress import ErrorLog, Progress

INSTALL_HINT = '--engine ray needs Ray Data: pip install "seedner[ray]"'
# Work items of a few MB (a minute or so of one actor's time) keep every actor busy.
RANGE_BYTES = 4 << 20  # a JSON Lines file is split into slices of about this size
GROUP_BYTES = 4 << 20  # consecutive text files are grouped into items of about this size
GROUP_FILES = 1000
SHARD_LINES = 100_000  # documents per shard with -o DIR
ROW_CHARS = BATCH_CHARS  # an actor returns its rows about every this many characters
EXIT_WAIT_S = 10.0  # how long the stopped Ray's processes get to exit before they are killed


class RayUsageError(ValueError):
    """An option the Ray engine cannot honour; the CLI reports it as a usage error."""


def import_ray() -> Any:
    try:
        import ray
        import ray.data  # the extra, not Ray core alone
    except ImportError:
        raise RayUsageError(INSTALL_HINT) from None
    return ray


# -- the driver: work items -------------------------------------------------------------------
def _item(
    seq: int,
    kind: str,
    names: list[str],
    sizes: list[int],
    start: int = 0,
    end: int = 0,
    line: int = 1,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "kind": kind,
        "names": names,
        "sizes": sizes,  # bytes of each file, or of the slice: for the progress display
        "start": start,
        "end": end,
        "line": line,
    }


def jsonl_ranges(path: Path, limit: int = RANGE_BYTES) -> Iterator[tuple[int, int, int]]:
    """``(start, end, first line number)`` of line-aligned byte slices of about ``limit``."""
    start, lineno = 0, 1
    with open(path, "rb") as stream:
        while block := stream.read(limit):
            cut = block.rfind(b"\n") + 1
            while cut == 0:  # a line longer than limit: read on to its end
                more = stream.read(limit)
                end = more.find(b"\n")
                block += more if end < 0 else more[: end + 1]
                if end >= 0 or not more:
                    cut = len(block)
            yield start, start + cut, lineno
            lineno += block.count(b"\n", 0, cut)
            start += cut
            stream.seek(start)


def work_items(
    files: Iterable[Path | str],
    *,
    input_format: str,
    encoding: str | None,
    range_bytes: int = RANGE_BYTES,
) -> Iterator[dict[str, Any]]:
    """The dataset's rows, in input order: groups of consecutive text files (about
    :data:`GROUP_BYTES` each) and line-aligned slices of JSON Lines files."""
    seq = 0
    group: list[str] = []
    sizes: list[int] = []
    group_bytes = 0
    for file in map(Path, files):
        fmt = input_format
        if fmt == "auto":
            fmt = "jsonl" if file.suffix.lower() == ".jsonl" else "text"
        try:
            size = file.stat().st_size
            ranges = list(jsonl_ranges(file, range_bytes)) if fmt == "jsonl" else []
        except OSError:
            size, ranges = 0, []  # the actor reads it again and reports why it cannot
        whole = fmt == "text" or encoding is not None or not ranges
        if group and (not whole or group_bytes + size > GROUP_BYTES or len(group) >= GROUP_FILES):
            yield _item(seq, "files", group, sizes)
            seq, group, sizes, group_bytes = seq + 1, [], [], 0
        if whole:
            group.append(str(file))
            sizes.append(size)
            group_bytes += size
            continue
        for start, end, line in ranges:
            yield _item(seq, "range", [str(file)], [end - start], start, end, line)
            seq += 1
    if group:
        yield _item(seq, "files", group, sizes)


# -- the actors -------------------------------------------------------------------------------
def read_item(
    item: dict[str, Any],
    *,
    input_format: str,
    encoding: str | None,
    on_error: Callable[[str], None],
    on_warning: Callable[[str], None],
) -> Iterator[Document]:
    """The documents of one work item, with the local engine's error and warning lines."""
    if item["kind"] == "files":
        plan = InputPlan(items=[Path(name) for name in item["names"]])
        yield from read_documents(
            plan,
            input_format=input_format,  # type: ignore[arg-type]
            encoding=encoding,
            on_error=on_error,
            on_warning=on_warning,
        )
        return
    name = item["names"][0]
    try:
        with open(name, "rb") as stream:
            stream.seek(item["start"])
            data = stream.read(item["end"] - item["start"])
    except OSError as exc:
        on_error(f"{name}: cannot read ({exc.strerror or exc})")
        return
    # The local engine's JSON Lines reader (private to seedner.io.sources) numbers lines from 1;
    # blank lines are skipped and only advance its count.
    lines = chain(repeat(b"", item["line"] - 1), io.BytesIO(data))
    yield from read_records(lines, name, on_error)  # type: ignore[arg-type]


class _Rows:
    """An actor's output rows in order: a document's JSON line, or an error or warning line.
    For the progress display, a document's row also counts its characters and entities, and
    any row can count input bytes it completes (a row with nothing else ends a work item)."""

    def __init__(self) -> None:
        self.line: list[bytes] = []
        self.error: list[str] = []
        self.warning: list[str] = []
        self.bytes: list[int] = []
        self.chars: list[int] = []
        self.entities: list[int] = []
        self.pending = 0  # characters since the last take()

    def add(
        self,
        line: bytes = b"",
        error: str = "",
        warning: str = "",
        result: DocumentResult | None = None,
        done_bytes: int = 0,
    ) -> None:
        self.line.append(line)
        self.error.append(error)
        self.warning.append(warning)
        self.bytes.append(done_bytes)
        self.chars.append(len(result.text) if result else 0)
        self.entities.append(len(result.entities) if result else 0)
        self.pending += self.chars[-1]

    def take(self) -> Any:
        import pyarrow as pa

        table = pa.table(
            {
                "line": pa.array(self.line, pa.binary()),
                "error": pa.array(self.error, pa.string()),
                "warning": pa.array(self.warning, pa.string()),
                "bytes": pa.array(self.bytes, pa.int64()),
                "chars": pa.array(self.chars, pa.int64()),
                "entities": pa.array(self.entities, pa.int64()),
            }
        )
        self.__init__()  # type: ignore[misc]
        return table


class ExtractActor:
    """A Ray actor holding one model: work items in, rows out (see :class:`_Rows`)."""

    def __init__(self, options: RunOptions, done: frozenset[str | int], cwd: str) -> None:
        from seedner.api import Extractor
        from seedner.run.workers import limit_threads

        # Relative inputs name files under the driver's working folder (shared storage).
        with contextlib.suppress(OSError):
            os.chdir(cwd)
        limit_threads(1)  # an actor has one CPU
        extract = options.extract
        if names_gpu(extract.device):
            extract = replace(extract, device="cuda")  # Ray shows this actor its own GPU only
        self.extractor = Extractor.from_options(extract)
        self.input_format, self.encoding, self.done = (
            options.input_format,
            options.encoding,
            done,
        )

    def __call__(self, batch: Any) -> Iterator[Any]:
        from seedner.io.sinks import jsonl_line

        rows = _Rows()
        for item in batch.to_pylist():
            docs = read_item(
                item,
                input_format=self.input_format,
                encoding=self.encoding,
                on_error=lambda message: rows.add(error=message),
                on_warning=lambda message: rows.add(warning=message),
            )
            if self.done:
                docs = (d for d in docs if d.id not in self.done)
            # a text file is one document whose id is its path: done when its row is
            sizes = dict(zip(item["names"], item["sizes"])) if item["kind"] == "files" else {}
            left = sum(item["sizes"])
            for result in self.extractor.iter_results(docs):
                size = sizes.pop(str(result.id), 0)
                left -= size
                rows.add(jsonl_line(result), result=result, done_bytes=size)
                if rows.pending >= ROW_CHARS:
                    yield rows.take()
            if left:  # JSON Lines, and files that failed or were skipped
                rows.add(done_bytes=left)
        if rows.line:
            yield rows.take()


# -- the driver: running and writing ------------------------------------------------------------
class ShardWriter:
    """``DIR/part-00000.jsonl``, ``part-00001.jsonl``, ... of :data:`SHARD_LINES` lines each."""

    def __init__(self, folder: Path, lines_per_shard: int | None = None) -> None:
        self.folder, self.limit = folder, lines_per_shard or SHARD_LINES
        self.index, self.count = 0, 0
        self.stream: IO[bytes] | None = None

    def write(self, line: bytes) -> None:
        if self.stream is None or self.count >= self.limit:
            self.close()
            self.stream = open(self.folder / f"part-{self.index:05d}.jsonl", "wb")  # noqa: SIM115
            self.index, self.count = self.index + 1, 0
        self.stream.write(line)
        self.count += 1

    def flush(self) -> None:
        if self.stream is not None:
            self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


def _quiet_ray(ray: Any) -> None:
    """No progress bars or execution logs from Ray Data; input order kept."""
    import logging

    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    ctx.enable_auto_log_stats = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=r"ray\.")  # advice on tuning, not on the inputs


def auto_actors(ray: Any, device: str | None) -> int:
    """One actor per GPU, or per CPU, of the cluster (an actor runs one torch thread)."""
    key = "GPU" if names_gpu(device) else "CPU"
    return max(1, int(ray.cluster_resources().get(key, 1)))


def run_ray(
    options: RunOptions,
    inputs: list[str],
    output: Path | None,
    *,
    done: set[str | int],
    fmt: str = "jsonl",
    on_error: Callable[[str], None],
    on_warning: Callable[[str], None],
    quiet: bool = False,
) -> int:
    """Run the extraction as a Ray Data job; the exit status (0, or 1 if an input failed).

    Joins the cluster at ``options.ray_address``, or the Ray instance this process already
    started, or starts a local one (and stops it at the end, once its processes have exited).
    ``options.workers`` actors (None: one per CPU or GPU of the cluster). Unless ``quiet``, a
    terminal on stderr shows the progress and the closing summary line.
    """
    if fmt != "jsonl":
        raise RayUsageError("--engine ray writes JSON Lines (-f jsonl)")
    if STDIN in inputs:
        raise RayUsageError("--engine ray reads files and folders; give stdin to --engine local")
    ray = import_ray()
    from seedner.run.progress import progress_display
    from seedner.run.workers import check_model

    extract = options.extract
    device, address, input_format = extract.device, options.ray_address, options.input_format
    check_model(extract.model, device)
    errors = _counting(on_error)
    plan = plan_inputs(inputs, glob=options.glob, input_format=input_format, on_error=errors)
    items = list(work_items(plan.items, input_format=input_format, encoding=options.encoding))
    on_terminal = output is None and sys.stdout.isatty()
    with progress_display(not quiet, plan, errors, on_terminal) as progress:
        if not items:
            return 1 if errors.count else 0
        _describe(progress, "starting Ray")
        with _ray_session(ray, address):
            _quiet_ray(ray)
            gpu = names_gpu(device)
            on_cluster = bool(address or os.environ.get("RAY_ADDRESS"))
            actors = options.workers or auto_actors(ray, device)
            _describe(progress, "starting actors")
            with warnings.catch_warnings():  # max_restarts has no named parameter yet
                warnings.simplefilter("ignore", DeprecationWarning)
                dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
                    ExtractActor,
                    batch_size=1,
                    batch_format="pyarrow",
                    compute=ray.data.ActorPoolStrategy(size=min(actors, len(items))),
                    num_cpus=1,
                    num_gpus=1 if gpu else 0,
                    # On a cluster a lost actor is restarted; on one machine there is no node to
                    # lose, and Ray would log an error line about restarting actors
                    # (ray-project/ray#53727).
                    max_restarts=-1 if on_cluster else 0,
                    fn_constructor_kwargs={
                        "options": options,
                        "done": frozenset(done),
                        "cwd": os.getcwd(),
                    },
                )
            write_rows(_rows(dataset), output, bool(done), errors, on_warning, progress)
            _describe(progress, "stopping Ray")
    return 1 if errors.count else 0


def _counting(report: Callable[[str], None]) -> ErrorLog:
    """An :class:`ErrorLog` (what the summary line counts) that hands its lines to ``report``."""
    from seedner.run.progress import ErrorLog

    class Counting(ErrorLog):
        def __call__(self, message: str) -> None:
            self.count += 1
            report(message)

    return Counting()


@contextlib.contextmanager
def _ray_session(ray: Any, address: str | None) -> Iterator[None]:
    """Ray for the job: the instance this process already joined, else a new connection
    (``address``, ``RAY_ADDRESS`` or a local Ray started here). A local Ray is stopped at the
    end and its processes, workers included, waited for: the command must not end before
    them. A cluster is only disconnected from."""
    if ray.is_initialized():
        yield
        return
    import psutil  # shipped with Ray

    me = psutil.Process()
    before = {child.pid for child in me.children()}
    try:
        ray.init(
            address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR"
        )
        yield
    finally:
        # What ray.init started here (nothing when it joined a cluster) and their children:
        # the raylet's workers are not direct children of this process.
        started = [child for child in me.children() if child.pid not in before]
        ours = [*started, *(p for child in started for p in _descendants(child))]
        ray.shutdown()
        _, alive = psutil.wait_procs(ours, timeout=EXIT_WAIT_S)
        for process in alive:
            with contextlib.suppress(psutil.Error):
                process.kill()
        psutil.wait_procs(alive, timeout=EXIT_WAIT_S)


def _descendants(process: Any) -> list[Any]:
    import psutil

    try:
        return list(process.children(recursive=True))
    except psutil.Error:
        return []


def _describe(progress: Progress, what: str) -> None:
    """What the run waits for (Ray starting or stopping, the first rows), after the counts once
    there are some; the next batch counted shows the counts alone."""
    if progress.bar is not None:
        text = f"{progress.description()} · {what}" if progress.docs else what
        progress.bar.update(progress.task, description=text)


# What an engine's job returns for each document or bad input, in input order.
Row = tuple[bytes, str, str, int, int, int]  # line, error, warning, input bytes, chars, entities
ROW_COLUMNS = ("line", "error", "warning", "bytes", "chars", "entities")


def _rows(dataset: Any) -> Iterator[Row]:
    for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
        yield from zip(*(batch[name].to_pylist() for name in ROW_COLUMNS))


def write_rows(
    rows: Iterable[Row],
    output: Path | None,
    append: bool,
    on_error: Callable[[str], None],
    on_warning: Callable[[str], None],
    progress: Progress,
) -> None:
    """Rows in input order to stdout, ``output`` or its shards (each line flushed as it is
    written); error and warning rows to ``on_error`` and ``on_warning``; each row counted by
    ``progress``. Both cluster engines (Ray, Spark) write their results through it."""
    with contextlib.ExitStack() as stack:
        sink: ShardWriter | OutputFile | IO[bytes]
        if output is not None and output.is_dir():
            sink = ShardWriter(output)
            stack.callback(sink.close)
        elif output is not None:  # a failed write cuts it at the last whole record
            sink = OutputFile(output, append=append)
            stack.callback(sink.close)
        else:
            sink = sys.stdout.buffer
        for line, error, warning, size, chars, entities in rows:
            with progress.paused():
                if error:
                    on_error(error)
                elif warning:
                    on_warning(warning)
                elif line:
                    sink.write(line)
                    if isinstance(sink, OutputFile):
                        sink.commit()
                    else:
                        sink.flush()
            progress.docs += 1 if line else 0
            progress.chars += chars
            progress.entities += entities
            progress.bytes += size
            if progress.bar is not None and (size or line):
                progress.bar.update(
                    progress.task, completed=progress.bytes, description=progress.description()
                )
