from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATASETS = ROOT.parent / "shared" / "datasets"


def seed_text(name_prefix: str) -> tuple[Path, str]:
    (path,) = SEEDS.glob(f"{name_prefix}_*.txt")
    return path, path.read_text(encoding="utf-8")


def dataset(relative: str) -> Path:
    """A corpus file from ../shared/datasets; the test is skipped, saying why, when it is absent."""
    path = DATASETS / relative
    if not path.is_file():
        pytest.skip(f"corpus file {path} is not on this machine (CI has it)")
    return path
