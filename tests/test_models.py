"""Model management: adapters over real (tiny, locally trained) HanLP components, the HanLP
cache and the offline failure, devices, and ``seedner models``.

The HanLP components are built here: a randomly initialised one-layer BERT with a character
vocabulary is saved to a temp folder, and HanLP's own ``fit`` trains a single-task
``TransformerNamedEntityRecognizer`` and a ``MultiTaskLearning`` (tok/fine + ner/msra + ner/pku,
NER over tokens) on the six sentences in tests/fixtures/hanlp_tiny for one epoch. Their
predictions are noise; the tests check the contract: character offsets, native labels,
seedner types.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from seedner.cli import app
from seedner.errors import ModelError
from seedner.loading import load_model
from seedner.loading.adapters import (
    MultiTaskNER,
    TokenListNER,
    token_char_spans,
    tokens_to_chars,
)
from seedner.loading.catalogue import find_pretrained
from seedner.loading.devices import parse_device
from seedner.loading.hanlp_cache import cache_dir
from seedner.loading.labels import canonical_type

from .helpers import NO_NETWORK, ROOT, SEEDS, extract_with_model, offline_hanlp_home

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hanlp_tiny"
SENTENCES = [
    "李鹏在北京会见了王小明。",
    "中国银行 和微软公司今天发布消息",  # a space between tokens
    "2023年9月15日，国务院在广州召开会议。上午十点，刘德华到达香港。",
    "北京大学的学生在天津参观。" * 30,  # 390 characters: split into pieces by the adapter
    "   ",
]
runner = CliRunner()


# -- building tiny HanLP components ---------------------------------------------------------
def _fixture_chars() -> list[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in FIXTURES.glob("*.t*"))
    return sorted({c for c in text if not c.isspace()} | set("0123456789"))


@pytest.fixture(scope="module")
def tiny_transformer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    out = tmp_path_factory.mktemp("tiny_bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *_fixture_chars()]
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
    )
    BertModel(config).save_pretrained(out)
    BertTokenizer(str(out / "vocab.txt"), do_lower_case=False).save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def hanlp_fit_shim():
    """HanLP 2.1.5 builds its optimizer with ``transformers.optimization.AdamW``, which
    transformers 5 removed; torch's AdamW takes the same arguments. Only training needs it."""
    import torch
    from transformers import optimization

    with pytest.MonkeyPatch.context() as mp:
        if not hasattr(optimization, "AdamW"):
            mp.setattr(
                optimization,
                "AdamW",
                lambda params, no_deprecation_warning=True, **kw: torch.optim.AdamW(params, **kw),
                raising=False,
            )
        yield


@pytest.fixture(scope="module")
def tiny_ner_dir(tmp_path_factory, tiny_transformer, hanlp_fit_shim) -> Path:
    from hanlp.components.ner.transformer_ner import TransformerNamedEntityRecognizer

    out = tmp_path_factory.mktemp("tiny_ner")
    data = str(FIXTURES / "char_ner.tsv")
    TransformerNamedEntityRecognizer().fit(
        data,
        data,
        str(out),
        transformer=str(tiny_transformer),
        epochs=1,
        batch_size=8,
        lr=1e-2,
        transformer_lr=1e-3,
        devices=-1,
        seed=1,
        logger=_quiet_logger(),
    )
    return out


@pytest.fixture(scope="module")
def tiny_mtl_dir(tmp_path_factory, tiny_transformer, hanlp_fit_shim) -> Path:
    from hanlp.common.dataset import SortingSamplerBuilder
    from hanlp.components.mtl.multi_task_learning import MultiTaskLearning
    from hanlp.components.mtl.tasks.ner.tag_ner import TaggingNamedEntityRecognition
    from hanlp.components.mtl.tasks.tok.tag_tok import TaggingTokenization
    from hanlp.layers.embeddings.contextual_word_embedding import ContextualWordEmbedding

    out = tmp_path_factory.mktemp("tiny_mtl")
    tok, msra, pku = (
        str(FIXTURES / n) for n in ("tok.txt", "word_ner_msra.tsv", "word_ner_pku.tsv")
    )
    tasks = {
        "tok/fine": TaggingTokenization(
            tok,
            tok,
            sampler_builder=SortingSamplerBuilder(batch_size=8),
            max_seq_len=510,
            hard_constraint=True,
            char_level=True,
            tagging_scheme="BMES",
        ),
        "ner/msra": TaggingNamedEntityRecognition(
            msra, msra, dependencies="tok", sampler_builder=SortingSamplerBuilder(batch_size=8)
        ),
        "ner/pku": TaggingNamedEntityRecognition(
            pku, pku, dependencies="tok", sampler_builder=SortingSamplerBuilder(batch_size=8)
        ),
    }
    MultiTaskLearning().fit(
        ContextualWordEmbedding(
            "token", str(tiny_transformer), average_subwords=True, max_sequence_length=512
        ),
        tasks,
        str(out),
        1,
        lr=1e-3,
        encoder_lr=1e-3,
        devices=-1,
        seed=1,
        logger=_quiet_logger(),
    )
    return out


def _quiet_logger():
    import logging

    logger = logging.getLogger("seedner.tests.hanlp_fit")
    logger.propagate = False
    logger.handlers[:] = [logging.NullHandler()]
    return logger


def _labels_of(model_dir: Path, task_file: str) -> set[str]:
    vocabs = json.loads((model_dir / task_file).read_text(encoding="utf-8"))
    tags = vocabs["tag"]["idx_to_token"]
    return {t.split("-", 1)[1] for t in tags if "-" in t}


def _assert_contract(sentences: list[str], output: list, labels: set[str]) -> int:
    assert len(output) == len(sentences)
    count = 0
    for sentence, spans in zip(sentences, output):
        assert [s[2] for s in spans] == sorted(s[2] for s in spans)
        for text, label, start, end in spans:
            assert 0 <= start < end <= len(sentence)
            assert sentence[start:end] == text
            assert label in labels
            count += 1
    return count


# -- pure helpers -------------------------------------------------------------------------------
def test_token_char_spans_aligns_strings_and_takes_hanlp_spans() -> None:
    sentence = "中国银行 和 iPhone X发布"
    tokens = ["中国银行", "和", "iPhone X", "发布"]
    assert token_char_spans(sentence, tokens) == [(0, 4), (5, 6), (7, 15), (15, 17)]
    # HanLP returns a token spanning whitespace without it: "行 和" → "行和"
    assert token_char_spans("中国银 行 和微软", ["中国银", "行和", "微软"]) == [
        (0, 3),
        (4, 7),
        (7, 9),
    ]
    # HanLP's output_spans shape: [token, start, end], even when the text lost its space
    assert token_char_spans(sentence, [["中国银行", 0, 4], ["和", 5, 6]]) == [(0, 4), (5, 6)]
    assert token_char_spans("行 和微", [["行和", 0, 3], ["微", 3, 4]]) == [(0, 3), (3, 4)]
    # A token the model normalized (full-width digit → ASCII) keeps its place.
    assert token_char_spans("第１名", ["第", "1", "名"]) == [(0, 1), (1, 2), (2, 3)]
    spans = tokens_to_chars(sentence, tokens, [("中国银行", "nt", 0, 1), ("和iPhone X", "X", 1, 3)])
    assert spans == [("nt", 0, 4), ("X", 5, 15)]


def test_mtl_token_spans_become_char_spans_on_hanlp_document(tiny_mtl_dir: Path) -> None:
    """The raw HanLP Document (plain tok/fine, ner/* over token indices) converts exactly."""
    import hanlp

    mtl = hanlp.load(str(tiny_mtl_dir), devices=-1, verbose=False)
    doc = mtl(SENTENCES[:3], tasks="ner/msra")
    assert {"tok/fine", "ner/msra"} <= set(doc)
    checked = 0
    for sentence, tokens, spans in zip(SENTENCES, doc["tok/fine"], doc["ner/msra"]):
        assert all(isinstance(t, str) for t in tokens)  # plain tokens: no offsets from HanLP
        for (entity, label, b, e), (label2, s, t) in zip(
            spans, tokens_to_chars(sentence, tokens, spans)
        ):
            assert label == label2
            # HanLP drops whitespace inside tokens ("行 和" → "行和"): compare without it.
            assert sentence[s:t].replace(" ", "") == "".join(tokens[b:e]) == entity.replace(" ", "")
            assert not sentence[s].isspace() and not sentence[t - 1].isspace()
            checked += 1
    assert checked > 0


# -- adapters over real components ----------------------------------------------------------------
def test_multitask_adapter_contract(tiny_mtl_dir: Path) -> None:
    ner = load_model(str(tiny_mtl_dir), device="cpu")
    assert isinstance(ner, MultiTaskNER)
    assert (ner.task, ner.tok_task) == ("ner/msra", "tok/fine")  # ner/msra is preferred
    out = ner(SENTENCES)
    assert _assert_contract(SENTENCES, out, _labels_of(tiny_mtl_dir, "ner/msra_vocabs.json")) > 0
    assert out[-1] == []
    assert any(s[2] >= 250 for s in out[3])  # the long sentence's later pieces, offsets shifted
    pku = load_model(f"{tiny_mtl_dir}@ner/pku", device="cpu")
    assert pku.task == "ner/pku"
    assert _assert_contract(SENTENCES, pku(SENTENCES), {"nr", "ns", "nt"}) > 0
    with pytest.raises(ModelError, match=r"no NER task 'ner/ontonotes'.*ner/msra, ner/pku"):
        load_model(f"{tiny_mtl_dir}@ner/ontonotes", device="cpu")


def test_single_task_adapter_contract(tiny_ner_dir: Path) -> None:
    ner = load_model(str(tiny_ner_dir), device="cpu")
    assert isinstance(ner, TokenListNER)
    out = ner(SENTENCES)
    labels = _labels_of(tiny_ner_dir, "vocabs.json")
    assert labels == {"PERSON", "LOCATION", "ORGANIZATION", "DATE", "TIME"}
    assert _assert_contract(SENTENCES, out, labels) > 0
    assert ner(SENTENCES[0]) == out[0]  # a single sentence gives its own list
    with pytest.raises(ModelError, match="only be chosen for a multi-task model"):
        load_model(f"{tiny_ner_dir}@ner/msra")


@pytest.mark.parametrize("which", ["tiny_mtl_dir", "tiny_ner_dir"])
def test_extract_with_a_saved_hanlp_component(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    model_dir: Path = request.getfixturevalue(which)
    doc = tmp_path / "doc.txt"
    doc.write_text(
        "新华社北京9月15日电 李鹏在北京会见了王小明。\n\n中国银行 和微软公司今天发布消息。\n",
        encoding="utf-8",
    )
    # exit 0; every entity at its offsets, of a seedner type, in order
    records = extract_with_model(model_dir, doc, SEEDS / "000_7010a327d54ec02f.txt", device="cpu")
    assert len(records) == 2
    native = 0
    for record in records:
        for e in record["entities"]:
            assert canonical_type(e["label"]) == e["type"]
            assert e["score"] is None  # HanLP's models give no probability per entity
            native += e["label"] not in {"PER", "ORG", "LOC", "DATE"}
    assert native > 0  # the model's own labels (PERSON, nr, ...) come through as `label`


# -- the HanLP cache, offline --------------------------------------------------------------------
def test_pretrained_name_resolves_to_hanlp_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offline_hanlp_home(monkeypatch, tmp_path)
    info = find_pretrained("electra-small")
    assert info is not None and info.name == "CLOSE_TOK_POS_NER_SRL_DEP_SDP_CON_ELECTRA_SMALL_ZH"
    assert find_pretrained("close_tok_pos_ner_srl_dep_sdp_con_electra_small_zh") == info
    assert find_pretrained("MSRA-NER-Electra-Small").name == "MSRA_NER_ELECTRA_SMALL_ZH"
    assert find_pretrained("no-such-model") is None
    assert (
        cache_dir(info.url)
        == tmp_path / "mtl" / "close_tok_pos_ner_srl_dep_sdp_con_electra_small_20210111_124159"
    )


def test_cached_pretrained_model_loads_without_network(
    tiny_mtl_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model already in HANLP_HOME is loaded from there; no server is asked."""
    offline_hanlp_home(monkeypatch, tmp_path)
    info = find_pretrained("electra-small")
    shutil.copytree(tiny_mtl_dir, cache_dir(info.url))
    ner = load_model("electra-small", device="cpu")
    assert isinstance(ner, MultiTaskNER) and ner.task == "ner/msra"
    out = ner(SENTENCES)
    labels = _labels_of(tiny_mtl_dir, "ner/msra_vocabs.json")
    assert _assert_contract(SENTENCES, out, labels) > 0
    # the copy in the cache behaves exactly like the model it was copied from
    assert out == load_model(str(tiny_mtl_dir), device="cpu")(SENTENCES)
    rows = {r["name"]: r for r in _models_json()["models"]}
    assert rows["electra-small"]["present"] is True
    assert rows["electra-small"]["size_bytes"] > 0


def test_cached_model_missing_its_transformer_says_so(
    tiny_ner_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without network the load fails on the first refused connection: no download starts."""
    offline_hanlp_home(monkeypatch, tmp_path)
    connections: list[tuple[str, int]] = []
    connect = socket.create_connection

    def counted(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        connections.append(address)
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", counted)
    info = find_pretrained("msra-ner-electra-small")
    target = cache_dir(info.url)
    shutil.copytree(tiny_ner_dir, target)
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    config["transformer"] = "hfl/chinese-electra-180g-small-discriminator"
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        load_model("msra-ner-electra-small")
    assert connections == [("127.0.0.1", 9)]  # the proxy of NO_NETWORK, asked once
    message = str(caught.value)
    assert "\n" not in message and "incomplete in the HanLP cache" in message
    assert "cannot be downloaded (127.0.0.1:9: " in message
    assert "electra_zh_small_20210706_125427.zip" in message
    assert str(tmp_path / "transformers" / "electra_zh_small_20210706_125427") in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ner"]  # nothing else created


def test_offline_pretrained_request_fails_on_the_refused_connection_and_clean(
    tmp_path: Path,
) -> None:
    """The process stops at the refused connection (its reason is in the message), before
    any download; one line on stderr, status 2, nothing left in HANLP_HOME."""
    home = tmp_path / "hanlp_home"
    env = {**os.environ, **NO_NETWORK, "HANLP_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-m", "seedner", "extract", str(SEEDS), "--model", "electra-small"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,  # a hang guard, not a speed check
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    line = lines[0]
    assert line.startswith(
        "seedner: error: model electra-small (HanLP CLOSE_TOK_POS_NER_SRL_DEP_SDP_CON"
    )
    assert (
        str(home / "mtl" / "close_tok_pos_ner_srl_dep_sdp_con_electra_small_20210111_124159")
        in line
    )
    assert (
        "https://file.hankcs.com/hanlp/mtl/close_tok_pos_ner_srl_dep_sdp_con_electra_small" in line
    )
    assert "transformer hfl/chinese-electra-180g-small-discriminator" in line
    assert "cannot be downloaded (127.0.0.1:9: " in line
    assert "Traceback" not in proc.stderr
    assert not home.exists() or not any(home.rglob("*"))  # no empty folder left behind


# -- devices --------------------------------------------------------------------------------------
def test_device_choices() -> None:
    assert parse_device(None) is None and parse_device("auto") is None
    assert parse_device("cpu") == -1
    with pytest.raises(ModelError, match="choose auto, cpu, cuda or cuda:N"):
        parse_device("gpu")


def test_cuda_without_gpu_is_a_usage_error(tiny_ner_dir: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ModelError, match="sees no CUDA GPU"):
        parse_device("cuda:0")
    result = runner.invoke(
        app, ["extract", str(SEEDS), "--model", str(tiny_ner_dir), "--device", "cuda"]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("seedner: error: device 'cuda': torch ")
    assert len(result.stderr.splitlines()) == 1


# -- seedner models -----------------------------------------------------------------------------
def _models_json() -> dict:
    result = runner.invoke(app, ["models", "--json"])
    assert result.exit_code == 0, result.output
    return orjson.loads(result.stdout)


def test_models_command_lists_what_is_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    offline_hanlp_home(monkeypatch, tmp_path)
    data = _models_json()
    assert data["hanlp_home"] == str(tmp_path)
    rows = {r["name"]: r for r in data["models"]}
    assert rows["embedded"]["licence"].startswith("research use only")
    electra = rows["electra-small"]
    assert electra["hanlp_id"] == "CLOSE_TOK_POS_NER_SRL_DEP_SDP_CON_ELECTRA_SMALL_ZH"
    assert electra["types"] == ["PER", "ORG", "LOC", "DATE"]
    assert electra["licence"] == "CC BY-NC-SA 4.0"
    assert electra["present"] is False and electra["size_bytes"] is None
    assert electra["path"].startswith(str(tmp_path))
    assert {"msra-ner-electra-small", "electra-base", "minilm-l6"} <= set(rows)
    table = runner.invoke(app, ["models"])
    assert table.exit_code == 0
    assert "electra-small" in table.stdout and "CC BY-NC-SA 4.0" in table.stdout


def test_models_command_does_not_import_torch() -> None:
    code = (
        "import sys\nfrom seedner.cli import app\n"
        "try:\n    app(['models', '--json'])\nexcept SystemExit as e:\n    assert not e.code\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
