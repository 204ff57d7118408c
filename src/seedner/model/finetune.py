"""Fine-tuning a saved model (``seedner train --init embedded``: the shipped generalist) on the
user's character-BIO data, in :class:`seedner.model.trainer.Trainer`'s loop.

The initial model's network, vocabulary and labels are kept: characters it never saw read as
unknown, and the data's labels are mapped to its types (PER/ORG/LOC for the generalist; other
labels through ``type_of``, e.g. Weibo's ``PER.NAM`` → PER; the rest become ``O``). Long
sentences are cut into chunks as for the generalist. Dev F1 is measured before and after on the
user's dev file and on a sample of each other dev file given (``forgetting``), each time by the
model as saved and loaded again — the tagger ``seedner extract --model DIR`` runs — so what the
model forgot shows beside what it learnt.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from seedner.model.card import EMBEDDED_TERMS
from seedner.model.component import CharNER
from seedner.model.corpora import (
    Sentence,
    TypeMap,
    chunked,
    entity_count,
    harmonised,
    spread_sample,
)
from seedner.model.learner import TaggerLearner, score_sentences
from seedner.model.records import Report
from seedner.model.train import TrainError, check_paths, checked_run, generic_data_note
from seedner.model.trainer import Log, LoopSettings, StepCallback, Trainer, seeded

CLASSPATH = "seedner.model.component.CharNER"


@dataclass
class FineTuneSettings(LoopSettings):
    epochs: int = 8
    patience: int = 3
    lr: float = 1e-3
    batch_chars: int = 3000
    limit: int | None = None
    forgetting_sample: int = 500  # sentences of each forgetting dev file, evenly spaced


@dataclass
class ScoredSet:
    """A dev set scored before and after: the user's dev file or a forgetting sample."""

    name: str
    path: str
    sentences: int  # scored
    of: int  # in the file
    before: float = 0.0
    after: float | None = None


def init_problem(init: str | Path) -> str | None:
    """Why ``init`` is not a folder of a seedner model that can be fine-tuned, or None."""
    config = Path(init) / "config.json"
    if not config.is_file():
        return f"--init {init}: no saved model there (config.json missing)"
    try:
        classpath = json.loads(config.read_text(encoding="utf-8")).get("classpath")
    except (ValueError, AttributeError):
        classpath = None
    if classpath != CLASSPATH:
        return f"--init {init}: not a seedner model (only those are fine-tuned)"
    return None


def load_tagger(folder: str | Path) -> CharNER:
    """A saved model as ``seedner extract --model`` loads it, in float32 on the CPU."""
    tagger = CharNER()
    tagger.load(folder, devices=-1, precision="float32")
    return tagger


def finetune(
    init: str | Path,
    train_path: str | Path,
    dev_path: str | Path,
    out_dir: str | Path,
    settings: FineTuneSettings | None = None,
    *,
    type_of: TypeMap,
    forgetting: dict[str, str] | None = None,
    init_name: str = "",
    log: Log = print,
    on_step: StepCallback | None = None,
) -> Report:
    """Fine-tune the model in ``init`` and keep the best epoch on ``dev_path`` in ``out_dir``.

    ``forgetting``: name → a dev file sampled (``settings.forgetting_sample`` sentences) and
    scored before and after. ``init_name`` is how ``training.json`` names the initial model
    (default: its path). The figures are in the report's ``before_after``.
    """
    s = settings or FineTuneSettings()
    rng = seeded(s)
    tagger = load_tagger(init)
    types = tagger.types
    train = harmonised(train_path, types, type_of)[: s.limit]
    dev = harmonised(dev_path, types, type_of)
    if not train or not dev:
        raise ValueError("training and development data must each hold at least one sentence")
    if not entity_count(train):
        raise ValueError(
            f"{train_path}: no {'/'.join(types)} entities once its labels are mapped to the "
            "model's types"
        )
    chunks = chunked(train)
    scored = [ScoredSet("dev", str(dev_path), len(dev), len(dev))]
    sets: dict[str, list[Sentence]] = {"dev": dev}
    for name, path in (forgetting or {}).items():
        every = harmonised(path, types, type_of)
        sets[name] = spread_sample(every, s.forgetting_sample)
        scored.append(ScoredSet(name, path, len(sets[name]), len(every)))
    for row, f1 in zip(scored, saved_scores(init, sets)):
        row.before = f1
    log(
        f"{len(train)} training sentences ({len(chunks)} chunks), {len(dev)} dev sentences, "
        f"types {', '.join(types)}; dev F1 before: {scored[0].before:.4f}"
    )
    facts: dict[str, Any] = {
        "settings": asdict(s),
        "init": init_name or str(init),
        "train_path": str(train_path),
        "dev_path": str(dev_path),
        "train_sentences": len(train),
        "train_chunks": len(chunks),
        "dev_sentences": len(dev),
        "labels": tagger.labels,
        "before_after": [asdict(row) for row in scored],
    }
    tagger.set_runtime(None)  # train and score the torch network's weights, not the folder's
    tagger.to("auto")
    learner = TaggerLearner(tagger, [chunks], dev)
    report = Trainer(learner, s, out_dir, facts=facts, log=log, on_step=on_step).train(rng)
    if report.best_epoch:
        for row, f1 in zip(scored, saved_scores(out_dir, sets)):
            row.after = f1
        report.facts["before_after"] = [asdict(row) for row in scored]
        report.write(Path(out_dir))
        for line in before_after_lines(report.facts["before_after"]):
            log(line)
    return report


def saved_scores(folder: str | Path, sets: dict[str, list[Sentence]]) -> list[float]:
    """Exact-span F1 of the saved model's tags on each set, in order."""
    tagger = load_tagger(folder)
    return [score_sentences(tagger, sentences)[2] for sentences in sets.values()]


def before_after_lines(rows: list[dict[str, Any]]) -> list[str]:
    """``dev F1 before → after`` lines, one per scored set (the first is the user's dev)."""
    lines = ["dev F1 before → after (exact span, the model's own tags):"]
    for row in rows:
        label = "dev" if row["name"] == "dev" else "forgetting"
        sample = f"{row['sentences']:,} of {row['of']:,} sentences"
        after = "-" if row["after"] is None else f"{row['after']:.4f}"
        lines.append(f"  {label} {row['path']} ({sample}): {row['before']:.4f} → {after}")
    return lines


def finetune_model(
    init: str | Path,
    train: str | Path,
    dev: str | Path,
    out_dir: str | Path,
    settings: FineTuneSettings | None = None,
    *,
    type_of: TypeMap,
    command: str,
    forgetting: dict[str, str] | None = None,
    init_name: str = "",
    data_note: str | None = None,
    overwrite: bool = False,
    log: Log = print,
    on_step: StepCallback | None = None,
) -> Report:
    """:func:`finetune` with its checks, then the model card (``MODEL_CARD.md``) in ``out_dir``,
    as :func:`seedner.model.train.train_model` does for a new model. Raises
    :class:`~seedner.model.train.TrainError` on bad input,
    :class:`~seedner.model.train.NoModelError` when no model was saved."""
    check_finetune_paths(init, train, dev, out_dir, forgetting, overwrite=overwrite)
    name = init_name or str(init)
    terms = (
        EMBEDDED_TERMS
        if name == "embedded"
        else f"* **Starting weights:** `{name}`; its terms apply to this model as well."
    )
    notes = "## Data\n" + (data_note or generic_data_note(train, dev)) + "\n" + terms
    return checked_run(
        lambda: finetune(
            init,
            train,
            dev,
            out_dir,
            settings,
            type_of=type_of,
            forgetting=forgetting,
            init_name=name,
            log=log,
            on_step=on_step,
        ),
        out_dir,
        command,
        notes,
    )


def check_finetune_paths(
    init: str | Path,
    train: str | Path,
    dev: str | Path,
    out_dir: str | Path,
    forgetting: dict[str, str] | None = None,
    *,
    overwrite: bool = False,
) -> None:
    """:func:`seedner.model.train.check_paths`, the initial model and the forgetting files."""
    check_paths(train, dev, out_dir, overwrite=overwrite)
    problem = init_problem(init)
    if problem:
        raise TrainError(problem)
    for path in (forgetting or {}).values():
        if not Path(path).is_file():
            raise TrainError(f"no such file: {path}")
