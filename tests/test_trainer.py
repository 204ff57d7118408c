"""The training loop every recipe uses (:mod:`seedner.model.trainer`), with a toy learner whose
dev scores are scripted: annealing on a plateau, early stopping, the time budget, the best
epoch saved, checkpoints and weight averaging."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import torch

from seedner.model.records import Evaluation, Report
from seedner.model.trainer import LoopSettings, Trainer, seeded


@pytest.fixture(autouse=True)
def _keep_torch_threads():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


class ToyLearner:
    """A linear layer fitted to noisy targets; ``scores`` are its dev scores, epoch by epoch."""

    score_key = "f1"
    score_name = "dev F1"

    def __init__(self, scores: list[float]) -> None:
        self.scores = list(scores)
        self.evaluated = 0
        torch.manual_seed(0)  # the same initial weights in every run
        self.layer = torch.nn.Linear(3, 1)
        self.dropout = torch.nn.Dropout(0.5)  # torch's random generator matters on resume
        self.saved: list[dict[str, torch.Tensor]] = []  # what each save() wrote
        self.seen: list[dict[str, torch.Tensor]] = []  # the weights each evaluate() scored

    @property
    def network(self) -> torch.nn.Module:
        return self.layer

    def epoch_items(self, rng: random.Random) -> list[int]:
        return rng.sample(range(40), 20)

    def length(self, item: int) -> int:
        return 1 + item % 5

    def loss(self, batch: list[int], rng: random.Random) -> torch.Tensor:
        x = self.dropout(torch.tensor([[i, i % 3, rng.random()] for i in batch], dtype=torch.float))
        return ((self.layer(x).squeeze(1) - torch.tensor(batch, dtype=torch.float)) ** 2).sum()

    def evaluate(self) -> Evaluation:
        self.seen.append(self.saved_weights())
        score = self.scores[self.evaluated]
        self.evaluated += 1
        return Evaluation({"f1": score}, score, f"dev F1 {score:.4f}")

    def saved_weights(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.layer.state_dict().items()}

    def save(self, out_dir: Path) -> None:
        self.saved.append(self.saved_weights())


def _train(
    learner: ToyLearner, out: Path, checkpoint: Path | None = None, average: bool = False, **kw
) -> Report:
    settings = LoopSettings(**{"epochs": 5, "patience": 9, "lr": 0.01, "batch_chars": 6, **kw})
    rng = seeded(settings)
    trainer = Trainer(
        learner,
        settings,
        out,
        facts={"recipe": "toy"},
        checkpoint=checkpoint,
        average=average,
        log=lambda _: None,
    )
    return trainer.train(rng)


def test_the_learning_rate_halves_after_each_epoch_without_improvement(tmp_path: Path) -> None:
    learner = ToyLearner([0.5, 0.4, 0.6, 0.6, 0.7])
    report = _train(learner, tmp_path)
    rates = [e.lr for e in report.run.epochs]
    assert rates == [0.01, 0.01, 0.005, 0.005, 0.0025]  # each epoch's rate, before annealing
    assert report.best_epoch == 5 and report.best_score == 0.7
    # the best epochs were saved, and only they
    assert len(learner.saved) == 3
    for saved, epoch in zip(learner.saved, (1, 3, 5)):
        for key, value in saved.items():
            assert torch.equal(value, learner.seen[epoch - 1][key])


def test_training_stops_after_patience_epochs_without_improvement(tmp_path: Path) -> None:
    report = _train(ToyLearner([0.5, 0.5, 0.4, 0.9]), tmp_path, patience=2)
    assert [e.epoch for e in report.run.epochs] == [1, 2, 3]
    assert report.run.stopped == "early stop: no dev improvement for 2 epochs"
    assert report.best_epoch == 1


def test_training_stops_when_the_next_epoch_would_pass_the_time_budget(tmp_path: Path) -> None:
    report = _train(ToyLearner([0.1, 0.2, 0.3]), tmp_path, time_budget_min=1e-9)
    assert len(report.run.epochs) == 1
    assert report.run.stopped.startswith("time budget of 1e-09 min")


def test_training_json_holds_the_facts_and_every_epoch(tmp_path: Path) -> None:
    report = _train(ToyLearner([0.5, 0.4, 0.6, 0.6, 0.7]), tmp_path)
    saved = json.loads((tmp_path / "training.json").read_text(encoding="utf-8"))
    assert saved["recipe"] == "toy" and saved["best_f1"] == 0.7 and saved["best_epoch"] == 5
    assert [e["f1"] for e in saved["epochs"]] == [0.5, 0.4, 0.6, 0.6, 0.7]
    assert [e["lr"] for e in saved["epochs"]] == [e.lr for e in report.run.epochs]
    assert saved["seconds"] == report.seconds and "torch" in saved["machine"]


def test_a_resumed_run_goes_on_from_the_checkpoints_epoch_and_time(tmp_path: Path) -> None:
    scores = [0.5, 0.4, 0.6, 0.3]
    whole = _train(ToyLearner(scores), tmp_path / "whole", epochs=4)
    checkpoint = tmp_path / "run.ckpt"
    first = _train(ToyLearner(scores), tmp_path / "part", checkpoint, epochs=2)
    resumed_learner = ToyLearner(scores[2:])  # a new process: nothing but the checkpoint
    resumed = _train(resumed_learner, tmp_path / "part", checkpoint, epochs=4)
    assert [e.epoch for e in resumed.run.epochs] == [1, 2, 3, 4]
    assert resumed.run.epochs[:2] == first.run.epochs  # the first two epochs, time included
    # the time the budget reads counts the epochs before the resume
    assert resumed.seconds >= sum(e.seconds for e in resumed.run.epochs)
    # the same run as without the interruption: weights, optimizer and both random generators
    # come back
    assert [e.loss for e in resumed.run.epochs] == [e.loss for e in whole.run.epochs]
    assert [e.lr for e in resumed.run.epochs] == [0.01, 0.01, 0.005, 0.005]
    assert resumed.best_epoch == 3 and len(resumed_learner.saved) == 1


def test_the_mean_of_the_best_and_later_epochs_is_kept_when_it_scores_as_well(
    tmp_path: Path,
) -> None:
    learner = ToyLearner([0.3, 0.6, 0.5, 0.4, 0.6])  # the last: the mean's score
    report = _train(learner, tmp_path, average=True, epochs=4)
    assert report.run.averaged == {"epochs": [2, 3, 4], "f1": 0.6, "kept": True}
    mean = {k: sum(learner.seen[i][k] for i in (1, 2, 3)) / 3 for k in learner.seen[0]}
    for key, value in learner.saved[-1].items():
        torch.testing.assert_close(value, mean[key])
    # the network itself ends as the last epoch left it
    for key, value in learner.saved_weights().items():
        assert torch.equal(value, learner.seen[3][key])


def test_a_mean_below_the_best_epoch_is_not_kept(tmp_path: Path) -> None:
    learner = ToyLearner([0.3, 0.6, 0.5, 0.5])
    report = _train(learner, tmp_path, average=True, epochs=3)
    assert report.run.averaged == {"epochs": [2, 3], "f1": 0.5, "kept": False}
    assert len(learner.saved) == 2  # epochs 1 and 2; not the mean
