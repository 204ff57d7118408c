"""The embedded NER model as a HanLP component: ``hanlp.load(path)`` returns a ``CharNER``.

``predict`` takes a sentence or a list of sentences and returns HanLP's NER shape:
``(entity, label, start, end)`` tuples with character offsets; with ``scores=True``,
``(entity, label, start, end, probability)``: the CRF's marginal probability of that exact
span and type (:mod:`seedner.model.marginals`), at the temperature stored with the model
(:mod:`seedner.model.calibration`).

A GRU model saved with its ONNX encoder tags on the CPU through
:class:`seedner.model.onnx_tagger.OnnxTagger` and never imports torch; the torch network is
built from the saved weights the first time something asks for ``model`` (training, a GPU,
a model without an ONNX encoder).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from hanlp.common.component import Component
from hanlp_common.reflection import classpath_of

from seedner.bio import bio_spans, label_types
from seedner.model.calibration import read_temperature
from seedner.model.features import Featurizer, Vocab
from seedner.model.lexicon import Lexicon
from seedner.model.marginals import Lattice, ScoredSpan, Span, stacked
from seedner.model.onnx_tagger import OnnxTagger
from seedner.types import NerSpan, ScoredNerSpan

if TYPE_CHECKING:
    import torch

    from seedner.model.gru_network import CharBiGRUCRF
    from seedner.model.network import CharBiLSTMCRF

HYPERPARAMS = (
    "char_dim",
    "bigram_dim",
    "shape_dim",
    "hidden",
    "layers",
    "dropout",
    "lexicon_dim",
    "summed_inputs",
)
# A batch's padded size: on 2.17M characters of news, 4,000 against 8,000 lowered the peak
# memory by 48 MB and took a few per cent less time (the GRU's buffers in ONNX Runtime grow
# with the largest batch).
MAX_CHARS = 4_000
MAX_SENTENCES = 512
# Padded characters the lattice decodes at once (several encoder batches; see scored_spans)
LATTICE_CHARS = 32_000


def network_class(name: str) -> type[CharBiLSTMCRF] | type[CharBiGRUCRF]:
    """config "network" → class; models saved before the key existed are BiLSTMs."""
    if name == "gru":
        from seedner.model.gru_network import CharBiGRUCRF

        return CharBiGRUCRF
    from seedner.model.network import CharBiLSTMCRF

    return CharBiLSTMCRF


def gold_ids(tags: list[list[str]], label_id: dict[str, int], like: torch.Tensor) -> torch.Tensor:
    """Label ids padded like the batch's character ids (``like``); an open position
    (:data:`seedner.model.corpora.OPEN`) reads as ``O`` (see :func:`allowed_tags`)."""
    import torch

    gold = torch.zeros_like(like)
    for i, sentence in enumerate(tags):
        gold[i, : len(sentence)] = torch.tensor([label_id.get(t, 0) for t in sentence])
    return gold


def allowed_tags(tags: list[list[str]], gold: torch.Tensor, n_labels: int) -> torch.Tensor | None:
    """``(batch, time, labels)`` partial labels where some position is open (any label), else
    None: the gold label alone elsewhere, every label at open and padded positions."""
    import torch

    from seedner.model.corpora import OPEN

    if not any(OPEN in sentence for sentence in tags):
        return None
    allowed = torch.nn.functional.one_hot(gold, n_labels).bool()
    for i, sentence in enumerate(tags):
        allowed[i, len(sentence) :] = True
        for t, tag in enumerate(sentence):
            if tag == OPEN:
                allowed[i, t] = True
    return allowed


def limit_onednn_cache() -> None:
    """Before a torch network first runs: oneDNN keeps a compiled kernel per input shape (1,024
    by default); with sentences of every length that grows to ~0.5 GB over a large input, for
    no measurable speed gain over a few. oneDNN reads the variable when it first needs its
    cache, so this works until then; a value already set is kept."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "8")


def cpu_has_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX); else it is emulated."""
    import torch

    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


class CharNER(Component):
    """Character-level named entity recognizer: a BiLSTM-CRF or a LAC-style BiGRU-CRF."""

    def __init__(self) -> None:
        super().__init__()
        self.config: dict[str, Any] = {"classpath": classpath_of(self)}
        self._model: CharBiLSTMCRF | CharBiGRUCRF | None = None
        self._source: Path | None = None  # saved folder the network is built from on demand
        self._precision: str | None = None  # hanlp.load(..., precision=): auto if not given
        self.chars: Vocab | None = None
        self.bigrams: Vocab | None = None
        self.labels: list[str] = []
        self._device: torch.device | None = None  # None: the CPU (known without torch)
        self._featurizer: Featurizer | None = None
        self._runtime: OnnxTagger | None = None  # tagging without torch, for GRU models
        self._temperature: float | None = None  # the torch network's scores' (read once)
        self.lexicon: Lexicon | None = None  # the words the network reads, if it reads any
        self.lexicon_entries: dict[str, int] | None = None  # its entries, when built here

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
        limit_onednn_cache()
        self._model = network_class(network)(len(chars), len(bigrams), labels, **hyper)
        return self

    def save(self, save_dir: str | Path, **extra_config: Any) -> None:
        import hanlp.version

        from seedner.model.weights import save_weights

        model = self.model
        assert model is not None and self.chars is not None and self.bigrams is not None
        out = Path(save_dir)
        out.mkdir(parents=True, exist_ok=True)
        config = {**self.config, **extra_config, "hanlp_version": hanlp.version.__version__}
        config.pop("load_path", None)
        (out / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n")
        vocab = {"chars": self.chars.itos[2:], "bigrams": self.bigrams.itos[2:]}
        (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
        # Half precision on disk keeps the shipped model small; it runs in float32 (or bfloat16).
        save_weights(self.saved_state(), out)
        if self.lexicon is not None:
            from seedner.model.lexicon import FILE, read_entries, write_entries

            entries = self.lexicon_entries
            if entries is None and self._source is not None:
                entries = read_entries(self._source / FILE)
            assert entries is not None
            write_entries(entries, out)
        if self.config.get("network") == "gru":
            from seedner.model.onnx_encoder import export_encoder
            from seedner.model.onnx_tagger import FILE

            export_encoder(model, out / FILE)  # type: ignore[arg-type]

    def use_lexicon(self, entries: dict[str, int]) -> None:
        """Give the (GRU) network the words covering each character as input, from
        ``entries`` (word → class bits, :mod:`seedner.model.lexicon`); the new inputs' weights
        start at zero."""
        from seedner.model.gru_network import CharBiGRUCRF
        from seedner.model.lexicon import WIDTH

        model = self.model
        assert isinstance(model, CharBiGRUCRF)
        if model.lexicon_dim != WIDTH:
            model.widen_input(WIDTH)
        self.config["lexicon_dim"] = WIDTH
        self.lexicon_entries = entries
        self.lexicon = Lexicon(entries)

    def saved_state(self) -> dict[str, torch.Tensor]:
        """The network's state as :meth:`save` writes it: corpus heads are for training only."""
        model = self.model
        assert model is not None
        return {k: v for k, v in model.state_dict().items() if not k.startswith("heads.")}

    def load(
        self, save_dir: str | Path, verbose: bool = False, devices: Any = None, **kwargs: Any
    ) -> None:
        """GRU models with an ONNX encoder tag on the CPU without torch unless ``devices``
        names a GPU; other models build their torch network here."""
        src = Path(save_dir)
        self.config.update(json.loads((src / "config.json").read_text(encoding="utf-8")))
        vocab = json.loads((src / "vocab.json").read_text(encoding="utf-8"))
        self.chars, self.bigrams = Vocab(vocab["chars"]), Vocab(vocab["bigrams"])
        self.labels = list(self.config["labels"])
        self._source, self._model, self._temperature = src, None, None
        self._precision = kwargs.get("precision")
        self.lexicon = Lexicon.load(src) if self.config.get("lexicon_dim") else None
        device = devices if devices is not None else kwargs.get("device")
        if self.config.get("network") == "gru" and not _names_gpu(device):
            summed = bool(self.config.get("summed_inputs"))
            self._runtime = OnnxTagger.load(
                src, self.featurizer, self.labels, self._precision, self.lexicon, summed
            )
            if self._runtime is not None:
                return
        self.to(device)
        self.model  # noqa: B018 - build the network now: a damaged file fails at load
        if self.config.get("network") == "gru" and self.device.type == "cpu":
            self._runtime = self._network_runtime(src)

    @property
    def model(self) -> CharBiLSTMCRF | CharBiGRUCRF | None:
        """The torch network (built from the saved weights on first use after ``load``)."""
        if self._model is None and self._source is not None:
            self._model = self._load_network(self._source)
        return self._model

    def _load_network(self, src: Path) -> CharBiLSTMCRF | CharBiGRUCRF:
        limit_onednn_cache()
        from seedner.model.weights import load_torch

        hyper = {k: self.config[k] for k in HYPERPARAMS if k in self.config}
        network = network_class(self.config.get("network", "lstm"))
        model = network(len(self.chars or ()), len(self.bigrams or ()), self.labels, **hyper)
        model.load_state_dict(load_torch(src))
        model.eval()
        model.to(self.device)
        if self._precision == "bfloat16" or (
            self._precision in (None, "auto") and self.device.type == "cpu" and cpu_has_bfloat16()
        ):
            model.use_bfloat16()
        return model

    def _network_runtime(self, src: Path) -> OnnxTagger | None:
        """The ONNX tagger over the torch network's tables, for a model whose weights only
        torch reads (``model.pt``)."""
        from seedner.model.onnx_tagger import FILE, EncoderSession

        if not (src / FILE).is_file():
            return None
        try:
            return self.onnx_runtime(EncoderSession(src / FILE, precision=self._precision))
        except ImportError:
            return None

    def onnx_runtime(self, encoder: Any) -> OnnxTagger:
        """An :class:`OnnxTagger` reading the current torch network's embedding tables (views:
        they follow training) and CRF scores, with ``encoder`` for the BiGRU."""
        model = self.model
        assert model is not None
        tables = tuple(
            t.weight.detach().float().cpu().numpy()
            for t in (model.char_embed, model.bigram_embed, model.shape_embed)
        )
        crf = model.crf
        scores = (crf._start(), crf._trans(), crf.end)
        arrays = tuple(x.detach().float().cpu().numpy() for x in scores)
        proj = getattr(model, "lexicon_proj", None)
        return OnnxTagger(
            self.featurizer,
            self.labels,
            tables,  # type: ignore[arg-type]
            arrays,  # type: ignore[arg-type]
            encoder,
            self.lexicon,
            summed=model.summed,
            lexicon_proj=None if proj is None else proj.weight.detach().float().cpu().numpy(),
        )

    @property
    def runtime(self) -> OnnxTagger | None:
        """The ONNX tagger that tags on the CPU, or None where the torch network does."""
        return self._runtime

    def set_runtime(self, runtime: OnnxTagger | None) -> None:
        """Tag through ``runtime`` from now on; None: through the torch network (training
        scores dev with a runtime over its current weights, :meth:`onnx_runtime`)."""
        self._runtime = runtime

    @property
    def device(self) -> torch.device:
        import torch

        return self._device if self._device is not None else torch.device("cpu")

    def to(self, device: str | int | None) -> CharNER:
        """``device``: as ``hanlp.load``'s ``devices=`` (None: a GPU when torch sees one, -1: the
        CPU, N: GPU N) or a name: ``auto``, ``cpu``, ``cuda[:N]``."""
        self._device = _torch_device(device)
        if self._model is not None:
            self._model.to(self._device)
        if self._device.type != "cpu":
            self._runtime = None  # ONNX Runtime runs here on the CPU only
            self.model  # noqa: B018 - build the network now, on its device
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
        import torch

        chars, bigrams, shapes = self.featurizer.encode(texts)
        lengths = torch.tensor([len(t) for t in texts])
        mask = torch.arange(chars.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        batch = {
            "chars": torch.from_numpy(chars).to(self.device),
            "bigrams": torch.from_numpy(bigrams).to(self.device),
            "shapes": torch.from_numpy(shapes).to(self.device),
            "lengths": lengths,
            "mask": mask.to(self.device),
        }
        if self.lexicon is not None:
            batch["lexicon"] = torch.from_numpy(self.lexicon.features(texts)).to(self.device)
        return batch

    def emissions(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        assert self.model is not None
        # only a network that reads a lexicon gets (and takes) one
        extra = {"lexicon": batch["lexicon"]} if "lexicon" in batch else {}
        return self.model.emissions(
            batch["chars"], batch["bigrams"], batch["shapes"], batch["lengths"], **extra
        )

    # -- training -------------------------------------------------------------------
    def loss(
        self, texts: list[str], tags: list[list[str]], heads: Sequence[int] | None = None
    ) -> torch.Tensor:
        """Negative log-likelihood of the gold BIO ``tags``, summed over the batch.

        ``heads`` (GRU networks with corpus heads only): a head index per sentence, -1 for the
        shared emission layer alone.
        """
        import torch

        from seedner.model.gru_network import CharBiGRUCRF

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
                batch.get("lexicon"),
            )
        allowed = allowed_tags(tags, gold, len(self.labels))
        return self.model.crf.nll(scores, gold, batch["mask"], allowed)

    # -- prediction -----------------------------------------------------------------
    def tag(
        self, texts: list[str], max_chars: int = MAX_CHARS, max_sentences: int = MAX_SENTENCES
    ) -> list[list[str]]:
        """BIO tags per character for each text; texts are batched by similar length
        (:func:`tagging_batches`)."""
        results: list[list[str]] = [[] for _ in texts]
        if self._model is not None:
            self._model.eval()
        for idx in tagging_batches(texts, max_chars, max_sentences):
            paths = self._paths([texts[i] for i in idx])
            for i, path in zip(idx, paths):
                results[i] = [self.labels[t] for t in path]
        return results

    def spans(
        self, texts: list[str], max_chars: int = MAX_CHARS, max_sentences: int = MAX_SENTENCES
    ) -> list[list[Span]]:
        """``(start, end, type)`` entity spans of each text, batched as :meth:`tag` does."""
        if self._runtime is None:
            return [bio_spans(tags) for tags in self.tag(texts, max_chars, max_sentences)]
        found: list[list[Span]] = [[] for _ in texts]
        for idx in tagging_batches(texts, max_chars, max_sentences):
            for i, spans in zip(idx, self._runtime.spans([texts[i] for i in idx])):
                found[i] = spans
        return found

    def scored_spans(
        self, texts: list[str], max_chars: int = MAX_CHARS, max_sentences: int = MAX_SENTENCES
    ) -> list[list[ScoredSpan]]:
        """The spans of :meth:`spans`, each with its marginal probability:
        ``(start, end, type, probability)``. The encoder runs batch by batch; the lattice
        (Viterbi, forward-backward) on several batches' emissions at once, as its time goes
        into per-step overheads that a larger batch shares."""
        found: list[list[ScoredSpan]] = [[] for _ in texts]
        if self._model is not None and self._runtime is None:
            self._model.eval()
        lattice = self._runtime.lattice if self._runtime is not None else self._network_lattice()
        group: list[tuple[list[int], np.ndarray, np.ndarray]] = []
        size = 0  # padded characters in the group

        def decode() -> None:
            emissions, lengths = stacked([(e, n) for _, e, n in group])
            indices = [i for idx, _, _ in group for i in idx]
            for i, spans in zip(indices, lattice.scored_spans(emissions, lengths)):
                found[i] = spans
            group.clear()

        for idx in tagging_batches(texts, max_chars, max_sentences):
            batch = [texts[i] for i in idx]
            if self._runtime is not None:
                emissions, lengths = self._runtime.emissions(batch)
            else:
                emissions, lengths = self._network_emissions(batch)
            group.append((idx, emissions, lengths))
            size += emissions.shape[0] * emissions.shape[1]
            if size >= LATTICE_CHARS:
                decode()
                size = 0
        if group:
            decode()
        return found

    @property
    def temperature(self) -> float:
        """The temperature of the entity scores: the one stored with the model
        (``calibration.json``), else 1."""
        if self._runtime is not None:
            return self._runtime.temperature
        return self._network_lattice().temperature

    @temperature.setter
    def temperature(self, value: float) -> None:
        """Score with ``value`` from now on (fitting one: ``scripts/calibrate.py``)."""
        if self._runtime is not None:
            self._runtime.lattice.temperature = value
        self._temperature = value

    def _network_emissions(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The torch network's emissions of non-empty ``texts``, in NumPy, and their lengths."""
        import torch

        with torch.inference_mode():
            batch = self.tensorize(texts)
            emissions = self.emissions(batch).float().cpu().numpy()
        return emissions, batch["lengths"].numpy()

    def _network_lattice(self) -> Lattice:
        """The torch network's CRF (its current weights) as a :class:`Lattice`."""
        assert self.model is not None
        crf = self.model.crf
        start, trans, end = (
            x.detach().float().cpu().numpy() for x in (crf._start(), crf._trans(), crf.end)
        )
        if self._temperature is None:
            raw = crf.transitions.detach().float().cpu().numpy()
            self._temperature = read_temperature(self._source, raw)
        return Lattice(self.labels, start, trans, end, self._temperature)

    def _paths(self, texts: list[str]) -> list[list[int]]:
        """Best label ids per character of non-empty ``texts``."""
        if self._runtime is not None:
            return self._runtime.paths(texts)
        import torch

        assert self.model is not None
        with torch.inference_mode():
            batch = self.tensorize(texts)
            return self.model.crf.decode(self.emissions(batch), batch["mask"])

    def predict(
        self, data: str | list[str], scores: bool = False, **kwargs: Any
    ) -> list[NerSpan] | list[list[NerSpan]] | list[ScoredNerSpan] | list[list[ScoredNerSpan]]:
        """``(entity, label, start, end)`` per entity of each sentence; with ``scores``, the
        entity's probability is a fifth element. ``kwargs``: as :meth:`spans` takes them."""
        single = isinstance(data, str)
        texts: list[str] = [data] if isinstance(data, str) else list(data)
        if scores:
            scored: list[list[ScoredNerSpan]] = [
                [(text[s:e], kind, s, e, p) for s, e, kind, p in spans]
                for text, spans in zip(texts, self.scored_spans(texts, **kwargs))
            ]
            return scored[0] if single else scored
        out: list[list[NerSpan]] = [
            [(text[s:e], kind, s, e) for s, e, kind in spans]
            for text, spans in zip(texts, self.spans(texts, **kwargs))
        ]
        return out[0] if single else out


def _names_gpu(device: Any) -> bool:
    """Whether a ``devices=`` value (None, an index, a name or a torch device) is a GPU."""
    if isinstance(device, int):
        return device >= 0
    return device is not None and str(device).strip().lower().startswith("cuda")


def _torch_device(device: Any) -> torch.device:
    """The torch device of a ``devices=`` value or name (checked earlier, by the loader)."""
    import torch

    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if isinstance(device, int):
        return torch.device("cpu") if device < 0 else torch.device(f"cuda:{device}")
    return torch.device(str(device).strip().lower())


def tagging_batches(
    texts: list[str], max_chars: int = MAX_CHARS, max_sentences: int = MAX_SENTENCES
) -> Iterator[list[int]]:
    """Indices of the non-empty ``texts`` in batches of similar length: at most
    ``max_sentences`` texts and ``max_chars`` padded characters each (a longer text alone)."""
    order = sorted((i for i, t in enumerate(texts) if t), key=lambda i: len(texts[i]))
    start = 0
    while start < len(order):
        end = start + 1
        # Sorted ascending: the last text of a batch is its longest.
        while (
            end < len(order)
            and end - start < max_sentences
            and len(texts[order[end]]) * (end - start + 1) <= max_chars
        ):
            end += 1
        yield order[start:end]
        start = end
