"""``seedner train``: train a model of the embedded kind on your own character-BIO data."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from seedner.cli.common import usage_error

if TYPE_CHECKING:
    from seedner.model.train import TrainReport, TrainSettings

MODEL_FILES = ("config.json", "model.pt", "vocab.json", "training.json", "MODEL_CARD.md")


class TrainError(Exception):
    """Training cannot start (bad options or data); the message says why."""


class NoModelError(TrainError):
    """Training ran but no epoch was good enough to save."""


def generic_data_note(train: str | Path, dev: str | Path) -> str:
    return (
        f"* Trained on `{train}` and selected on `{dev}` (character BIO, supplied by the user).\n"
        "* **Terms:** this model is derived from that data, so the data's licence and terms of use "
        "apply to it as well; check them before sharing the model."
    )


def _read_note(note: str | None) -> str | None:
    if note and Path(note).is_file():
        return Path(note).read_text(encoding="utf-8")
    return note


def train_model(
    train: str | Path,
    dev: str | Path,
    out_dir: str | Path,
    settings: TrainSettings | None = None,
    *,
    command: str,
    data_note: str | None = None,
    quiet: bool = False,
    overwrite: bool = False,
) -> TrainReport:
    """Train with :func:`seedner.model.train.fit`, progress on stderr, then write the model card.

    ``command`` is recorded in the card; ``data_note`` is its Data section (default: a generic
    note naming the files). Raises :class:`TrainError` on bad input or when no model was saved.
    """
    from seedner.model.card import write_model_card
    from seedner.model.train import fit

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise TrainError(f"output {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise TrainError(f"output folder {out} is not empty; choose another or pass --overwrite")
    for path in (train, dev):
        if not Path(path).is_file():
            raise TrainError(f"no such file: {path}")
    with _Display(quiet) as display:
        try:
            report = fit(train, dev, out, settings, log=display.log, on_step=display.step)
        except ValueError as exc:  # bad data: a malformed line, no sentences
            raise TrainError(str(exc)) from None
    if report.best_epoch == 0 or not (out / "model.pt").is_file():
        raise NoModelError(
            f"no epoch reached a dev F1 above 0, so no model was saved in {out}; "
            "train for more epochs, on more data, or with a larger --lr"
        )
    card = write_model_card(out, command, data_note or generic_data_note(train, dev))
    if not quiet:
        sys.stderr.write(
            f"seedner: model saved in {out} (card: {card.name}); "
            f"use it with: seedner extract --model {out} ...\n"
        )
    return report


class _Display:
    """Training progress on stderr: a rich bar on a terminal, plain log lines otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.progress: Any = None
        self.task: Any = None
        self.epoch = 0
        self.epochs = 0

    def __enter__(self) -> _Display:
        if not self.quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("loss/sentence {task.fields[loss]:.3f}"),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.progress.__enter__()
            self.task = self.progress.add_task("preparing", total=None, loss=0.0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)

    def log(self, message: str) -> None:
        if self.quiet:
            return
        if self.progress is not None:
            if message.startswith("  epoch "):  # fit's every-200-steps line: the bar says it
                return
            self.progress.console.print(message, markup=False, highlight=False)
        else:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()

    def step(self, epoch: int, step: int, steps: int, loss: float) -> None:
        if self.progress is None:
            return
        if epoch != self.epoch:
            self.epoch = epoch
            self.progress.reset(self.task, total=steps, completed=0, description=f"epoch {epoch}")
        description = f"epoch {epoch}" if step < steps else f"epoch {epoch}: scoring dev"
        self.progress.update(
            self.task, completed=step, total=steps, loss=loss, description=description
        )


def _command_line(train: Path, dev: Path, out: Path, options: dict[str, Any]) -> str:
    parts = ["seedner", "train", str(train), str(dev), "-o", str(out)]
    for flag, value in options.items():
        if value is True:
            parts.append(flag)
        elif value not in (None, False):
            parts += [flag, str(value)]
    return shlex.join(parts)


def train_command(
    train: Annotated[
        Path,
        typer.Argument(
            help="Training data: CHAR<TAB>TAG lines (BIO, any labels), "
            "blank line between sentences.",
            metavar="TRAIN",
            show_default=False,
        ),
    ],
    dev: Annotated[
        Path,
        typer.Argument(
            help="Development data (same format): picks the best epoch.",
            metavar="DEV",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Folder to save the model in.", file_okay=False, show_default=False
        ),
    ],
    epochs: Annotated[int, typer.Option(min=1, help="Most epochs to train.")] = 30,
    patience: Annotated[
        int, typer.Option(min=1, help="Stop after this many epochs without dev improvement.")
    ] = 5,
    time_budget: Annotated[
        Optional[float],  # noqa: UP045 - typer needs Optional here
        typer.Option(min=0.1, help="Stop before an epoch would end past this many minutes."),
    ] = None,
    hidden: Annotated[int, typer.Option(min=1, help="BiLSTM size per direction.")] = 192,
    batch_chars: Annotated[int, typer.Option(min=1, help="Characters per training batch.")] = 2000,
    lr: Annotated[float, typer.Option(min=0.0, help="Adam learning rate.")] = 2e-3,
    limit: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Use only the first N training sentences."),
    ] = None,
    threads: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Torch CPU threads (default: torch's choice)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    data_note: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            help="The model card's Data section (text, or a file holding it): where the "
            "data comes from and its terms. Default: a note naming the files."
        ),
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Train into a non-empty folder.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Train a character BiLSTM-CRF model (the embedded kind) on your own data.

    The best epoch on DEV is kept in OUT with training.json and MODEL_CARD.md; use it with
    `seedner extract --model OUT`.
    """
    from seedner.model.train import TrainSettings

    settings = TrainSettings(
        epochs=epochs,
        patience=patience,
        lr=lr,
        batch_chars=batch_chars,
        hidden=hidden,
        time_budget_min=time_budget,
        limit=limit,
        seed=seed,
        threads=threads,
    )
    options = {
        "--epochs": epochs,
        "--patience": patience,
        "--time-budget": time_budget,
        "--hidden": hidden,
        "--batch-chars": batch_chars,
        "--lr": lr,
        "--limit": limit,
        "--threads": threads,
        "--seed": seed,
        "--data-note": data_note if data_note and Path(data_note).is_file() else None,
    }
    command = _command_line(train, dev, out, options)
    try:
        train_model(
            train,
            dev,
            out,
            settings,
            command=command,
            data_note=_read_note(data_note),
            quiet=quiet,
            overwrite=overwrite,
        )
    except NoModelError as exc:
        sys.stderr.write(f"seedner: error: {exc}\n")
        raise typer.Exit(1) from None
    except TrainError as exc:
        raise usage_error(str(exc)) from None
