"""The rules after the model are one ordered list of named steps; a run can turn any off
(``--no-rules``, ``Extractor(no_rules=...)``), and the rest still run in order."""

from __future__ import annotations

import orjson
import pytest
from typer.testing import CliRunner

from seedner.api import Extractor
from seedner.cli import app
from seedner.rules.postprocess import RULES, parse_rules, postprocess
from seedner.text.spans import Mention
from seedner.types import Document

from .helpers import SEEDS

runner = CliRunner()

# 张伟 is typed PER once and LOC once, and written a third time untagged
TEXT = "主席张伟出席会议。张伟说，张伟的家乡很美。"
MENTIONS = [Mention(2, 4, "PER", "PER"), Mention(9, 11, "LOC", "LOC")]


def test_rules_are_named_in_their_order() -> None:
    assert RULES == (
        "boilerplate", "latin-names", "repeated-names", "gazetteer", "guideline", "companies",
        "dictionary", "consistency", "dates",
    )  # fmt: skip
    assert parse_rules("Consistency, gazetteer") == {"consistency", "gazetteer"}
    with pytest.raises(ValueError, match="unknown rule"):
        parse_rules("consistency,spelling")


def test_consistency_off_keeps_the_models_types_and_finds_no_more() -> None:
    on = postprocess(TEXT, [Mention(m.start, m.end, m.type, m.label) for m in MENTIONS])
    assert {(m.start, m.type) for m in on} == {(2, "PER"), (9, "PER"), (13, "PER")}
    off = postprocess(TEXT, list(MENTIONS), frozenset({"consistency"}))
    assert {(m.start, m.type) for m in off} == {(2, "PER"), (9, "LOC")}


def test_a_rule_turned_off_leaves_the_others_running() -> None:
    text = "来源：学会秘书处。记者徐妍徐妍报道。"
    mentions = [Mention(0, 8, "ORG", "ORG"), Mention(11, 15, "PER", "PER")]
    # repeated-names off: the label head still goes (boilerplate), the doubled name stays one
    out = postprocess(text, list(mentions), frozenset({"repeated-names", "consistency"}))
    assert sorted((text[m.start : m.end], m.type) for m in out) == [
        ("学会秘书处", "ORG"),
        ("徐妍徐妍", "PER"),
    ]
    out = postprocess(text, list(mentions), frozenset({"boilerplate", "consistency"}))
    assert sorted(text[m.start : m.end] for m in out) == sorted(
        ["来源：学会秘书处", "徐妍", "徐妍"]
    )


def test_dates_off_leaves_the_models_dates_only() -> None:
    docs = [Document(str(p), p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    full = Extractor().run(docs)
    model_only = Extractor(no_rules="dates").run(docs)
    kept = {(r.id, e) for r in model_only for e in r.entities}
    everything = {(r.id, e) for r in full for e in r.entities}
    assert kept <= everything  # nothing else changes
    added = everything - kept
    assert added and all(e.type == "DATE" for _, e in added)


def test_long_documents_obey_the_rules_turned_off() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))) * 2
    extractor = Extractor(no_rules="consistency,gazetteer")
    (whole,) = extractor.iter_results([Document("d", text)], 4000)
    (streamed,) = extractor.iter_results([Document("d", text)], 4000, stream=True)
    assert list(streamed.entities) == whole.entities


def test_cli_no_rules() -> None:
    bad = runner.invoke(app, ["extract", str(SEEDS), "--no-rules", "spelling"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("seedner: error: unknown rule(s) spelling; choose from ")
    assert len(bad.stderr.splitlines()) == 1
    result = runner.invoke(app, ["extract", str(SEEDS), "-f", "jsonl", "--no-rules", "dates"])
    assert result.exit_code == 0
    records = [orjson.loads(line) for line in result.stdout_bytes.splitlines()]
    assert len(records) == 5
