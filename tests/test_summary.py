"""Corpus summaries: the aggregation, ``seedner summary``, and the end of extract's tables."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from seedner.cli import app
from seedner.summary import PAIR_ENTITIES, CorpusSummary, date_month

from .helpers import SEEDS, seed_text

runner = CliRunner()


def _e(kind: str, norm: str | None, text: str | None = None) -> dict:
    return {"type": kind, "norm": norm, "text": text or norm or "", "start": 0, "end": 1}


def test_date_months() -> None:
    assert date_month("2023-09-15") == "2023-09"
    assert date_month("2021-01") == "2021-01"
    assert date_month("2021-01/2021-03") == "2021-01"  # an interval: its start
    assert date_month("2023-W18") == "2023-05"  # the week's Thursday is May 4th
    assert date_month("2020") is None
    assert date_month("2021/2023") is None
    assert date_month(None) is None


def test_top_entities_count_mentions_and_documents() -> None:
    summary = CorpusSummary()
    summary.add({"id": 1, "entities": [_e("PER", "李鹏"), _e("PER", "李鹏"), _e("LOC", "北京")]})
    summary.add(
        {"id": 2, "entities": [_e("PER", "李鹏"), _e("PER", "华春莹"), _e("PER", "华春莹")]}
    )
    summary.add({"id": 3, "entities": [_e("PER", "华春莹")]})
    top = summary.top("PER", 5)
    assert [(e.norm, e.mentions, e.documents) for e in top] == [("华春莹", 3, 2), ("李鹏", 3, 2)]
    assert summary.top("PER", 1)[0].norm == "华春莹"  # ties: name order
    assert summary.type_mentions() == {"PER": 6, "ORG": 0, "LOC": 1, "DATE": 0}
    assert summary.documents == 3


def test_dates_go_to_months_years_or_unresolved() -> None:
    summary = CorpusSummary()
    summary.add({"entities": [_e("DATE", "2023-05-04"), _e("DATE", "2023-05-06")]})
    summary.add({"entities": [_e("DATE", "2023-05"), _e("DATE", "2020"), _e("DATE", None, "今天")]})
    assert [(m.month, m.mentions, m.documents) for m in summary.timeline()] == [("2023-05", 3, 2)]
    assert dict(summary.years_only) == {"2020": 1}
    assert summary.unresolved_dates == 1
    assert summary.top("DATE", 10)[-1].norm == "今天"  # no norm: the text stands in


def test_pairs_need_a_person_and_rank_by_documents() -> None:
    summary = CorpusSummary()
    for _ in range(2):
        summary.add({"entities": [_e("PER", "李鹏"), _e("ORG", "国务院"), _e("ORG", "外交部")]})
    summary.add({"entities": [_e("PER", "李鹏"), _e("PER", "华春莹"), _e("LOC", "北京")]})
    pairs = [(p.first[1], p.second[1], p.documents) for p in summary.pairs(10)]
    assert pairs == [("国务院", "李鹏", 2), ("外交部", "李鹏", 2), ("华春莹", "李鹏", 1)]
    assert all("北京" not in (p.first[1], p.second[1]) for p in summary.pairs(10))


def test_pairs_per_document_are_bounded() -> None:
    summary = CorpusSummary()
    summary.add({"entities": [_e("PER", f"人{i}") for i in range(PAIR_ENTITIES + 30)]})
    assert len(summary.pair_docs) == PAIR_ENTITIES * (PAIR_ENTITIES - 1) // 2


def test_types_filter() -> None:
    summary = CorpusSummary(types={"LOC"})
    summary.add({"entities": [_e("PER", "李鹏"), _e("LOC", "北京")]})
    assert summary.types == ("LOC",)
    assert list(summary.mentions) == [("LOC", "北京")]


@pytest.fixture(scope="module")
def seeds_jsonl(tmp_path_factory: pytest.TempPathFactory, seed_jsonl_bytes: bytes) -> Path:
    """The output of `seedner extract seeds/ -f jsonl` (conftest's seed_jsonl_bytes), in a file."""
    path = tmp_path_factory.mktemp("summary") / "seeds.jsonl"
    path.write_bytes(seed_jsonl_bytes)
    return path


def _counts(path: Path) -> tuple[Counter, Counter]:
    mentions: Counter = Counter()
    documents: Counter = Counter()
    for line in path.read_bytes().splitlines():
        keys = [(e["type"], e["norm"] or e["text"]) for e in orjson.loads(line)["entities"]]
        mentions.update(keys)
        documents.update(set(keys))
    return mentions, documents


def test_summary_json_of_the_seeds(seeds_jsonl: Path) -> None:
    result = runner.invoke(app, ["summary", str(seeds_jsonl), "--json", "--top", "3"])
    assert result.exit_code == 0, result.stderr
    data = orjson.loads(result.stdout)
    mentions, documents = _counts(seeds_jsonl)
    assert data["documents"] == 5
    assert sum(data["mentions"].values()) == sum(mentions.values())
    for kind, rows in data["top"].items():
        assert len(rows) == 3
        best = max(n for (t, _), n in mentions.items() if t == kind)
        assert rows[0]["mentions"] == best
        for row in rows:
            assert row["mentions"] == mentions[(kind, row["norm"])]
            assert row["documents"] == documents[(kind, row["norm"])]
    assert {m["month"] for m in data["timeline"]} >= {"2023-05", "2023-09", "2023-10"}
    assert data["pairs"] and all(
        "PER" in (p["first"]["type"], p["second"]["type"]) for p in data["pairs"]
    )


def test_summary_tables_from_stdin_with_types(seeds_jsonl: Path) -> None:
    result = runner.invoke(app, ["summary", "--types", "LOC,DATE"], input=seeds_jsonl.read_bytes())
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Corpus: 5 documents" in out
    assert "top LOC" in out and "上海" in out
    assert "top DATE" in out and "dates by month" in out and "2023-05" in out and "█" in out
    assert "top PER" not in out and "named in the same documents" not in out


def test_summary_reports_bad_lines_and_keeps_the_rest(tmp_path: Path, seeds_jsonl: Path) -> None:
    bad = tmp_path / "mixed.jsonl"
    lines = seeds_jsonl.read_bytes().splitlines()
    bad.write_bytes(b"\n".join([lines[0], b"{oops", b'{"id": 3}', *lines[1:]]) + b"\n")
    result = runner.invoke(app, ["summary", str(bad), str(tmp_path / "none.jsonl"), "--json"])
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"seedner: error: {bad}:2: malformed JSON (")
    assert errors[1:] == [
        f'seedner: error: {bad}:3: not a result of extract (no "entities" list with types)',
        f"seedner: error: {tmp_path / 'none.jsonl'}: cannot read (No such file or directory)",
    ]
    assert orjson.loads(result.stdout)["documents"] == 5


def test_extract_tables_end_with_the_corpus_summary() -> None:
    several = runner.invoke(app, ["extract", str(SEEDS), "-f", "table"])
    assert several.exit_code == 0
    tail = several.stdout[several.stdout.rindex("mentions, ") :]  # after the last document
    assert "Corpus: 5 documents" in tail and "top PER" in tail and "dates by month" in tail
    path, _ = seed_text("000")
    one = runner.invoke(app, ["extract", str(path), "-f", "table"])
    assert "Corpus:" not in one.stdout
