"""The recipe of the generalist embedded model: several corpora, one label set, LAC's weights.

Every corpus's labels are mapped to PER/ORG/LOC by the caller's ``type_of``
(:func:`seedner.loading.labels.canonical_type`: Weibo's nominal mentions, People's Daily's DATE
and CLUENER's book/game/movie/position become ``O``). Long sentences are cut into chunks of at
most 160 characters (:func:`seedner.model.corpora.chunked`). Each epoch samples each corpus's
chunks by its weight (a weight of 2.5 takes every chunk twice and half of them a third time),
so a small corpus such as Weibo is not drowned by MSRA. Each training chunk goes through the
shared emission layer plus its corpus's head, except a ``shared_only`` share that uses the
shared layer alone — the one inference uses. Model selection: the mean exact-span F1 over all
dev sets (the shared layer's tags). The loop is :class:`seedner.model.trainer.Trainer`'s.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from seedner.model.component import HYPERPARAMS, CharNER
from seedner.model.corpora import Corpus, Sentence, TypeMap, chunked, harmonised
from seedner.model.features import UNK, Vocab, build_vocabs, fold_char
from seedner.model.gru_network import CharBiGRUCRF
from seedner.model.learner import TaggerLearner
from seedner.model.lexicon import jieba_entries, list_entries
from seedner.model.partial import (
    abbreviation_spans,
    bodies_as_organizations,
    governments_as_organizations,
    opened,
    pos_opener,
)
from seedner.model.records import Report
from seedner.model.train import TrainSettings
from seedner.model.trainer import Log, Trainer, seeded

LABELS = ["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-PER", "I-PER"]
TYPES = ("PER", "ORG", "LOC")
# LAC maps these to ASCII before look-up (its q2b table); fold_char leaves them as they are
LAC_LOOKUP = {"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'"}

__all__ = ["Corpus", "GeneralistSettings", "train_generalist"]


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
    # a saved generalist to go on training (its vocabulary and network; new corpus heads)
    init: str | None = None
    # corpus name → where its untagged abbreviations are open (partial labels): "rules" for
    # the guideline's lists, or People's Daily's POS file for its /j words and the lists
    partial: dict[str, str] = field(default_factory=dict)
    # jieba's dict.txt: the network reads the words covering each character (with the lists
    # seedner ships), seedner.model.lexicon
    lexicon: str | None = None


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
    log: Log = print,
    checkpoint: str | Path | None = None,
    command: str = "",
    *,
    type_of: TypeMap,
) -> Report:
    """Train on ``corpora``, keep the best epoch on the mean F1 over the ``dev`` files (name →
    path) in ``out_dir`` with its ``training.json``. ``type_of``: a label's type → PER, ORG,
    LOC or None. ``checkpoint``: written after every epoch, resumed from when it exists."""
    s = settings or GeneralistSettings()
    rng = seeded(s)
    sentences = [harmonised(c.path, TYPES, type_of)[: s.limit] for c in corpora]
    opened_positions: dict[str, int] = {}
    relabelled: dict[str, int] = {}  # intergovernmental bodies tagged LOC made ORG
    for index, corpus in enumerate(corpora):
        where = s.partial.get(corpus.name)
        if where:
            opener = abbreviation_spans if where == "rules" else pos_opener(where)
            sentences[index], opened_positions[corpus.name] = opened(sentences[index], opener)
            sentences[index], relabelled[corpus.name] = bodies_as_organizations(sentences[index])
    governments: dict[str, int] = {}  # 中国政府 as a place and an untagged word made one ORG
    for index, corpus in enumerate(corpora):
        sentences[index], governments[corpus.name] = governments_as_organizations(sentences[index])
    data = [chunked(x) for x in sentences]
    dev_data = {name: harmonised(path, TYPES, type_of) for name, path in dev.items()}
    if s.init:
        tagger = continued(s.init, len(corpora), s.dropout)
        log(f"going on from {s.init}")
    else:
        tagger = _new_tagger(s, data, len(corpora), log)
    if s.lexicon and tagger.lexicon is None:
        entries = jieba_entries(s.lexicon)
        for word, bits in list_entries().items():
            entries[word] = entries.get(word, 0) | bits
        tagger.use_lexicon(entries)
        log(f"lexicon: {len(entries)} entries from {s.lexicon} and seedner's lists")
    log(
        f"training chunks: {', '.join(f'{c.name} {len(d)}' for c, d in zip(corpora, data))}; "
        f"{len(tagger.chars or ())} chars; open positions {opened_positions}"
    )
    facts: dict[str, Any] = {
        "settings": asdict(s),
        "corpora": [asdict(c) for c in corpora],
        "dev": dict(dev),
        "train_sentences": {c.name: len(x) for c, x in zip(corpora, sentences)},
        "train_chunks": {c.name: len(d) for c, d in zip(corpora, data)},
        "open_positions": opened_positions,
        "bodies_made_org": relabelled,
        "governments_made_org": governments,
        "labels": LABELS,
        "command": command,
    }
    learner = TaggerLearner(
        tagger, data, dev_data, weights=[c.weight for c in corpora], shared_only=s.shared_only
    )
    trainer = Trainer(
        learner, s, out_dir, facts=facts, checkpoint=checkpoint, average=s.average, log=log
    )
    return trainer.train(rng)


def _new_tagger(s: GeneralistSettings, data: list[list[Sentence]], heads: int, log: Log) -> CharNER:
    """A network over the training data's vocabulary (and LAC's characters), initialised from
    LAC's weights when ``s.lac`` names them."""
    lac = torch.load(s.lac, weights_only=False) if s.lac else None
    training_texts = [text for corpus in data for text, _ in corpus]
    extra_chars = [fold_char(ch) for ch in lac["chars"] if len(ch) == 1] if lac else []
    chars, bigrams = build_vocabs(
        [*training_texts, " ".join(extra_chars)],
        min_bigram=s.min_bigram,
        max_bigrams=s.max_bigrams,
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
        n_heads=heads,
    )
    model = tagger.model
    assert isinstance(model, CharBiGRUCRF)
    if lac is not None:
        lac_vocab_and_init(chars, lac, model.char_embed)
        model.gru.load_lac(lac["gru"])
        log(f"initialised from {s.lac}")
    return tagger


def continued(folder: str | Path, heads: int, dropout: float) -> CharNER:
    """A saved generalist as a trainable tagger: its vocabulary and weights, ``heads`` new
    corpus heads (zero: the saved model's emissions at first)."""
    from seedner.model.finetune import load_tagger
    from seedner.model.lexicon import FILE, read_entries

    saved = load_tagger(folder)
    assert saved.chars is not None and saved.bigrams is not None
    hyper = {k: saved.config[k] for k in HYPERPARAMS if k in saved.config}
    hyper["dropout"] = dropout
    tagger = CharNER.build(
        saved.chars, saved.bigrams, saved.labels, network="gru", n_heads=heads, **hyper
    )
    model = tagger.model
    assert model is not None and saved.model is not None
    model.load_state_dict(saved.model.state_dict(), strict=False)
    model.float()
    if saved.lexicon is not None:
        tagger.lexicon = saved.lexicon
        tagger.lexicon_entries = read_entries(Path(folder) / FILE)
    return tagger
