"""Mapping of models' native labels to seedner's four entity types."""

from __future__ import annotations

# Native label (upper-cased) → canonical type. Labels missing here are not reported.
LABEL_TYPES: dict[str, str] = {
    # Embedded model and MSRA-style corpora
    "PER": "PER",
    "ORG": "ORG",
    "LOC": "LOC",
    "DATE": "DATE",
    # HanLP MSRA (26 types) and OntoNotes label sets
    "PERSON": "PER",
    "ORGANIZATION": "ORG",
    "LOCATION": "LOC",
    "GPE": "LOC",
    "FAC": "LOC",
    # PKU / People's Daily part-of-speech style
    "NR": "PER",
    "NT": "ORG",
    "NS": "LOC",
    "T": "DATE",
    # Weibo named mentions
    "PER.NAM": "PER",
    "ORG.NAM": "ORG",
    "LOC.NAM": "LOC",
    "GPE.NAM": "LOC",
    # CLUENER2020 (address and scene chosen as LOC by measurement on its dev split;
    # book, game, movie and position are not entities of ours)
    "NAME": "PER",
    "COMPANY": "ORG",
    "GOVERNMENT": "ORG",
    "ADDRESS": "LOC",
    "SCENE": "LOC",
}


def canonical_type(label: str) -> str | None:
    return LABEL_TYPES.get(label.upper())
