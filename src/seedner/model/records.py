"""What a training run records: each epoch's dev evaluation, the run, and ``training.json``
(a recipe's facts beside the run's record), which the model card is written from."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TRAINING_FILE = "training.json"


@dataclass
class Evaluation:
    """A dev evaluation: ``figures`` go into the epoch's record as they are, ``score`` picks the
    best epoch (higher is better), ``summary`` is the log's words for them."""

    figures: dict[str, Any]
    score: float
    summary: str


@dataclass
class Epoch:
    epoch: int
    loss: float  # per sentence
    seconds: float
    lr: float
    figures: dict[str, Any]
    score: float

    def record(self) -> dict[str, Any]:
        """The epoch as ``training.json`` lists it: its figures beside loss, time and rate."""
        head = {"epoch": self.epoch, "loss": self.loss, "seconds": self.seconds, "lr": self.lr}
        return {**head, **self.figures}


@dataclass
class Run:
    """What the trainer did; ``score_key`` names the score among the figures."""

    score_key: str
    epochs: list[Epoch] = field(default_factory=list)
    best_epoch: int = 0
    best_score: float = 0.0
    seconds: float = 0.0
    stopped: str = ""
    # with averaging: the epochs averaged, their mean's figures and whether it was kept
    averaged: dict[str, Any] | None = None

    def record(self) -> dict[str, Any]:
        out = {
            "epochs": [e.record() for e in self.epochs],
            "best_epoch": self.best_epoch,
            f"best_{self.score_key}": self.best_score,
            "seconds": self.seconds,
            "stopped": self.stopped,
        }
        if self.averaged is not None:
            out["averaged"] = self.averaged
        return out


@dataclass
class Report:
    """``training.json``: a recipe's own facts (settings, data, labels …) and the run's."""

    facts: dict[str, Any]
    run: Run

    def record(self) -> dict[str, Any]:
        return {**self.facts, **self.run.record()}

    def write(self, out: Path) -> None:
        write_training_json(out, self.record())

    @property
    def best_epoch(self) -> int:
        return self.run.best_epoch

    @property
    def best_score(self) -> float:
        return self.run.best_score

    @property
    def seconds(self) -> float:
        return self.run.seconds


def write_training_json(out: Path, data: dict[str, Any]) -> None:
    """``training.json``: the run's record and the machine it ran on."""
    import torch

    out.mkdir(parents=True, exist_ok=True)
    machine = (
        f"{platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}"
    )
    text = json.dumps({**data, "machine": machine}, ensure_ascii=False, indent=2)
    (out / TRAINING_FILE).write_text(text + "\n", encoding="utf-8")
