"""Calibration of the entity scores: the temperature stored with a model, and how far scores
are from the accuracy they claim (expected calibration error, reliability bins).

A model folder may hold ``calibration.json``: the temperature its span scores are computed
with (:mod:`seedner.model.marginals`), fitted on dev sets by ``scripts/calibrate.py``, and a
fingerprint of the CRF transitions it was fitted for. A model without the file, or whose
weights changed since (a retrained or fine-tuned model keeps no stale temperature), scores
with temperature 1.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

FILE = "calibration.json"
BINS = 10


def fingerprint(transitions: np.ndarray) -> str:
    """A short hash of a CRF's transition scores (as saved, without the BIO penalties)."""
    data = np.ascontiguousarray(transitions, dtype=np.float32).tobytes()
    return hashlib.sha256(data).hexdigest()[:16]


def read_temperature(folder: str | Path | None, transitions: np.ndarray) -> float:
    """The temperature stored in ``folder`` for a CRF with these ``transitions``; 1 when there
    is none, it is unreadable, or it was fitted for other weights."""
    if folder is None:
        return 1.0
    try:
        saved = json.loads((Path(folder) / FILE).read_text(encoding="utf-8"))
        temperature = float(saved["temperature"])
    except (OSError, ValueError, KeyError, TypeError):
        return 1.0
    if saved.get("crf") != fingerprint(transitions) or not temperature > 0:
        return 1.0
    return temperature


def saved_transitions(folder: str | Path) -> np.ndarray:
    """The CRF transition scores saved in a model folder, as loading reads them."""
    from seedner.model.weights import load_numpy, load_torch

    arrays = load_numpy(folder, ["crf.transitions"])
    if arrays is None:  # a legacy model.pt
        return load_torch(folder)["crf.transitions"].numpy()
    return arrays["crf.transitions"]


def write_calibration(folder: str | Path, temperature: float, **details: Any) -> Path:
    """Store ``temperature`` for the model saved in ``folder``, tied to its CRF (with
    ``details``: figures, the command)."""
    path = Path(folder) / FILE
    record = {
        "temperature": round(temperature, 4),
        "crf": fingerprint(saved_transitions(folder)),
        **details,
    }
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True, slots=True)
class Bin:
    """Scores in ``[low, high)`` (the last bin includes 1): how many, their mean, and the share
    of them that is right."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


def reliability(scores: np.ndarray, correct: np.ndarray, bins: int = BINS) -> list[Bin]:
    """Equal-width bins of ``scores`` with their mean score and accuracy (empty bins left out)."""
    scores = np.asarray(scores, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    which = np.minimum((scores * bins).astype(np.int64), bins - 1)
    out = []
    for k in range(bins):
        chosen = which == k
        count = int(chosen.sum())
        if count:
            out.append(
                Bin(
                    k / bins,
                    (k + 1) / bins,
                    count,
                    float(scores[chosen].mean()),
                    float(correct[chosen].mean()),
                )
            )
    return out


def expected_calibration_error(scores: np.ndarray, correct: np.ndarray, bins: int = BINS) -> float:
    """Mean over equal-width bins of ``|accuracy - mean score|``, weighted by their counts."""
    found = reliability(scores, correct, bins)
    total = sum(b.count for b in found)
    if not total:
        return 0.0
    return sum(b.count * abs(b.accuracy - b.confidence) for b in found) / total
