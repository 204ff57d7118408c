"""Training of the embedded kind of model on character-BIO data (any label set)."""

from __future__ import annotations

import json
import platform
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import torch

from seedner.bio import label_set, read_bio_tsv
from seedner.errors import SeednerError
from seedner.model.card import CARD_FILE, write_model_card
from seedner.model.component import CharNER
from seedner.model.features import build_vocabs
from seedner.model.weights import FILE as WEIGHTS_FILE
from seedner.scoring import score_tags

Sentence = tuple[str, list[str]]
T = TypeVar("T")

MODEL_FILES = ("config.json", WEIGHTS_FILE, "vocab.json", "training.json", CARD_FILE)


class TrainError(SeednerError):
    """Training cannot start (bad options or data); the message says why."""


class NoModelError(TrainError):
    """Training ran but no epoch was good enough to save."""


@dataclass
class EpochRecord:
    epoch: int
    loss: float
    seconds: float
    precision: float
    recall: float
    f1: float
    lr: float


@dataclass
class TrainSettings:
    epochs: int = 30
    patience: int = 5
    lr: float = 2e-3
    batch_chars: int = 2000
    hidden: int = 192
    char_dim: int = 128
    bigram_dim: int = 64
    dropout: float = 0.3
    max_bigrams: int = 100_000
    min_bigram: int = 2
    time_budget_min: float | None = None
    limit: int | None = None
    seed: int = 1
    threads: int | None = None


@dataclass
class TrainReport:
    settings: TrainSettings
    train_path: str
    dev_path: str
    train_sentences: int
    dev_sentences: int
    labels: list[str]
    epochs: list[EpochRecord] = field(default_factory=list)
    best_epoch: int = 0
    best_f1: float = 0.0
    seconds: float = 0.0
    stopped: str = ""


def span_prf(gold: list[list[str]], pred: list[list[str]]) -> tuple[float, float, float]:
    """Exact-span micro precision, recall and F1 of predicted BIO tags, as ``seedner evaluate``
    scores them."""
    micro = score_tags(gold, pred).micro
    return micro.precision, micro.recall, micro.f1


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


def fit(
    train_path: str | Path,
    dev_path: str | Path,
    out_dir: str | Path,
    settings: TrainSettings | None = None,
    log: Callable[[str], None] = print,
    *,
    on_step: Callable[[int, int, int, float], None] | None = None,
) -> TrainReport:
    """Train, keep the best model on dev F1 in ``out_dir`` with its ``training.json``.

    ``on_step(epoch, step, steps, loss_per_sentence)``, when given, is called after every
    optimizer step (for progress displays).
    """
    s = settings or TrainSettings()
    if s.threads:
        torch.set_num_threads(s.threads)
    torch.manual_seed(s.seed)
    rng = random.Random(s.seed)
    train = [x for x in read_bio_tsv(train_path) if x[0]]
    if s.limit:
        train = train[: s.limit]
    dev = [x for x in read_bio_tsv(dev_path) if x[0]]
    if not train or not dev:
        raise ValueError("training and development data must each hold at least one sentence")
    labels = label_set([t for _, t in train] + [t for _, t in dev])
    chars, bigrams = build_vocabs(
        (text for text, _ in train), min_bigram=s.min_bigram, max_bigrams=s.max_bigrams
    )
    log(
        f"{len(train)} training sentences, {len(dev)} dev sentences, labels {labels}, "
        f"{len(chars)} chars, {len(bigrams)} bigrams"
    )
    tagger = CharNER.build(
        chars,
        bigrams,
        labels,
        char_dim=s.char_dim,
        bigram_dim=s.bigram_dim,
        hidden=s.hidden,
        dropout=s.dropout,
    )
    tagger.to("auto")
    model = tagger.model
    assert model is not None
    optimizer = torch.optim.Adam(model.parameters(), lr=s.lr)
    report = TrainReport(s, str(train_path), str(dev_path), len(train), len(dev), labels)
    dev_texts, dev_gold = [t for t, _ in dev], [g for _, g in dev]
    started = time.perf_counter()
    stale = 0
    for epoch in range(1, s.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        total, n_sent = 0.0, 0
        batches = length_batches(train, lambda sent: len(sent[0]), s.batch_chars, rng)
        for step, batch in enumerate(batches, 1):
            loss = tagger.loss([t for t, _ in batch], [tags for _, tags in batch])
            optimizer.zero_grad()
            (loss / len(batch)).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            total += loss.item()
            n_sent += len(batch)
            if on_step is not None:
                on_step(epoch, step, len(batches), total / n_sent)
            if step % 200 == 0:
                log(
                    f"  epoch {epoch} step {step}/{len(batches)} loss/sentence {total / n_sent:.3f}"
                )
        precision, recall, f1 = span_prf(dev_gold, tagger.tag(dev_texts))
        lr = optimizer.param_groups[0]["lr"]
        record = EpochRecord(
            epoch, total / n_sent, time.perf_counter() - t0, precision, recall, f1, lr
        )
        report.epochs.append(record)
        log(
            f"epoch {epoch}: loss/sentence {record.loss:.3f}  dev P {precision:.4f} R {recall:.4f} "
            f"F1 {f1:.4f}  {record.seconds:.0f}s"
        )
        if f1 > report.best_f1 or report.best_epoch == 0:
            report.best_f1, report.best_epoch, stale = f1, epoch, 0
            tagger.save(out_dir)
            log(f"  saved best model to {out_dir}")
        else:
            stale += 1
            for group in optimizer.param_groups:
                group["lr"] *= 0.5
        report.seconds = time.perf_counter() - started
        write_report(report, Path(out_dir))
        if stale >= s.patience:
            report.stopped = f"early stop: no dev improvement for {s.patience} epochs"
            break
        if s.time_budget_min and report.seconds / 60 * (epoch + 1) / epoch > s.time_budget_min:
            report.stopped = f"time budget of {s.time_budget_min} min reached"
            break
    else:
        report.stopped = f"all {s.epochs} epochs done"
    write_report(report, Path(out_dir))
    log(
        f"best dev F1 {report.best_f1:.4f} at epoch {report.best_epoch}; {report.stopped}; "
        f"{report.seconds / 60:.1f} min"
    )
    return report


def generic_data_note(train: str | Path, dev: str | Path) -> str:
    return (
        f"* Trained on `{train}` and selected on `{dev}` (character BIO, supplied by the user).\n"
        "* **Terms:** this model is derived from that data, so the data's licence and terms of use "
        "apply to it as well; check them before sharing the model."
    )


def check_paths(
    train: str | Path, dev: str | Path, out_dir: str | Path, *, overwrite: bool = False
) -> None:
    """Raise :class:`TrainError` unless both data files exist and ``out_dir`` can take a model."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise TrainError(f"output {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise TrainError(f"output folder {out} is not empty; choose another or pass --overwrite")
    for path in (train, dev):
        if not Path(path).is_file():
            raise TrainError(f"no such file: {path}")


def train_model(
    train: str | Path,
    dev: str | Path,
    out_dir: str | Path,
    settings: TrainSettings | None = None,
    *,
    command: str,
    data_note: str | None = None,
    overwrite: bool = False,
    log: Callable[[str], None] = print,
    on_step: Callable[[int, int, int, float], None] | None = None,
) -> TrainReport:
    """:func:`fit` with its checks, then the model card (``MODEL_CARD.md``) in ``out_dir``.

    ``command`` is recorded in the card; ``data_note`` is its Data section (default: a generic
    note naming the files). ``log`` and ``on_step`` go to :func:`fit`. Raises
    :class:`TrainError` on bad input, :class:`NoModelError` when no model was saved.
    """
    out = Path(out_dir)
    check_paths(train, dev, out, overwrite=overwrite)
    try:
        report = fit(train, dev, out, settings, log=log, on_step=on_step)
    except ValueError as exc:  # bad data: a malformed line, no sentences
        raise TrainError(str(exc)) from None
    if report.best_epoch == 0 or not (out / WEIGHTS_FILE).is_file():
        raise NoModelError(
            f"no epoch reached a dev F1 above 0, so no model was saved in {out}; "
            "train for more epochs, on more data, or with a larger --lr"
        )
    write_model_card(out, command, data_note or generic_data_note(train, dev))
    return report


def write_report(report: Any, out: Path) -> None:
    """``training.json``: a report dataclass and the machine it ran on."""
    out.mkdir(parents=True, exist_ok=True)
    data = asdict(report)
    data["machine"] = (
        f"{platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}"
    )
    (out / "training.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
