"""Compiled dictionaries kept on disk: a large one loads in a fraction of its compile time, in
every run and every worker process.

A dictionary whose files hold at least :data:`MIN_BYTES` is pickled once compiled, under a
name hashed from the files' bytes and the versions of this format, Python and pyahocorasick,
into ``$SEEDNER_CACHE_DIR`` (default ``$XDG_CACHE_HOME/seedner/dictionaries``, else
``~/.cache/seedner/dictionaries``); ``SEEDNER_CACHE_DIR=`` (empty) turns the cache off.

A pickle runs code when it is read, so the folder is made private (0700) and a file is read
only when it and its folder belong to this user and no one else may write to them. A file is
written under a temporary name and renamed into place, so no reader sees half of one; the
newest :data:`KEEP` are kept. Any failure to read or write falls back to compiling.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seedner.dicts.compiled import Dictionary

FORMAT = "seedner-dictionary-1"  # changed whenever Dictionary's attributes change
MIN_BYTES = 1_000_000  # about 60,000 entries; smaller ones compile in well under 0.1 s
KEEP = 4


def folder() -> Path | None:
    """Where compiled dictionaries go, or None when the cache is off."""
    configured = os.environ.get("SEEDNER_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "seedner" / "dictionaries"


def key(files: list[bytes]) -> str:
    """The name of the compiled form of dictionary files with these bytes, in this order."""
    try:
        aho = version("pyahocorasick")
    except PackageNotFoundError:
        aho = "?"
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{FORMAT} {sys.version_info[:2]} {aho}".encode())
    for data in files:
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _private(path: Path) -> bool:
    """Does ``path`` belong to this user, with no one else allowed to write to it?"""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(name: str) -> Dictionary | None:
    """The dictionary stored under ``name``, or None (none, not trusted, or unreadable)."""
    place = folder()
    if place is None:
        return None
    path = place / f"{name}.pickle"
    try:
        if not (path.is_file() and _private(place) and _private(path)):
            return None
        with path.open("rb") as file:
            stored = pickle.load(file)
    except Exception:  # a damaged or foreign file: compile instead
        return None
    from seedner.dicts.compiled import Dictionary

    return stored if isinstance(stored, Dictionary) else None


def store(name: str, dictionary: Dictionary) -> None:
    """Keep ``dictionary`` under ``name`` (silently not, when the folder cannot be written)."""
    place = folder()
    if place is None:
        return
    try:
        place.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(place):
            return
        handle, temporary = tempfile.mkstemp(dir=place, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump(dictionary, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, place / f"{name}.pickle")
        except BaseException:
            os.unlink(temporary)
            raise
        stored = sorted(place.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in stored[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return
