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

from seedner.bio import bio_spans, label_set, read_bio_tsv
from seedner.evaluation import score
from seedner.model.component import CharNER
from seedner.model.features import build_vocabs

Sentence = tuple[str, list[str]]
T = TypeVar("T")


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
    """Exact-span micro precision, recall and F1 of predicted BIO tags, by the scorer of
    ``seedner evaluate``."""
    gold_spans = [bio_spans(tags) for tags in gold]
    pred_spans = [bio_spans(tags) for tags in pred]
    types = sorted({kind for spans in gold_spans + pred_spans for _, _, kind in spans})
    micro = score(gold_spans, pred_spans, types).micro
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


def gold_ids(tags: list[list[str]], label_id: dict[str, int], like: torch.Tensor) -> torch.Tensor:
    """Label ids padded like the batch's character ids (``like``)."""
    gold = torch.zeros_like(like)
    for i, sentence in enumerate(tags):
        gold[i, : len(sentence)] = torch.tensor([label_id[t] for t in sentence])
    return gold


def fit(
    train_path: str | Path,
    dev_path: str | Path,
    out_dir: str | Path,
    settings: TrainSettings | None = None,
    log: Callable[[str], None] = print,
    *,
    on_step: Callable[[int, int, int, float], None] | None = None,
) -> TrainReport:
    """Train, keep the best model on dev F1 in ``out_dir``, write its model card there.

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
    label_id = {label: i for i, label in enumerate(labels)}
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
            texts = [t for t, _ in batch]
            tensors = tagger.tensorize(texts)
            gold = gold_ids([tags for _, tags in batch], label_id, tensors["chars"])
            loss = model.crf.nll(tagger.emissions(tensors), gold, tensors["mask"])
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


def write_report(report: Any, out: Path) -> None:
    """``training.json``: a report dataclass and the machine it ran on."""
    out.mkdir(parents=True, exist_ok=True)
    data = asdict(report)
    data["machine"] = (
        f"{platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}"
    )
    (out / "training.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
