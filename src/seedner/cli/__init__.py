"""The ``seedner`` command line: a thin layer over :mod:`seedner.api`."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from seedner import __version__
from seedner.cli.common import Command, Group
from seedner.cli.evaluate import evaluate_command
from seedner.cli.extract import extract_command
from seedner.cli.models import models_command
from seedner.cli.summary import summary_command
from seedner.cli.train import train_command


def closed_pipe_ends_quietly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Exit 0 when the reader of stdout goes away (`| head`): the output it wanted is complete.

    Caught inside the command, because click turns a broken pipe into status 1, which
    ``set -o pipefail`` scripts would take for failed inputs.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            # Python would complain again when flushing stdout at exit: send that to /dev/null.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None

    return run


app = typer.Typer(
    name="seedner",
    cls=Group,
    help="People, organizations, places and dates from Chinese documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("extract", cls=Command)(closed_pipe_ends_quietly(extract_command))
app.command("summary", cls=Command)(closed_pipe_ends_quietly(summary_command))
app.command("evaluate", cls=Command)(closed_pipe_ends_quietly(evaluate_command))
app.command("models", cls=Command)(closed_pipe_ends_quietly(models_command))
app.command("train", cls=Command)(train_command)


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"seedner {__version__}\n")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_print_version, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """People, organizations, places and dates from Chinese documents."""


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, without Python's own complaint at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except KeyboardInterrupt:
        sys.stderr.write("seedner: interrupted\n")
        sys.exit(130)
