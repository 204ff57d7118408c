"""Helpers shared by the test modules (``from .helpers import ...``); conftest.py builds its
session fixtures on them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
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


def msra_dev_texts(n: int, start: int = 0) -> list[str]:
    """The texts of MSRA dev's sentences ``start`` to ``start + n`` (skipped without it)."""
    blocks = dataset("msra/dev.tsv").read_text(encoding="utf-8").split("\n\n")[start : start + n]
    return ["".join(line[0] for line in block.splitlines()) for block in blocks]


def real_emissions(ner: Any, texts: list[str]) -> np.ndarray:
    """A loaded GRU model's emissions (its ONNX runtime's) at the texts' real positions,
    ``(characters, labels)``."""
    runtime = ner.runtime
    assert runtime is not None
    emissions, lengths = runtime.emissions(texts)
    real = np.arange(emissions.shape[1])[None, :] < lengths[:, None]
    return emissions[real]


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


def records_with_bad_lines(folder: Path) -> Path:
    """``folder/records.jsonl``: the paragraphs of a seed as JSON Lines records (ids ``p0``,
    ``p1``, ...), with a malformed line (line 4) and a record without text (line 7)."""
    import orjson

    _, text = seed_text("001")
    paragraphs = [p for p in text.split("\n") if p.strip()]
    lines = [orjson.dumps({"id": f"p{i}", "text": p}) for i, p in enumerate(paragraphs)]
    lines.insert(3, b'{"id": "broken", "text": ')
    lines.insert(6, b'{"id": "empty"}')
    path = folder / "records.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def run_extract(*args: str) -> tuple[int, bytes, list[str]]:
    """``seedner extract ARGS -q`` (typer's CliRunner): its exit status, stdout and stderr
    lines, which must all be seedner's own."""
    from typer.testing import CliRunner

    from seedner.cli import app

    result = CliRunner().invoke(app, ["extract", *args, "-q"])
    errors = [line for line in result.stderr.splitlines() if line.startswith("seedner:")]
    assert len(errors) == len(result.stderr.splitlines()), result.stderr  # nothing else
    return result.exit_code, result.stdout_bytes, errors
