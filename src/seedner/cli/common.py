"""What the commands share: error reporting and option parsing."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

# Options that several commands share.
ModelOption = Annotated[
    str,
    typer.Option(help="embedded, a HanLP pretrained model (`seedner models`) or a model folder."),
]
DeviceOption = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional here
    typer.Option(help="auto, cpu, cuda or cuda:N."),
]


class ErrorLog:
    """Prints one line per input problem on stderr and remembers that there was one."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        sys.stderr.write(f"seedner: error: {message}\n")
        sys.stderr.flush()


def usage_error(message: str) -> typer.Exit:
    """Print a usage error and return the exit (status 2) to raise."""
    sys.stderr.write(f"seedner: error: {message}\n")
    return typer.Exit(2)
