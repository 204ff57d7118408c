"""Entities in a Spark DataFrame (``pip install "seedner[spark]"``)::

    from seedner.run.options import ExtractOptions
    from seedner.spark import with_entities

    df = spark.read.json("/data/pages/*.jsonl")          # columns id, text, ...
    with_entities(df, options=ExtractOptions.parse(types="PER,ORG")).write.parquet("/data/ents")

:func:`with_entities` adds a column ``entities``: an array of structs (start, end, type, text,
norm, label, source, score), the entities of ``seedner extract``. It runs through
``mapInPandas``: each Python worker builds its :class:`~seedner.api.Extractor` the first time
it needs one and keeps it for the tasks that follow (Spark reuses its Python workers), so only
the options travel with the tasks, never a model. ``options.model`` may be a folder of a saved
model, and ``options.dicts`` name dictionary files: they are read, under those paths, by every
worker, so they must be on storage every node mounts (or shipped with ``spark-submit --files``
/ ``--archives`` and named by their local paths).

pyspark is imported only here and in :mod:`seedner.run.spark_engine`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from seedner.run.options import ExtractOptions

if TYPE_CHECKING:
    from seedner.api import Extractor

INSTALL_HINT = '--engine spark needs pyspark: pip install -e ".[spark]" (from a package index: pip install "seedner[spark]")'  # noqa: E501

# One extractor per options per Python worker process, built by the first task that needs it.
_extractors: dict[ExtractOptions, Extractor] = {}


def extractor_for(options: ExtractOptions) -> Extractor:
    """This process's extractor for ``options``: loaded (and a model folder compiled) once."""
    extractor = _extractors.get(options)
    if extractor is None:
        from seedner.api import Extractor
        from seedner.run.workers import limit_threads

        limit_threads(_task_cpus())
        extractor = _extractors[options] = Extractor.from_options(options)
    return extractor


def _task_cpus() -> int:
    """The CPUs Spark gives one task (``spark.task.cpus``), 1 outside a task."""
    try:
        from pyspark import TaskContext

        context = TaskContext.get()
        return max(1, context.cpus()) if context is not None else 1
    except Exception:  # an older pyspark without cpus(): one thread, as a task has one CPU
        return 1


def entity_type() -> Any:
    """The Spark type of the ``entities`` column."""
    from pyspark.sql.types import (
        ArrayType,
        DoubleType,
        IntegerType,
        StringType,
        StructField,
        StructType,
    )

    return ArrayType(
        StructType(
            [
                StructField("start", IntegerType(), False),
                StructField("end", IntegerType(), False),
                StructField("type", StringType(), False),
                StructField("text", StringType(), False),
                StructField("norm", StringType(), True),
                StructField("label", StringType(), False),
                StructField("source", StringType(), False),
                StructField("score", DoubleType(), True),
            ]
        ),
        False,
    )


def with_entities(
    df: Any,
    text_col: str = "text",
    id_col: str | None = "id",
    options: ExtractOptions | None = None,
    column: str = "entities",
) -> Any:
    """``df`` with a column ``column`` (default ``entities``) holding the entities of
    ``text_col``; a null text gets a null. ``id_col`` (if ``df`` has it) names each document
    for seedner, as ``seedner extract`` does with a record's id; ``options`` (default: the
    embedded model, every type) are checked already (:meth:`ExtractOptions.parse`)."""
    from pyspark.sql.types import StructField, StructType

    options = options or ExtractOptions()
    # a new schema: StructType.add would change the one df keeps
    schema = StructType([*df.schema.fields, StructField(column, entity_type(), True)])
    ids = id_col if id_col is not None and id_col in df.columns else None

    def tag(batches: Iterator[Any]) -> Iterator[Any]:
        from seedner.types import Document

        extractor = extractor_for(options)
        for batch in batches:
            texts = batch[text_col].tolist()
            names = batch[ids].tolist() if ids is not None else list(range(len(texts)))
            present = [i for i, text in enumerate(texts) if isinstance(text, str)]
            docs = [Document(_name(names[i], i), texts[i]) for i in present]
            found: list[Any] = [None] * len(texts)
            for i, result in zip(present, extractor.iter_results(docs)):
                found[i] = [
                    {
                        "start": e.start,
                        "end": e.end,
                        "type": e.type,
                        "text": e.text,
                        "norm": e.norm,
                        "label": e.label,
                        "source": e.source,
                        "score": e.score,
                    }
                    for e in result.entities
                ]
            yield batch.assign(**{column: found})

    return df.mapInPandas(tag, schema)


def _name(value: Any, index: int) -> str | int:
    return value if isinstance(value, (str, int)) else str(index)
