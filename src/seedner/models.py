"""Finding and loading NER models: the embedded one shipped in the package, or a saved HanLP component."""

from __future__ import annotations

from pathlib import Path
from typing import Any

EMBEDDED_DIR = Path(__file__).resolve().parent / "embedded"


class ModelError(Exception):
    """A model cannot be found or loaded; the message says which and why."""


def resolve_model_path(model: str) -> Path:
    if model == "embedded":
        path = EMBEDDED_DIR
    else:
        path = Path(model).expanduser()
    if not (path / "config.json").is_file():
        raise ModelError(f"model {model!r}: no saved HanLP component at {path} (config.json missing)")
    return path


def load_model(model: str = "embedded", device: str | None = None) -> Any:
    """Load a NER component with ``hanlp.load``."""
    import hanlp

    path = resolve_model_path(model)
    kwargs: dict[str, Any] = {}
    if device is not None:
        kwargs["devices"] = device
    try:
        return hanlp.load(str(path), **kwargs)
    except Exception as exc:  # HanLP wraps failures in many types; report them in one line.
        raise ModelError(f"model {model!r} at {path} could not be loaded: {exc}") from exc
