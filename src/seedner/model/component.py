"""The embedded NER model as a HanLP component: ``hanlp.load(path)`` returns a ``CharNER``.

``predict`` takes a sentence or a list of sentences and returns HanLP's NER shape:
``(entity, label, start, end)`` tuples with character offsets.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from hanlp.common.component import Component
from hanlp_common.reflection import classpath_of

from seedner.bio import bio_spans, label_types
from seedner.loading.devices import torch_device
from seedner.model.features import Featurizer, Vocab
from seedner.model.gru_network import CharBiGRUCRF
from seedner.model.network import CharBiLSTMCRF
from seedner.types import NerSpan

# oneDNN keeps a compiled kernel per input shape (1,024 by default); with sentences of every
# length that grows to ~0.5 GB over a large input, for no measurable speed gain over a few.
os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "8")

HYPERPARAMS = ("char_dim", "bigram_dim", "shape_dim", "hidden", "layers", "dropout")
# config "network" → class; models saved before the key existed are BiLSTMs
NETWORKS: dict[str, type[CharBiLSTMCRF] | type[CharBiGRUCRF]] = {
    "lstm": CharBiLSTMCRF,
    "gru": CharBiGRUCRF,
}


def gold_ids(tags: list[list[str]], label_id: dict[str, int], like: torch.Tensor) -> torch.Tensor:
    """Label ids padded like the batch's character ids (``like``)."""
    gold = torch.zeros_like(like)
    for i, sentence in enumerate(tags):
        gold[i, : len(sentence)] = torch.tensor([label_id[t] for t in sentence])
    return gold


def cpu_has_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX); else it is emulated."""
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


class CharNER(Component):
    """Character-level named entity recognizer: a BiLSTM-CRF or a LAC-style BiGRU-CRF."""

    def __init__(self) -> None:
        super().__init__()
        self.config: dict[str, Any] = {"classpath": classpath_of(self)}
        self.model: CharBiLSTMCRF | CharBiGRUCRF | None = None
        self.chars: Vocab | None = None
        self.bigrams: Vocab | None = None
        self.labels: list[str] = []
        self.device = torch.device("cpu")
        self._featurizer: Featurizer | None = None
        self._encoder: Any = None  # an ONNX Runtime session for GRU models, when available

    # -- construction -------------------------------------------------------------
    @classmethod
    def build(
        cls, chars: Vocab, bigrams: Vocab, labels: list[str], network: str = "lstm", **hyper: Any
    ) -> CharNER:
        """``hyper``: the network's keyword arguments; those in HYPERPARAMS go to the config
        (training-only ones such as the GRU's corpus heads do not)."""
        self = cls()
        self.chars, self.bigrams, self.labels = chars, bigrams, labels
        self.config.update({k: v for k, v in hyper.items() if k in HYPERPARAMS})
        self.config["labels"] = labels
        self.config["network"] = network
        self.model = NETWORKS[network](len(chars), len(bigrams), labels, **hyper)
        return self

    def save(self, save_dir: str | Path, **extra_config: Any) -> None:
        import hanlp.version

        assert self.model is not None and self.chars is not None and self.bigrams is not None
        out = Path(save_dir)
        out.mkdir(parents=True, exist_ok=True)
        config = {**self.config, **extra_config, "hanlp_version": hanlp.version.__version__}
        config.pop("load_path", None)
        (out / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n")
        vocab = {"chars": self.chars.itos[2:], "bigrams": self.bigrams.itos[2:]}
        (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
        # Half precision on disk keeps the shipped model small; it runs in float32 (or bfloat16).
        state = {
            k: v.half() if v.is_floating_point() else v
            for k, v in self.model.state_dict().items()
            if not k.startswith("heads.")  # corpus heads are for training only
        }
        torch.save(state, out / "model.pt")
        if isinstance(self.model, CharBiGRUCRF):
            from seedner.model.onnx_encoder import FILE, export_encoder

            export_encoder(self.model, out / FILE)

    def load(
        self, save_dir: str | Path, verbose: bool = False, devices: Any = None, **kwargs: Any
    ) -> None:
        src = Path(save_dir)
        self.config.update(json.loads((src / "config.json").read_text(encoding="utf-8")))
        vocab = json.loads((src / "vocab.json").read_text(encoding="utf-8"))
        self.chars, self.bigrams = Vocab(vocab["chars"]), Vocab(vocab["bigrams"])
        self.labels = list(self.config["labels"])
        hyper = {k: self.config[k] for k in HYPERPARAMS if k in self.config}
        network = NETWORKS[self.config.get("network", "lstm")]
        self.model = network(len(self.chars), len(self.bigrams), self.labels, **hyper)
        state = torch.load(src / "model.pt", map_location="cpu", weights_only=True, mmap=True)
        self.model.load_state_dict(
            {k: v.float() if v.is_floating_point() else v for k, v in state.items()}
        )
        self.model.eval()
        self.to(devices if devices is not None else kwargs.get("device"))
        self._encoder = self._load_encoder(src)
        precision = kwargs.get("precision", "auto")
        if precision == "bfloat16" or (
            precision == "auto" and self.device.type == "cpu" and cpu_has_bfloat16()
        ):
            self.model.use_bfloat16()

    def _load_encoder(self, src: Path) -> Any:
        """ONNX Runtime for a GRU model on the CPU, when its graph was saved and the runtime
        is installed; otherwise the network's own (slower) loop runs."""
        from seedner.model.onnx_encoder import FILE, EncoderSession

        if not isinstance(self.model, CharBiGRUCRF) or self.device.type != "cpu":
            return None
        if not (src / FILE).is_file():
            return None
        try:
            return EncoderSession(src / FILE)
        except ImportError:
            return None

    def to(self, device: str | int | None) -> CharNER:
        self.device = torch_device(device)
        if self.model is not None:
            self.model.to(self.device)
        if self.device.type != "cpu":
            self._encoder = None  # ONNX Runtime runs here on the CPU only
        return self

    @property
    def types(self) -> list[str]:
        return label_types(self.labels)

    # -- tensors ------------------------------------------------------------------
    @property
    def featurizer(self) -> Featurizer:
        if self._featurizer is None:
            assert self.chars is not None and self.bigrams is not None
            self._featurizer = Featurizer(self.chars, self.bigrams)
        return self._featurizer

    def tensorize(self, texts: list[str]) -> dict[str, torch.Tensor]:
        chars, bigrams, shapes = self.featurizer.encode(texts)
        lengths = torch.tensor([len(t) for t in texts])
        mask = torch.arange(chars.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        return {
            "chars": torch.from_numpy(chars).to(self.device),
            "bigrams": torch.from_numpy(bigrams).to(self.device),
            "shapes": torch.from_numpy(shapes).to(self.device),
            "lengths": lengths,
            "mask": mask.to(self.device),
        }

    def emissions(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        assert self.model is not None
        return self.model.emissions(
            batch["chars"], batch["bigrams"], batch["shapes"], batch["lengths"]
        )

    # -- training -------------------------------------------------------------------
    def loss(
        self, texts: list[str], tags: list[list[str]], heads: Sequence[int] | None = None
    ) -> torch.Tensor:
        """Negative log-likelihood of the gold BIO ``tags``, summed over the batch.

        ``heads`` (GRU networks with corpus heads only): a head index per sentence, -1 for the
        shared emission layer alone.
        """
        assert self.model is not None
        batch = self.tensorize(texts)
        gold = gold_ids(tags, {label: i for i, label in enumerate(self.labels)}, batch["chars"])
        if heads is None:
            scores = self.emissions(batch)
        else:
            assert isinstance(self.model, CharBiGRUCRF)
            scores = self.model.emissions(
                batch["chars"],
                batch["bigrams"],
                batch["shapes"],
                batch["lengths"],
                torch.tensor(heads),
            )
        return self.model.crf.nll(scores, gold, batch["mask"])

    # -- prediction -----------------------------------------------------------------
    def tag(
        self, texts: list[str], max_chars: int = 4_000, max_sentences: int = 512
    ) -> list[list[str]]:
        """BIO tags per character for each text; texts are batched by similar length.

        ``max_chars`` bounds a batch's padded size: on 2.17M characters of news, 4,000 against
        8,000 lowered the peak memory by 48 MB and took a few per cent less time (the GRU's
        buffers in ONNX Runtime grow with the largest batch)."""
        assert self.model is not None
        results: list[list[str]] = [[] for _ in texts]
        order = sorted((i for i, t in enumerate(texts) if t), key=lambda i: len(texts[i]))
        self.model.eval()
        start = 0
        with torch.inference_mode():
            while start < len(order):
                end = start + 1
                # Sorted ascending: the last text of a batch is its longest.
                while (
                    end < len(order)
                    and end - start < max_sentences
                    and len(texts[order[end]]) * (end - start + 1) <= max_chars
                ):
                    end += 1
                idx = order[start:end]
                paths = self._paths([texts[i] for i in idx])
                for i, path in zip(idx, paths):
                    results[i] = [self.labels[t] for t in path]
                start = end
        return results

    def _paths(self, texts: list[str]) -> list[list[int]]:
        """Best label ids per character of non-empty ``texts``."""
        assert self.model is not None
        if self._encoder is not None and not self.model.training:
            # ONNX Runtime and NumPy alone: the same values as torch, without its overhead
            assert isinstance(self.model, CharBiGRUCRF)
            chars, bigrams, shapes = self.featurizer.encode(texts)
            lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
            x = self.model.features_numpy(chars, bigrams, shapes)
            return self.model.crf.decode_numpy(self._encoder.run(x, lengths), lengths)
        batch = self.tensorize(texts)
        return self.model.crf.decode(self.emissions(batch), batch["mask"])

    def predict(self, data: str | list[str], **kwargs: Any) -> list[NerSpan] | list[list[NerSpan]]:
        single = isinstance(data, str)
        texts = [data] if single else list(data)
        out = [
            [(text[s:e], kind, s, e) for s, e, kind in bio_spans(tags)]
            for text, tags in zip(texts, self.tag(texts, **kwargs))
        ]
        return out[0] if single else out
