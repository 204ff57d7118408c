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


def is_basic_ideograph(ch: str) -> bool:
    """Whether ``ch`` is in CJK Unified Ideographs or Extension A."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
