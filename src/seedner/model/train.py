"""``seedner train``'s recipe: a character BiLSTM-CRF on the user's character-BIO data (any label
set), trained by :class:`seedner.model.trainer.Trainer`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from seedner.bio import label_set
from seedner.errors import SeednerError
from seedner.model.card import CARD_FILE, write_model_card
from seedner.model.component import CharNER
from seedner.model.corpora import read_sentences
from seedner.model.features import build_vocabs
from seedner.model.learner import TaggerLearner
from seedner.model.records import TRAINING_FILE, Report
from seedner.model.trainer import Log, LoopSettings, StepCallback, Trainer, seeded
from seedner.model.weights import FILE as WEIGHTS_FILE

MODEL_FILES = ("config.json", WEIGHTS_FILE, "vocab.json", TRAINING_FILE, CARD_FILE)


class TrainError(SeednerError):
    """Training cannot start (bad options or data); the message says why."""


class NoModelError(TrainError):
    """Training ran but no epoch was good enough to save."""


@dataclass
class TrainSettings(LoopSettings):
    hidden: int = 192
    char_dim: int = 128
    bigram_dim: int = 64
    dropout: float = 0.3
    max_bigrams: int = 100_000
    min_bigram: int = 2
    limit: int | None = None


def fit(
    train_path: str | Path,
    dev_path: str | Path,
    out_dir: str | Path,
    settings: TrainSettings | None = None,
    log: Log = print,
    *,
    on_step: StepCallback | None = None,
) -> Report:
    """Train, keep the best model on dev F1 in ``out_dir`` with its ``training.json``.

    ``on_step(epoch, step, steps, loss_per_sentence)``, when given, is called after every
    optimizer step (for progress displays).
    """
    s = settings or TrainSettings()
    rng = seeded(s)
    train = read_sentences(train_path)
    if s.limit:
        train = train[: s.limit]
    dev = read_sentences(dev_path)
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
    facts = {
        "settings": asdict(s),
        "train_path": str(train_path),
        "dev_path": str(dev_path),
        "train_sentences": len(train),
        "dev_sentences": len(dev),
        "labels": labels,
    }
    learner = TaggerLearner(tagger, [train], dev)
    return Trainer(learner, s, out_dir, facts=facts, log=log, on_step=on_step).train(rng)


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


def checked_run(run: Callable[[], Report], out_dir: str | Path, command: str, notes: str) -> Report:
    """``run()`` with bad data as :class:`TrainError`, then the model card (``MODEL_CARD.md``,
    closed by ``notes``) in ``out_dir``; :class:`NoModelError` when no model was saved."""
    out = Path(out_dir)
    try:
        report = run()
    except ValueError as exc:  # bad data: a malformed line, no sentences
        raise TrainError(str(exc)) from None
    if report.best_epoch == 0 or not (out / WEIGHTS_FILE).is_file():
        raise NoModelError(
            f"no epoch reached a dev F1 above 0, so no model was saved in {out}; "
            "train for more epochs, on more data, or with a larger --lr"
        )
    write_model_card(out, command, notes)
    return report


def train_model(
    train: str | Path,
    dev: str | Path,
    out_dir: str | Path,
    settings: TrainSettings | None = None,
    *,
    command: str,
    data_note: str | None = None,
    overwrite: bool = False,
    log: Log = print,
    on_step: StepCallback | None = None,
) -> Report:
    """:func:`fit` with its checks, then the model card (``MODEL_CARD.md``) in ``out_dir``.

    ``command`` is recorded in the card; ``data_note`` is its Data section (default: a generic
    note naming the files). ``log`` and ``on_step`` go to :func:`fit`. Raises
    :class:`TrainError` on bad input, :class:`NoModelError` when no model was saved.
    """
    check_paths(train, dev, out_dir, overwrite=overwrite)
    notes = "## Data\n" + (data_note or generic_data_note(train, dev))
    return checked_run(
        lambda: fit(train, dev, out_dir, settings, log=log, on_step=on_step),
        out_dir,
        command,
        notes,
    )
