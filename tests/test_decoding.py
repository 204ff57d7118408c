"""decode_bytes: BOMs, UTF-8, UTF-16, GB18030 vs Big5, binary input, forced encodings."""

from __future__ import annotations

import re
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedner.io.decoding import DecodeError, decode_bytes

from .helpers import seed

SIMPLIFIED = seed("001")
TRADITIONAL = seed("002")


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16-le"),  # Python writes a BOM, little endian
        ("utf-32", "utf-32-le"),
        ("utf-16-le", "utf-16-le"),  # no BOM
        ("utf-16-be", "utf-16-be"),  # no BOM
    ],
)
@pytest.mark.parametrize("prefix", ["000", "001", "003"])
def test_simplified_seeds_round_trip(prefix: str, encoding: str, expected: str) -> None:
    original = seed(prefix)
    text, used = decode_bytes(original.encode(encoding))
    assert text == original
    assert used == expected


@pytest.mark.parametrize(
    ("bom", "codec", "expected"),
    [
        (b"\xff\xfe", "utf-16-le", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be", "utf-16-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32-be"),
        (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    ],
)
def test_bom_is_detected_and_removed(bom: bytes, codec: str, expected: str) -> None:
    text, used = decode_bytes(bom + SIMPLIFIED.encode(codec))
    assert text == SIMPLIFIED
    assert not text.startswith("\ufeff")
    assert used == expected


def test_traditional_seed_as_big5_and_gb18030() -> None:
    assert decode_bytes(TRADITIONAL.encode("big5")) == (TRADITIONAL, "big5hkscs")
    assert decode_bytes(TRADITIONAL.encode("gb18030")) == (TRADITIONAL, "gb18030")


def test_traditional_seed_004_as_gb18030() -> None:
    original = seed("004")  # pinyin with tone marks is not in Big5, but is in GB18030
    assert decode_bytes(original.encode("gb18030")) == (original, "gb18030")


def _sentences(text: str, min_hanzi: int) -> list[str]:
    pieces = re.split(r"[\n。，,、；]+", text)
    return [p for p in pieces if sum("\u4e00" <= c <= "\u9fff" for c in p) >= min_hanzi]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_short_gb18030_and_big5_texts_are_told_apart(prefix: str) -> None:
    """Big5 bytes are (nearly) always valid GB18030 and the reverse is common: short snippets
    of real text must still come back right."""
    wrong = []
    for sentence in _sentences(seed(prefix), 3):
        for codec in ("gb18030", "big5"):
            try:
                data = sentence.encode(codec)
            except UnicodeEncodeError:
                continue  # simplified characters have no Big5 code
            if decode_bytes(data)[0] != sentence:
                wrong.append((codec, sentence))
    assert not wrong


def test_crlf_is_kept() -> None:
    crlf = SIMPLIFIED.replace("\n", "\r\n")
    for codec in ("utf-8", "gb18030", "utf-16-le"):
        text, _ = decode_bytes(crlf.encode(codec))
        assert text == crlf
        assert text.count("\r\n") == SIMPLIFIED.count("\n")


def test_big5_with_crlf() -> None:
    crlf = TRADITIONAL.replace("\n", "\r\n")
    assert decode_bytes(crlf.encode("big5")) == (crlf, "big5hkscs")


def test_empty_and_ascii() -> None:
    assert decode_bytes(b"") == ("", "utf-8")
    assert decode_bytes(b"hello\n") == ("hello\n", "utf-8")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
        + bytes(range(256)) * 4,
        zlib.compress(SIMPLIFIED.encode("utf-8")),
        b"\x00" * 64,
        bytes(range(1, 32)) * 20,
    ],
    ids=["png", "zlib", "zeros", "controls"],
)
def test_binary_is_rejected(data: bytes) -> None:
    with pytest.raises(DecodeError, match="binary file"):
        decode_bytes(data)


def test_stray_nul_in_utf8_text() -> None:
    text = SIMPLIFIED + "\x00"
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


def test_forced_encoding() -> None:
    data = SIMPLIFIED.encode("gb18030")
    assert decode_bytes(data, "gb18030") == (SIMPLIFIED, "gb18030")
    assert decode_bytes(data, "GBK") == (SIMPLIFIED, "gbk")
    assert decode_bytes(b"\xef\xbb\xbf" + SIMPLIFIED.encode(), "utf-8") == (
        SIMPLIFIED,
        "utf-8-sig",
    )


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (SIMPLIFIED.encode("gb18030"), "utf-8", r"cannot decode as utf-8 \(invalid bytes at"),
        (SIMPLIFIED.encode("gb18030"), "big5", "cannot decode as big5"),
        (TRADITIONAL.encode("utf-8"), "ascii", "cannot decode as ascii"),
        (b"abc", "no-such-codec", "unknown encoding 'no-such-codec'"),
        (b"abc", "base64", "not a text encoding"),
    ],
)
def test_forced_wrong_encoding(data: bytes, encoding: str, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        decode_bytes(data, encoding)


def test_truncated_utf16_with_bom_is_an_error() -> None:
    with pytest.raises(DecodeError, match="utf-16-le"):
        decode_bytes(b"\xff\xfe" + "中文".encode("utf-16-le") + b"\x00")


def test_large_gb18030_input_is_detected_from_a_sample() -> None:
    original = SIMPLIFIED * 40  # ~200k characters: the legacy scoring reads only a prefix
    assert decode_bytes(original.encode("gb18030")) == (original, "gb18030")
    big5 = TRADITIONAL * 40
    assert decode_bytes(big5.encode("big5")) == (big5, "big5hkscs")


ALPHABET = sorted(set(SIMPLIFIED + TRADITIONAL) - {"\x00"})


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(ALPHABET), max_size=200),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "gb18030"]),
)
def test_round_trip_property(text: str, codec: str) -> None:
    """Unicode encodings always come back; GB18030 does for text with enough hanzi."""
    if codec == "gb18030" and sum("\u4e00" <= c <= "\u9fff" for c in text) < 12:
        return
    assert decode_bytes(text.encode(codec))[0] == text
