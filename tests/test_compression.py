"""Compression (seedner.model.compression): a summed network tags the same in torch and in its
ONNX encoder; a fold is exact where the first layer reads no more than the character's embedding
carries, and close where it reads more; narrowing drops the units nothing reads; distillation
brings the emissions closer."""

from __future__ import annotations

from pathlib import Path

import hanlp
import numpy as np
import pytest
import torch

import seedner
from seedner.model.component import CharNER
from seedner.model.compression import (
    data_weighted_low_rank,
    distill,
    fold,
    prune_hidden,
    sample_texts,
)
from seedner.model.features import Vocab
from seedner.model.lexicon import FILE, read_entries

from .helpers import dataset, msra_dev_texts, real_emissions

pytest.importorskip("onnx", reason="saving a GRU model writes an ONNX graph (extra: train)")


def _concatenated_model(folder: Path, texts: list[str], silent_extras: bool) -> CharNER:
    """A small concatenated GRU model reading the shipped lexicon, saved to ``folder`` and
    loaded back (float32). ``silent_extras``: its shape and lexicon inputs have zero weights,
    so it reads of the character's own inputs only what its embedding carries."""
    torch.manual_seed(0)
    chars = Vocab(sorted({c for t in texts for c in t}))
    bigrams = Vocab(sorted({t[i : i + 2] for t in texts for i in range(len(t) - 1)}))
    hyper = {"char_dim": 8, "bigram_dim": 4, "shape_dim": 2, "hidden": 6}
    ner = CharNER.build(chars, bigrams, ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"], "gru", **hyper)
    ner.use_lexicon(read_entries(Path(seedner.__file__).parent / "embedded" / FILE))
    model = ner.model
    assert model is not None
    with torch.no_grad():
        first = model.gru.ih_weight[0]
        if silent_extras:
            first[:, 16:] = 0  # shape and lexicon: after the character (8) and bigrams (2 × 4)
        else:
            first[:, 16:] = torch.randn_like(first[:, 16:]) * 0.3
    ner.save(folder)
    loaded = hanlp.load(str(folder), precision="float32")
    assert isinstance(loaded, CharNER)
    return loaded


def test_a_fold_is_exact_when_the_layer_reads_only_the_embedding(tmp_path: Path) -> None:
    texts = msra_dev_texts(120)
    original = _concatenated_model(tmp_path / "concatenated", texts, silent_extras=True)
    folded, kept = fold(original, texts)
    assert kept == pytest.approx(1.0, abs=1e-9)
    folded.save(tmp_path / "summed")
    summed = hanlp.load(str(tmp_path / "summed"), precision="float32")
    assert summed.config["summed_inputs"] and summed.model.gru.ih_weight[0].shape[1] == 16
    # exact but for the half precision both are saved in
    np.testing.assert_allclose(
        real_emissions(summed, texts), real_emissions(original, texts), atol=2e-3
    )


def test_a_summed_model_tags_the_same_in_onnx_and_torch_and_distills_closer(
    tmp_path: Path,
) -> None:
    texts = msra_dev_texts(200)
    original = _concatenated_model(tmp_path / "concatenated", texts, silent_extras=False)
    folded, kept = fold(original, texts)
    assert 0.5 < kept < 1.0  # 50 inputs of the character's own through 8 numbers
    folded.save(tmp_path / "summed")
    summed = hanlp.load(str(tmp_path / "summed"), precision="float32")
    before = np.mean((real_emissions(summed, texts) - real_emissions(original, texts)) ** 2)
    with_onnx = summed.tag(texts)
    summed.set_runtime(None)  # the torch network
    assert summed.tag(texts) == with_onnx

    history = distill(summed, original, texts, epochs=3, lr=0.002, report=lambda _: None)
    assert history[2]["loss"] < history[0]["loss"]
    summed.set_runtime(summed.onnx_runtime(_float32_session(summed)))
    after = np.mean((real_emissions(summed, texts) - real_emissions(original, texts)) ** 2)
    assert after < 0.8 * before


def _float32_session(ner: CharNER) -> object:
    from seedner.model.onnx_encoder import encoder_graph
    from seedner.model.onnx_tagger import EncoderSession

    assert ner.model is not None
    return EncoderSession(encoder_graph(ner.model), precision="float32")  # type: ignore[arg-type]


def test_the_data_weighted_low_rank_beats_plain_truncation_on_the_data() -> None:
    rng = np.random.default_rng(0)
    # inputs with very unequal variances, as embeddings and 0/1 lexicon bits have
    scales = np.geomspace(3.0, 0.01, 20)
    inputs = rng.normal(size=(5000, 20)) * scales
    weight = rng.normal(size=(30, 20))
    left, right, kept = data_weighted_low_rank(weight, np.cov(inputs.T), 6)
    u, s, vt = np.linalg.svd(weight, full_matrices=False)
    plain = (u[:, :6] * s[:6]) @ vt[:6]
    target = inputs @ weight.T
    ours = np.mean((inputs @ (left @ right).T - target) ** 2)
    theirs = np.mean((inputs @ plain.T - target) ** 2)
    assert ours < theirs / 2
    assert ours == pytest.approx((1 - kept) * np.var(target, axis=0).sum() / 30, rel=0.05)


def test_narrowing_drops_the_units_nothing_reads_and_changes_nothing_else(tmp_path: Path) -> None:
    texts = msra_dev_texts(120)
    original = _concatenated_model(tmp_path / "concatenated", texts, silent_extras=False)
    model = original.model
    assert model is not None
    dead = [1, 4]  # of 6 units per direction: nothing reads their outputs
    with torch.no_grad():
        for layer in range(2):
            for d in range(2):
                model.gru.hh_weight[layer][d, dead] = 0
            outputs = dead + [u + 6 for u in dead]
            if layer == 0:
                model.gru.ih_weight[1][:, outputs] = 0
            else:
                model.proj.weight[:, outputs] = 0
    original.set_runtime(original.onnx_runtime(_float32_session(original)))
    narrow = prune_hidden(original, texts, 4)
    assert narrow.model is not None and narrow.model.gru.hidden == 4
    narrow.set_runtime(narrow.onnx_runtime(_float32_session(narrow)))
    np.testing.assert_allclose(
        real_emissions(narrow, texts), real_emissions(original, texts), atol=1e-5
    )


def test_sample_texts_draw_per_corpus_and_take_a_small_one_several_times() -> None:
    weibo = str(dataset("weibo/train.tsv"))
    once = sample_texts([weibo], 50, seed=1)
    assert len(once) == 50 and len(set(once)) > 45
    assert sample_texts([f"{weibo}:3"], 50, seed=1) == once * 3
    assert sample_texts([weibo], 50, seed=2) != once
