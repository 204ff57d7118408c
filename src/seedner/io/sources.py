"""Where documents come from: files, folders, stdin and JSON Lines records.

Every problem with one input is reported through ``on_error`` as a one-line message
naming the input, and the remaining inputs are still read.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from seedner.io.decoding import DecodeError, decode_bytes
from seedner.io.jsonl import json_lines
from seedner.types import Document, InputFormat

ErrorSink = Callable[[str], None]
STDIN = "-"


def _raise(message: str) -> None:
    raise ValueError(message)


@dataclass
class InputPlan:
    """The inputs resolved before any is read: folders walked, file sizes known.

    ``documents`` and ``total_bytes`` let a progress display show a total up front; they are
    None when that cannot be known (stdin; JSON Lines, whose records are counted by reading).
    """

    items: list[Path | str] = field(default_factory=list)  # files, and STDIN
    sizes: dict[str, int] = field(default_factory=dict)  # bytes of each file, by document id
    documents: int | None = 0
    total_bytes: int | None = 0
    read_bytes: int = 0  # bytes read so far by read_documents (for progress)

    def _add_file(self, path: Path, input_format: InputFormat) -> None:
        self.items.append(path)
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # reported when it is read
        self.sizes[str(path)] = size
        if self.total_bytes is not None:
            self.total_bytes += size
        if self.documents is not None:
            self.documents = (
                None if _format_of(path, input_format) == "jsonl" else self.documents + 1
            )


def plan_inputs(
    inputs: Iterable[str],
    *,
    glob: str = "*.txt",
    input_format: InputFormat = "auto",
    on_error: ErrorSink = _raise,
) -> InputPlan:
    """Resolve paths (files, folders walked recursively for ``glob``) and ``-``; a missing path,
    a folder without matches and a broken symbolic link are reported through ``on_error``."""
    plan = InputPlan()
    for name in inputs:
        if name == STDIN:
            plan.items.append(STDIN)
            plan.documents = plan.total_bytes = None
            continue
        path = Path(name)
        if path.is_dir():
            try:
                found = sorted(path.rglob(glob))
            except OSError as exc:
                on_error(f"{name}: cannot list this directory ({exc.strerror or exc})")
                continue
            files, broken = [], 0
            for p in found:
                if p.is_file():
                    files.append(p)
                elif p.is_symlink() and not p.exists():
                    broken += 1
                    on_error(_broken_link(p))
            if not files and not broken:
                on_error(f"{name}: no files matching {glob!r} in this directory")
            for file in files:
                plan._add_file(file, input_format)
        elif path.exists():
            plan._add_file(path, input_format)
        elif path.is_symlink():
            on_error(_broken_link(path))
        else:
            on_error(f"{name}: no such file or directory")
    return plan


def _broken_link(path: Path) -> str:
    try:
        target = os.readlink(path)
    except OSError:
        return f"{path}: broken symbolic link"
    return f"{path}: broken symbolic link (its target {target} does not exist)"


def _format_of(path: Path, input_format: InputFormat) -> InputFormat:
    if input_format == "auto":
        return "jsonl" if path.suffix.lower() == ".jsonl" else "text"
    return input_format


def iter_documents(
    inputs: Iterable[str],
    *,
    glob: str = "*.txt",
    input_format: InputFormat = "auto",
    encoding: str | None = None,
    on_error: ErrorSink = _raise,
    on_warning: ErrorSink | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Document]:
    """Documents from paths (files, folders walked recursively for ``glob``) or ``-``.

    JSON Lines are read a line at a time (UTF-8, as JSON requires, unless ``encoding`` says
    otherwise), so a large record file or an endless stdin never sits in memory whole.
    ``on_warning`` hears of text read with a caveat (NUL characters, read as spaces).
    """
    plan = plan_inputs(inputs, glob=glob, input_format=input_format, on_error=on_error)
    yield from read_documents(
        plan,
        input_format=input_format,
        encoding=encoding,
        on_error=on_error,
        on_warning=on_warning,
        stdin=stdin,
    )


def read_documents(
    plan: InputPlan,
    *,
    input_format: InputFormat = "auto",
    encoding: str | None = None,
    on_error: ErrorSink = _raise,
    on_warning: ErrorSink | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Document]:
    """The documents of a plan from :func:`plan_inputs`, in order."""
    for item in plan.items:
        if item == STDIN:
            stream = stdin or sys.stdin.buffer
            if input_format == "jsonl" and encoding is None:
                yield from read_records(stream, "<stdin>", on_error, plan)
            else:
                text = _decode(stream.read(), "<stdin>", encoding, on_error, on_warning)
                if text is not None:
                    yield from _documents_from_text(text, "<stdin>", STDIN, input_format, on_error)
        else:
            yield from _documents_from_file(
                Path(item), input_format, encoding, on_error, on_warning, plan
            )


def _documents_from_file(
    path: Path,
    input_format: InputFormat,
    encoding: str | None,
    on_error: ErrorSink,
    on_warning: ErrorSink | None,
    plan: InputPlan,
) -> Iterator[Document]:
    fmt = _format_of(path, input_format)
    try:
        if fmt == "jsonl" and encoding is None:
            with open(path, "rb") as stream:
                yield from read_records(stream, str(path), on_error, plan)
            return
        data = path.read_bytes()
    except OSError as exc:
        on_error(f"{path}: cannot read ({exc.strerror or exc})")
        return
    plan.read_bytes += len(data)
    text = _decode(data, str(path), encoding, on_error, on_warning)
    del data  # a long document is held as text alone while it is tagged
    if text is not None:
        yield from _documents_from_text(text, str(path), str(path), fmt, on_error)


def _decode(
    data: bytes,
    label: str,
    encoding: str | None,
    on_error: ErrorSink,
    on_warning: ErrorSink | None,
) -> str | None:
    """The text of ``data``, or None after reporting why it cannot be decoded."""
    try:
        text, _ = decode_bytes(data, encoding)
    except DecodeError as exc:
        on_error(f"{label}: {exc}")
        return None
    if on_warning is not None and (nuls := text.count("\0")):
        on_warning(
            f"{label}: NUL character{'s' if nuls > 1 else ''} in the text ({nuls}),"
            " read as spaces; offsets count them"
        )
    return text


def _documents_from_text(
    text: str, label: str, doc_id: str, input_format: InputFormat, on_error: ErrorSink
) -> Iterator[Document]:
    if input_format == "jsonl":
        yield from read_records(io.BytesIO(text.encode("utf-8")), label, on_error)
    else:
        yield Document(doc_id, text)


def read_records(
    stream: BinaryIO, label: str, on_error: ErrorSink, plan: InputPlan | None = None
) -> Iterator[Document]:
    """One document per JSON Lines record ``{"id": ..., "text": ...}``; blank lines skipped.
    ``plan.read_bytes`` counts the bytes read."""
    for line in json_lines(stream):
        if plan is not None:
            plan.read_bytes += len(line.raw)
        if line.blank:
            continue
        where = f"{label}:{line.number}"
        if line.problem:
            on_error(f"{where}: {line.problem}")
            continue
        record = line.value
        if not isinstance(record, dict):
            on_error(f'{where}: expected a JSON object with a "text" field')
            continue
        body = record.get("text")
        if not isinstance(body, str):
            on_error(f'{where}: record has no "text" string')
            continue
        doc_id = record.get("id", where)
        meta = {k: v for k, v in record.items() if k not in ("id", "text")}
        yield Document(doc_id, body, meta)
