"""``seedner train``: a model of the embedded kind from the user's own character-BIO data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import hanlp
import pytest
from typer.testing import CliRunner

from seedner.cli import app
from seedner.errors import SeednerError
from seedner.model.train import MODEL_FILES, TrainError, TrainSettings, fit, train_model

from .helpers import ROOT, extract_with_model

runner = CliRunner()


@pytest.fixture(autouse=True)
def _keep_torch_threads():
    """``--threads`` sets torch's thread count for the process; give other tests theirs back."""
    import torch

    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


# Four sentences a model of their own must learn by heart: (text, [(start, end, type)])
TINY = [
    ("李鹏在北京会见了张三。", [(0, 2, "PER"), (3, 5, "LOC"), (8, 10, "PER")]),
    ("国务院派王芳去上海。", [(0, 3, "ORG"), (4, 6, "PER"), (7, 9, "LOC")]),
    ("赵强到深圳市政府工作。", [(0, 2, "PER"), (3, 8, "ORG")]),
    ("联合国秘书长抵达广州。", [(0, 3, "ORG"), (8, 10, "LOC")]),
]


def _bio(text: str, spans: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * len(text)
    for start, end, kind in spans:
        tags[start:end] = ["B-" + kind] + ["I-" + kind] * (end - start - 1)
    return tags


def _write_tiny(path: Path) -> Path:
    blocks = [
        "".join(f"{c}\t{t}\n" for c, t in zip(text, _bio(text, spans))) for text, spans in TINY
    ]
    path.write_text("\n".join(blocks) + "\n", encoding="utf-8")
    return path


def test_a_model_trained_on_a_tiny_set_tags_its_sentences_as_taught(tmp_path: Path) -> None:
    data = _write_tiny(tmp_path / "tiny.tsv")
    out = tmp_path / "model"
    settings = TrainSettings(
        epochs=10, patience=3, lr=0.05, batch_chars=1, hidden=16, char_dim=16, bigram_dim=8,
        dropout=0.0, min_bigram=1, threads=1,
    )  # fmt: skip
    report = train_model(data, data, out, settings, command="train it", log=lambda _: None)
    assert report.best_score == 1.0
    texts = [text for text, _ in TINY]
    tagger = hanlp.load(str(out), devices=-1)
    assert tagger.tag(texts) == [_bio(text, spans) for text, spans in TINY]
    # the whole extraction path finds exactly those entities
    docs = []
    for i, text in enumerate(texts):
        docs.append(tmp_path / f"{i}.txt")
        docs[-1].write_text(text, encoding="utf-8")
    records = extract_with_model(out, *docs)
    for record, (text, spans) in zip(records, TINY):
        found = [(e["start"], e["end"], e["type"]) for e in record["entities"]]
        assert found == spans, text


def test_train_writes_a_model_extract_loads_and_a_card_with_the_command(tmp_path: Path) -> None:
    data = _write_tiny(tmp_path / "tiny.tsv")
    out = tmp_path / "model"
    args = ["--epochs", "1", "--hidden", "16", "--lr", "0.05", "--threads", "1", "--limit", "3"]
    result = runner.invoke(app, ["train", str(data), str(data), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # progress and messages go to stderr
    assert "epoch 1: loss/sentence" in result.stderr
    assert f"seedner extract --model {out}" in result.stderr
    assert {p.name for p in out.iterdir()} == set(MODEL_FILES)
    report = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert (report["train_sentences"], report["dev_sentences"]) == (3, len(TINY))
    assert report["best_epoch"] == 1 and len(report["epochs"]) == 1
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    # every option with the value it ran with, defaults included
    assert f"seedner train {data} {data} -o {out} --epochs 1 --patience 5 --hidden 16" in card
    assert "--batch-chars 2000 --lr 0.05 --limit 3 --threads 1 --seed 1" in card
    assert "terms of use" in card
    extract_with_model(out, data)  # loads, and its output holds the contract


def test_fit_reports_every_step(tmp_path: Path) -> None:
    data = tmp_path / "tiny.tsv"
    data.write_text(
        "李\tB-PER\n鹏\tI-PER\n在\tO\n北\tB-LOC\n京\tI-LOC\n\n"
        "张\tB-PER\n三\tI-PER\n去\tO\n上\tB-LOC\n海\tI-LOC\n\n",
        encoding="utf-8",
    )
    steps: list[tuple[int, int, int, float]] = []
    fit(
        data,
        data,
        tmp_path / "m",
        TrainSettings(
            epochs=2, batch_chars=5, hidden=8, char_dim=8, bigram_dim=8, min_bigram=1, threads=1
        ),
        log=lambda message: None,
        on_step=lambda *args: steps.append(args),
    )
    assert [(e, s, n) for e, s, n, _ in steps] == [(1, 1, 2), (1, 2, 2), (2, 1, 2), (2, 2, 2)]
    assert all(loss > 0 for *_, loss in steps)


def test_train_model_reports_through_callbacks_and_writes_the_card(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write_tiny(tmp_path / "tiny.tsv")
    messages: list[str] = []
    settings = TrainSettings(
        epochs=3, patience=3, lr=0.05, batch_chars=1, hidden=8, char_dim=8, bigram_dim=8,
        min_bigram=1, threads=1,
    )  # fmt: skip
    out = tmp_path / "m"
    report = train_model(data, data, out, settings, command="train it", log=messages.append)
    assert {p.name for p in out.iterdir()} == set(MODEL_FILES)
    assert any(m.startswith("epoch 1: loss/sentence") for m in messages)
    # the card records the command and the figures of training.json
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    saved = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert "```\ntrain it\n```" in card
    assert f"{len(TINY)} training sentences (`{data}`)" in card
    for e in saved["epochs"]:
        figures = " | ".join(f"{e[k]:.4f}" for k in ("precision", "recall", "f1"))
        row = f"| {e['epoch']} | {e['loss']:.3f} | {figures} | {e['lr']:.5f} | {e['seconds']:.0f} |"
        assert row in card
    best = f"Best dev micro F1 (exact span): {report.best_score:.4f} at epoch {report.best_epoch}"
    assert best in card and saved["best_f1"] == report.best_score
    assert capsys.readouterr() == ("", "")
    with pytest.raises(TrainError, match="is not empty") as caught:
        train_model(data, data, out, settings, command="again", log=messages.append)
    assert isinstance(caught.value, SeednerError)


def test_the_model_package_needs_no_cli_nor_loading_and_leaves_the_environment_alone() -> None:
    """The training modules run without the CLI's libraries; nothing in seedner.model imports
    seedner.loading (which loads models: the dependency goes one way) or changes the
    environment at import."""
    modules = [f"seedner.model.{p.stem}" for p in (ROOT / "src/seedner/model").glob("*.py")]
    code = (
        "import importlib, os, sys; before = dict(os.environ); "
        f"[importlib.import_module(m) for m in {sorted(modules)!r}]; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'rich', 'click'}), "
        "sorted(m for m in sys.modules if m.startswith('seedner.loading')), "
        "dict(os.environ) == before)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[] [] True"


def test_train_usage_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.tsv"
    good.write_text("李\tB-PER\n鹏\tI-PER\n\n", encoding="utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text("李\tB-PER\n鹏 I-PER\n\n", encoding="utf-8")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    init = ["train", "--init", "embedded", str(good), str(good), "-o"]
    cases = [
        (
            ["train", str(bad), str(good), "-o", str(tmp_path / "a"), "-q"],
            "bad.tsv:2: expected CHAR<TAB>TAG",
        ),
        (["train", str(good), str(good), "-o", str(busy), "-q"], "is not empty"),
        (
            ["train", str(tmp_path / "none.tsv"), str(good), "-o", str(tmp_path / "b")],
            "no such file",
        ),
        (
            ["train", str(good), str(good), "-o", str(tmp_path / "c"), "--forgetting-dev", "x"],
            "--forgetting-dev goes with --init",
        ),
        (
            [*init, str(tmp_path / "d"), "--hidden", "64"],
            "--hidden is for a new BiLSTM",
        ),
        (
            ["train", "--init", str(busy), str(good), str(good), "-o", str(tmp_path / "e")],
            "no saved model there",
        ),
        (
            [*init, str(tmp_path / "f"), "--forgetting-dev", str(tmp_path / "none.tsv")],
            "no such file",
        ),
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("seedner: error: ") and message in result.stderr
        assert len(result.stderr.splitlines()) == 1
    assert (busy / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_training_script_trains_the_generalist_and_checks_its_paths(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "train_embedded", ROOT / "scripts" / "train_embedded.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from seedner.model.generalist import train_generalist

    assert module.train_generalist is train_generalist
    script = [sys.executable, str(ROOT / "scripts" / "train_embedded.py")]
    proc = subprocess.run([*script, "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    for option in ("--corpus", "--dev", "--lac", "--out", "--checkpoint", "--time-budget-min"):
        assert option in proc.stdout
    missing = tmp_path / "missing.tsv"
    proc = subprocess.run(
        [*script, "--corpus", f"msra={missing}:1", "--dev", f"msra={missing}", "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0 and proc.stderr.strip().endswith(f"no such file: {missing}")


@pytest.mark.parametrize("value", ["0", "-1"])
def test_train_rejects_non_positive_epochs(value: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["train", "a.tsv", "b.tsv", "-o", str(tmp_path / "m"), "--epochs", value]
    )
    assert result.exit_code == 2
