"""Helpers shared by the test modules (``from .helpers import ...``); conftest.py builds its
session fixtures on them."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATASETS = ROOT.parent / "shared" / "datasets"
TYPES = {"PER", "ORG", "LOC", "DATE"}

# An address that refuses connections at once: no test ever reaches the network, even on a
# machine that has one (HanLP's downloader and seedner's reachability check both honour it).
NO_NETWORK = {
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
}


def seed_text(name_prefix: str) -> tuple[Path, str]:
    """The seed file whose name starts with ``name_prefix`` and its text."""
    (path,) = SEEDS.glob(f"{name_prefix}_*.txt")
    return path, path.read_text(encoding="utf-8")


def seed(name_prefix: str) -> str:
    """The text of the seed file whose name starts with ``name_prefix``."""
    return seed_text(name_prefix)[1]


def dataset(relative: str) -> Path:
    """A corpus file from ../shared/datasets; the test is skipped, saying why, when it is absent."""
    path = DATASETS / relative
    if not path.is_file():
        pytest.skip(f"corpus file {path} is not on this machine (CI has it)")
    return path


def offline_hanlp_home(monkeypatch: pytest.MonkeyPatch, path: Path) -> Path:
    """Make ``path`` the HanLP cache (HANLP_HOME), with every network request refused."""
    for key, value in NO_NETWORK.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HANLP_HOME", str(path))
    return path


def extract_with_model(
    model: str | Path, *inputs: str | Path, device: str | None = None
) -> list[dict]:
    """``seedner extract INPUTS -f jsonl --model MODEL [--device DEVICE]``, run with typer's
    CliRunner: it must exit 0, and every entity of every record must hold the output
    contract (its text at its offsets in the input file, a seedner type, sorted by offsets).
    The records, parsed."""
    import orjson
    from typer.testing import CliRunner

    from seedner.cli import app

    args = ["extract", *map(str, inputs), "-f", "jsonl", "--model", str(model)]
    if device is not None:
        args += ["--device", device]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    records = [orjson.loads(line) for line in result.stdout.splitlines()]
    for record in records:
        text = Path(record["id"]).read_text(encoding="utf-8")
        spans = [(e["start"], e["end"]) for e in record["entities"]]
        assert spans == sorted(spans), record["id"]
        for e in record["entities"]:
            assert text[e["start"] : e["end"]] == e["text"], e
            assert e["type"] in TYPES, e
    return records
