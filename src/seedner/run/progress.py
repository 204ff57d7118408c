"""What a batch run tells on stderr: its errors, a line each (:class:`ErrorLog`), its progress
display and the summary line that ends it.

Shown only when stderr is a terminal. With files and folders the totals are known before
reading (documents and bytes), so the display has a bar, a percentage and an ETA; JSON Lines
files have a bar by bytes read (their records are counted as they come); stdin counts what is
done. Output to the same terminal is printed while the
display is paused (cleared), so a table never starts on the progress line.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

from seedner.types import DocumentResult

if TYPE_CHECKING:
    from seedner.io.sources import InputPlan


class ErrorLog:
    """Prints one line per input problem on stderr and remembers that there was one."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        sys.stderr.write(f"seedner: error: {message}\n")
        sys.stderr.flush()


class Progress:
    """Counts what is done; draws it only when given a rich progress bar."""

    def __init__(
        self,
        bar: Any = None,
        task: Any = None,
        plan: InputPlan | None = None,
        shares_terminal: bool = False,
    ) -> None:
        self.bar, self.task = bar, task
        self.plan = plan
        self.shares_terminal = shares_terminal
        self.docs = self.chars = self.entities = self.bytes = 0
        self.started = time.perf_counter()
        self.cancelled = False  # the run was cut short: no summary line

    def cancel(self) -> None:
        """The run ends early (interrupted, output failed): no summary line at the end."""
        self.cancelled = True

    @property
    def total_documents(self) -> int | None:
        return self.plan.documents if self.plan is not None else None

    def rate(self) -> float:
        """Characters per second since the start."""
        return self.chars / max(time.perf_counter() - self.started, 1e-9)

    def description(self) -> str:
        total = self.total_documents
        docs = f"{self.docs:,}/{total:,}" if total is not None else f"{self.docs:,}"
        if total is None:  # no bar: the rate tells how it goes
            return f"{docs} documents · {self.entities:,} entities · {self.rate():,.0f} chars/s"
        return f"{docs} documents · {self.entities:,} entities"

    def advance(self, result: DocumentResult) -> None:
        self.docs += 1
        self.chars += len(result.text)
        self.entities += len(result.entities)
        if self.total_documents is not None and self.plan is not None:
            # every input is a file, one document each: its id is its path
            self.bytes += self.plan.sizes.get(str(result.id), 0)
        elif self.plan is not None:  # JSON Lines: the bytes read so far (a batch ahead)
            self.bytes = self.plan.read_bytes
        if self.bar is not None:
            self.bar.update(self.task, completed=self.bytes, description=self.description())

    def paused(self) -> AbstractContextManager[None]:
        """Clear the display while stdout, on the same terminal, is written to."""
        if self.bar is None or not self.shares_terminal:
            return nullcontext()
        return self._paused()

    @contextmanager
    def _paused(self) -> Iterator[None]:
        self.bar.stop()  # transient: the line is erased
        try:
            yield
        finally:
            self.bar.start()

    def summary_line(self, failed: int) -> str:
        elapsed = time.perf_counter() - self.started
        return (
            f"seedner: {self.docs:,} documents, {self.entities:,} entities, "
            f"{self.chars:,} characters in {elapsed:.1f} s ({self.rate():,.0f} chars/s), "
            f"{failed:,} input{'' if failed == 1 else 's'} failed"
        )


@contextmanager
def progress_display(
    enabled: bool,
    plan: InputPlan | None = None,
    errors: ErrorLog | None = None,
    shares_terminal: bool = False,
) -> Iterator[Progress]:
    """A live display on stderr, only when ``enabled`` and stderr is a terminal; a run that
    completes then ends with one summary line there.

    ``shares_terminal``: the output goes to the same terminal (stdout), so the display
    pauses while it is written (:meth:`Progress.paused`).
    """
    if not enabled or not sys.stderr.isatty():
        yield Progress(plan=plan)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bar

    known = plan is not None and plan.total_bytes is not None
    columns: tuple[Any, ...] = (SpinnerColumn(), TextColumn("{task.description}"))
    if known:
        columns += (
            BarColumn(bar_width=20),
            TaskProgressColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
        )
    else:
        columns += (TimeElapsedColumn(),)
    # stdout is never redirected into the display: data must not end up on stderr
    bar = Bar(*columns, console=Console(stderr=True), transient=True, redirect_stdout=False)
    progress = Progress(plan=plan, shares_terminal=shares_terminal)
    with bar:
        total = plan.total_bytes if known and plan is not None else None
        progress.bar = bar
        progress.task = bar.add_task(progress.description(), total=total)
        yield progress
    if not progress.cancelled:
        sys.stderr.write(progress.summary_line(errors.count if errors is not None else 0) + "\n")
        sys.stderr.flush()
