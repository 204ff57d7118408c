"""Where documents come from: files, folders, stdin and JSON Lines records.

Every problem with one input is reported through ``on_error`` as a one-line message
naming the input, and the remaining inputs are still read.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Literal

import orjson

from seedner.decoding import DecodeError, decode_bytes
from seedner.types import Document

InputFormat = Literal["auto", "text", "jsonl"]
ErrorSink = Callable[[str], None]
STDIN = "-"


def _raise(message: str) -> None:
    raise ValueError(message)


def iter_documents(
    inputs: Iterable[str],
    *,
    glob: str = "*.txt",
    input_format: InputFormat = "auto",
    encoding: str | None = None,
    on_error: ErrorSink = _raise,
    stdin: BinaryIO | None = None,
) -> Iterator[Document]:
    """Documents from paths (files, folders walked recursively for ``glob``) or ``-``.

    JSON Lines are read a line at a time (UTF-8, as JSON requires, unless ``encoding`` says
    otherwise), so a large record file or an endless stdin never sits in memory whole.
    """
    for name in inputs:
        if name == STDIN:
            stream = stdin or sys.stdin.buffer
            if input_format == "jsonl" and encoding is None:
                yield from _records(stream, "<stdin>", on_error)
            else:
                data = stream.read()
                yield from _documents_from_bytes(
                    data, "<stdin>", STDIN, input_format, encoding, on_error
                )
            continue
        path = Path(name)
        if path.is_dir():
            try:
                files = sorted(p for p in path.rglob(glob) if p.is_file())
            except OSError as exc:
                on_error(f"{name}: cannot list this directory ({exc.strerror or exc})")
                continue
            if not files:
                on_error(f"{name}: no files matching {glob!r} in this directory")
            for file in files:
                yield from _documents_from_file(file, input_format, encoding, on_error)
        elif path.exists():
            yield from _documents_from_file(path, input_format, encoding, on_error)
        else:
            on_error(f"{name}: no such file or directory")


def _documents_from_file(
    path: Path, input_format: InputFormat, encoding: str | None, on_error: ErrorSink
) -> Iterator[Document]:
    fmt = input_format
    if fmt == "auto":
        fmt = "jsonl" if path.suffix.lower() == ".jsonl" else "text"
    try:
        if fmt == "jsonl" and encoding is None:
            with open(path, "rb") as stream:
                yield from _records(stream, str(path), on_error)
            return
        data = path.read_bytes()
    except OSError as exc:
        on_error(f"{path}: cannot read ({exc.strerror or exc})")
        return
    yield from _documents_from_bytes(data, str(path), str(path), fmt, encoding, on_error)


def _documents_from_bytes(
    data: bytes,
    label: str,
    doc_id: str,
    input_format: InputFormat,
    encoding: str | None,
    on_error: ErrorSink,
) -> Iterator[Document]:
    try:
        text, _ = decode_bytes(data, encoding)
    except DecodeError as exc:
        on_error(f"{label}: {exc}")
        return
    if input_format == "jsonl":
        yield from _records(io.BytesIO(text.encode("utf-8")), label, on_error)
    else:
        yield Document(doc_id, text)


def _records(stream: BinaryIO, label: str, on_error: ErrorSink) -> Iterator[Document]:
    """One document per JSON Lines record ``{"id": ..., "text": ...}``; blank lines skipped."""
    for lineno, raw in enumerate(stream, 1):
        line = raw.removeprefix(b"\xef\xbb\xbf") if lineno == 1 else raw
        if not line.strip():
            continue
        where = f"{label}:{lineno}"
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            on_error(f"{where}: malformed JSON ({exc.args[0].split(':')[0]})")
            continue
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
