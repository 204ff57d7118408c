"""``--engine spark``: the same extraction as a Spark job (``pip install "seedner[spark]"``).

The driver lists the inputs and cuts them into the Ray engine's *work items* (groups of text
files, line-aligned slices of JSON Lines files: :func:`seedner.run.ray_engine.work_items`),
one Spark partition each. Each task reads its item with seedner's readers and tags it with
its Python worker's extractor (:func:`seedner.spark.extractor_for`: built once per worker),
giving one row per document (its JSON line) or per bad input (its error line). The rows are
computed by all executors at once and kept by Spark; the driver then reads them partition by
partition (``toLocalIterator``), which is input order, and writes them: stdout, one file
(``-o FILE``) or shards in a folder (``-o DIR``). A task that fails is retried by Spark; as
only the driver writes, every record is written once.

A SparkSession this process already has is used as it is; under ``spark-submit`` one is made
with spark-submit's master and settings; otherwise one is started on ``--spark-master``
(default ``local[*]``), its JVM's output in a log file, Spark's logs at ERROR and no console
progress bar. A session made here is stopped at the end.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seedner.io.sources import STDIN, plan_inputs
from seedner.run.options import RunOptions
from seedner.run.ray_engine import (
    Row,
    _counting,
    _describe,
    read_item,
    work_items,
    write_rows,
)

if TYPE_CHECKING:
    pass

# Spark's own log lines (log4j 2) at ERROR from the start, before setLogLevel can run.
LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
"""

# Smaller JSON Lines slices than Ray's: a task is cheap (the worker keeps its model), and more
# tasks than cores keep every core busy to the end.
RANGE_BYTES = 1 << 20


class SparkUsageError(ValueError):
    """An option the Spark engine cannot honour, or no pyspark / Java: a usage error."""


def import_spark() -> Any:
    from seedner.spark import INSTALL_HINT

    # pyspark warns about pandas versions newer than it was tested with: not about the inputs
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"pyspark\.")
    try:
        import pyspark
        import pyspark.sql
    except ImportError:
        raise SparkUsageError(INSTALL_HINT) from None
    return pyspark


# -- the tasks --------------------------------------------------------------------------------
def tag_items(
    options: RunOptions, done: Any, cwd: str, items: Iterable[dict[str, Any]]
) -> Iterator[Row]:
    """In a Python worker: the rows of a partition's work items, in order."""
    from seedner.io.sinks import jsonl_line
    from seedner.spark import extractor_for

    # Relative inputs name files under the driver's working folder (shared storage).
    with contextlib.suppress(OSError):
        os.chdir(cwd)
    extractor = extractor_for(options.extract)
    skip: frozenset[str | int] = done.value if done is not None else frozenset()
    notes: list[Row] = []  # error and warning lines, in order among the documents
    for item in items:
        docs = read_item(
            item,
            input_format=options.input_format,
            encoding=options.encoding,
            on_error=lambda message: notes.append((b"", message, "", 0, 0, 0)),
            on_warning=lambda message: notes.append((b"", "", message, 0, 0, 0)),
        )
        if skip:
            docs = (d for d in docs if d.id not in skip)
        sizes = dict(zip(item["names"], item["sizes"])) if item["kind"] == "files" else {}
        left = sum(item["sizes"])
        for result in extractor.iter_results(docs):
            yield from notes
            notes.clear()
            size = sizes.pop(str(result.id), 0)
            left -= size
            yield (jsonl_line(result), "", "", size, len(result.text), len(result.entities))
        yield from notes
        if left:  # JSON Lines, and files that failed or were skipped
            yield (b"", "", "", left, 0, 0)


# -- the driver -------------------------------------------------------------------------------
def run_spark(
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
    """Run the extraction as a Spark job; the exit status (0, or 1 if an input failed).

    Uses this process's active SparkSession, or starts one on ``options.spark_master`` and
    stops it at the end. Unless ``quiet``, a terminal on stderr shows the progress and the
    closing summary line.
    """
    if fmt != "jsonl":
        raise SparkUsageError("--engine spark writes JSON Lines (-f jsonl)")
    if STDIN in inputs:
        raise SparkUsageError(
            "--engine spark reads files and folders; give stdin to --engine local"
        )
    import_spark()
    from seedner.run.progress import progress_display
    from seedner.run.workers import check_model

    extract, input_format = options.extract, options.input_format
    check_model(extract.model, extract.device)
    errors = _counting(on_error)
    plan = plan_inputs(inputs, glob=options.glob, input_format=input_format, on_error=errors)
    items = list(
        work_items(
            plan.items,
            input_format=input_format,
            encoding=options.encoding,
            range_bytes=RANGE_BYTES,
        )
    )
    on_terminal = output is None and sys.stdout.isatty()
    with progress_display(not quiet, plan, errors, on_terminal) as progress:
        if not items:
            return 1 if errors.count else 0
        _describe(progress, "starting Spark")
        with spark_session(options.spark_master) as spark:
            from py4j.protocol import Py4JError
            from pyspark import StorageLevel
            from pyspark.errors import PySparkException

            context = spark.sparkContext
            skip = context.broadcast(frozenset(done)) if done else None
            rows = context.parallelize(items, len(items)).mapPartitions(
                partial(tag_items, options, skip, os.getcwd())
            )
            # Every partition is computed at once, on all executors, and kept; reading the kept
            # rows a partition at a time then gives them in input order.
            rows.persist(StorageLevel.MEMORY_AND_DISK)
            _describe(progress, "tagging on Spark")
            try:
                rows.count()
                write_rows(rows.toLocalIterator(), output, bool(done), errors, on_warning, progress)
            except (Py4JError, PySparkException) as exc:  # a task failed all its attempts
                progress.cancel()
                said = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                errors(f"--engine spark: the Spark job failed ({said})")
                return 1
            rows.unpersist()
            if skip is not None:
                skip.destroy()
            _describe(progress, "stopping Spark")
    return 1 if errors.count else 0


@contextlib.contextmanager
def spark_session(master: str) -> Iterator[Any]:
    """This process's SparkSession, or a new one on ``master`` (under ``spark-submit``, on
    its master), stopped at the end.

    A new session's JVM writes its stdout and stderr to a log file, not to ours: stdout may
    be the JSON Lines output, and the JVM and the Python workers of a local Spark (whose
    output goes through it) print notices there that are not about the inputs.
    """
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway
    from pyspark.sql import SparkSession

    if SparkContext._active_spark_context is not None:  # one SparkContext per process
        yield SparkSession.builder.getOrCreate()
        return
    if "PYSPARK_GATEWAY_PORT" in os.environ:  # under spark-submit: its master and settings
        spark = SparkSession.builder.appName("seedner extract").getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        try:
            yield spark
        finally:
            spark.stop()
        return
    with tempfile.TemporaryDirectory(prefix="seedner-spark-") as folder:
        log4j, log = Path(folder) / "log4j2.properties", Path(folder) / "jvm.log"
        log4j.write_text(LOG4J2, encoding="utf-8")
        conf = (
            SparkConf()
            .setMaster(master)
            .setAppName("seedner extract")
            .set("spark.ui.showConsoleProgress", "false")
            .set("spark.ui.enabled", "false")
            .set("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log4j}")
        )
        if master.startswith("local") and "PYSPARK_PYTHON" not in os.environ:
            # the workers of a local Spark run this Python (its seedner), not `python3`
            conf.set("spark.pyspark.python", sys.executable)
        try:
            with open(log, "wb") as stream:
                gateway = launch_gateway(conf, {"stdout": stream, "stderr": stream})
            spark = SparkSession(SparkContext(conf=conf, gateway=gateway))
            # Ctrl-C as in the other engines: pyspark's handler logs tracebacks of the
            # connection it interrupts; the jobs are cancelled when the session stops
            signal.signal(signal.SIGINT, signal.default_int_handler)
        except Exception as exc:  # no Java, or a master that cannot be reached
            said = _first_cause(log) or (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            java = "; Spark needs Java 17+" if "java" in said.lower() else ""
            raise SparkUsageError(
                f"--engine spark: Spark did not start on {master} ({said}){java}"
            ) from None
        spark.sparkContext.setLogLevel("ERROR")
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.CRITICAL)  # py4j logs a traceback of a call that Ctrl-C cut short
        try:
            yield spark
        finally:
            spark.stop()
            root.setLevel(level)


def _first_cause(path: Path) -> str:
    """The first line of the JVM's log that names a failure (a missing java, an exception),
    else its last line."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    causes = ("error", "exception", "no such file", "not found")
    named = [line for line in lines if any(word in line.lower() for word in causes)]
    return (named or lines or [""])[0 if named else -1].strip()
