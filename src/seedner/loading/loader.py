"""Loading a model with ``hanlp.load`` and adapting it to seedner's span contract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seedner.errors import ModelError
from seedner.loading.catalogue import EMBEDDED_DIR, find_pretrained, split_task
from seedner.loading.devices import parse_device
from seedner.loading.hanlp_cache import (
    cache_dir,
    fetch_pretrained,
    hanlp_offline_friendly,
    is_component_dir,
)


def resolve_model_path(model: str) -> Path:
    """The local folder of ``model`` (embedded, a folder, or a pretrained model already cached)."""
    name, _ = split_task(model)
    if name == "embedded":
        path = EMBEDDED_DIR
    else:
        path = Path(name).expanduser()
        if not is_component_dir(path):
            info = find_pretrained(name)
            if info is not None:
                cached = cache_dir(info.url)
                if is_component_dir(cached):
                    return cached
                raise ModelError(f"model {model!r} is not in the HanLP cache yet ({cached})")
    if not is_component_dir(path):
        hint = (
            ""
            if name == "embedded"
            else ("; not a HanLP pretrained name or alias either (see `seedner models`)")
        )
        raise ModelError(
            f"model {model!r}: no saved HanLP component at {path.resolve()} "
            f"(config.json missing){hint}"
        )
    return path


def load_model(model: str = "embedded", device: str | int | None = None) -> Any:
    """Load a NER component with ``hanlp.load`` and adapt it to seedner's span contract.

    Raises :class:`ModelError` with a one-line message on any failure.
    """
    devices = parse_device(device)
    name, task = split_task(model)
    path = Path(name).expanduser()
    if name == "embedded" or is_component_dir(path):
        path = resolve_model_path(name)
    else:
        info = find_pretrained(name)
        # No such model: resolve_model_path raises, naming the folder and `seedner models`.
        path = resolve_model_path(name) if info is None else fetch_pretrained(info, name)
    import hanlp

    try:
        with hanlp_offline_friendly():
            component = hanlp.load(str(path), verbose=False, devices=devices)
    except Exception as exc:  # HanLP wraps failures in many types; report them in one line.
        first = (str(exc).strip().splitlines() or [""])[0]
        raise ModelError(
            f"model {model!r} at {path} could not be loaded: {type(exc).__name__}: {first}"
        ) from None
    from seedner.loading.adapters import adapt

    try:
        return adapt(component, task)
    except ValueError as exc:
        raise ModelError(f"model {model!r} at {path}: {exc}") from None
