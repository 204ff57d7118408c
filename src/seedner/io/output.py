"""The ``-o FILE`` of a run: checked before any work, written a whole record at a time.

* :func:`check_output` refuses, before the model loads, an output that is one of the inputs
  (opening it would truncate the text before it is read), a folder, or a path that cannot be
  written; :func:`resumable_ids` refuses to append to a file that is not seedner's output.
* :func:`open_sink` gives the sink of an output format, over such a file or stdout.
* :class:`OutputFile` remembers where the last complete record ended; a write that fails
  half-way (a full disk) cuts the file back there, so ``--resume`` carries on from it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from seedner.io.jsonl import json_lines


class OutputError(Exception):
    """The output cannot be written; the message is one line naming it."""


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def check_output(path: Path, inputs: Iterable[Path | str], *, resume: bool) -> None:
    """Raise :class:`OutputError` unless ``path`` can take the output of a run over ``inputs``.

    Nothing is truncated or left behind: a missing file is created to prove it can be and
    removed again.
    """
    if path.is_dir():
        raise OutputError(f"-o {path}: is a folder")
    if path.exists():
        for item in inputs:
            if isinstance(item, Path) and _same_file(path, item):
                raise OutputError(
                    f"-o {path}: is one of the inputs ({item}); writing there would destroy it"
                )
    existed = path.exists()
    try:
        with open(path, "ab"):
            pass
    except OSError as exc:
        raise OutputError(f"-o {path}: cannot write there ({_reason(exc)})") from None
    if not existed:
        path.unlink(missing_ok=True)
    if resume and existed:
        resumable_ids(path)  # refuses a file that is not seedner output, before any work


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def resumable_ids(path: Path) -> set[str | int]:
    """Ids already written to a JSON Lines output, for ``--resume``.

    Every complete line must be a seedner record (``{"id": ..., "entities": [...]}``), or
    :class:`OutputError` names the first that is not, and the file is left as it is. A last
    line cut short by an interruption is removed, so that document is done again. The file
    is read a line at a time.
    """
    if not path.exists():
        return set()
    done: set[str | int] = set()
    complete = 0  # bytes of complete lines
    with open(path, "rb") as stream:
        for line in json_lines(stream):
            if not line.complete:  # cut short: the start of a record, or not ours
                if not line.raw.startswith(b'{"id":'):
                    raise _not_ours(path, line.number)
                break
            complete += len(line.raw)
            if line.blank:
                continue
            if not _is_record(line.value):
                raise _not_ours(path, line.number)
            done.add(line.value["id"])
    if complete < path.stat().st_size:
        with open(path, "r+b") as handle:
            handle.truncate(complete)
    return done


def _not_ours(path: Path, lineno: int) -> OutputError:
    return OutputError(
        f"-o {path} --resume: line {lineno} is not a seedner record; "
        "refusing to append to a file that is not seedner's JSON Lines output"
    )


def _is_record(value: Any) -> bool:
    return isinstance(value, dict) and "id" in value and isinstance(value.get("entities"), list)


class OutputFile:
    """A file opened for a run's output (appended to with ``append``).

    What is written is held until :meth:`commit`, which writes it out as one more complete
    record (or :meth:`flush`, which writes out part of a long record). A write that fails (a
    full disk, a size limit) cuts the file back to the last committed record and raises
    :class:`OutputError`, so the file never ends in half a record.
    """

    CHUNK = 1 << 20  # pending bytes written out before the record is complete

    def __init__(self, path: Path, *, append: bool = False) -> None:
        self.path = path
        try:
            self._file = open(path, "ab" if append else "wb", buffering=0)  # noqa: SIM115
        except OSError as exc:
            raise OutputError(f"-o {path}: cannot write there ({_reason(exc)})") from None
        self._pending = bytearray()
        self.committed = self._file.tell()
        self.records = 0

    def write(self, data: bytes) -> int:
        self._pending += data
        if len(self._pending) >= self.CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        view = memoryview(self._pending)
        try:
            while view:
                view = view[self._file.write(view) or 0 :]
        except OSError as exc:
            view.release()
            self._pending.clear()
            raise self._failed(exc) from None
        view.release()
        self._pending.clear()

    def commit(self) -> None:
        """Write out what is pending: one more complete record."""
        self.flush()
        self.committed = self._file.tell()
        self.records += 1

    def text(self) -> TextOutput:
        """The file as UTF-8 text (for CSV, tables and the HTML page)."""
        return TextOutput(self)

    def isatty(self) -> bool:
        return False

    def _failed(self, exc: OSError) -> OutputError:
        with contextlib.suppress(OSError):
            self._file.truncate(self.committed)
        done = f"{self.records:,} document{'' if self.records == 1 else 's'}"
        return OutputError(
            f"-o {self.path}: write failed ({_reason(exc)}) after {done}; the file ends at "
            "the last complete record: make room and run again with --resume to continue"
        )

    def abandon(self) -> None:
        """Cut the file back to the last committed record and drop what is pending (the run
        was interrupted): it then holds :attr:`records` new records, all complete."""
        self._pending.clear()
        with contextlib.suppress(OSError):
            self._file.truncate(self.committed)

    def close(self) -> None:
        """Write out what is pending and close the file."""
        try:
            self.flush()
        finally:
            self._file.close()


class TextOutput:
    """An :class:`OutputFile` taking text, encoded as UTF-8 (no newline translation)."""

    def __init__(self, target: OutputFile) -> None:
        self.target = target

    def write(self, text: str) -> int:
        self.target.write(text.encode("utf-8"))
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return False


def open_sink(fmt: str, out: OutputFile | None) -> Any:
    """The sink writing ``fmt`` (jsonl, csv, html or table) to ``out``, or to stdout."""
    import sys

    from seedner.io.html_view import HtmlSink
    from seedner.io.sinks import CsvSink, JsonlSink, TableSink, output_console

    if fmt == "jsonl":
        return JsonlSink(out or sys.stdout.buffer)  # type: ignore[arg-type]
    text = out.text() if out is not None else None
    if fmt == "csv":
        return CsvSink(text or sys.stdout)  # type: ignore[arg-type]
    if fmt == "html":
        return HtmlSink(text or sys.stdout)  # type: ignore[arg-type]
    return TableSink(output_console(text))  # type: ignore[arg-type]
