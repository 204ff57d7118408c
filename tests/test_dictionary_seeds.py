"""User dictionaries on the seeds, with the embedded model: what each mode changes in what the
model found, aliases in ``seedner summary``, variants of a name at exact offsets, the command
line's errors and warning, and the ``source`` of every entity in each output."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from seedner.api import Extractor
from seedner.cli import app
from seedner.run.options import ExtractOptions
from seedner.types import Document, DocumentResult, Entity

from .helpers import SEEDS, run_extract, seed_text

runner = CliRunner()
SOURCES = {"model", "dict", "rule"}


def write(tmp_path: Path, text: str, name: str = "names.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(dicts: list[Path], *prefixes: str, **options: str) -> dict[str, DocumentResult]:
    extractor = Extractor(dicts=[str(d) for d in dicts], **options)  # type: ignore[arg-type]
    docs = [Document(p, seed_text(p)[1]) for p in prefixes]
    return {str(r.id): r for r in extractor.run(docs)}


def at(result: DocumentResult, text: str) -> list[Entity]:
    return [e for e in result.entities if e.text == text]


def holds_the_contract(result: DocumentResult) -> None:
    for e in result.entities:
        assert result.text[e.start : e.end] == e.text
        assert e.source in SOURCES


def test_force_splits_a_model_span(tmp_path: Path, seed_results_by_prefix: dict) -> None:
    _, before = seed_results_by_prefix["000"]
    (whole,) = at(before, "上海科学院区块链技术研究所")  # one ORG to the model
    after = run([write(tmp_path, "上海科学院\tORG\tforce\n")], "000")["000"]
    holds_the_contract(after)
    assert not at(after, whole.text)
    (forced,) = [e for e in after.entities if e.start == whole.start]
    assert (forced.text, forced.type, forced.source, forced.label) == (
        "上海科学院", "ORG", "dict", "ORG"
    )  # fmt: skip
    (rest,) = [e for e in after.entities if e.start == forced.end]
    assert (rest.end, rest.type, rest.source) == (whole.end, "ORG", "model")  # kept, cut back
    # nothing else changes but the mentions of the forced name
    changed = {(e.start, e.end, e.type) for e in before.entities} ^ {
        (e.start, e.end, e.type) for e in after.entities
    }
    assert changed == {(whole.start, whole.end, "ORG"), (forced.start, forced.end, "ORG"),
                       (rest.start, rest.end, "ORG")}  # fmt: skip


def test_prefer_retypes_an_equal_span_fills_a_gap_and_never_splits(
    tmp_path: Path, seed_results_by_prefix: dict
) -> None:
    text, before = seed_results_by_prefix["000"]
    model = {e.text: e for e in before.entities}
    assert model["张江科学城"].type == "LOC" and "上海科学院区块链技术研究所" in model
    gap = text.index("环上大科技园")
    assert not [e for e in before.entities if e.start < gap + 6 and e.end > gap]
    names = write(tmp_path, "张江科学城\tORG\n环上大科技园\tLOC\tprefer\n上海科学院\tORG\n")
    after = run([names], "000")["000"]
    holds_the_contract(after)
    retyped = at(after, "张江科学城")
    assert retyped and all((e.type, e.source) == ("ORG", "dict") for e in retyped)
    assert [(e.start, e.type, e.source) for e in at(after, "环上大科技园")] == [
        (gap, "LOC", "dict")
    ]
    assert at(after, "上海科学院区块链技术研究所")  # not split
    assert not at(after, "上海科学院")
    assert at(after, "张江科学城展览中心")  # holds the preferred name: left as it is


def test_block_removes_a_false_name_and_nothing_else(
    tmp_path: Path, seed_results_by_prefix: dict
) -> None:
    _, before = seed_results_by_prefix["001"]
    assert [e.type for e in at(before, "李处")] == ["PER"]  # 李处长: a title, no name
    after = run([write(tmp_path, "李处\tPER\tblock\n")], "001")["001"]
    assert not at(after, "李处")
    assert [e for e in before.entities if e.text != "李处"] == after.entities
    # `*`: any type; a type of its own blocks only that type
    _, before = seed_results_by_prefix["004"]
    assert [e.type for e in at(before, "Activities")] == ["ORG"]
    after = run([write(tmp_path, "Activities\t*\tblock\n", "any.tsv")], "004")["004"]
    assert not at(after, "Activities")
    after = run([write(tmp_path, "Activities\tPER\tblock\n", "per.tsv")], "004")["004"]
    assert at(after, "Activities")


def test_a_blocked_date_never_comes_back_from_the_date_rules(
    tmp_path: Path, seed_results_by_prefix: dict
) -> None:
    _, before = seed_results_by_prefix["002"]
    assert {e.source for e in at(before, "今年")} == {"rule"}
    after = run([write(tmp_path, "今年\tDATE\tblock\n")], "002")["002"]
    assert not at(after, "今年")
    assert at(after, "今年6月初")  # exact spans only
    assert len(after.entities) == len(before.entities) - len(at(before, "今年"))


def test_an_alias_merges_two_spellings_in_the_summary(
    tmp_path: Path, seed_jsonl_bytes: bytes
) -> None:
    def top_orgs(jsonl: bytes) -> dict[str, int]:
        result = runner.invoke(app, ["summary", "--json", "--top", "100"], input=jsonl)
        assert result.exit_code == 0, result.output
        return {e["norm"]: e["mentions"] for e in orjson.loads(result.stdout)["top"]["ORG"]}

    before = top_orgs(seed_jsonl_bytes)
    short, full = before["科管院"], before["上海科技管理干部学院"]
    names = write(
        tmp_path, "科管院\tORG\tprefer\t上海科技管理干部学院\n上海科技管理干部学院\tORG\n"
    )
    status, out, errors = run_extract(str(SEEDS), "-f", "jsonl", "--dict", str(names))
    assert (status, errors) == (0, [])
    after = top_orgs(out)
    assert "科管院" not in after
    assert after["上海科技管理干部学院"] == short + full
    texts = {
        e["text"]
        for record in map(orjson.loads, out.splitlines())
        for e in record["entities"]
        if e["norm"] == "上海科技管理干部学院"
    }
    assert texts == {"科管院", "上海科技管理干部学院"}  # the text stays as written


def test_traditional_and_full_width_variants_match_at_exact_offsets(
    tmp_path: Path, seed_results_by_prefix: dict
) -> None:
    text, _ = seed_results_by_prefix["004"]  # traditional script: 萬鋼
    names = write(tmp_path, "万钢\tPER\tforce\t万钢\nＧ６０科創走廊\tLOC\tforce\n")
    after = run([names], "004", "000")
    people = at(after["004"], "萬鋼")
    assert len(people) == text.count("萬鋼") and {e.source for e in people} == {"dict"}
    holds_the_contract(after["004"])
    corridor = at(after["000"], "G60科创走廊")
    assert [e.source for e in corridor] == ["dict"]
    # the same line written in full width and traditional script: offsets into that text
    line = next(x for x in seed_text("000")[1].splitlines() if "G60科创走廊" in x)
    wide = line.replace("G60科创走廊", "Ｇ６０科創走廊")
    (result,) = Extractor(dicts=[str(names)]).run([Document("wide", wide)])
    (found,) = at(result, "Ｇ６０科創走廊")
    assert (found.start, found.norm, found.source) == (wide.index("Ｇ"), "G60科创走廊", "dict")


def test_spaces_and_line_breaks_inside_a_name(tmp_path: Path) -> None:
    names = write(tmp_path, "常静\tPER\tforce\n李鹏\tPER\tforce\n")
    after = run([names], "001", "000")
    written = {e.text for e in after["001"].entities if e.norm == "常静"}
    assert {"常\n静", "常 静", "常静"} <= written
    assert "李\u00a0 鹏" in {e.text for e in at(after["000"], "李\u00a0 鹏")}
    for result in after.values():
        holds_the_contract(result)
        assert all(e.source == "dict" for e in result.entities if e.norm in ("常静", "李鹏"))


def test_a_long_document_gets_the_same_entities_window_by_window(tmp_path: Path) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))) * 2
    names = write(
        tmp_path,
        "上海科学院\tORG\tforce\n张江科学城\tORG\n李处\tPER\tblock\n今年\tDATE\tblock\n"
        "科管院\tORG\tprefer\t上海科技管理干部学院\n",
    )
    extractor = Extractor(dicts=[str(names)])
    (whole,) = extractor.iter_results([Document("d", text)])
    (windowed,) = extractor.iter_results([Document("d", text)], 4000)
    (streamed,) = extractor.iter_results([Document("d", text)], 4000, stream=True)
    entities = list(streamed.entities)
    assert entities == windowed.entities
    assert {e.source for e in entities} == SOURCES
    for e in ("上海科学院", "张江科学城", "科管院"):  # a window matches as the whole text does
        assert {x.start for x in at(whole, e)} == {x.start for x in entities if x.text == e}
    assert not [e for e in entities if e.text in ("李处", "今年")]


def test_workers_compile_the_dictionary_each(tmp_path: Path) -> None:
    from seedner.run.workers import ParallelExtractor

    names = write(tmp_path, "上海科学院\tORG\tforce\n李处\tPER\tblock\n")
    options = ExtractOptions.parse(dicts=[names])
    docs = [Document(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    pool = ParallelExtractor(options, workers=2, chunk_chars=5000, min_parallel_chars=0)
    parallel = pool.run(docs)
    assert pool.started
    assert parallel == Extractor.from_options(options).run(docs)
    assert any(e.source == "dict" for r in parallel for e in r.entities)


def test_ray_actors_compile_the_dictionary_each(tmp_path: Path) -> None:
    pytest.importorskip("ray.data", reason='the Ray engine needs pip install "seedner[ray]"')
    import ray

    names = write(tmp_path, "上海科学院\tORG\tforce\n李处\tPER\tblock\n")
    local = run_extract(str(SEEDS), "--workers", "1", "-f", "jsonl", "--dict", str(names))
    assert local[0] == 0 and b'"source":"dict"' in local[1]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        args = (str(SEEDS), "--engine", "ray", "--workers", "2", "--dict", str(names))
        assert run_extract(*args) == local
    finally:
        ray.shutdown()


@pytest.mark.parametrize(
    ("content", "name", "cause"),
    [
        ("李鹏\tPER\n张三\tPERSON\n", "type.tsv", ":2: unknown type 'PERSON'"),
        ("李鹏\n", "line.tsv", ":1: expected surface<TAB>TYPE[<TAB>mode[<TAB>id]], got 1"),
        ('{"pattern": "李(鹏", "type": "PER", "regex": true}\n', "re.jsonl", ":1: bad regular"),
        ("\tPER\n", "empty.tsv", ":1: empty surface"),
        (None, "missing.tsv", ": cannot read the dictionary (no such file"),
        (None, "", ": cannot read the dictionary (is a directory)"),
    ],
)
def test_a_bad_dictionary_is_one_error_line_before_any_work(
    tmp_path: Path, content: str | None, name: str, cause: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    # a missing input and an unknown model would be reported later: the dictionary comes first
    args = [str(SEEDS), str(tmp_path / "no-input.txt"), "--model", str(tmp_path / "no-model")]
    status, out, errors = run_extract(*args, "--dict", str(path))
    assert (status, out) == (2, b"")
    assert len(errors) == 1 and errors[0].startswith(f"seedner: error: {path}{cause}"), errors


def test_duplicates_and_conflicts_are_one_warning(tmp_path: Path) -> None:
    names = write(tmp_path, "李处\tPER\tblock\n李处\tPER\tblock\n吴伊人\tPER\n吴伊人\tORG\n")
    result = runner.invoke(app, ["extract", str(SEEDS), "-q", "-f", "jsonl", "--dict", str(names)])
    assert result.exit_code == 0
    (line,) = result.stderr.splitlines()
    assert line.startswith("seedner: warning: --dict: 1 duplicate entry and 1 conflicting entry")
    assert line.endswith(f"the first at {names}:2")


def test_source_in_jsonl_csv_and_html(tmp_path: Path) -> None:
    names = write(tmp_path, "上海科学院\tORG\tforce\n")
    status, out, _ = run_extract(str(SEEDS), "-f", "jsonl", "--dict", str(names))
    entities = [e for line in out.splitlines() for e in orjson.loads(line)["entities"]]
    assert status == 0 and {e["source"] for e in entities} == SOURCES
    assert {e["type"] for e in entities if e["source"] == "rule"} >= {"DATE", "PER"}  # dates, names
    status, out, _ = run_extract(str(SEEDS), "-f", "csv", "--dict", str(names))
    rows = list(csv.DictReader(io.StringIO(out.decode())))
    assert {r["source"] for r in rows} == SOURCES
    assert next(r for r in rows if r["text"] == "上海科学院")["source"] == "dict"
    status, out, _ = run_extract(str(SEEDS), "-f", "html", "--dict", str(names))
    assert 'data-source="dict"' in out.decode() and 'data-source="rule"' in out.decode()
