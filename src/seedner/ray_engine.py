"""``--engine ray``: the same extraction as a Ray Data job (``pip install "seedner[ray]"``).

The driver lists the inputs as the local engine does (folders walked for ``--glob``, sorted)
and makes a dataset of *work items*: groups of consecutive text files, line-aligned slices of
large JSON Lines files (with the line number each starts at, so error lines and default ids
read as with the local engine); listing errors are reported first, as the local engine
reports them. ``map_batches`` hands the
items to :class:`ExtractActor` actors, which load the model once each, read their items with
seedner's own readers and return one row per document (its JSON line) or per bad input (its
error line). The driver receives the rows in input order (``preserve_order``) and writes them:
stdout, one file (``-o FILE``) or a folder of shards (``-o DIR``).

Ray is imported only here, and this module only for ``--engine ray``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, repeat
from pathlib import Path
from typing import IO, Any

from seedner.api import BATCH_CHARS
from seedner.loading.devices import names_gpu
from seedner.sources import STDIN, InputPlan, _records, plan_inputs, read_documents
from seedner.types import Document

INSTALL_HINT = '--engine ray needs Ray Data: pip install "seedner[ray]"'
# Work items of a few MB (a minute or so of one actor's time) keep every actor busy.
RANGE_BYTES = 4 << 20  # a JSON Lines file is split into slices of about this size
GROUP_BYTES = 4 << 20  # consecutive text files are grouped into items of about this size
GROUP_FILES = 1000
SHARD_LINES = 100_000  # documents per shard with -o DIR
ROW_CHARS = BATCH_CHARS  # an actor returns its rows about every this many characters


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
    seq: int, kind: str, names: list[str], start: int = 0, end: int = 0, line: int = 1
) -> dict[str, Any]:
    return {"seq": seq, "kind": kind, "names": names, "start": start, "end": end, "line": line}


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
            yield _item(seq, "files", group)
            seq, group, group_bytes = seq + 1, [], 0
        if whole:
            group.append(str(file))
            group_bytes += size
            continue
        for start, end, line in ranges:
            yield _item(seq, "range", [str(file)], start, end, line)
            seq += 1
    if group:
        yield _item(seq, "files", group)


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
    # The local engine's JSON Lines reader (private to seedner.sources) numbers lines from 1;
    # blank lines are skipped and only advance its count.
    lines = chain(repeat(b"", item["line"] - 1), io.BytesIO(data))
    yield from _records(lines, name, on_error)  # type: ignore[arg-type]


class _Rows:
    """An actor's output rows in order: a document's JSON line, or an error or warning line."""

    def __init__(self) -> None:
        self.line: list[bytes] = []
        self.error: list[str] = []
        self.warning: list[str] = []
        self.chars = 0

    def add(self, line: bytes = b"", error: str = "", warning: str = "") -> None:
        self.line.append(line)
        self.error.append(error)
        self.warning.append(warning)

    def take(self) -> Any:
        import pyarrow as pa

        table = pa.table(
            {
                "line": pa.array(self.line, pa.binary()),
                "error": pa.array(self.error, pa.string()),
                "warning": pa.array(self.warning, pa.string()),
            }
        )
        self.__init__()  # type: ignore[misc]
        return table


class ExtractActor:
    """A Ray actor holding one model: work items in, rows out (see :class:`_Rows`)."""

    def __init__(
        self,
        model: str,
        types: str | None,
        ref_date: str | None,
        device: str | None,
        threads: int,
        input_format: str,
        encoding: str | None,
        done: frozenset[str | int],
        cwd: str,
    ) -> None:
        from seedner.api import Extractor
        from seedner.workers import limit_threads

        # Relative inputs name files under the driver's working folder (shared storage).
        with contextlib.suppress(OSError):
            os.chdir(cwd)
        limit_threads(threads)
        if names_gpu(device):
            device = "cuda"  # Ray shows this actor its own GPU only
        self.extractor = Extractor(model, types=types, ref_date=ref_date, device=device)
        self.input_format, self.encoding, self.done = input_format, encoding, done

    def __call__(self, batch: Any) -> Iterator[Any]:
        from seedner.sinks import jsonl_line

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
            for result in self.extractor.iter_results(docs):
                rows.add(jsonl_line(result))
                rows.chars += len(result.text)
                if rows.chars >= ROW_CHARS:
                    yield rows.take()
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


def parse_actors(workers: str, device: str | None) -> int | None:
    """``--workers`` for Ray: a number of actors, or None for ``auto``."""
    from seedner.workers import parse_workers

    if workers.strip().lower() == "auto":
        return None
    try:
        return parse_workers(workers, device)
    except ValueError as exc:
        raise RayUsageError(str(exc)) from None


def auto_actors(ray: Any, device: str | None) -> int:
    """One actor per GPU, or per CPU, of the cluster (an actor runs one torch thread)."""
    key = "GPU" if names_gpu(device) else "CPU"
    return max(1, int(ray.cluster_resources().get(key, 1)))


def run_ray(
    inputs: list[str],
    output: Path | None,
    *,
    done: set[str | int],
    model: str,
    types: str | None,
    ref_date: str | None,
    device: str | None,
    workers: str,
    glob: str,
    input_format: str,
    encoding: str | None,
    fmt: str,
    address: str | None,
    on_error: Callable[[str], None],
    on_warning: Callable[[str], None],
) -> int:
    """Run the extraction as a Ray Data job; the exit status (0, or 1 if an input failed).

    Joins the cluster at ``address``, or the Ray instance this process already started, or
    starts a local one (and stops it at the end).
    """
    if fmt != "jsonl":
        raise RayUsageError("--engine ray writes JSON Lines (-f jsonl)")
    if STDIN in inputs:
        raise RayUsageError("--engine ray reads files and folders; give stdin to --engine local")
    ray = import_ray()
    from seedner.workers import check_model

    check_model(model, device)
    fixed_actors = parse_actors(workers, device)
    failed = 0

    def error(message: str) -> None:
        nonlocal failed
        failed = 1
        on_error(message)

    plan = plan_inputs(inputs, glob=glob, input_format=input_format, on_error=error)  # type: ignore[arg-type]
    items = list(work_items(plan.items, input_format=input_format, encoding=encoding))
    if not items:
        return failed
    started = not ray.is_initialized()
    if started:
        ray.init(
            address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR"
        )
    try:
        _quiet_ray(ray)
        gpu = names_gpu(device)
        on_cluster = bool(address or os.environ.get("RAY_ADDRESS"))
        actors = fixed_actors or auto_actors(ray, device)
        with warnings.catch_warnings():  # max_restarts has no named parameter yet
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
                ExtractActor,
                batch_size=1,
                batch_format="pyarrow",
                compute=ray.data.ActorPoolStrategy(size=min(actors, len(items))),
                num_cpus=1,
                num_gpus=1 if gpu else 0,
                # On a cluster a lost actor is restarted; on one machine there is no node to lose,
                # and Ray would log an error line about restarting actors (ray-project/ray#53727).
                max_restarts=-1 if on_cluster else 0,
                fn_constructor_kwargs={
                    "model": model,
                    "types": types,
                    "ref_date": ref_date,
                    "device": device,
                    "threads": 1,
                    "input_format": input_format,
                    "encoding": encoding,
                    "done": frozenset(done),
                    "cwd": os.getcwd(),
                },
            )
        return max(failed, _write(dataset, output, bool(done), error, on_warning))
    finally:
        if started:
            ray.shutdown()


def _write(
    dataset: Any,
    output: Path | None,
    append: bool,
    on_error: Callable[[str], None],
    on_warning: Callable[[str], None],
) -> int:
    """Rows in input order to stdout, ``output`` or its shards; 1 if a row was an error."""
    failed = 0
    with contextlib.ExitStack() as stack:
        sink: ShardWriter | IO[bytes]
        if output is not None and output.is_dir():
            sink = ShardWriter(output)
            stack.callback(sink.close)
        elif output is not None:
            sink = stack.enter_context(open(output, "ab" if append else "wb"))
        else:
            sink = sys.stdout.buffer
        for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
            columns = (batch[name].to_pylist() for name in ("line", "error", "warning"))
            for line, error, warning in zip(*columns):
                if error:
                    on_error(error)
                    failed = 1
                elif warning:
                    on_warning(warning)
                else:
                    sink.write(line)
            sink.flush()
    return failed
