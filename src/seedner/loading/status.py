"""The rows of ``seedner models``: each model, whether it is on this machine, where and how big."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seedner.loading.catalogue import (
    EMBEDDED_DIR,
    EMBEDDED_LICENCE,
    HANLP_LICENCE,
    pretrained_models,
)
from seedner.loading.hanlp_cache import cache_dir, dir_size, is_component_dir, transformer_for


@dataclass(frozen=True)
class ModelStatus:
    """One row of ``seedner models``."""

    name: str
    hanlp_id: str
    aliases: tuple[str, ...]
    kind: str
    labels: str
    types: tuple[str, ...]
    licence: str
    present: bool
    path: str
    size_bytes: int | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "hanlp_id": self.hanlp_id,
            "aliases": list(self.aliases),
            "kind": self.kind,
            "labels": self.labels,
            "types": list(self.types),
            "licence": self.licence,
            "present": self.present,
            "path": self.path,
            "size_bytes": self.size_bytes,
            "note": self.note,
        }


def _embedded_status() -> ModelStatus:
    import json

    from seedner.bio import label_types
    from seedner.loading.labels import canonical_type
    from seedner.model.weights import weights_path
    from seedner.types import ENTITY_TYPES

    present = (EMBEDDED_DIR / "config.json").is_file() and weights_path(EMBEDDED_DIR) is not None
    types: tuple[str, ...] = ()
    labels = ""
    if present:
        config = json.loads((EMBEDDED_DIR / "config.json").read_text(encoding="utf-8"))
        kinds = label_types(config.get("labels", []))
        labels = ", ".join(kinds)
        mapped = {canonical_type(k) for k in kinds}
        types = tuple(t for t in ENTITY_TYPES if t in mapped)
    size = sum(
        (EMBEDDED_DIR / f).stat().st_size
        for f in ("model.safetensors", "model.pt", "vocab.json", "encoder.onnx")
        if (EMBEDDED_DIR / f).is_file()
    )
    return ModelStatus(
        "embedded",
        "seedner.model.component.CharNER",
        (),
        "char BiGRU-CRF (LAC-initialised)",
        labels,
        types,
        EMBEDDED_LICENCE,
        present,
        str(EMBEDDED_DIR),
        size if present else None,
        "" if present else "the package's model files are missing",
    )


def model_statuses() -> list[ModelStatus]:
    """The embedded model and the listed pretrained ones, with what is in the cache now."""
    rows = [_embedded_status()]
    for info in pretrained_models():
        path = cache_dir(info.url)
        here = is_component_dir(path)
        tf = transformer_for(info, path)
        note = ""
        size = dir_size(path) if here else None
        if here and tf is not None:
            if tf.present and tf.path is not None:
                size = (size or 0) + dir_size(tf.path)
            elif not tf.present:
                note = f"its transformer {tf.name} is missing" + (
                    f" ({tf.path})" if tf.path else ""
                )
        rows.append(
            ModelStatus(
                info.aliases[0] if info.aliases else info.name,
                info.name,
                info.aliases,
                info.kind,
                info.labels,
                info.types,
                HANLP_LICENCE,
                here and not note,
                str(path),
                size,
                note,
            )
        )
    return rows
