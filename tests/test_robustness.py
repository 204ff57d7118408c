"""Real-world text: encodings, line endings, traditional script, noise; offsets stay exact."""

from __future__ import annotations

import re
from pathlib import Path

import opencc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedner.api import Extractor
from seedner.bio import read_bio_tsv
from seedner.io.sources import iter_documents
from seedner.scoring import score
from seedner.types import Document

from .helpers import dataset, seed_text


def test_same_entities_whatever_the_encoding(extractor: Extractor, tmp_path: Path) -> None:
    _, text = seed_text("000")
    variants = {
        "utf8.txt": text.encode("utf-8"),
        "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "gb18030.txt": text.encode("gb18030"),
        "utf16.txt": text.encode("utf-16"),
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
    }
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
    docs = list(iter_documents([str(tmp_path / n) for n in variants]))
    results = list(extractor.iter_results(docs))
    expected = [(e.norm, e.type) for e in results[0].entities]
    assert len(expected) > 20
    for doc, result in zip(docs, results):
        assert [(e.norm, e.type) for e in result.entities] == expected, doc.id
        for e in result.entities:
            assert doc.text[e.start : e.end] == e.text
    # CRLF: each entity sits where its LF twin sits, shifted by one per line end before it,
    # and one that spans a line end spans the whole CRLF.
    crlf = next(r for r in results if str(r.id).endswith("crlf.txt"))
    assert crlf.text == text.replace("\n", "\r\n")

    def shifted(offset: int) -> int:
        return offset + text.count("\n", 0, offset)

    assert len(crlf.entities) == len(results[0].entities)
    for lf_entity, crlf_entity in zip(results[0].entities, crlf.entities):
        assert (crlf_entity.start, crlf_entity.end) == (
            shifted(lf_entity.start),
            shifted(lf_entity.end),
        ), (lf_entity, crlf_entity)
        assert crlf_entity.text == lf_entity.text.replace("\n", "\r\n")


def test_traditional_dev_f1_within_one_point(extractor: Extractor) -> None:
    sentences = [s for s, _ in zip(read_bio_tsv(dataset("msra/dev.tsv")), range(600))]
    s2t = opencc.OpenCC("s2t")
    traditional = [s2t.convert(text) for text, _ in sentences]
    kept = [i for i, t in enumerate(traditional) if len(t) == len(sentences[i][0])]
    assert len(kept) > 590
    from seedner.bio import bio_spans

    gold = [[(s, e, k) for s, e, k in bio_spans(sentences[i][1])] for i in kept]

    def f1(texts: list[str]) -> float:
        docs = [Document(str(i), texts[i]) for i in kept]
        pred = [
            [(e.start, e.end, e.type) for e in r.entities] for r in extractor.iter_results(docs)
        ]
        return score(gold, pred, ["LOC", "ORG", "PER"]).micro.f1

    simplified = f1([t for t, _ in sentences])
    assert abs(f1(traditional) - simplified) < 0.01
    assert simplified > 0.8


CJK_SPACE = re.compile(r"[\u4e00-\u9fff]\s|\s[\u4e00-\u9fff]")
NOISE = st.sampled_from(
    [
        " ",
        "  ",
        "\u00a0",
        "\n",
        "\r\n",
        "(xué)",
        "（zhōng）",
        "\u3000",
        "Ａ",
        "２０２３年",
        "學",
        "\ufeff",
    ]
)
WORDS = st.sampled_from(
    ["李鹏", "北京", "中國科學技術協會", "上海市科委", "5月4日", "今天", "，", "。"]
)
TEXT = st.lists(st.one_of(st.text(max_size=8), NOISE, WORDS), max_size=30).map("".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(TEXT, min_size=1, max_size=4))
def test_any_text_gives_exact_offsets(extractor: Extractor, texts: list[str]) -> None:
    docs = [Document(str(i), t) for i, t in enumerate(texts)]
    results = extractor.run(docs)
    assert [r.id for r in results] == [d.id for d in docs]
    for doc, result in zip(docs, results):
        starts = [e.start for e in result.entities]
        assert starts == sorted(starts)
        for e in result.entities:
            assert 0 <= e.start < e.end <= len(doc.text)
            assert doc.text[e.start : e.end] == e.text
            if e.norm is not None:  # whitespace only between non-CJK words, one space
                assert e.norm == " ".join(e.norm.split())
                assert not CJK_SPACE.search(e.norm)
