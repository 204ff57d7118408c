"""The models ``--model`` can name: the embedded one and HanLP's NER-capable pretrained models
(constants of ``hanlp.pretrained`` with seedner's short aliases), and ``NAME@ner/TASK``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

EMBEDDED_DIR = Path(__file__).resolve().parents[1] / "embedded"

HANLP_LICENCE = "CC BY-NC-SA 4.0"
EMBEDDED_LICENCE = (
    "research use only (derived from MSRA NER, People's Daily 1998 and CLUENER2020; "
    "Weibo NER CC BY-SA 3.0; LAC weights Apache-2.0)"
)

ELECTRA_SMALL = "hfl/chinese-electra-180g-small-discriminator"
ELECTRA_BASE = "hfl/chinese-electra-180g-base-discriminator"
FOUR_TYPES = ("PER", "ORG", "LOC", "DATE")


@dataclass(frozen=True)
class PretrainedModel:
    """A HanLP pretrained model that can serve as seedner's NER model."""

    name: str  # the constant in hanlp.pretrained, or the URL for an unlisted one
    url: str
    aliases: tuple[str, ...] = ()
    kind: str = ""  # "mtl" (multi-task) or "ner" (single task); "" when not known
    labels: str = ""  # native label set(s)
    types: tuple[str, ...] = ()  # seedner types its labels map to
    transformer: str | None = None  # the transformer it needs besides its own archive, if known
    description: str = ""


# (constant, aliases, kind, native labels, seedner types, transformer when known)
_CATALOGUE: tuple[tuple[str, tuple[str, ...], str, str, tuple[str, ...], str | None], ...] = (
    (
        "CLOSE_TOK_POS_NER_SRL_DEP_SDP_CON_ELECTRA_SMALL_ZH",
        ("electra-small",),
        "mtl",
        "ner/msra (26 types, used by default), ner/pku, ner/ontonotes",
        FOUR_TYPES,
        ELECTRA_SMALL,
    ),
    (
        "CLOSE_TOK_POS_NER_SRL_DEP_SDP_CON_ELECTRA_BASE_ZH",
        ("electra-base",),
        "mtl",
        "ner/msra (26 types, used by default), ner/pku, ner/ontonotes",
        FOUR_TYPES,
        ELECTRA_BASE,
    ),
    (
        "CLOSE_TOK_POS_NER_SRL_UDEP_SDP_CON_ELECTRA_SMALL_ZH",
        ("electra-small-udep",),
        "mtl",
        "ner/msra (26 types, used by default), ner/pku, ner/ontonotes",
        FOUR_TYPES,
        ELECTRA_SMALL,
    ),
    (
        "CLOSE_TOK_POS_NER_SRL_DEP_SDP_CON_ERNIE_GRAM_ZH",
        ("ernie-gram",),
        "mtl",
        "ner/msra (26 types, used by default), ner/pku, ner/ontonotes",
        FOUR_TYPES,
        None,
    ),
    (
        "OPEN_TOK_POS_NER_SRL_DEP_SDP_CON_ELECTRA_SMALL_ZH",
        ("open-electra-small",),
        "mtl",
        "ner (MSRA, 26 types)",
        FOUR_TYPES,
        ELECTRA_SMALL,
    ),
    (
        "OPEN_TOK_POS_NER_SRL_DEP_SDP_CON_ELECTRA_BASE_ZH",
        ("open-electra-base",),
        "mtl",
        "ner (MSRA, 26 types)",
        FOUR_TYPES,
        ELECTRA_BASE,
    ),
    (
        "UD_ONTONOTES_TOK_POS_LEM_FEA_NER_SRL_DEP_SDP_CON_MMINILMV2L6",
        ("minilm-l6",),
        "mtl",
        "ner (OntoNotes, 18 types)",
        FOUR_TYPES,
        "mMiniLMv2L6-no-space",
    ),
    (
        "UD_ONTONOTES_TOK_POS_LEM_FEA_NER_SRL_DEP_SDP_CON_MMINILMV2L12",
        ("minilm-l12",),
        "mtl",
        "ner (OntoNotes, 18 types)",
        FOUR_TYPES,
        "mMiniLMv2L12-no-space",
    ),
    (
        "UD_ONTONOTES_TOK_POS_LEM_FEA_NER_SRL_DEP_SDP_CON_XLMR_BASE",
        ("xlmr-base",),
        "mtl",
        "ner (OntoNotes, 18 types)",
        FOUR_TYPES,
        None,
    ),
    (
        "MSRA_NER_ELECTRA_SMALL_ZH",
        ("msra-ner-electra-small",),
        "ner",
        "MSRA (26 types)",
        FOUR_TYPES,
        ELECTRA_SMALL,
    ),
    (
        "MSRA_NER_BERT_BASE_ZH",
        ("msra-ner-bert-base",),
        "ner",
        "MSRA (3 types)",
        ("PER", "ORG", "LOC"),
        None,
    ),
    (
        "MSRA_NER_ALBERT_BASE_ZH",
        ("msra-ner-albert-base",),
        "ner",
        "MSRA (3 types)",
        ("PER", "ORG", "LOC"),
        None,
    ),
)


@lru_cache(maxsize=1)
def pretrained_models() -> tuple[PretrainedModel, ...]:
    """The NER-capable HanLP pretrained models for Chinese, with seedner's aliases."""
    import hanlp.pretrained  # light: no torch

    found = []
    for name, aliases, kind, labels, types, transformer in _CATALOGUE:
        url = hanlp.pretrained.ALL.get(name)
        if url is None:  # not in this hanlp version
            continue
        found.append(PretrainedModel(name, url, aliases, kind, labels, types, transformer))
    return tuple(found)


def find_pretrained(model: str) -> PretrainedModel | None:
    """The pretrained model that ``model`` names (constant, alias or HanLP URL), or None."""
    key = model.strip()
    for info in pretrained_models():
        if key.lower() == info.name.lower() or key.lower() in info.aliases:
            return info
    import hanlp.pretrained

    url = hanlp.pretrained.ALL.get(key.upper())
    if url is not None:  # a HanLP model seedner does not list; the adapter decides whether it fits
        return PretrainedModel(key.upper(), url)
    if key.startswith(("https://", "http://")):
        return PretrainedModel(key, key)
    return None


def split_task(model: str) -> tuple[str, str | None]:
    """``"electra-small@ner/pku"`` → ``("electra-small", "ner/pku")``; no suffix → task None."""
    name, sep, task = model.rpartition("@")
    if sep and name and task.startswith("ner"):
        return name, task
    return model, None
