"""``--device``: parsed and checked here, once, for every engine and model kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seedner.errors import ModelError

if TYPE_CHECKING:
    pass


def parse_device(device: str | int | None) -> int | None:
    """``auto``/None → None (a GPU when torch sees one), ``cpu`` → -1, ``cuda[:N]`` → N.

    That is the ``devices=`` convention of ``hanlp.load`` and of the embedded CharNER.
    """
    if device is None or device == "auto":
        return None
    if isinstance(device, int):
        value = device
    else:
        text = device.strip().lower()
        if text == "cpu":
            return -1
        if text == "cuda":
            value = 0
        elif text.startswith("cuda:") and text[5:].isdigit():
            value = int(text[5:])
        else:
            raise ModelError(f"device {device!r}: choose auto, cpu, cuda or cuda:N")
    if value < 0:
        return -1
    import torch

    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if value >= count:
        seen = f"{count} CUDA GPU{'s' if count != 1 else ''}" if count else "no CUDA GPU"
        raise ModelError(
            f"device {device!r}: torch {torch.__version__} sees {seen}; use --device cpu or auto"
        )
    return value


def names_gpu(device: str | int | None) -> bool:
    """Whether ``device`` asks for a GPU (``cuda``, ``cuda:N`` or a GPU index), without torch."""
    if isinstance(device, int):
        return device >= 0
    return device is not None and device.strip().lower().startswith("cuda")
