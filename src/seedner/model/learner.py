"""A :class:`~seedner.model.component.CharNER` and its data as the trainer sees them (a
:class:`seedner.model.trainer.Learner`): the model computes its loss and tags, this decides what
an epoch trains on and how dev is scored."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch

from seedner.model.component import CharNER
from seedner.model.corpora import Sentence, sample_epoch
from seedner.model.records import Evaluation
from seedner.scoring import score_tags

Item = tuple[int, Sentence]  # (corpus index, sentence)


def span_prf(gold: list[list[str]], pred: list[list[str]]) -> tuple[float, float, float]:
    """Exact-span micro precision, recall and F1 of predicted BIO tags, as ``seedner evaluate``
    scores them."""
    micro = score_tags(gold, pred).micro
    return micro.precision, micro.recall, micro.f1


class TaggerLearner:
    """Trains ``tagger`` on ``corpora``, each epoch a sample of them by ``weights`` (default:
    every sentence once).

    ``dev``: one list of sentences (figures: precision, recall, F1; the score is F1) or named
    sets (figures: each set's F1 and their mean, the score). ``shared_only``: for a network
    with corpus heads, the share of sentences trained through the shared output layer alone
    (the others add their corpus's head).
    """

    def __init__(
        self,
        tagger: CharNER,
        corpora: list[list[Sentence]],
        dev: list[Sentence] | dict[str, list[Sentence]],
        *,
        weights: list[float] | None = None,
        shared_only: float | None = None,
    ) -> None:
        self.tagger = tagger
        self.corpora = corpora
        self.weights = weights or [1.0] * len(corpora)
        self.dev = dev
        self.shared_only = shared_only
        self.score_key, self.score_name = (
            ("f1", "dev F1") if isinstance(dev, list) else ("mean_f1", "mean dev F1")
        )

    @property
    def network(self) -> torch.nn.Module:
        model = self.tagger.model
        assert model is not None
        return model

    def epoch_items(self, rng: random.Random) -> list[Item]:
        return sample_epoch(self.corpora, self.weights, rng)

    def length(self, item: Item) -> int:
        return len(item[1][0])

    def loss(self, batch: list[Item], rng: random.Random) -> torch.Tensor:
        texts = [text for _, (text, _) in batch]
        tags = [tags for _, (_, tags) in batch]
        heads = None
        if self.shared_only is not None:
            heads = [-1 if rng.random() < self.shared_only else corpus for corpus, _ in batch]
        return self.tagger.loss(texts, tags, heads)

    def evaluate(self) -> Evaluation:
        if isinstance(self.dev, list):
            with scoring_runtime(self.tagger):
                p, r, f1 = score_sentences(self.tagger, self.dev)
            summary = f"dev P {p:.4f} R {r:.4f} F1 {f1:.4f}"
            return Evaluation({"precision": p, "recall": r, "f1": f1}, f1, summary)
        scores = dev_f1(self.tagger, self.dev)
        mean = sum(scores.values()) / len(scores)
        words = " ".join(f"{k} {v:.4f}" for k, v in scores.items())
        return Evaluation({"dev_f1": scores, "mean_f1": mean}, mean, f"dev {words} mean {mean:.4f}")

    def saved_weights(self) -> dict[str, torch.Tensor]:
        return self.tagger.saved_state()

    def save(self, out_dir: Path) -> None:
        self.tagger.save(out_dir)


def dev_f1(tagger: CharNER, sets: dict[str, list[Sentence]]) -> dict[str, float]:
    """Exact-span F1 of the tagger's tags (its current weights) on each named set."""
    with scoring_runtime(tagger):
        return {name: score_sentences(tagger, s)[2] for name, s in sets.items()}


def score_sentences(tagger: CharNER, sentences: list[Sentence]) -> tuple[float, float, float]:
    """Exact-span precision, recall and F1 of the tagger's tags on ``sentences``."""
    return span_prf([g for _, g in sentences], tagger.tag([t for t, _ in sentences]))


@contextmanager
def scoring_runtime(tagger: CharNER) -> Iterator[None]:
    """Inside the block a GRU tagger tags through a float32 ONNX Runtime session of its current
    weights, about ten times as fast as the torch network's time loop (float32: model selection
    must not depend on the machine's bfloat16 support); other taggers through torch."""
    model = tagger.model
    assert model is not None
    model.eval()
    encoder = _current_encoder(model)
    tagger.set_runtime(None if encoder is None else tagger.onnx_runtime(encoder))
    try:
        yield
    finally:
        tagger.set_runtime(None)


def _current_encoder(model: torch.nn.Module) -> Any:
    """An ONNX Runtime session of a GRU network's current weights; None for other networks or
    without the ``onnx`` package."""
    from seedner.model.gru_network import CharBiGRUCRF

    if not isinstance(model, CharBiGRUCRF):
        return None
    try:
        from seedner.model.onnx_encoder import encoder_graph
        from seedner.model.onnx_tagger import EncoderSession

        graph = encoder_graph(model)
        return EncoderSession(graph, threads=torch.get_num_threads(), precision="float32")
    except ImportError:
        return None
