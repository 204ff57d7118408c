"""A progress display on stderr for batch runs: documents and characters done, and the rate."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from seedner.types import DocumentResult


class Progress:
    """Counts what is done; draws it only when given a rich progress bar."""

    def __init__(self, bar: Any = None, task: Any = None) -> None:
        self.bar, self.task = bar, task
        self.docs = self.chars = self.entities = 0
        self.started = time.perf_counter()

    def advance(self, result: DocumentResult) -> None:
        self.docs += 1
        self.chars += len(result.text)
        self.entities += len(result.entities)
        if self.bar is not None:
            rate = self.chars / max(time.perf_counter() - self.started, 1e-9)
            self.bar.update(
                self.task,
                description=f"{self.docs:,} documents, {self.chars:,} chars, "
                f"{self.entities:,} entities, {rate:,.0f} chars/s",
            )


@contextmanager
def progress_display(enabled: bool) -> Iterator[Progress]:
    """A live display on stderr, only when ``enabled`` and stderr is a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield Progress()
        return
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Bar(*columns, console=Console(stderr=True), transient=True) as bar:
        yield Progress(bar, bar.add_task("loading", total=None))
