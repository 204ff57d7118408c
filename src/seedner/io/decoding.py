"""Bytes → text, with encoding detection for Chinese documents.

Detection order (``decode_bytes(data)``):

1. a byte-order mark: UTF-8, UTF-32 LE/BE, UTF-16 LE/BE (the BOM is removed from the text);
2. NUL bytes: strict UTF-8 when NULs are under 10 % of the bytes; else UTF-16 without BOM
   (NULs are the high bytes of ASCII characters) when one byte order gives printable text
   (≥ 95 % assigned, non-control characters; the more Chinese one wins); else, when NULs are
   under half the bytes and the other bytes are text by the steps below, that text with each
   NUL kept as U+0000 (offsets count it; the model reads it as a space); else
   :class:`DecodeError` "binary file";
3. C0 control bytes (other than TAB, LF, VT, FF, CR, SUB, ESC): UTF-16 of CJK-only text (no
   ASCII, hence no NUL) when ≥ 90 % Chinese, else "binary file" if more than 1 % of the bytes;
4. strict UTF-8;
5. the Chinese legacy family: GB18030 (a superset of GBK/GB2312) and Big5 (Big5-HKSCS, then
   CP950), each tried strictly.  When more than one decodes, the text whose Chinese characters
   are the common ones wins (share of characters in GB2312 level 1 after the traditional →
   simplified fold, which tells real text from mojibake well even on a few characters), with
   charset-normalizer's chaos measure (``CharsetMatch.chaos``) breaking ties, then GB18030;
6. last resort: UTF-16 without BOM and without NUL bytes, as in 2.

Line endings are left as they are: offsets are reported into the decoded text.
"""

from __future__ import annotations

import codecs

from seedner.errors import SeednerError
from seedner.text.chars import in_chinese_text

__all__ = ["DecodeError", "check_encoding", "decode_bytes"]

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LEGACY = ("gb18030", "big5hkscs", "cp950")
_SAMPLE_BYTES = 64 * 1024  # what the scoring of legacy candidates looks at
_SCORE_CHARS = 4000
# C0 controls that do not occur in text files (TAB, LF, VT, FF, CR, ESC and SUB are allowed)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26, 27))


class DecodeError(SeednerError):
    """The bytes cannot be turned into text; the message is a short cause."""


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding_used)``; ``encoding=None`` detects the encoding.

    With ``encoding`` given the data is decoded strictly with it (a leading BOM character is
    dropped).  Raises :class:`DecodeError` when the data cannot be decoded.
    """
    data = bytes(data)
    if encoding is not None:
        return _decode_forced(data, encoding)
    if not data:
        return "", "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            used = _bom_name(name, bom)
            try:
                return data.decode(name), used
            except UnicodeDecodeError as exc:
                raise DecodeError(f"cannot decode as {used} {_where(exc)}") from None
    nuls = data.count(0)
    if nuls:
        # UTF-8 first when NULs are few: UTF-16 would read pairs of ASCII letters as hanzi
        found = _utf8_with_nuls(data) if nuls * 10 < len(data) else None
        found = found or _utf16_without_bom(data, nuls)
        if found is not None:
            return found
        return _text_with_nuls(data, nuls)
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls:
        # control bytes but no NUL: maybe UTF-16 of CJK-only text (no ASCII, hence no NUL)
        found = _utf16_without_bom(data, 0, min_chinese=0.9)
        if found is not None:
            return found
        if controls > max(2, len(data) // 100):
            raise DecodeError("binary file (control characters)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    found = _decode_legacy(data) or _utf16_without_bom(data, 0)
    if found is None:
        raise DecodeError("cannot detect encoding (not UTF-8, UTF-16, GB18030 or Big5)")
    return found


def _utf8_with_nuls(data: bytes) -> tuple[str, str] | None:
    rest = data.replace(b"\0", b"")
    if len(rest) - len(rest.translate(None, _CONTROL_BYTES)) > max(2, len(rest) // 100):
        return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return None


def _text_with_nuls(data: bytes, nuls: int) -> tuple[str, str]:
    """Text with stray NUL bytes (a damaged or zero-padded file): the bytes around them are
    detected as usual and each NUL stays in the text as U+0000. A file is binary when NULs are
    half of it or more, or when what is left is not text either."""
    if nuls * 2 >= len(data):
        raise DecodeError("binary file (NUL bytes)")
    try:
        _, name = decode_bytes(data.replace(b"\0", b""))
        return data.decode(name), name
    except (DecodeError, UnicodeDecodeError):
        raise DecodeError("binary file (NUL bytes)") from None


def check_encoding(encoding: str) -> str:
    """The codec's name for ``encoding``; ValueError when Python has no such text encoding."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise ValueError(f"unknown encoding {encoding!r}") from None
    if not getattr(info, "_is_text_encoding", True):  # base64, zlib, rot13...
        raise ValueError(f"{encoding!r} is not a text encoding")
    return info.name


def _decode_forced(data: bytes, encoding: str) -> tuple[str, str]:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r}") from None
    if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"cannot decode as {name} {_where(exc)}") from None
    except LookupError:  # a codec that is not a text encoding (e.g. "base64")
        raise DecodeError(f"{encoding!r} is not a text encoding") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, name


def _bom_name(name: str, bom: bytes) -> str:
    if name == "utf-8-sig":
        return name
    return f"{name}-{'le' if bom[0] == 0xFF else 'be'}"


def _where(exc: UnicodeDecodeError) -> str:
    return f"(invalid bytes at offset {exc.start})"


def _utf16_without_bom(data: bytes, nuls: int, min_chinese: float = 0.0) -> tuple[str, str] | None:
    """UTF-16 with no BOM: try the byte order that puts most NULs in high bytes (ASCII), then the
    other (CJK text has few NULs, and U+XX00 characters put some in low bytes)."""
    if len(data) % 2:
        return None
    odd = data[1::2].count(0)
    order = ("utf-16-le", "utf-16-be") if 2 * odd >= nuls else ("utf-16-be", "utf-16-le")
    best: tuple[float, str, str] | None = None
    for name in order:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        text_share, chinese_share = _shares(text)
        if text_share < 0.95 or chinese_share < min_chinese:
            continue
        if text.count("\0") * 100 > len(text):
            continue  # NUL pairs: a run of NUL bytes in 8-bit text, not UTF-16
        if best is None or chinese_share > best[0]:
            best = (chinese_share, text, name)
    if best is None:
        return None
    _share, text, name = best
    return (text[1:] if text.startswith("\ufeff") else text), name


def _shares(text: str) -> tuple[float, float]:
    """Shares of (assigned printable characters or whitespace, ASCII or CJK characters)."""
    import unicodedata

    sample = text[:20000]
    if not sample:
        return 0.0, 0.0
    good = chinese = 0
    for ch in sample:
        if ch in "\t\n\r\x0c" or unicodedata.category(ch)[0] in "LNPSZM":
            good += 1
            chinese += in_chinese_text(ord(ch))
    return good / len(sample), chinese / len(sample)


def _decode_legacy(data: bytes) -> tuple[str, str] | None:
    candidates: list[tuple[tuple[float, float, int], str]] = []
    for rank, name in enumerate(_LEGACY):
        if name == "cp950" and any(c[1] == "big5hkscs" for c in candidates):
            continue  # CP950 only stands in for Big5 when Big5-HKSCS cannot decode it
        sample = _decode_prefix(data, name)
        if sample is None:
            continue
        candidates.append(((_common_share(sample), -_chaos(sample), -rank), name))
    candidates.sort(reverse=True)
    for _score, name in candidates:
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    return None


def _decode_prefix(data: bytes, name: str) -> str | None:
    """Strictly decode the first ``_SAMPLE_BYTES`` (a sequence cut at the end is dropped)."""
    chunk = data[:_SAMPLE_BYTES]
    try:
        return chunk.decode(name)
    except UnicodeDecodeError as exc:
        if len(data) > len(chunk) and exc.start >= len(chunk) - 4:
            try:
                return chunk[: exc.start].decode(name)
            except UnicodeDecodeError:
                return None
        return None


def _chaos(text: str) -> float:
    """charset-normalizer's chaos of ``text`` (0 clean … 1 mojibake): its UTF-8 form is
    detected with UTF-8 as the only candidate, so the measure is the text's own."""
    from charset_normalizer import from_bytes  # lazy: keeps `import seedner` light

    found = from_bytes(
        text[:_SCORE_CHARS].encode("utf-8"), cp_isolation=["utf_8"], threshold=1.0
    ).best()
    return 1.0 if found is None else found.chaos


def _common_share(text: str) -> float:
    """Share of non-ASCII characters that are common Chinese characters, minus suspicious ones.

    A character is common when its simplified form (character-level fold) is in GB2312 level 1
    (the 3,755 most frequent hanzi).  Mojibake from the wrong legacy codec yields rare hanzi,
    kana, box drawing or private-use characters instead.
    """
    from seedner.text.normalize import fold_text

    good = bad = total = 0
    for ch in fold_text(text[: _SCORE_CHARS * 4])[:_SCORE_CHARS]:
        o = ord(ch)
        if o < 0x80 or 0xC0 <= o < 0x250:  # ASCII, Latin letters (pinyin) are neutral
            continue
        total += 1
        if 0x4E00 <= o < 0xA000:
            try:
                lead = ch.encode("gb2312")[0]
            except UnicodeEncodeError:
                continue
            good += 0xB0 <= lead <= 0xD7
        elif (
            0xE000 <= o < 0xF900  # private use
            or 0x3040 <= o < 0x3100  # kana
            or 0x3100 <= o < 0x3130  # bopomofo
            or 0x2500 <= o < 0x2580  # box drawing
            or 0x370 <= o < 0x530  # Greek, Cyrillic
            or o == 0xFFFD
        ):
            bad += 1
    return (good - bad) / total if total else 0.0
