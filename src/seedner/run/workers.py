"""The local multi-process engine: ``--workers N``.

The main process reads the inputs (so input errors are reported exactly as with one process)
and hands chunks of documents to N worker processes, each with its own model and a share of
the CPU threads. Results come back in input order, identical to a single process: the model's
output does not depend on which sentences share its batches (the tests check this).

Starting a worker costs a process, its imports and a model load (about a second for the
embedded model, which tags without importing torch; seconds for a HanLP model), so
an input smaller than :data:`PARALLEL_MIN_CHARS` is done in this process instead.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain
from pathlib import Path
from typing import Literal, overload

from seedner.api import BATCH_CHARS, Extractor
from seedner.errors import SeednerError
from seedner.run.options import ExtractOptions
from seedner.types import Document, DocumentResult, Entity, StreamedResult

# Characters per task: half a model batch, so the last tasks keep both workers busy (on 2.17M
# characters of news with two workers, 100,000 took about 4% less time than 200,000 and 50,000
# no less).
CHUNK_CHARS = BATCH_CHARS // 2
# Below this many characters in all, one process (its encoder on every core) is as fast
# as starting workers: two workers took 1.2 times as long at 100,000 characters, as long at
# 250,000 and 0.83 times as long at 500,000 and 1,000,000.
PARALLEL_MIN_CHARS = 250_000
AUTO_MAX_WORKERS = 8


class WorkerError(SeednerError):
    """A worker process died (killed, out of memory); the message says so in one line."""


def cpu_count() -> int:
    """CPUs this process may run on (its affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def auto_workers(device: str | None = None, cpus: int | None = None) -> int:
    """The number of workers ``--workers auto`` means on this machine.

    One per CPU, at most :data:`AUTO_MAX_WORKERS` (each holds a model: about 200 MB for the
    embedded one), each with an equal share of the CPUs for its encoder threads, so workers ×
    threads never exceed the CPUs; one on a GPU. Measured with ``benchmarks/scale.py`` (README,
    *Scaling*): on two CPUs two single-threaded workers tagged 4 and 10 MB of news 1.6 and 1.8
    times as fast as one process with two threads, in two thirds of its CPU time. Work that
    cannot be shared (an input under :data:`PARALLEL_MIN_CHARS`, a document longer than a
    model batch) is done in the main process and starts no worker.
    """
    from seedner.loading.devices import names_gpu

    if names_gpu(device):
        return 1
    cpus = cpu_count() if cpus is None else cpus
    return max(1, min(cpus, AUTO_MAX_WORKERS))


def worker_threads(workers: int, cpus: int | None = None) -> int:
    """Encoder threads per worker: an equal share of the CPUs, at least one."""
    return max(1, (cpu_count() if cpus is None else cpus) // workers)


def resolve_workers(workers: int | None, device: str | None = None) -> int:
    """A number of workers from :attr:`RunOptions.workers <seedner.run.options.RunOptions.workers>`
    (None: :func:`auto_workers`)."""
    return auto_workers(device) if workers is None else workers


def check_model(model: str, device: str | None) -> None:
    """Resolve the model (fetching a pretrained one once, here) without loading it.

    Raises :class:`seedner.errors.ModelError` for an unknown model or device, as loading would.
    """
    from seedner.loading.catalogue import find_pretrained, split_task
    from seedner.loading.devices import parse_device
    from seedner.loading.hanlp_cache import fetch_pretrained
    from seedner.loading.loader import resolve_model_path

    parse_device(device)
    name, _ = split_task(model)
    local = name == "embedded" or Path(name).expanduser().is_dir()
    info = None if local else find_pretrained(name)
    if info is None:
        resolve_model_path(name)
    else:
        fetch_pretrained(info, name)


_extractor: Extractor | None = None  # one per worker process, loaded by its first task


def limit_threads(threads: int) -> None:
    """Compute threads of this process: the encoder's (OpenVINO or ONNX Runtime), and torch's
    if a model needs it (torch reads ``OMP_NUM_THREADS`` when imported, so it is not imported
    here for nothing)."""
    from seedner.model.onnx_tagger import set_threads

    os.environ["OMP_NUM_THREADS"] = str(threads)
    set_threads(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def _start_worker(threads: int) -> None:
    # Ctrl-C reaches the whole process group: the main process alone decides what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_threads(threads)


def _tag_chunk(options: ExtractOptions, documents: list[Document]) -> list[list[Entity]]:
    """In a worker: the entities of each document of a chunk, in order."""
    global _extractor
    if _extractor is None:
        _extractor = Extractor.from_options(options)
    return [result.entities for result in _extractor.iter_results(documents)]


class ParallelExtractor:
    """``Extractor.iter_results`` over N worker processes, results in input order."""

    def __init__(
        self,
        options: ExtractOptions | None = None,
        *,
        workers: int,
        chunk_chars: int | None = None,
        min_parallel_chars: int | None = None,
    ) -> None:
        self.options = options or ExtractOptions()
        check_model(self.options.model, self.options.device)
        self.threads = worker_threads(workers)
        self.workers = workers
        self.chunk_chars = CHUNK_CHARS if chunk_chars is None else chunk_chars
        self.min_parallel_chars = (
            PARALLEL_MIN_CHARS if min_parallel_chars is None else min_parallel_chars
        )
        self.started = False  # whether worker processes were started (for tests and benchmarks)
        self._here: Extractor | None = None  # for small inputs and long documents

    def _local(self) -> Extractor:
        if self._here is None:
            self._here = Extractor.from_options(self.options)
        return self._here

    def run(self, documents: Iterable[Document]) -> list[DocumentResult]:
        return list(self.iter_results(documents))

    @overload
    def iter_results(
        self, documents: Iterable[Document], *, stream: Literal[False] = ...
    ) -> Iterator[DocumentResult]: ...
    @overload
    def iter_results(
        self, documents: Iterable[Document], *, stream: bool
    ) -> Iterator[DocumentResult | StreamedResult]: ...

    def iter_results(
        self, documents: Iterable[Document], *, stream: bool = False
    ) -> Iterator[DocumentResult | StreamedResult]:
        """Results in input order; a small input is done here, without starting workers.

        A document longer than a model batch is done here too, in its turn (with ``stream``,
        its entities made as they are written: see ``Extractor.iter_results``); in a worker
        all its entities would come back at once.
        """
        docs = iter(documents)
        head: list[Document] = []
        size = 0
        for doc in docs:
            head.append(doc)
            size += len(doc.text)
            if size >= self.min_parallel_chars:
                break
        else:
            yield from self._local().iter_results(head, stream=stream)
            return
        yield from self._parallel(chain(head, docs), stream)

    def _chunks(self, documents: Iterable[Document]) -> Iterator[list[Document]]:
        """Chunks of about ``chunk_chars`` characters; a long document is a chunk of its own."""
        chunk: list[Document] = []
        size = 0
        for doc in documents:
            if len(doc.text) > BATCH_CHARS and chunk:
                yield chunk
                chunk, size = [], 0
            chunk.append(doc)
            size += len(doc.text)
            if size >= self.chunk_chars:
                yield chunk
                chunk, size = [], 0
        if chunk:
            yield chunk

    def _parallel(
        self, documents: Iterable[Document], stream: bool
    ) -> Iterator[DocumentResult | StreamedResult]:
        import multiprocessing

        # spawn: a fresh interpreter per worker, never a fork of a process holding torch threads
        others = {p.pid for p in multiprocessing.active_children() if p.pid is not None}
        pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.threads,),
        )
        # At most two chunks per worker in flight: memory stays bounded, results stay in order.
        window: deque[tuple[list[Document], Future[list[list[Entity]]]]] = deque()
        finished = False
        try:
            for chunk in self._chunks(documents):
                if len(chunk) == 1 and len(chunk[0].text) > BATCH_CHARS:
                    while window:  # the results before it, then the long document, here
                        yield from _collect(*window.popleft())
                    yield from self._local().iter_results(chunk, stream=stream)
                    continue
                window.append((chunk, pool.submit(_tag_chunk, self.options, chunk)))
                self.started = True  # the pool starts its processes with its first task
                if len(window) >= 2 * self.workers:
                    yield from _collect(*window.popleft())
            while window:
                yield from _collect(*window.popleft())
            finished = True
        finally:
            if finished:
                pool.shutdown(wait=True)
            else:  # interrupted, a closed pipe or an error: stop the workers now
                _stop(pool, others)


def _collect(chunk: list[Document], future: Future[list[list[Entity]]]) -> Iterator[DocumentResult]:
    try:
        entities = future.result()
    except BrokenProcessPool:
        raise WorkerError(
            "a worker process died (killed, or out of memory); try fewer --workers"
        ) from None
    for doc, found in zip(chunk, entities):
        yield DocumentResult(doc.id, doc.text, found)


def _stop(pool: ProcessPoolExecutor, others: set[int]) -> None:
    """Shut the pool down without waiting for the chunks being tagged: its processes are this
    process's children that were not there before it (``others``, their pids)."""
    import multiprocessing

    processes = [p for p in multiprocessing.active_children() if p.pid not in others]
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
