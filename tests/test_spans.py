from __future__ import annotations

import pytest

from seedner.text.spans import tidy_span

TEXT = "学习“科创中国”咨询委员会的工作，（北京）大学、《人民日报》报道，"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("中国”咨询委员会", "“科创中国”咨询委员会"),  # a closing quote pulls in its opening one
        ("“科创中国", "科创中国"),  # the enclosing pair is then dropped
        ("北京）大学", "（北京）大学"),
        ("《人民日报》", "人民日报"),
        ("人民日报》", "人民日报"),
        ("工作，", "工作"),
        ("咨询委员会", "咨询委员会"),
    ],
)
def test_tidy_span(given: str, expected: str) -> None:
    start = TEXT.index(given)
    tidy = tidy_span(TEXT, start, start + len(given))
    assert tidy is not None
    assert TEXT[tidy[0] : tidy[1]] == expected


def test_nothing_left() -> None:
    assert tidy_span("，、。", 0, 3) is None
