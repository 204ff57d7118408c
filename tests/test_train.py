"""``seedner train``: a model of the embedded kind from the user's own character-BIO data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seedner.cli import app
from seedner.errors import SeednerError
from seedner.model.train import MODEL_FILES, TrainError, TrainSettings, fit, train_model

from .helpers import ROOT, SEEDS, dataset, extract_with_model

runner = CliRunner()


@pytest.fixture(autouse=True)
def _keep_torch_threads():
    """``--threads`` sets torch's thread count for the process; give other tests theirs back."""
    import torch

    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def _first_sentences(src: Path, n: int, dest: Path) -> Path:
    """The first ``n`` sentences of a CHAR<TAB>TAG file."""
    lines, count = [], 0
    with open(src, encoding="utf-8") as handle:
        for line in handle:
            lines.append(line)
            if not line.strip():
                count += 1
                if count == n:
                    break
    dest.write_text("".join(lines), encoding="utf-8")
    return dest


def test_train_one_epoch_then_extract_with_it(tmp_path: Path) -> None:
    train = dataset("msra/train.tsv")
    dev = _first_sentences(dataset("msra/dev.tsv"), 300, tmp_path / "dev.tsv")
    out = tmp_path / "model"
    result = runner.invoke(
        app,
        [
            "train",
            str(train),
            str(dev),
            "-o",
            str(out),
            "--epochs",
            "1",
            "--limit",
            "2000",
            "--hidden",
            "64",
            "--batch-chars",
            "1000",
            "--lr",
            "5e-3",
            "--threads",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # progress and messages go to stderr
    assert "epoch 1: loss/sentence" in result.stderr
    assert f"seedner extract --model {out}" in result.stderr
    assert {p.name for p in out.iterdir()} == {
        "config.json",
        "model.safetensors",
        "vocab.json",
        "training.json",
        "MODEL_CARD.md",
    }
    report = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert report["train_sentences"] == 2000 and report["dev_sentences"] == 300
    assert report["best_epoch"] == 1 and report["best_f1"] > 0
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert f"seedner train {train} {dev} -o {out} --epochs 1" in card
    assert "--limit 2000" in card and "terms of use" in card

    doc = tmp_path / "doc.txt"
    doc.write_text("国务院总理李鹏今天在北京会见了日本客人。", encoding="utf-8")
    records = extract_with_model(out, doc, SEEDS / "000_7010a327d54ec02f.txt")
    assert len(records) == 2
    assert any(e["type"] != "DATE" for r in records for e in r["entities"])


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
    data = tmp_path / "tiny.tsv"
    data.write_text("李\tB-PER\n鹏\tI-PER\n在\tO\n北\tB-LOC\n京\tI-LOC\n\n", encoding="utf-8")
    messages: list[str] = []
    settings = TrainSettings(epochs=1, hidden=8, char_dim=8, bigram_dim=8, min_bigram=1, threads=1)
    out = tmp_path / "m"
    report = train_model(data, data, out, settings, command="train it", log=messages.append)
    assert report.best_epoch == 1
    assert {p.name for p in out.iterdir()} == set(MODEL_FILES)
    assert "train it" in (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert any(m.startswith("epoch 1: loss/sentence") for m in messages)
    assert capsys.readouterr() == ("", "")
    with pytest.raises(TrainError, match="is not empty") as caught:
        train_model(data, data, out, settings, command="again", log=messages.append)
    assert isinstance(caught.value, SeednerError)


def test_training_module_needs_no_cli_libraries() -> None:
    code = (
        "import sys, seedner.model.train, seedner.model.generalist; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'rich', 'click'}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_train_usage_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.tsv"
    good.write_text("李\tB-PER\n鹏\tI-PER\n\n", encoding="utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text("李\tB-PER\n鹏 I-PER\n\n", encoding="utf-8")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
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
