"""`seedner evaluate` on corpus sentences: TSV and JSONL gold, table and JSON output."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from seedner.bio import bio_spans, read_bio_tsv
from seedner.cli import app
from seedner.scoring import Score, score

from .helpers import dataset

runner = CliRunner()


@pytest.fixture(scope="module")
def dev_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 300 sentences of msra/dev.tsv, as the corpus writes them."""
    source = dataset("msra/dev.tsv")
    sentences = [s for s, _ in zip(read_bio_tsv(source), range(300))]
    path = tmp_path_factory.mktemp("gold") / "dev300.tsv"
    with open(path, "w", encoding="utf-8") as out:
        for text, tags in sentences:
            out.writelines(f"{c}\t{t}\n" for c, t in zip(text, tags))
            out.write("\n")
    return path


def test_scores_by_hand() -> None:
    gold = [[(0, 2, "PER"), (3, 5, "LOC")], [(0, 4, "ORG")]]
    pred = [[(0, 2, "PER"), (3, 6, "LOC")], [(0, 4, "ORG"), (5, 7, "PER")]]
    scores = score(gold, pred, ["LOC", "ORG", "PER"])
    assert scores.per_type["PER"] == Score(tp=1, n_pred=2, n_gold=1)
    assert scores.per_type["LOC"] == Score(tp=0, n_pred=1, n_gold=1)
    assert scores.micro == Score(tp=2, n_pred=4, n_gold=3)
    assert scores.micro.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_evaluate_tsv_json(dev_slice: Path) -> None:
    result = runner.invoke(app, ["evaluate", str(dev_slice), "--json"])
    assert result.exit_code == 0, result.stderr
    scores = orjson.loads(result.stdout)
    assert scores["documents"] == 300
    assert scores["types"] == ["LOC", "ORG", "PER"]  # DATE is not in this gold file
    gold_total = sum(len(bio_spans(tags)) for _, tags in read_bio_tsv(dev_slice))
    assert scores["micro"]["gold"] == gold_total
    assert scores["micro"]["f1"] > 0.8


def test_evaluate_jsonl_gold_agrees_with_tsv(dev_slice: Path, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    with open(gold, "wb") as out:
        for i, (text, tags) in enumerate(read_bio_tsv(dev_slice)):
            entities = [{"start": s, "end": e, "type": k} for s, e, k in bio_spans(tags)]
            out.write(orjson.dumps({"id": i, "text": text, "entities": entities}) + b"\n")
    from_tsv = orjson.loads(runner.invoke(app, ["evaluate", str(dev_slice), "--json"]).stdout)
    from_jsonl = orjson.loads(runner.invoke(app, ["evaluate", str(gold), "--json"]).stdout)
    assert from_jsonl["micro"] == from_tsv["micro"]


def test_evaluate_table(dev_slice: Path) -> None:
    result = runner.invoke(app, ["evaluate", str(dev_slice), "--types", "PER"])
    assert result.exit_code == 0
    assert "PER" in result.stdout and "micro" in result.stdout and "LOC" not in result.stdout


def test_bad_gold_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("李\tB-PER\n鹏 I-PER\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(bad)])
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == f"seedner: error: {bad}:2: expected CHAR<TAB>TAG, got '鹏 I-PER'"
    )
    missing = runner.invoke(app, ["evaluate", str(tmp_path / "none.tsv")])
    assert missing.exit_code == 2
    assert "none.tsv: no such file" in missing.stderr
