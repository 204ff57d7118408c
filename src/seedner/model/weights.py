"""A saved model's weights on disk: ``model.safetensors`` (half precision).

safetensors is read by torch for training and by NumPy alone for inference, so tagging with
the ONNX encoder never imports torch (about 220 MB and two seconds per process). Models saved
before it existed hold a torch pickle, ``model.pt``, which only torch reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

FILE = "model.safetensors"
LEGACY_FILE = "model.pt"


def weights_path(folder: str | Path) -> Path | None:
    """The weights file of a saved model, or None when it has none."""
    for name in (FILE, LEGACY_FILE):
        path = Path(folder) / name
        if path.is_file():
            return path
    return None


def save_weights(state: dict[str, torch.Tensor], folder: str | Path) -> None:
    """Floating-point tensors in half precision, the others as they are."""
    from safetensors.torch import save_file

    half = {k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in state.items()}
    save_file(half, str(Path(folder) / FILE))
    (Path(folder) / LEGACY_FILE).unlink(missing_ok=True)  # never two weights files


def load_torch(folder: str | Path) -> dict[str, torch.Tensor]:
    """The state dict in float32 (either format)."""
    path = weights_path(folder)
    if path is None:
        raise FileNotFoundError(f"no {FILE} in {folder}")
    if path.name == FILE:
        from safetensors.torch import load_file

        state = load_file(str(path))
    else:
        import torch

        state = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
    return {k: v.float() if v.is_floating_point() else v for k, v in state.items()}


def load_numpy(folder: str | Path, names: list[str]) -> dict[str, np.ndarray] | None:
    """The named arrays in float32, read without torch; None for a legacy ``model.pt``."""
    path = Path(folder) / FILE
    if not path.is_file():
        return None
    from safetensors import safe_open

    with safe_open(str(path), framework="np") as f:
        return {name: f.get_tensor(name).astype(np.float32) for name in names}
