"""``seedner train``: a new BiLSTM on your own character-BIO data, or the embedded model
fine-tuned on it (``--init embedded``)."""

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


def _command_line(head: list[str], options: dict[str, Any]) -> str:
    """The command as the card records it: every option with the value it ran with."""
    parts = list(head)
    for flag, value in options.items():
        for one in value if isinstance(value, list) else [value]:
            if one is True:
                parts.append(flag)
            elif one not in (None, False):
                parts += [flag, str(one)]
    return shlex.join(parts)


def _forgetting_sets(paths: list[Path]) -> dict[str, str]:
    """Name → path of each --forgetting-dev file, named by its folder (``msra/dev.tsv``: msra)."""
    names = [p.parent.name or p.stem for p in paths]
    return {
        (name if names.count(name) == 1 else str(path)): str(path)
        for name, path in zip(names, paths)
    }


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
    init: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(
            metavar="MODEL",
            help="Fine-tune this model instead of training a new BiLSTM: embedded (the shipped "
            "generalist) or a folder saved by seedner train. TRAIN's and DEV's labels are "
            "mapped to its types (PER/ORG/LOC).",
        ),
    ] = None,
    epochs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Most epochs to train (default: 30; with --init 8)."),
    ] = None,
    patience: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            min=1,
            help="Stop after this many epochs without dev improvement (default: 5; with --init 3).",
        ),
    ] = None,
    time_budget: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(min=0.1, help="Stop before an epoch would end past this many minutes."),
    ] = None,
    hidden: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="BiLSTM size per direction (default: 192; not with --init)."),
    ] = None,
    batch_chars: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            min=1, help="Characters per training batch (default: 2000; with --init 3000)."
        ),
    ] = None,
    lr: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(min=0.0, help="Adam learning rate (default: 0.002; with --init 0.001)."),
    ] = None,
    limit: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Use only the first N training sentences."),
    ] = None,
    threads: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Torch CPU threads (default: torch's choice)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    forgetting_dev: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            metavar="PATH",
            help="With --init: a dev file of other data (e.g. the model's own: "
            "../shared/datasets/msra/dev.tsv), a sample of it scored before and after so "
            "forgetting shows. Repeatable.",
            show_default=False,
        ),
    ] = None,
    forgetting_sample: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            min=1, help="With --init: sentences of each --forgetting-dev file (default: 500)."
        ),
    ] = None,
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
    """Train a character BiLSTM-CRF model on your own data, or fine-tune the embedded model.

    The best epoch on DEV is kept in OUT with training.json and MODEL_CARD.md; use it with
    `seedner extract --model OUT`. With --init the dev F1 before and after is reported (and
    of each --forgetting-dev sample).
    """
    if init is None:
        for flag, value in (
            ("--forgetting-dev", forgetting_dev),
            ("--forgetting-sample", forgetting_sample),
        ):
            if value:
                raise usage_error(f"{flag} goes with --init (fine-tuning)")
    elif hidden is not None:
        raise usage_error("--hidden is for a new BiLSTM; with --init the network is the model's")
    given = {
        "epochs": epochs,
        "patience": patience,
        "time_budget_min": time_budget,
        "batch_chars": batch_chars,
        "lr": lr,
        "limit": limit,
        "seed": seed,
        "threads": threads,
    }
    settings_of = {k: v for k, v in given.items() if v is not None}
    note = _read_note(data_note)
    note_file = data_note if data_note and Path(data_note).is_file() else None
    from seedner.model.train import NoModelError, TrainError

    try:
        if init is None:
            _train_new(train, dev, out, settings_of, hidden, note, note_file, overwrite, quiet)
        else:
            sets = _forgetting_sets(forgetting_dev or [])
            if forgetting_sample is not None:
                settings_of["forgetting_sample"] = forgetting_sample
            _finetune(init, train, dev, out, settings_of, sets, note, note_file, overwrite, quiet)
    except NoModelError as exc:
        sys.stderr.write(f"seedner: error: {exc}\n")
        raise typer.Exit(1) from None
    except TrainError as exc:
        raise usage_error(str(exc)) from None
    if not quiet:
        sys.stderr.write(
            f"seedner: model saved in {out} (card: MODEL_CARD.md); "
            f"use it with: seedner extract --model {out} ...\n"
        )


def _train_new(
    train: Path,
    dev: Path,
    out: Path,
    given: dict[str, Any],
    hidden: int | None,
    note: str | None,
    note_file: str | None,
    overwrite: bool,
    quiet: bool,
) -> None:
    """A new BiLSTM (:func:`seedner.model.train.train_model`)."""
    from seedner.model.train import TrainSettings, check_paths, train_model

    s = TrainSettings(**given, **({"hidden": hidden} if hidden is not None else {}))
    options = {
        "--epochs": s.epochs,
        "--patience": s.patience,
        "--time-budget": s.time_budget_min,
        "--hidden": s.hidden,
        "--batch-chars": s.batch_chars,
        "--lr": s.lr,
        "--limit": s.limit,
        "--threads": s.threads,
        "--seed": s.seed,
        "--data-note": note_file,
    }
    command = _command_line(["seedner", "train", str(train), str(dev), "-o", str(out)], options)
    check_paths(train, dev, out, overwrite=overwrite)  # before the display starts
    with _Display(quiet) as display:
        train_model(
            train,
            dev,
            out,
            s,
            command=command,
            data_note=note,
            overwrite=overwrite,
            log=display.log,
            on_step=display.step,
        )


def _finetune(
    init: str,
    train: Path,
    dev: Path,
    out: Path,
    given: dict[str, Any],
    forgetting: dict[str, str],
    note: str | None,
    note_file: str | None,
    overwrite: bool,
    quiet: bool,
) -> None:
    """Fine-tuning (:func:`seedner.model.finetune.finetune_model`)."""
    from seedner.loading.catalogue import EMBEDDED_DIR
    from seedner.loading.labels import canonical_type
    from seedner.model.finetune import FineTuneSettings, check_finetune_paths, finetune_model

    s = FineTuneSettings(**given)
    path = EMBEDDED_DIR if init == "embedded" else Path(init)
    options = {
        "--epochs": s.epochs,
        "--patience": s.patience,
        "--time-budget": s.time_budget_min,
        "--batch-chars": s.batch_chars,
        "--lr": s.lr,
        "--limit": s.limit,
        "--threads": s.threads,
        "--seed": s.seed,
        "--forgetting-dev": list(forgetting.values()),
        "--forgetting-sample": s.forgetting_sample if forgetting else None,
        "--data-note": note_file,
    }
    head = ["seedner", "train", "--init", init, str(train), str(dev), "-o", str(out)]
    command = _command_line(head, options)
    check_finetune_paths(path, train, dev, out, forgetting, overwrite=overwrite)
    with _Display(quiet) as display:
        finetune_model(
            path,
            train,
            dev,
            out,
            s,
            type_of=canonical_type,
            command=command,
            forgetting=forgetting,
            init_name=init,
            data_note=note,
            overwrite=overwrite,
            log=display.log,
            on_step=display.step,
        )
