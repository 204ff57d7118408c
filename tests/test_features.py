"""The vectorized featurizer agrees with the plain definition of the features."""

from __future__ import annotations

from seedner.model.features import (
    Featurizer,
    Vocab,
    bigram_strings,
    build_vocabs,
    char_shape,
    fold_char,
)

TRAIN = [
    "国务院总理李鹏今天在北京会见了联合国秘书长。",
    "１９９８年，上海浦东开发。",
    "ABC公司在纽约",
]


def _plain(text: str, chars: Vocab, bigrams: Vocab) -> tuple[list[int], list[int], list[int]]:
    folded = [fold_char(c) for c in text]
    return (
        [chars.get(c) for c in folded],
        [bigrams.get(b) for b in bigram_strings(folded)],
        [char_shape(c) for c in text],
    )


def test_featurizer_matches_the_plain_definition() -> None:
    chars, bigrams = build_vocabs(TRAIN, min_bigram=1)
    featurizer = Featurizer(chars, bigrams)
    texts = ["李鹏在北京。", "1998年上海", "ｘ李鹏𠀀 abc", "国", "纽约ABC公司开发了国务院"]
    c, b, s = featurizer.encode(texts)
    longest = max(map(len, texts))
    assert c.shape == (len(texts), longest) and b.shape == (len(texts), longest + 1)
    for i, text in enumerate(texts):
        expected = _plain(text, chars, bigrams)
        n = len(text)
        assert c[i, :n].tolist() == expected[0]
        assert b[i, : n + 1].tolist() == expected[1]
        assert s[i, :n].tolist() == expected[2]
        assert not c[i, n:].any() and not b[i, n + 1 :].any()
    # Full-width digits fold onto the ASCII ones the vocabulary learned from "１９９８".
    assert c[1, 0] == chars.get("0") != 1
