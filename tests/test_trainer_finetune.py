"""``seedner train --init embedded``: the shipped generalist fine-tuned on a few sentences, one
epoch (the recipe's figures at full size are in the README)."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seedner.cli import app
from seedner.loading.catalogue import EMBEDDED_DIR
from seedner.loading.labels import canonical_type
from seedner.model.corpora import harmonised, spread_sample
from seedner.model.finetune import load_tagger
from seedner.model.learner import score_sentences

from .helpers import ROOT, dataset

FILES = {"config.json", "model.safetensors", "vocab.json", "encoder.onnx", "lexicon.tsv.gz"}
TYPES = ("PER", "ORG", "LOC")


@pytest.fixture(autouse=True)
def _keep_torch_threads():
    import torch

    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def _first_sentences(src: Path, n: int, dest: Path) -> Path:
    blocks = src.read_text(encoding="utf-8").split("\n\n")[:n]
    dest.write_text("\n\n".join(blocks) + "\n\n", encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def tuned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str]:
    """(model folder, its training.json, the command's stderr) of a one-epoch fine-tuning."""
    pytest.importorskip("onnx", reason="saving a GRU model writes an ONNX graph (extra: train)")
    tmp = tmp_path_factory.mktemp("finetune")
    train = _first_sentences(dataset("weibo/train.tsv"), 24, tmp / "train.tsv")
    dev = _first_sentences(dataset("weibo/dev.tsv"), 30, tmp / "dev.tsv")
    msra = dataset("msra/dev.tsv")
    out = tmp / "model"
    args = ["train", "--init", "embedded", str(train), str(dev), "-o", str(out)]
    args += ["--epochs", "1", "--threads", "1", "--forgetting-dev", str(msra)]
    result = CliRunner().invoke(app, [*args, "--forgetting-sample", "20"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "training.json").read_text(encoding="utf-8"))
    return out, report, result.stderr


def test_fine_tuning_writes_a_model_like_the_embedded_one(tuned: tuple[Path, dict, str]) -> None:
    out, report, stderr = tuned
    assert {p.name for p in out.iterdir()} == FILES | {"training.json", "MODEL_CARD.md"}
    # the network, vocabulary and labels are the initial model's
    assert (out / "vocab.json").read_bytes() == (EMBEDDED_DIR / "vocab.json").read_bytes()
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    embedded = json.loads((EMBEDDED_DIR / "config.json").read_text(encoding="utf-8"))
    assert config == embedded | {"hanlp_version": config["hanlp_version"]}
    assert report["init"] == "embedded" and report["train_sentences"] == 24
    assert f"seedner extract --model {out}" in stderr


def test_the_figures_before_and_after_are_the_models_own_on_each_set(
    tuned: tuple[Path, dict, str],
) -> None:
    out, report, stderr = tuned
    dev, msra = report["before_after"]
    assert (dev["name"], dev["sentences"], dev["of"]) == ("dev", 30, 30)
    assert (msra["name"], msra["sentences"], msra["of"]) == ("msra", 20, 3000)
    sets = [
        harmonised(dev["path"], TYPES, canonical_type),
        spread_sample(harmonised(msra["path"], TYPES, canonical_type), 20),
    ]
    for model, key in ((EMBEDDED_DIR, "before"), (out, "after")):
        tagger = load_tagger(model)
        for row, sentences in zip((dev, msra), sets):
            assert row[key] == score_sentences(tagger, sentences)[2], (model, row)
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "--init embedded" in card and "research use only" in card
    for row in (dev, msra):
        assert f"{row['before']:.4f} → {row['after']:.4f}" in stderr
        assert f"| {row['before']:.4f} | {row['after']:.4f} |" in card


def test_the_fine_tuned_model_tags_the_seeds_without_torch(tuned: tuple[Path, dict, str]) -> None:
    out, _, _ = tuned
    script = (
        "import json, sys; from pathlib import Path; from seedner import extract; "
        "docs = [p.read_text(encoding='utf-8') for p in sorted(Path('seeds').glob('*.txt'))]; "
        f"results = extract(docs, model={str(out)!r}); "
        "print(json.dumps([[[e.start, e.end, e.type, e.text] for e in r.entities] "
        "for r in results])); print('torch' in sys.modules)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    found, torch_imported = proc.stdout.splitlines()
    assert torch_imported == "False"
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    entities = json.loads(found)
    assert len(entities) == len(texts) and any(entities)
    for text, found_in_text in zip(texts, entities):
        spans = [(start, end) for start, end, _, _ in found_in_text]
        assert spans == sorted(spans)
        assert all(a[1] <= b[0] for a, b in pairwise(spans))  # no overlaps
        for start, end, kind, surface in found_in_text:
            assert text[start:end] == surface and kind in {"PER", "ORG", "LOC", "DATE"}


def test_a_fine_tuned_model_can_be_fine_tuned_again_and_names_its_start(
    tuned: tuple[Path, dict, str], tmp_path: Path
) -> None:
    first, report, _ = tuned
    data = report["train_path"]
    out = tmp_path / "again"
    args = ["train", "--init", str(first), data, data, "-o", str(out), "--epochs", "1"]
    result = CliRunner().invoke(app, [*args, "--limit", "4", "--threads", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    again = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert again["init"] == str(first) and again["train_sentences"] == 4
    assert [row["name"] for row in again["before_after"]] == ["dev"]
    assert f"`{first}`; its terms apply" in (out / "MODEL_CARD.md").read_text(encoding="utf-8")
