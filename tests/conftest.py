"""Session fixtures: the embedded model's results on the seeds, computed once for every module
that only reads them. Test modules import helpers from ``.helpers``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .helpers import SEEDS, seed_text

if TYPE_CHECKING:
    from seedner.api import Extractor
    from seedner.types import DocumentResult


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The embedded model's extractor (all types, no reference date), shared: it keeps no state
    between runs."""
    from seedner.api import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def seed_results() -> list[DocumentResult]:
    """``seedner.extract`` on the seed files, in name order; ids are the files' paths."""
    import seedner
    from seedner.types import Document

    paths = sorted(SEEDS.glob("*.txt"))
    return seedner.extract([Document(str(p), p.read_text(encoding="utf-8")) for p in paths])


@pytest.fixture(scope="session")
def seed_results_by_prefix(
    seed_results: list[DocumentResult],
) -> dict[str, tuple[str, DocumentResult]]:
    """``{"000": (text, result), ...}``: each seed's text and result, by its name's prefix (the
    result of the seed file ``seed_text(prefix)`` names, holding that file's text)."""
    by_prefix = {Path(str(r.id)).name[:3]: (r.text, r) for r in seed_results}
    for prefix, (text, result) in by_prefix.items():
        assert (str(result.id), text) == tuple(map(str, seed_text(prefix)))
    return by_prefix


@pytest.fixture(scope="session")
def seed_jsonl_bytes() -> bytes:
    """The standard output of ``seedner extract seeds/ -f jsonl`` (typer's CliRunner)."""
    from typer.testing import CliRunner

    from seedner.cli import app

    result = CliRunner().invoke(app, ["extract", str(SEEDS), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.fixture(scope="session")
def seed_jsonl(seed_jsonl_bytes: bytes) -> list[dict]:
    """The records of ``seedner extract seeds/ -f jsonl``, one per seed file, parsed."""
    import orjson

    return [orjson.loads(line) for line in seed_jsonl_bytes.splitlines()]
