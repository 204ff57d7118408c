"""Convert Baidu LAC-small's weights (Apache-2.0) into a file the embedded model starts from.

    pip download --no-deps --no-binary :all: jieba==0.42.1     # the sdist carries LAC-small
    python scripts/convert_lac.py jieba-0.42.1.tar.gz lac_small.pt

LAC-small (``jieba/lac_small/`` in jieba 0.42.1's source distribution) is a character tagger
trained by Baidu on a large corpus: character embeddings (20,941 × 128) → two bidirectional GRU
layers of 128 → a linear layer → a CRF over 57 word-class tags. Its files are PaddlePaddle
tensors: a small header (versions, LoD levels, a protobuf tensor description) then raw float32.

The output is a ``torch.save`` dict: ``chars`` (the characters, in id order), ``embed``
(chars × 128), ``gru`` (PyTorch ``nn.GRU`` parameters, 2 layers, bidirectional, names as
``nn.GRU`` spells them), ``fc`` and ``crf`` (LAC's own tag layer and transitions, for checks),
and ``tags``. Neither jieba nor Paddle is needed to read it.

Paddle's GRU differs from PyTorch's in two ways: its update gate keeps the *new* state
(h = (1-u)·h + u·c, so PyTorch's z is 1-u: the update rows are negated here), and it applies
the reset gate before the recurrent product of the candidate (W·(r⊙h)) where PyTorch applies
it after (r⊙(W·h)). The second cannot be expressed in ``nn.GRU``, so the weights keep
``nn.GRU``'s names and layout here and the model computes Paddle's form exactly: its own GRU
layer (``seedner.model.gru_network.LacBiGRU``) in training, ONNX's ``GRU`` with
``linear_before_reset=0`` at inference. Loaded into ``nn.GRU`` instead, the same weights lose a
third of their zero-shot F1 (the model card has both figures).
"""

from __future__ import annotations

import argparse
import io
import sys
import tarfile
from pathlib import Path

import numpy as np
import torch

HIDDEN = 128
MEMBER = "jieba/lac_small/"


def paddle_tensor(data: bytes) -> np.ndarray:
    """The float32 values of a serialized Paddle LoDTensor (flat; shapes are known here)."""
    pos = 4  # version
    lod_levels = int.from_bytes(data[pos : pos + 8], "little")
    pos += 8
    for _ in range(lod_levels):
        size = int.from_bytes(data[pos : pos + 8], "little")
        pos += 8 + size
    pos += 4  # tensor version
    desc_size = int.from_bytes(data[pos : pos + 4], "little", signed=True)
    pos += 4 + desc_size
    return np.frombuffer(data[pos:], dtype="<f4").copy()


class LacFiles:
    """Files of ``jieba/lac_small`` from the sdist archive or an unpacked folder."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self._tar = tarfile.open(source) if source.is_file() else None  # noqa: SIM115 (kept open while reading)

    def read(self, name: str) -> bytes:
        if self._tar is None:
            candidates = [self.source / name, self.source / "jieba" / "lac_small" / name]
            candidates.append(self.source / MEMBER / name)
            for path in candidates:
                if path.is_file():
                    return path.read_bytes()
            raise FileNotFoundError(f"{name} not found under {self.source}")
        for member in self._tar.getmembers():
            if member.name.endswith(MEMBER + name):
                handle = self._tar.extractfile(member)
                assert handle is not None
                return handle.read()
        raise FileNotFoundError(f"{MEMBER}{name} not in {self.source}")

    def tensor(self, name: str, *shape: int) -> np.ndarray:
        return paddle_tensor(self.read("model_baseline/" + name)).reshape(shape)

    def dictionary(self, name: str) -> list[str]:
        """Values of an ``id<TAB>value`` file, in id order (an id the file skips: ``""``)."""
        rows = {}
        for line in io.StringIO(self.read(name).decode("utf-8")):
            key, _, value = line.rstrip("\n").partition("\t")
            if key:
                rows[int(key)] = value
        return [rows.get(i, "") for i in range(max(rows) + 1)]


def gru_direction(fc_w: np.ndarray, fc_b: np.ndarray, gru_w: np.ndarray, gru_b: np.ndarray):
    """PyTorch (weight_ih, weight_hh, bias_ih, bias_hh) of one Paddle fc + dynamic_gru pair.

    Paddle: x → fc (in × 3H, gates update|reset|candidate) → GRU with recurrent weights stored
    as an H × 2H block (update|reset) followed by an H × H block (candidate), bias 3H.
    PyTorch: gates reset|update|new, weights (3H × in).
    """
    h = HIDDEN
    flat = gru_w.reshape(-1)
    w_ur = flat[: h * 2 * h].reshape(h, 2 * h)
    w_c = flat[h * 2 * h :].reshape(h, h)
    b = gru_b.reshape(-1)
    fb = fc_b.reshape(-1)
    u, r, c = slice(0, h), slice(h, 2 * h), slice(2 * h, 3 * h)
    weight_ih = np.concatenate([fc_w[:, r].T, -fc_w[:, u].T, fc_w[:, c].T])
    weight_hh = np.concatenate([w_ur[:, h:].T, -w_ur[:, :h].T, w_c.T])
    bias_ih = np.concatenate([fb[r] + b[r], -(fb[u] + b[u]), fb[c] + b[c]])
    bias_hh = np.zeros(3 * h, dtype=np.float32)
    return weight_ih, weight_hh, bias_ih, bias_hh


def convert(source: Path) -> dict[str, object]:
    files = LacFiles(source)
    chars = files.dictionary("word.dic")
    tags = files.dictionary("tag.dic")
    embed = files.tensor("word_emb", len(chars), HIDDEN)
    gru: dict[str, torch.Tensor] = {}
    # fc_0/gru_0: layer 1 forward, fc_1/gru_1: layer 1 backward, then layer 2 likewise
    for index in range(4):
        layer, reverse = divmod(index, 2)
        n_in = HIDDEN if layer == 0 else 2 * HIDDEN
        parts = gru_direction(
            files.tensor(f"fc_{index}.w_0", n_in, 3 * HIDDEN),
            files.tensor(f"fc_{index}.b_0", 3 * HIDDEN),
            files.tensor(f"gru_{index}.w_0", HIDDEN * 3 * HIDDEN),
            files.tensor(f"gru_{index}.b_0", 3 * HIDDEN),
        )
        suffix = f"_l{layer}" + ("_reverse" if reverse else "")
        for name, value in zip(("weight_ih", "weight_hh", "bias_ih", "bias_hh"), parts):
            gru[name + suffix] = torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
    n_tags = len(tags)
    return {
        "source": "Baidu LAC-small (jieba 0.42.1 sdist, jieba/lac_small), Apache-2.0",
        "chars": chars,
        "tags": tags,
        "embed": torch.from_numpy(embed),
        "gru": gru,
        "fc": {
            "weight": torch.from_numpy(files.tensor("fc_4.w_0", 2 * HIDDEN, n_tags).T.copy()),
            "bias": torch.from_numpy(files.tensor("fc_4.b_0", n_tags)),
        },
        "crf": torch.from_numpy(files.tensor("crfw", n_tags + 2, n_tags)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path, help="jieba-0.42.1.tar.gz or its unpacked folder")
    parser.add_argument("out", type=Path, help="output file (.pt)")
    args = parser.parse_args()
    if not args.source.exists():
        sys.exit(f"convert_lac.py: error: no such file or folder: {args.source}")
    try:
        weights = convert(args.source)
    except (FileNotFoundError, ValueError, tarfile.TarError) as exc:
        sys.exit(f"convert_lac.py: error: {args.source}: {exc}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(weights, args.out)
    print(f"{args.out}: {len(weights['chars'])} characters, {len(weights['tags'])} tags")


if __name__ == "__main__":
    main()
