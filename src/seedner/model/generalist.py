"""Training of the generalist embedded model: several corpora, one label set, LAC's weights.

Every corpus's labels are mapped to PER/ORG/LOC by :func:`seedner.loading.labels.canonical_type`
(Weibo's nominal mentions, People's Daily's DATE and CLUENER's book/game/movie/position become
``O``). Each epoch samples each corpus by its weight (a weight of 2.5 takes every sentence twice
and half of them a third time), so a small corpus such as Weibo is not drowned by MSRA. Each
training sentence goes through the shared emission layer plus its corpus's head, except a
``shared_only`` share that uses the shared layer alone — the one inference uses. Model
selection: the mean exact-span F1 over all dev sets (the shared layer's tags).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from seedner.bio import bio_spans, read_bio_tsv
from seedner.loading.labels import canonical_type
from seedner.model.component import CharNER
from seedner.model.features import UNK, Vocab, build_vocabs, fold_char
from seedner.model.gru_network import CharBiGRUCRF
from seedner.model.train import TrainSettings, length_batches, span_prf, write_report

LABELS = ["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-PER", "I-PER"]
TYPES = ("PER", "ORG", "LOC")
# LAC maps these to ASCII before look-up (its q2b table); fold_char leaves them as they are
LAC_LOOKUP = {"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'"}

Sentence = tuple[str, list[str]]
CUT_AFTER = "。！？!?；;，,"


@dataclass
class Corpus:
    name: str
    path: str
    weight: float = 1.0


@dataclass
class GeneralistSettings(TrainSettings):
    """:class:`TrainSettings` with the generalist's defaults, its share of sentences trained
    through the shared output layer alone and LAC's weights."""

    epochs: int = 12
    patience: int = 3
    lr: float = 1.5e-3
    batch_chars: int = 3000
    hidden: int = 128
    layers: int = 2
    dropout: float = 0.2
    shared_only: float = 0.5
    lac: str | None = None
    # keep the mean of the best epoch's weights and every later epoch's, where that scores
    # at least as well on dev (the epochs after the best differ mostly in noise)
    average: bool = False


@dataclass
class EpochFigures:
    epoch: int
    loss: float
    seconds: float
    lr: float
    dev_f1: dict[str, float]
    mean_f1: float


@dataclass
class GeneralistReport:
    settings: GeneralistSettings
    corpora: list[Corpus]
    dev: dict[str, str]
    train_sentences: dict[str, int]
    labels: list[str]
    epochs: list[EpochFigures] = field(default_factory=list)
    best_epoch: int = 0
    best_mean_f1: float = 0.0
    seconds: float = 0.0
    stopped: str = ""
    command: str = ""
    # with settings.average: the epochs averaged, their mean's dev F1 and whether it was kept
    averaged: dict[str, Any] | None = None


def harmonised(path: str | Path) -> list[Sentence]:
    """Sentences with their tags mapped to B-/I- PER, ORG, LOC (everything else O)."""
    out = []
    for text, tags in read_bio_tsv(path):
        if not text:
            continue
        mapped = ["O"] * len(text)
        for start, end, kind in bio_spans(tags):
            kind = canonical_type(kind) or ""
            if kind in TYPES:
                mapped[start] = "B-" + kind
                for i in range(start + 1, end):
                    mapped[i] = "I-" + kind
        out.append((text, mapped))
    return out


def chunked(sentences: list[Sentence], max_chars: int = 160) -> list[Sentence]:
    """Long sentences cut after sentence-final or clause punctuation outside entities.

    People's Daily "sentences" are paragraphs of up to 1,019 characters. The GRU's time loop
    costs the same per step whatever the batch size, so a batch of three such paragraphs is
    many times slower per character than one of forty short sentences — and at inference the
    pipeline splits text into sentences anyway.
    """
    out: list[Sentence] = []
    for text, tags in sentences:
        start = 0
        while len(text) - start > max_chars:
            cut = 0
            for i in range(start + max_chars, start + 20, -1):
                if text[i - 1] in CUT_AFTER and tags[i - 1] == "O" and not tags[i].startswith("I-"):
                    cut = i
                    break
            if not cut:
                break
            out.append((text[start:cut], tags[start:cut]))
            start = cut
        out.append((text[start:], tags[start:]))
    return out


def sample_epoch(
    corpora: list[list[Sentence]], weights: list[float], rng: random.Random
) -> list[tuple[int, Sentence]]:
    picked: list[tuple[int, Sentence]] = []
    for index, (data, weight) in enumerate(zip(corpora, weights)):
        whole, part = divmod(weight, 1.0)
        chosen = data * int(whole) + rng.sample(data, round(part * len(data)))
        picked.extend((index, sent) for sent in chosen)
    return picked


def lac_vocab_and_init(chars: Vocab, lac: dict, embed: torch.nn.Embedding) -> None:
    """Copy LAC's character vectors into ``embed`` for every character LAC knows."""
    table: dict[str, int] = {}
    for index, ch in enumerate(lac["chars"]):
        if len(ch) == 1 and (ch not in table or fold_char(ch) == ch):
            table.setdefault(fold_char(ch), index)
    vectors = lac["embed"]
    with torch.no_grad():
        std = float(vectors.std())
        torch.nn.init.normal_(embed.weight, 0.0, std)
        embed.weight[0].zero_()
        embed.weight[chars.get(UNK)] = vectors[lac["chars"].index("OOV")]
        for index, ch in enumerate(chars.itos[2:], 2):
            source = table.get(ch, table.get(LAC_LOOKUP.get(ch, ""), -1))
            if source >= 0:
                embed.weight[index] = vectors[source]


def train_generalist(
    corpora: list[Corpus],
    dev: dict[str, str],
    out_dir: str | Path,
    settings: GeneralistSettings | None = None,
    log: Callable[[str], None] = print,
    checkpoint: str | Path | None = None,
    command: str = "",
) -> GeneralistReport:
    s = settings or GeneralistSettings()
    if s.threads:
        torch.set_num_threads(s.threads)
    torch.manual_seed(s.seed)
    rng = random.Random(s.seed)
    data = [chunked(harmonised(c.path)[: s.limit]) for c in corpora]
    dev_data = {name: harmonised(path) for name, path in dev.items()}
    lac = torch.load(s.lac, weights_only=False) if s.lac else None
    training_texts = [text for corpus in data for text, _ in corpus]
    extra_chars = [fold_char(ch) for ch in lac["chars"] if len(ch) == 1] if lac else []
    chars, bigrams = build_vocabs(
        [*training_texts, " ".join(extra_chars)],
        min_bigram=s.min_bigram,
        max_bigrams=s.max_bigrams,
    )
    log(
        f"training sentences: {', '.join(f'{c.name} {len(d)}' for c, d in zip(corpora, data))}; "
        f"{len(chars)} chars, {len(bigrams)} bigrams"
    )
    tagger = CharNER.build(
        chars,
        bigrams,
        LABELS,
        network="gru",
        char_dim=s.char_dim,
        bigram_dim=s.bigram_dim,
        hidden=s.hidden,
        layers=s.layers,
        dropout=s.dropout,
        n_heads=len(corpora),
    )
    model = tagger.model
    assert isinstance(model, CharBiGRUCRF)
    if lac is not None:
        lac_vocab_and_init(chars, lac, model.char_embed)
        model.gru.load_lac(lac["gru"])
        log(f"initialised from {s.lac}")
    optimizer = torch.optim.Adam(model.parameters(), lr=s.lr)
    report = GeneralistReport(
        s, corpora, dict(dev), {c.name: len(d) for c, d in zip(corpora, data)}, LABELS
    )
    report.command = command
    first_epoch = 1
    tail: WeightSum | None = None  # the best epoch's weights and every later epoch's, summed
    if checkpoint and Path(checkpoint).is_file():
        state = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        rng.setstate(state["rng"])
        report.epochs = [EpochFigures(**e) for e in state["epochs"]]
        report.best_epoch, report.best_mean_f1 = state["best_epoch"], state["best_mean_f1"]
        report.seconds = sum(e.seconds for e in report.epochs)  # the time budget goes on
        first_epoch = len(report.epochs) + 1
        tail = state.get("tail")
        log(f"resumed from {checkpoint} after epoch {first_epoch - 1}")
    weights = [c.weight for c in corpora]
    started = time.perf_counter() - report.seconds
    stale = len(report.epochs) - report.best_epoch
    for epoch in range(first_epoch, s.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        total, n_sent = 0.0, 0
        batches = length_batches(
            sample_epoch(data, weights, rng), lambda item: len(item[1][0]), s.batch_chars, rng
        )
        for step, batch in enumerate(batches, 1):
            heads = [-1 if rng.random() < s.shared_only else corpus for corpus, _ in batch]
            loss = tagger.loss(
                [text for _, (text, _) in batch], [tags for _, (_, tags) in batch], heads
            )
            optimizer.zero_grad()
            (loss / len(batch)).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            total += loss.item()
            n_sent += len(batch)
            if step % 200 == 0:
                mean_loss = total / n_sent
                log(f"  epoch {epoch} step {step}/{len(batches)} loss/sentence {mean_loss:.3f}")
        dev_f1 = dev_scores(tagger, dev_data)
        mean = sum(dev_f1.values()) / len(dev_f1)
        figures = EpochFigures(
            epoch,
            total / n_sent,
            time.perf_counter() - t0,
            optimizer.param_groups[0]["lr"],
            dev_f1,
            mean,
        )
        report.epochs.append(figures)
        log(
            f"epoch {epoch}: loss/sentence {figures.loss:.3f} dev "
            + " ".join(f"{k} {v:.4f}" for k, v in dev_f1.items())
            + f" mean {mean:.4f} {figures.seconds:.0f}s"
        )
        if mean > report.best_mean_f1 or report.best_epoch == 0:
            report.best_mean_f1, report.best_epoch, stale = mean, epoch, 0
            tagger.save(out_dir)
            log(f"  saved best model to {out_dir}")
            tail = WeightSum.of(model)
        else:
            stale += 1
            for group in optimizer.param_groups:
                group["lr"] *= 0.5
            if tail is not None:
                tail.add(model)
        report.seconds = time.perf_counter() - started
        write_report(report, Path(out_dir))
        if checkpoint:
            torch.save(
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "rng": rng.getstate(),
                    "epochs": [asdict(e) for e in report.epochs],
                    "best_epoch": report.best_epoch,
                    "best_mean_f1": report.best_mean_f1,
                    "tail": tail,
                },
                checkpoint,
            )
        if stale >= s.patience:
            report.stopped = f"early stop: no dev improvement for {s.patience} epochs"
            break
        if s.time_budget_min and report.seconds / 60 * (epoch + 1) / epoch > s.time_budget_min:
            report.stopped = f"time budget of {s.time_budget_min} min reached"
            break
    else:
        report.stopped = f"all {s.epochs} epochs done"
    if s.average and tail is not None and tail.count > 1:
        keep_average(tagger, tail, dev_data, report, Path(out_dir), log)
    write_report(report, Path(out_dir))
    log(
        f"best mean dev F1 {report.best_mean_f1:.4f} at epoch {report.best_epoch}; "
        f"{report.stopped}; {report.seconds / 60:.1f} min"
    )
    return report


@dataclass
class WeightSum:
    """A running sum of a model's weights (corpus heads left out: they are not saved)."""

    total: dict[str, torch.Tensor]
    count: int

    @classmethod
    def of(cls, model: torch.nn.Module) -> WeightSum:
        return cls({k: v.detach().float().clone() for k, v in _saved_weights(model)}, 1)

    def add(self, model: torch.nn.Module) -> None:
        for k, v in _saved_weights(model):
            self.total[k] += v.detach().float()
        self.count += 1

    def mean(self) -> dict[str, torch.Tensor]:
        return {k: v / self.count for k, v in self.total.items()}


def _saved_weights(model: torch.nn.Module) -> list[tuple[str, torch.Tensor]]:
    return [
        (k, v)
        for k, v in model.state_dict().items()
        if v.is_floating_point() and not k.startswith("heads.")
    ]


def dev_scores(tagger: CharNER, dev_data: dict[str, list[Sentence]]) -> dict[str, float]:
    """Exact-span F1 of the shared output layer's tags on each dev set."""
    assert tagger.model is not None
    tagger.model.eval()
    encoder = onnx_encoder(tagger.model)  # type: ignore[arg-type]
    tagger._runtime = None if encoder is None else tagger.onnx_runtime(encoder)
    try:
        return {
            name: span_prf([g for _, g in sents], tagger.tag([t for t, _ in sents]))[2]
            for name, sents in dev_data.items()
        }
    finally:
        tagger._runtime = None


def keep_average(
    tagger: CharNER,
    tail: WeightSum,
    dev_data: dict[str, list[Sentence]],
    report: GeneralistReport,
    out_dir: Path,
    log: Callable[[str], None],
) -> None:
    """Score the mean of the summed weights on dev; save it over the best epoch's model when
    its mean F1 is at least as high."""
    model = tagger.model
    assert model is not None
    last = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(tail.mean(), strict=False)
    dev_f1 = dev_scores(tagger, dev_data)
    mean = sum(dev_f1.values()) / len(dev_f1)
    epochs = list(range(report.best_epoch, report.best_epoch + tail.count))
    kept = mean >= report.best_mean_f1
    report.averaged = {"epochs": epochs, "dev_f1": dev_f1, "mean_f1": mean, "kept": kept}
    log(
        f"mean of epochs {epochs[0]}-{epochs[-1]}: dev "
        + " ".join(f"{k} {v:.4f}" for k, v in dev_f1.items())
        + f" mean {mean:.4f}"
        + (" (kept)" if kept else " (below the best epoch: not kept)")
    )
    if kept:
        tagger.save(out_dir)
    model.load_state_dict(last)


def onnx_encoder(model: CharBiGRUCRF) -> Any:
    """A float32 ONNX Runtime session of the current weights (dev scoring runs ~10x faster in it);
    None without the ``onnx`` package."""
    try:
        from seedner.model.onnx_encoder import encoder_graph
        from seedner.model.onnx_tagger import EncoderSession

        # float32: model selection must not depend on the machine's bfloat16 support
        return EncoderSession(
            encoder_graph(model), threads=torch.get_num_threads(), precision="float32"
        )
    except ImportError:
        return None
