"""One training loop for every recipe: ``seedner train``'s BiLSTM, the embedded generalist, and
fine-tuning a saved model.

The trainer owns the loop: batches of similar length, Adam, gradient clipping, the learning
rate halved after an epoch without dev improvement, early stopping, a time budget, the best
epoch saved, a checkpoint to resume from, the mean of the best and later epochs' weights, and
``training.json`` after every epoch (:mod:`seedner.model.records`). A recipe's
:class:`Learner` owns the model and its data: the items an epoch trains on, the loss of a
batch, the dev evaluation and saving. The trainer calls those and never reaches inside the
model.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import torch

from seedner.model.records import Epoch, Evaluation, Report, Run

T = TypeVar("T")
Item = TypeVar("Item")
StepCallback = Callable[[int, int, int, float], None]
Log = Callable[[str], None]

CLIP = 5.0  # gradient norm
ANNEAL = 0.5  # learning rate factor after an epoch without dev improvement


@dataclass
class LoopSettings:
    """The loop's settings; each recipe's settings extend them with their own defaults."""

    epochs: int = 30
    patience: int = 5
    lr: float = 2e-3
    batch_chars: int = 2000
    time_budget_min: float | None = None
    seed: int = 1
    threads: int | None = None


class Learner(Protocol[Item]):
    """A model and its data, as the trainer sees them."""

    score_key: str  # the figure that is the score: training.json's best_<score_key>
    score_name: str  # the log's name for it, e.g. "dev F1"

    @property
    def network(self) -> torch.nn.Module:
        """The parameters to optimise, switched to training mode for each epoch."""
        ...

    def epoch_items(self, rng: random.Random) -> list[Item]: ...

    def length(self, item: Item) -> int:
        """Characters, for batching."""
        ...

    def loss(self, batch: list[Item], rng: random.Random) -> torch.Tensor:
        """Summed over the batch."""
        ...

    def evaluate(self) -> Evaluation: ...

    def saved_weights(self) -> dict[str, torch.Tensor]:
        """The part of the network's state that :meth:`save` writes (for averaging)."""
        ...

    def save(self, out_dir: Path) -> None: ...


def seeded(settings: LoopSettings) -> random.Random:
    """Set torch's threads and seed (before a recipe builds its model) and return the loop's
    random generator."""
    if settings.threads:
        torch.set_num_threads(settings.threads)
    torch.manual_seed(settings.seed)
    return random.Random(settings.seed)


def length_batches(
    items: list[T], length: Callable[[T], int], batch_chars: int, rng: random.Random
) -> list[list[T]]:
    """Length-sorted batches of about ``batch_chars`` characters, in shuffled order."""
    ordered = sorted(items, key=lambda item: length(item) + rng.random())
    batches: list[list[T]] = []
    current: list[T] = []
    for item in ordered:
        if current and length(item) * (len(current) + 1) > batch_chars:
            batches.append(current)
            current = []
        current.append(item)
    if current:
        batches.append(current)
    rng.shuffle(batches)
    return batches


@dataclass
class WeightSum:
    """A running sum of saved weights, for their mean."""

    total: dict[str, torch.Tensor]
    count: int

    @classmethod
    def of(cls, weights: dict[str, torch.Tensor]) -> WeightSum:
        floats = {k: v for k, v in weights.items() if v.is_floating_point()}
        return cls({k: v.detach().float().clone() for k, v in floats.items()}, 1)

    def add(self, weights: dict[str, torch.Tensor]) -> None:
        for k, v in self.total.items():
            v += weights[k].detach().float()
        self.count += 1

    def mean(self) -> dict[str, torch.Tensor]:
        return {k: v / self.count for k, v in self.total.items()}


class Trainer(Generic[Item]):
    """Trains a :class:`Learner`, keeping its best epoch on dev in ``out_dir``.

    ``facts`` go into ``training.json`` with the run's record, written after every epoch.
    ``checkpoint``: a file written after every epoch and resumed from when it exists.
    ``average``: at the end, the mean of the best epoch's weights and every
    later epoch's replaces the best epoch's where its dev score is at least as high.
    ``on_step(epoch, step, steps, loss_per_sentence)`` is called after every optimizer step.
    """

    def __init__(
        self,
        learner: Learner[Item],
        settings: LoopSettings,
        out_dir: str | Path,
        *,
        facts: dict[str, Any],
        checkpoint: str | Path | None = None,
        average: bool = False,
        log: Log = print,
        on_step: StepCallback | None = None,
    ) -> None:
        self.learner = learner
        self.settings = settings
        self.out = Path(out_dir)
        self.facts = facts
        self.checkpoint = Path(checkpoint) if checkpoint else None
        self.average = average
        self.log = log
        self.on_step = on_step

    def train(self, rng: random.Random) -> Report:
        s = self.settings
        network = self.learner.network
        optimizer = torch.optim.Adam(network.parameters(), lr=s.lr)
        run = Run(self.learner.score_key)
        report = Report(self.facts, run)
        tail: WeightSum | None = None  # the best epoch's weights and every later epoch's
        if self.checkpoint is not None and self.checkpoint.is_file():
            tail = self._resume(run, optimizer, rng)
        started = time.perf_counter() - run.seconds  # the time budget goes on after a resume
        for epoch in range(len(run.epochs) + 1, s.epochs + 1):
            t0 = time.perf_counter()
            loss = self._train_epoch(epoch, optimizer, rng)
            result = self.learner.evaluate()
            lr = optimizer.param_groups[0]["lr"]
            done = Epoch(epoch, loss, time.perf_counter() - t0, lr, result.figures, result.score)
            run.epochs.append(done)
            self.log(
                f"epoch {epoch}: loss/sentence {loss:.3f}  {result.summary}  {done.seconds:.0f}s"
            )
            if run.best_epoch == 0 or result.score > run.best_score:
                run.best_epoch, run.best_score = epoch, result.score
                self.learner.save(self.out)
                self.log(f"  saved best model to {self.out}")
                tail = WeightSum.of(self.learner.saved_weights()) if self.average else None
            else:
                anneal(optimizer)
                if tail is not None:
                    tail.add(self.learner.saved_weights())
            run.seconds = time.perf_counter() - started
            report.write(self.out)
            if self.checkpoint is not None:
                self._save_checkpoint(run, optimizer, rng, tail)
            run.stopped = self._stop_reason(run, epoch)
            if run.stopped:
                break
        else:
            run.stopped = f"all {s.epochs} epochs done"
        if tail is not None and tail.count > 1:
            self._keep_average(run, tail)
        report.write(self.out)
        self.log(
            f"best {self.learner.score_name} {run.best_score:.4f} at epoch {run.best_epoch}; "
            f"{run.stopped}; {run.seconds / 60:.1f} min"
        )
        return report

    def _train_epoch(
        self, epoch: int, optimizer: torch.optim.Optimizer, rng: random.Random
    ) -> float:
        """One pass over the epoch's items; the mean loss per sentence."""
        network = self.learner.network
        network.train()
        total, n_sent = 0.0, 0
        items = self.learner.epoch_items(rng)
        batches = length_batches(items, self.learner.length, self.settings.batch_chars, rng)
        for step, batch in enumerate(batches, 1):
            loss = self.learner.loss(batch, rng)
            optimizer.zero_grad()
            (loss / len(batch)).backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), CLIP)
            optimizer.step()
            total += loss.item()
            n_sent += len(batch)
            if self.on_step is not None:
                self.on_step(epoch, step, len(batches), total / n_sent)
            if step % 200 == 0:
                self.log(
                    f"  epoch {epoch} step {step}/{len(batches)} loss/sentence {total / n_sent:.3f}"
                )
        return total / max(n_sent, 1)

    def _stop_reason(self, run: Run, epoch: int) -> str:
        s = self.settings
        if len(run.epochs) - run.best_epoch >= s.patience:
            return f"early stop: no dev improvement for {s.patience} epochs"
        # stop when the next epoch, at the mean pace so far, would end past the budget
        if s.time_budget_min and run.seconds / 60 * (epoch + 1) / epoch > s.time_budget_min:
            return f"time budget of {s.time_budget_min} min reached"
        return ""

    def _save_checkpoint(
        self,
        run: Run,
        optimizer: torch.optim.Optimizer,
        rng: random.Random,
        tail: WeightSum | None,
    ) -> None:
        assert self.checkpoint is not None
        state = {
            "model": self.learner.network.state_dict(),
            "optimizer": optimizer.state_dict(),
            "rng": rng.getstate(),
            "torch_rng": torch.get_rng_state(),  # dropout: a resumed run goes on as one
            "epochs": [asdict(e) for e in run.epochs],
            "best_epoch": run.best_epoch,
            "best_score": run.best_score,
            "tail": tail,
        }
        torch.save(state, self.checkpoint)

    def _resume(
        self, run: Run, optimizer: torch.optim.Optimizer, rng: random.Random
    ) -> WeightSum | None:
        assert self.checkpoint is not None
        state = torch.load(self.checkpoint, weights_only=False)
        self.learner.network.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        rng.setstate(state["rng"])
        torch.set_rng_state(state["torch_rng"])
        run.epochs = [Epoch(**e) for e in state["epochs"]]
        run.best_epoch, run.best_score = state["best_epoch"], state["best_score"]
        run.seconds = sum(e.seconds for e in run.epochs)
        self.log(f"resumed from {self.checkpoint} after epoch {len(run.epochs)}")
        tail: WeightSum | None = state["tail"]
        return tail if self.average else None

    def _keep_average(self, run: Run, tail: WeightSum) -> None:
        """Score the mean of the summed weights on dev; save it over the best epoch's model when
        its score is at least as high. The network ends as it was."""
        network = self.learner.network
        last = {k: v.detach().clone() for k, v in network.state_dict().items()}
        network.load_state_dict(tail.mean(), strict=False)
        result = self.learner.evaluate()
        epochs = list(range(run.best_epoch, run.best_epoch + tail.count))
        kept = result.score >= run.best_score
        run.averaged = {"epochs": epochs, **result.figures, "kept": kept}
        self.log(
            f"mean of epochs {epochs[0]}-{epochs[-1]}: {result.summary}"
            + (" (kept)" if kept else " (below the best epoch: not kept)")
        )
        if kept:
            self.learner.save(self.out)
        network.load_state_dict(last)


def anneal(optimizer: torch.optim.Optimizer, factor: float = ANNEAL) -> None:
    """Scale the learning rate (on a plateau: an epoch without dev improvement)."""
    for group in optimizer.param_groups:
        group["lr"] *= factor
