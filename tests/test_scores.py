"""Entity scores on real text: the embedded model's marginals leave its entities as they are,
reach every output (API, JSON Lines, CSV, HTML), follow the temperature stored with the model,
and ``--min-score`` filters by them."""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import replace
from pathlib import Path

import hanlp
import numpy as np
import orjson
import pytest

import seedner
from seedner.bio import read_bio_tsv
from seedner.model.calibration import (
    FILE,
    expected_calibration_error,
    fingerprint,
    saved_transitions,
)
from seedner.model.component import CharNER
from seedner.text.sentences import iter_sentences
from seedner.types import Document, DocumentResult

from .helpers import SEEDS, dataset, run_extract

EMBEDDED = Path(seedner.__file__).parent / "embedded"


def _seed_sentences() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return [t[s:e] for t in texts for s, e in iter_sentences(t, 200)]


@pytest.fixture(scope="module")
def tagger() -> CharNER:
    return hanlp.load(str(EMBEDDED))


def test_scores_leave_the_viterbi_entities_as_they_are(tagger: CharNER) -> None:
    sentences = _seed_sentences()
    plain = tagger.spans(sentences)
    scored = tagger.scored_spans(sentences)
    assert [[span[:3] for span in row] for row in scored] == plain
    scores = [span[3] for row in scored for span in row]
    assert len(scores) > 100
    assert all(0.0 <= p <= 1.0 for p in scores)
    # most of what the model tags it is fairly sure of, and the scores tell entities apart
    assert np.median(scores) > 0.5 and max(scores) - min(scores) > 0.3


def test_scores_leave_the_entities_of_a_dev_set_as_they_are(tagger: CharNER) -> None:
    texts = [text for text, _ in read_bio_tsv(dataset("msra/dev.tsv"))][:1500]
    scored = tagger.scored_spans(texts)
    assert [[span[:3] for span in row] for row in scored] == tagger.spans(texts)
    assert sum(map(len, scored)) > 1500


def test_the_seeds_give_the_same_entities_without_scores(
    seed_results: list[DocumentResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the whole path (rules included): the model's spans with no forward-backward
    give the same entities, all but their scores."""
    extractor = seedner.Extractor()
    ner = extractor.ner

    def unscored(texts: list[str], **kwargs: object) -> list[list[tuple]]:
        return [[(*span, None) for span in row] for row in ner.spans(texts, **kwargs)]

    monkeypatch.setattr(ner, "scored_spans", unscored)
    docs = [Document(str(r.id), r.text) for r in seed_results]
    plain = extractor.run(docs)
    assert all(e.score is None for r in plain for e in r.entities)
    assert [[replace(e, score=None) for e in r.entities] for r in seed_results] == [
        r.entities for r in plain
    ]


def test_a_sentence_scores_the_same_alone_and_in_a_batch(tagger: CharNER) -> None:
    sentences = _seed_sentences()[:60]
    together = tagger.predict(sentences, scores=True)
    assert [tagger.predict(s, scores=True) for s in sentences] == together
    assert tagger.predict(sentences) == [[span[:4] for span in row] for row in together]


def test_seed_entities_have_scores_from_the_model_only(seed_results: list[DocumentResult]) -> None:
    entities = [e for r in seed_results for e in r.entities]
    scored = [e for e in entities if e.score is not None]
    assert len(scored) > 0.8 * sum(e.type != "DATE" for e in entities)
    for e in scored:
        assert e.type != "DATE"  # the embedded model has no DATE: dates come from rules
        assert 0.0 <= e.score <= 1.0 and round(e.score, 4) == e.score
    assert all(e.score is None for e in entities if e.type == "DATE")


def test_min_score_drops_the_model_entities_scored_below_it(
    seed_results: list[DocumentResult],
) -> None:
    scores = sorted(e.score for r in seed_results for e in r.entities if e.score is not None)
    floor = scores[len(scores) // 4]  # a quarter of the seeds' scored entities lie below
    docs = [Document(str(r.id), r.text) for r in seed_results]
    filtered = seedner.extract(docs, min_score=floor)
    kept = [e for r in filtered for e in r.entities]
    assert all(e.score is None or e.score >= floor for e in kept)
    assert sum(e.score is not None for e in kept) < 0.85 * len(scores)
    # the rules' dates are no model's: all still there
    for before, after in zip(seed_results, filtered):
        dates = [(e.start, e.end, e.norm) for e in before.entities if e.type == "DATE"]
        assert [(e.start, e.end, e.norm) for e in after.entities if e.type == "DATE"] == dates
    assert [r.entities for r in seedner.extract(docs, min_score=0.0)] == [
        r.entities for r in seed_results
    ]


def test_min_score_on_the_command_line(seed_jsonl: list[dict]) -> None:
    status, out, errors = run_extract(str(SEEDS), "-f", "jsonl", "--min-score", "0.9")
    assert status == 0 and not errors
    records = [orjson.loads(line) for line in out.splitlines()]
    kept = [e for r in records for e in r["entities"]]
    assert all(e["score"] is None or e["score"] >= 0.9 for e in kept)
    low = [e for r in seed_jsonl for e in r["entities"] if (e["score"] or 1) < 0.9]
    assert low and len(kept) < sum(len(r["entities"]) for r in seed_jsonl)


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "abc", ""])
def test_a_bad_min_score_is_one_line_and_status_2(value: str) -> None:
    status, out, errors = run_extract(str(SEEDS), "--min-score", value)
    assert status == 2 and out == b""
    assert (
        len(errors) == 1 and errors[0].startswith("seedner: error:") and "--min-score" in errors[0]
    )


def test_bad_min_score_in_python() -> None:
    with pytest.raises(ValueError, match="from 0 to 1"):
        seedner.extract("李鹏在北京。", min_score=2)


def test_scores_in_json_lines_and_csv(seed_jsonl: list[dict]) -> None:
    entities = [e for r in seed_jsonl for e in r["entities"]]
    assert all("score" in e for e in entities)
    assert any(isinstance(e["score"], float) for e in entities)
    status, out, _ = run_extract(str(SEEDS), "-f", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8"))))
    assert rows and "score" in rows[0]
    by_key = {
        (r["id"], e["start"], e["end"]): e["score"] for r in seed_jsonl for e in r["entities"]
    }
    for row in rows:
        score = by_key[(row["id"], int(row["start"]), int(row["end"]))]
        assert row["score"] == ("" if score is None else str(score))


def test_scores_in_the_html_view(seed_results: list[DocumentResult]) -> None:
    from seedner.io.html_view import render_page

    page = render_page(seed_results[:1])
    entity = next(e for e in seed_results[0].entities if e.score is not None)
    assert f'data-score="{entity.score}"' in page
    assert f"score {entity.score:.2f}" in page


def _copy_model(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(EMBEDDED, folder, ignore=shutil.ignore_patterns(FILE))
    return folder


def test_the_temperature_stored_with_a_model_sets_its_scores(tmp_path: Path) -> None:
    folder = _copy_model(tmp_path)
    sentences = _seed_sentences()[:80]
    plain = hanlp.load(str(folder))
    assert plain.temperature == 1.0  # no calibration.json: T = 1
    base = plain.predict(sentences, scores=True)

    record = {"temperature": 2.0, "crf": fingerprint(saved_transitions(folder))}
    (folder / FILE).write_text(json.dumps(record), encoding="utf-8")
    warm = hanlp.load(str(folder))
    assert warm.temperature == 2.0
    hot = warm.predict(sentences, scores=True)
    assert [[s[:4] for s in row] for row in hot] == [[s[:4] for s in row] for row in base]
    pairs = [(a[4], b[4]) for ra, rb in zip(base, hot) for a, b in zip(ra, rb)]
    assert all(b <= a + 1e-12 for a, b in pairs if a > 0.5)  # a hotter CRF is less certain
    assert sum(b < a - 0.01 for a, b in pairs) > len(pairs) / 2

    record["crf"] = "0" * 16  # fitted for other weights: ignored
    (folder / FILE).write_text(json.dumps(record), encoding="utf-8")
    assert hanlp.load(str(folder)).temperature == 1.0


def test_the_torch_network_scores_as_the_onnx_tagger() -> None:
    tagger = hanlp.load(str(EMBEDDED), precision="float32")
    sentences = _seed_sentences()[:80]
    with_onnx = tagger.predict(sentences, scores=True)
    tagger.set_runtime(None)
    with_torch = tagger.predict(sentences, scores=True)
    assert [[s[:4] for s in row] for row in with_torch] == [
        [s[:4] for s in row] for row in with_onnx
    ]
    # the two float32 BiGRUs differ in the last digits (emissions by up to ~1e-3)
    for a, b in zip(with_onnx, with_torch):
        for x, y in zip(a, b):
            assert y[4] == pytest.approx(x[4], abs=2e-3)


def test_expected_calibration_error() -> None:
    scores = np.array([0.95] * 20 + [0.55] * 10)
    right = np.array([True] * 19 + [False] + [True] * 5 + [False] * 5)
    # bins 0.9-1.0: 0.95 vs 0.95 right; 0.5-0.6: 0.55 vs 0.5 right
    assert expected_calibration_error(scores, right) == pytest.approx(10 / 30 * 0.05)
    assert expected_calibration_error(np.array([1.0]), np.array([True])) == 0.0
