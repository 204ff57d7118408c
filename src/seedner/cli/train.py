"""``seedner train``: train a model of the embedded kind on your own character-BIO data."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from seedner.cli.common import usage_error


def _read_note(note: str | None) -> str | None:
    if note and Path(note).is_file():
        return Path(note).read_text(encoding="utf-8")
    return note


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
    """Train a character BiLSTM-CRF model on your own data (loads like the embedded model).

    The best epoch on DEV is kept in OUT with training.json and MODEL_CARD.md; use it with
    `seedner extract --model OUT`.
    """
    from seedner.model.card import CARD_FILE
    from seedner.model.train import (
        NoModelError,
        TrainError,
        TrainSettings,
        check_paths,
        train_model,
    )

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
    note = _read_note(data_note)
    try:
        check_paths(train, dev, out, overwrite=overwrite)  # before the display starts
        with _Display(quiet) as display:
            train_model(
                train,
                dev,
                out,
                settings,
                command=command,
                data_note=note,
                overwrite=overwrite,
                log=display.log,
                on_step=display.step,
            )
    except NoModelError as exc:
        sys.stderr.write(f"seedner: error: {exc}\n")
        raise typer.Exit(1) from None
    except TrainError as exc:
        raise usage_error(str(exc)) from None
    if not quiet:
        sys.stderr.write(
            f"seedner: model saved in {out} (card: {CARD_FILE}); "
            f"use it with: seedner extract --model {out} ...\n"
        )
