"""The ``seedner`` command line: a thin layer over :mod:`seedner.api`."""

from __future__ import annotations

import os
import sys

import typer

from seedner.cli.evaluate import evaluate_command
from seedner.cli.extract import extract_command
from seedner.cli.models import models_command
from seedner.cli.train import train_command

app = typer.Typer(
    name="seedner",
    help="People, organizations, places and dates from Chinese documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("extract")(extract_command)
app.command("evaluate")(evaluate_command)
app.command("models")(models_command)
app.command("train")(train_command)


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
