"""What the generalist trains on beyond the corpora as written: partial labels where a corpus
skips abbreviations, synthetic lists of names, and the lexicon input."""

from __future__ import annotations

import random

import numpy as np

from seedner.bio import bio_spans
from seedner.loading.labels import canonical_type
from seedner.model.corpora import OPEN, harmonised
from seedner.model.lexicon import CLASSES, POSITIONS, WIDTH, Lexicon, list_entries
from seedner.model.namelists import name_list, name_lists, person_names
from seedner.model.partial import (
    abbreviation_spans,
    bodies_as_organizations,
    governments_as_organizations,
    opened,
    pos_abbreviations,
)

from .helpers import dataset

TYPES = ("PER", "ORG", "LOC")


def _open(text: str) -> str:
    """The text with its open characters in brackets."""
    (out,), _ = opened([(text, ["O"] * len(text))], abbreviation_spans)
    return "".join(f"[{ch}]" if tag == OPEN else ch for ch, tag in zip(*out))


def test_place_abbreviations_are_open_where_a_corpus_left_them_o() -> None:
    assert _open("中美两国元首在京会晤，港澳台同胞出席。") == (
        "[中][美]两国元首在[京]会晤，[港][澳][台]同胞出席。"
    )
    assert _open("欧盟和北约的代表访华。") == "[欧][盟]和[北][约]的代表访[华]。"
    # a common word alone, or one character without a verb of travel before it, stays O
    assert _open("其中有美丽的中心城区。") == "其中有美丽的中心城区。"


def test_tagged_positions_are_never_opened() -> None:
    text = "中美关系"
    tags = ["B-LOC", "I-LOC", "O", "O"]  # a corpus that tagged them keeps its tags
    (out,), count = opened([(text, tags)], abbreviation_spans)
    assert out[1] == tags and count == 0


def test_bodies_tagged_as_places_become_organizations() -> None:
    text = "东盟国家"
    (out,), count = bodies_as_organizations([(text, ["B-LOC", "I-LOC", "O", "O"])])
    assert count == 1 and bio_spans(out[1]) == [(0, 2, "ORG")]


def test_peoples_daily_abbreviations_come_from_its_pos_file() -> None:
    """Each line's text (the ID token dropped) matches the converted corpus, and its ``/j``
    words are found."""
    marks = pos_abbreviations(dataset("peoples_daily_time/orig/199801.txt"))
    sentences = harmonised(dataset("peoples_daily_time/train.tsv"), TYPES, canonical_type)
    matched = [text for text, _ in sentences[:500] if text in marks]
    assert len(matched) >= 490
    found = {text[s:e] for text in matched for s, e in marks[text]}
    assert {"中", "美", "欧盟"} & found


def test_name_lists_tag_each_name_alone() -> None:
    names = ["王小明", "李红", "欧阳明", "张建国"]
    rng = random.Random(3)
    for _ in range(50):
        text, tags = name_list(names, rng)
        spans = [(text[s:e], kind) for s, e, kind in bio_spans(tags)]
        assert spans and all(kind == "PER" and name in names for name, kind in spans)
        assert len({name for name, _ in spans}) == len(spans)  # each name once


def test_list_names_come_from_the_corpora_and_are_chinese_names() -> None:
    sentences = harmonised(dataset("msra/dev.tsv"), TYPES, canonical_type)
    names = person_names([sentences])
    assert len(names) > 500
    assert all(2 <= len(n) <= 4 for n in names)
    assert len(name_lists(names, 20, seed=1)) == 20
    assert name_lists(names, 5, seed=1) == name_lists(names, 5, seed=1)  # reproducible


def _brute_force(entries: dict[str, int], text: str) -> np.ndarray:
    """The class bits by position of every entry occurrence, found character by character."""
    bits = np.zeros((len(text), len(POSITIONS)), dtype=np.int64)
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            kinds = entries.get(text[start:end])
            if not kinds:
                continue
            if end - start == 1:
                bits[start, 3] |= kinds
                continue
            bits[start, 0] |= kinds
            bits[end - 1, 2] |= kinds
            for k in range(start + 1, end - 1):
                bits[k, 1] |= kinds
    return bits


def test_lexicon_matches_every_entry_occurrence() -> None:
    """The array matcher equals a character-by-character search, on corpus sentences."""
    entries = list_entries()
    entries.update({"中国": 1, "中国人民": 4, "人民银行": 4 | 32, "银行": 1 | 512, "行长": 1})
    lexicon = Lexicon(entries)
    texts = [t for t, _ in harmonised(dataset("msra/dev.tsv"), TYPES, canonical_type)[:200]]
    texts.append("中国人民银行行长在北京市海淀区会见欧阳明。")
    joined = "\x00".join(texts)
    assert np.array_equal(lexicon.char_bits(joined), _brute_force(entries, joined))


def test_lexicon_features_are_one_input_per_position_and_class() -> None:
    lexicon = Lexicon({"北京": 1 | 128, "北京市": 2 | 128, "欧阳": 1 | 256})
    features = lexicon.features(["在北京市", "欧阳"])
    assert features.shape == (2, 4, WIDTH)
    on = {
        (i, f"{POSITIONS[k // len(CLASSES)]}-{CLASSES[k % len(CLASSES)]}")
        for i, k in zip(*np.nonzero(features[0]))
    }
    assert on == {
        (1, "B-len2"), (1, "B-division"), (1, "B-len3"),
        (2, "E-len2"), (2, "E-division"), (2, "M-len3"), (2, "M-division"),
        (3, "E-len3"), (3, "E-division"),
    }  # fmt: skip
    assert features[1, 2:].sum() == 0  # padding


def test_a_government_named_by_its_country_becomes_one_organization() -> None:
    """Guideline rule 18: MSRA's 中国政府 (中国 LOC, 政府 untagged) is one ORG; a place before
    another word, and a government already tagged, stay as they are."""
    text = "中国政府和北京市政府表示，中国人民支持。"
    tags = ["O"] * len(text)
    for place in ("中国", "北京市"):
        start = text.index(place)
        tags[start] = "B-LOC"
        for k in range(start + 1, start + len(place)):
            tags[k] = "I-LOC"
    last = text.index("中国人民")
    tags[last], tags[last + 1] = "B-LOC", "I-LOC"
    (out,), count = governments_as_organizations([(text, tags)])
    spans = [(text[s:e], kind) for s, e, kind in bio_spans(out[1])]
    assert count == 2
    assert spans == [("中国政府", "ORG"), ("北京市政府", "ORG"), ("中国", "LOC")]
