"""Character classes of Chinese text, defined once: ideographs and sentence punctuation.

The ``*_CLASS`` strings are bodies of regular-expression character classes (``f"[{...}]"``).
"""

from __future__ import annotations

import re

# CJK Unified Ideographs and Extension A: the ideographs of everyday text
BASIC_IDEOGRAPHS_CLASS = "\u3400-\u4dbf\u4e00-\u9fff"
# every ideograph: 〇, the basic blocks, compatibility ideographs, Extensions B and later
IDEOGRAPHS_CLASS = f"\u3007{BASIC_IDEOGRAPHS_CLASS}\uf900-\ufaff\U00020000-\U0003134f"
IDEOGRAPH_RE = re.compile(f"[{IDEOGRAPHS_CLASS}]")

# punctuation that ends a sentence, and what may close after it (quotes, brackets)
SENTENCE_FINAL = "。！？!?；;…｡⋯"
CLOSING = "”’」』）)】》〕〗〙〛﹂﹄"


def in_chinese_text(code: int) -> bool:
    """Whether code point ``code`` is of a block Chinese text is written in: ASCII, general
    punctuation, CJK symbols to CJK Unified Ideographs (kana, bopomofo, Extension A), and
    full-width forms. Used to score candidate decodings of bytes."""
    return code < 0x80 or 0x2000 <= code < 0x2070 or 0x3000 <= code < 0xA000 or code >= 0xFF00


def is_basic_ideograph(ch: str) -> bool:
    """Whether ``ch`` is in CJK Unified Ideographs or Extension A."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
