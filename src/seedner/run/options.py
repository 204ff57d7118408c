"""What a run is asked for, validated once: every engine (in-process, worker pool, Ray, Spark) takes
these objects as they are and never checks them again.

* :class:`ExtractOptions`: what to extract — the model, the types, the reference date, the
  device, the lowest score of a model's entity. An :class:`~seedner.api.Extractor` is built
  from it, in this process, in each worker process, in each Ray actor and in each Spark Python
  worker.
* :class:`RunOptions`: how a batch run goes — where inputs come from (glob, format,
  encoding), the engine, its workers, the Ray cluster or the Spark master.

Nothing heavy is imported here: options are checked before any model loads.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from seedner.types import ENTITY_TYPES, InputFormat

EngineName = Literal["local", "ray", "spark"]


def parse_types(types: str | Iterable[str] | None) -> frozenset[str] | None:
    """``"PER,ORG"`` or ``["PER", "ORG"]`` → a set of types; raises ValueError on unknown ones."""
    if types is None:
        return None
    items = types.split(",") if isinstance(types, str) else list(types)
    chosen = frozenset(t.strip().upper() for t in items if t.strip())
    unknown = sorted(chosen - set(ENTITY_TYPES))
    if unknown:
        raise ValueError(
            f"unknown entity type(s) {', '.join(unknown)}; choose from {', '.join(ENTITY_TYPES)}"
        )
    if not chosen:
        raise ValueError(f"no entity type given; choose from {', '.join(ENTITY_TYPES)}")
    return chosen


def parse_min_score(value: float | str | None) -> float | None:
    """``--min-score``: a probability from 0 to 1, or None; raises ValueError otherwise."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not 0.0 <= number <= 1.0:  # NaN too
        raise ValueError(f"--min-score {value!r}: give a probability from 0 to 1")
    return number


def check_dicts(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None,
    on_warning: Callable[[str], None] | None = None,
) -> tuple[str, ...]:
    """Dictionary files as absolute paths, each read and compiled here (once per process):
    :class:`seedner.dicts.DictionaryError` (a ValueError) names ``FILE:LINE`` of a bad entry,
    the file as given. Duplicate or conflicting entries are counted in one warning, to
    ``on_warning`` (default: :func:`warnings.warn`)."""
    if paths is None:
        return ()
    from seedner.dicts import DictionaryError, load_dictionary

    given = [os.fspath(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)]
    resolved = tuple(os.path.abspath(p) for p in given)
    try:
        dictionary = load_dictionary(resolved)
    except DictionaryError as exc:
        message = str(exc)
        for name, full in zip(given, resolved):
            if message.startswith(f"{full}:"):
                message = name + message[len(full) :]
        raise DictionaryError(message) from None
    if (warning := dictionary.warning()) is not None:
        for name, full in zip(given, resolved):
            warning = warning.replace(f" {full}:", f" {name}:")
        if on_warning is None:  # the caller of Extractor() or seedner.extract() is named
            warnings.warn(warning, UserWarning, stacklevel=4)
        else:
            on_warning(warning)
    return resolved


def parse_workers(value: str | int) -> int | None:
    """``--workers``: a positive number, or None for ``auto`` (each engine decides what auto
    means); raises ValueError otherwise."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return None
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"--workers {value!r}: give a positive number or auto")
    return number


@dataclass(frozen=True)
class ExtractOptions:
    """What to extract; build with :meth:`parse`, which checks every field."""

    model: str = "embedded"
    types: frozenset[str] | None = None  # None: all of PER, ORG, LOC, DATE
    ref_date: dt.date | None = None
    device: str | None = None
    off: frozenset[str] = frozenset()  # rules after the model turned off (postprocess.RULES)
    # a model's mentions scored below this are dropped before the rules; None: all kept
    min_score: float | None = None
    # user dictionaries (absolute paths, in order: the later wins), read by every process
    dicts: tuple[str, ...] = ()

    @classmethod
    def parse(
        cls,
        model: str = "embedded",
        *,
        types: str | Iterable[str] | None = None,
        ref_date: dt.date | str | None = None,
        device: str | None = None,
        no_rules: str | Iterable[str] | None = None,
        min_score: float | str | None = None,
        dicts: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
        on_warning: Callable[[str], None] | None = None,
    ) -> ExtractOptions:
        """Options from what a user gives; ValueError names a bad type, date, rule or score,
        and :class:`seedner.errors.ModelError` a device that is not one."""
        from seedner.dates import parse_date
        from seedner.loading.devices import parse_device
        from seedner.rules.postprocess import parse_rules

        date = parse_date(ref_date)
        if ref_date is not None and date is None:
            raise ValueError(f"reference date {ref_date!r} is not a date YYYY-MM-DD")
        parse_device(device)
        floor = parse_min_score(min_score)
        return cls(
            model,
            parse_types(types),
            date,
            device,
            parse_rules(no_rules),
            min_score=floor,
            dicts=check_dicts(dicts, on_warning),
        )

    @property
    def wants_dates(self) -> bool:
        return self.types is None or "DATE" in self.types


@dataclass(frozen=True)
class RunOptions:
    """How a batch run over files, folders or stdin goes."""

    extract: ExtractOptions = field(default_factory=ExtractOptions)
    engine: EngineName = "local"
    workers: int | None = 1  # None: auto
    ray_address: str | None = None
    glob: str = "*.txt"
    input_format: InputFormat = "auto"
    encoding: str | None = None
    spark_master: str = "local[*]"  # --engine spark: local[N], yarn, k8s://..., spark://...

    @classmethod
    def parse(
        cls,
        extract: ExtractOptions,
        *,
        engine: EngineName = "local",
        workers: str | int = 1,
        ray_address: str | None = None,
        glob: str = "*.txt",
        input_format: InputFormat = "auto",
        encoding: str | None = None,
        spark_master: str = "local[*]",
    ) -> RunOptions:
        """Options from what a user gives; ValueError names the bad one."""
        from seedner.io.decoding import check_encoding

        if encoding is not None:
            try:
                check_encoding(encoding)
            except ValueError as exc:
                raise ValueError(f"--encoding: {exc}") from None
        if not spark_master.strip():
            raise ValueError("--spark-master: give a master URL, e.g. local[*] or yarn")
        return cls(
            extract,
            engine,
            parse_workers(workers),
            ray_address,
            glob,
            input_format,
            encoding,
            spark_master.strip(),
        )
