"""Batching and blocks: results do not depend on how text is cut for the model."""

from __future__ import annotations

import itertools

from seedner.api import Extractor
from seedner.run.pipeline import MAX_SENTENCE, cut_blocks
from seedner.text.sentences import iter_sentences
from seedner.types import Document, DocumentResult

from .helpers import SEEDS


def test_blocks_cut_the_text_where_sentences_end() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    for sample in (text, text.replace("\n", "")):
        blocks = list(cut_blocks(sample, 1000))
        assert blocks[0][0] == 0 and blocks[-1][1] == len(sample)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(blocks))
        assert all(end - start <= 1000 for start, end in blocks)
        by_blocks = [
            (start + s, start + e)
            for start, end in blocks
            for s, e in iter_sentences(sample[start:end], MAX_SENTENCE)
        ]
        assert by_blocks == list(iter_sentences(sample, MAX_SENTENCE))


def test_small_batches_give_the_same_entities_as_one_batch(
    extractor: Extractor, seed_results: list[DocumentResult]
) -> None:
    docs = [Document(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    whole = seed_results  # the default batch size (conftest: seedner.extract on the seeds)
    assert [r.text for r in whole] == [d.text for d in docs]
    small = list(extractor.iter_results(docs, batch_chars=700))
    assert [r.id for r in small] == [d.id for d in docs]
    assert [r.entities for r in small] == [r.entities for r in whole]


def test_a_long_line_without_punctuation(extractor: Extractor) -> None:
    text = "李鹏在北京" + "中国科学院上海分院的研究人员" * 715 + "。"
    assert len(text) > 10_000
    (result,) = extractor.run([Document("long", text)])
    assert result.entities[0].text == "李鹏"
    names = [e for e in result.entities if e.text == "中国科学院上海分院"]
    assert len(names) > 600  # cuts into pieces of at most MAX_SENTENCE lose few names
    assert all(e.end - e.start <= MAX_SENTENCE for e in result.entities)
