"""The generalist model's parts: label harmonisation, corpus sampling, the LAC-style BiGRU, its
ONNX encoder, and a short multi-corpus training run on corpus sentences."""

from __future__ import annotations

import json
import random
from pathlib import Path

import hanlp
import pytest
import torch

import seedner
from seedner.bio import bio_spans
from seedner.loading.labels import canonical_type
from seedner.model.component import CharNER
from seedner.model.corpora import harmonised, sample_epoch
from seedner.model.features import Vocab
from seedner.model.generalist import TYPES, Corpus, GeneralistSettings, train_generalist
from seedner.model.gru_network import LacBiGRU
from seedner.model.trainer import WeightSum

from .helpers import dataset, msra_dev_texts


def _first_sentences(src: Path, n: int, dest: Path) -> Path:
    blocks = src.read_text(encoding="utf-8").split("\n\n")[:n]
    dest.write_text("\n\n".join(blocks) + "\n\n", encoding="utf-8")
    return dest


def test_weibo_nominal_mentions_and_cluener_positions_become_o(tmp_path: Path) -> None:
    weibo_path = _first_sentences(dataset("weibo/train.tsv"), 200, tmp_path / "w.tsv")
    weibo = harmonised(weibo_path, TYPES, canonical_type)
    kinds = {kind for _, tags in weibo for _, _, kind in bio_spans(tags)}
    assert kinds <= {"PER", "ORG", "LOC"} and "PER" in kinds
    raw = (tmp_path / "w.tsv").read_text(encoding="utf-8")
    assert "PER.NOM" in raw  # the file has nominal mentions, and none survived
    nominal = sum(raw.count(f"B-{k}.NOM") for k in ("PER", "ORG", "LOC", "GPE"))
    named = sum(raw.count(f"B-{k}.NAM") for k in ("PER", "ORG", "LOC", "GPE"))
    assert sum(len(bio_spans(tags)) for _, tags in weibo) == named
    assert nominal > 0

    cluener_path = _first_sentences(dataset("cluener/train.tsv"), 300, tmp_path / "c.tsv")
    cluener = harmonised(cluener_path, TYPES, canonical_type)
    raw = (tmp_path / "c.tsv").read_text(encoding="utf-8")
    for text, tags in cluener:
        for start, end, _ in bio_spans(tags):
            assert text[start:end]
    # 处长-like positions are not entities: their characters are all O
    sentences = raw.split("\n\n")
    for block, (_, tags) in zip(sentences, cluener):
        for line, tag in zip(block.splitlines(), tags):
            if line.endswith("-position"):
                assert tag == "O"


def test_sampling_weights_take_whole_copies_and_a_share() -> None:
    corpus = [(str(i), ["O"]) for i in range(10)]
    picked = sample_epoch([corpus, corpus], [2.5, 0.3], random.Random(0))
    first = [s for index, s in picked if index == 0]
    second = [s for index, s in picked if index == 1]
    assert len(first) == 25 and len(second) == 3
    assert all(first.count(s) >= 2 for s in corpus)


def _reference_gru(x: torch.Tensor, gru: LacBiGRU) -> torch.Tensor:
    """LAC's GRU one sentence at a time, written out as in Paddle's documentation."""
    h_size = gru.hidden
    for layer in range(len(gru.ih_weight)):
        outs = []
        for direction in (0, 1):
            seq = x if direction == 0 else x.flip(0)
            w_ih, b = gru.ih_weight[layer][direction], gru.ih_bias[layer][direction]
            w_hh = gru.hh_weight[layer][direction]
            h = torch.zeros(h_size)
            states = []
            for step in seq:
                g = step @ w_ih + b
                r = torch.sigmoid(g[:h_size] + h @ w_hh[:, :h_size])
                z = torch.sigmoid(g[h_size : 2 * h_size] + h @ w_hh[:, h_size : 2 * h_size])
                n = torch.tanh(g[2 * h_size :] + (r * h) @ w_hh[:, 2 * h_size :])
                h = (1 - z) * n + z * h
                states.append(h)
            out = torch.stack(states)
            outs.append(out if direction == 0 else out.flip(0))
        x = torch.cat(outs, dim=1)
    return x


def test_batched_bigru_matches_one_sentence_at_a_time_whatever_the_padding() -> None:
    torch.manual_seed(0)
    gru = LacBiGRU(6, hidden=5)
    lengths = torch.tensor([7, 3, 1])
    x = torch.randn(3, 7, 6)
    with torch.no_grad():
        batched = gru(x, lengths, torch.nn.Identity())
        for i, n in enumerate(lengths.tolist()):
            alone = _reference_gru(x[i, :n], gru)
            torch.testing.assert_close(batched[i, :n], alone, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("layers", [2, 1])
def test_short_training_run_saves_a_model_that_hanlp_loads(tmp_path: Path, layers: int) -> None:
    pytest.importorskip("onnx", reason="saving a GRU model writes an ONNX graph (extra: train)")
    msra = _first_sentences(dataset("msra/train.tsv"), 300, tmp_path / "msra.tsv")
    weibo = _first_sentences(dataset("weibo/train.tsv"), 100, tmp_path / "weibo.tsv")
    dev = _first_sentences(dataset("msra/dev.tsv"), 50, tmp_path / "dev.tsv")
    report = train_generalist(
        [Corpus("msra", str(msra), 1.0), Corpus("weibo", str(weibo), 0.5)],
        {"msra": str(dev)},
        tmp_path / "model",
        GeneralistSettings(epochs=1, threads=1, max_bigrams=5000, layers=layers),
        log=lambda _: None,
        type_of=canonical_type,
    )
    assert report.best_epoch == 1
    assert report.facts["train_sentences"] == {"msra": 300, "weibo": 100}
    assert (tmp_path / "model" / "encoder.onnx").is_file()
    tagger = hanlp.load(str(tmp_path / "model"), precision="float32")
    assert tagger.runtime is not None  # ONNX Runtime on the CPU
    assert tagger.model is not None and not tagger.model.heads  # corpus heads are not saved
    assert len(tagger.model.gru.ih_weight) == layers
    texts = msra_dev_texts(20)
    with_onnx = tagger.tag(texts)
    assert [len(tags) for tags in with_onnx] == [len(t) for t in texts]
    tagger.set_runtime(None)  # the torch network, as in training
    assert tagger.tag(texts) == with_onnx


def test_embedded_model_tags_the_same_in_onnx_runtime_and_in_torch() -> None:
    tagger = hanlp.load(str(Path(seedner.__file__).parent / "embedded"), precision="float32")
    if tagger.runtime is None:
        pytest.skip("the embedded model has no ONNX encoder (a BiLSTM)")
    texts = msra_dev_texts(300)
    with_onnx = tagger.tag(texts)
    assert sum(tag.startswith("B-") for tags in with_onnx for tag in tags) > 200  # not all O
    tagger.set_runtime(None)
    assert tagger.tag(texts) == with_onnx


def test_weight_sum_averages_the_saved_weights_and_leaves_out_the_corpus_heads() -> None:
    def tagger() -> CharNER:
        hyper = {"char_dim": 4, "bigram_dim": 2, "shape_dim": 2, "hidden": 3, "n_heads": 2}
        return CharNER.build(
            Vocab("李鹏说"), Vocab(["李鹏"]), ["O", "B-PER", "I-PER"], "gru", **hyper
        )

    torch.manual_seed(0)
    a, b = tagger(), tagger()
    total = WeightSum.of(a.saved_state())
    total.add(b.saved_state())
    mean = total.mean()
    assert a.model is not None and b.model is not None
    assert total.count == 2 and any(k.startswith("heads.") for k in a.model.state_dict())
    assert set(mean) == {k for k in a.model.state_dict() if not k.startswith("heads.")}
    for key, value in mean.items():
        torch.testing.assert_close(value, (a.saved_state()[key] + b.saved_state()[key]) / 2)


def _seed_lines() -> list[str]:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    return [
        line
        for path in sorted(seeds.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_the_embedded_model_tags_the_seeds_without_importing_torch(
    seed_results: list[seedner.DocumentResult],
) -> None:
    """The same entities as in this process (which has imported torch), without torch."""
    import subprocess
    import sys

    script = (
        "import json, sys; from pathlib import Path; from seedner import extract; "
        "texts = [p.read_text(encoding='utf-8') for p in sorted(Path('seeds').glob('*.txt'))]; "
        "found = [[[e.start, e.end, e.type] for e in r.entities] for r in extract(texts)]; "
        "print(json.dumps(found)); print('torch' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    found, torch_imported = out.stdout.splitlines()
    assert torch_imported == "False"
    assert json.loads(found) == [
        [[e.start, e.end, e.type] for e in r.entities] for r in seed_results
    ]


def test_a_model_saved_as_a_torch_pickle_still_loads_and_tags_the_same(tmp_path: Path) -> None:
    import shutil

    from seedner.model.weights import load_torch

    embedded = Path(seedner.__file__).parent / "embedded"
    legacy = tmp_path / "legacy"
    shutil.copytree(embedded, legacy)
    (legacy / "model.safetensors").unlink()
    torch.save({k: v.half() for k, v in load_torch(embedded).items()}, legacy / "model.pt")
    texts = _seed_lines()
    new = hanlp.load(str(embedded), precision="float32")
    old = hanlp.load(str(legacy), precision="float32")
    assert old.runtime is not None and old._model is not None  # ONNX encoder, torch tables
    assert new._model is None  # the torch network is not built to tag
    tags = new.tag(texts)
    assert sum(t.startswith("B-") for row in tags for t in row) > 100
    assert old.tag(texts) == tags


def test_a_resumed_run_goes_on_from_the_checkpoint_as_one_run(tmp_path: Path) -> None:
    pytest.importorskip("onnx", reason="saving a GRU model writes an ONNX graph (extra: train)")
    msra = _first_sentences(dataset("msra/train.tsv"), 60, tmp_path / "msra.tsv")
    weibo = _first_sentences(dataset("weibo/train.tsv"), 40, tmp_path / "weibo.tsv")
    dev = _first_sentences(dataset("msra/dev.tsv"), 20, tmp_path / "dev.tsv")
    logs: list[str] = []

    def run(epochs: int, out: str, checkpoint: Path | None = None) -> dict:
        train_generalist(
            [Corpus("msra", str(msra), 1.0), Corpus("weibo", str(weibo), 1.5)],
            {"msra": str(dev)},
            tmp_path / out,
            GeneralistSettings(
                epochs=epochs, threads=1, max_bigrams=2000, layers=1, hidden=16, patience=9
            ),
            log=logs.append,
            checkpoint=checkpoint,
            type_of=canonical_type,
        )
        return json.loads((tmp_path / out / "training.json").read_text(encoding="utf-8"))

    whole = run(2, "whole")
    checkpoint = tmp_path / "run.ckpt"
    first = run(1, "part", checkpoint)
    resumed = run(2, "part", checkpoint)
    assert f"resumed from {checkpoint} after epoch 1" in logs
    assert resumed["epochs"][0] == first["epochs"][0]
    # the time the budget reads counts the epoch before the resume
    assert resumed["seconds"] >= sum(e["seconds"] for e in resumed["epochs"])
    # corpus sampling, the corpus heads' draws and dropout go on as in one run
    assert [e["loss"] for e in resumed["epochs"]] == [e["loss"] for e in whole["epochs"]]


@pytest.mark.parametrize("weights", ["model.safetensors", "model.pt"])
def test_a_damaged_weights_file_is_a_one_line_error_at_load(tmp_path: Path, weights: str) -> None:
    import shutil

    from seedner.errors import ModelError
    from seedner.loading import load_model

    model = tmp_path / "model"
    shutil.copytree(Path(seedner.__file__).parent / "embedded", model)
    (model / "model.safetensors").unlink()
    (model / weights).write_bytes(b"\x00" * 100)  # a cut-off download, say
    with pytest.raises(ModelError, match=r"could not be loaded") as caught:
        load_model(str(model))
    assert "\n" not in str(caught.value)


def test_a_damaged_bilstm_weights_file_is_a_one_line_error_at_load(tmp_path: Path) -> None:
    from seedner.errors import ModelError
    from seedner.loading import load_model
    from seedner.model.component import CharNER
    from seedner.model.features import Vocab

    labels = ["O", "B-PER", "I-PER"]
    tiny = CharNER.build(
        Vocab(list("李鹏说")), Vocab(["李鹏"]), labels, "lstm", char_dim=4, bigram_dim=2, hidden=3
    )
    tiny.save(tmp_path / "model")
    assert load_model(str(tmp_path / "model"), device="cpu")(["李鹏说"]) is not None
    (tmp_path / "model" / "model.safetensors").write_bytes(b"\x00" * 100)
    with pytest.raises(ModelError, match=r"could not be loaded"):
        load_model(str(tmp_path / "model"), device="cpu")
