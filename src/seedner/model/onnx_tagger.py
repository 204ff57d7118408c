"""Tagging with a GRU model's ONNX encoder, without torch.

Features are NumPy embedding look-ups; the BiGRU and output layer (the graph
:mod:`seedner.model.onnx_encoder` writes) run in OpenVINO in bfloat16 where the CPU computes
it natively, else in ONNX Runtime in float32; the CRF's Viterbi search is NumPy. In float32
the values are those of the torch network (the tests compare them). A process that only tags
never imports torch, which saves about 220 MB and two seconds of start-up per process.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from seedner.model.calibration import read_temperature
from seedner.model.features import Featurizer
from seedner.model.lexicon import CLASSES, POSITIONS, WIDTH, Lexicon
from seedner.model.marginals import Lattice, Span
from seedner.model.openvino_graph import native_encoder
from seedner.model.viterbi import bio_constraints, trimmed

FILE = "encoder.onnx"
TABLES = ("char_embed.weight", "bigram_embed.weight", "shape_embed.weight")
CRF = ("crf.start", "crf.transitions", "crf.end")
LEXICON_PROJ = "lexicon_proj.weight"  # a model with summed inputs

_threads = 0  # intra-op threads of new sessions; 0: the runtime's default (one per core)
# "auto": bfloat16 in OpenVINO where the CPU computes it natively, else float32 in ONNX
# Runtime; "float32": always ONNX Runtime (results identical on every machine); "int8": as
# bfloat16, with the GRUs in int8 (quantize_grus)
PRECISIONS = ("auto", "float32", "bfloat16", "int8")
_precision = os.environ.get("SEEDNER_PRECISION", "auto")


def set_threads(threads: int) -> None:
    """Threads of the encoder sessions made from now on in this process."""
    global _threads
    _threads = max(0, threads)


def reversal(lengths: np.ndarray, time: int) -> np.ndarray:
    """``(batch, time, 1)`` positions that reverse each sequence within its length (an
    involution); padding stays where it is."""
    steps = np.arange(time)[None, :]
    ends = lengths[:, None] - 1
    return np.where(steps <= ends, ends - steps, steps)[:, :, None].astype(np.int64)


def native_bfloat16(core: Any) -> bool:
    """Whether OpenVINO's CPU plugin computes bfloat16 natively here (AVX512-BF16, AMX)."""
    try:
        return "BF16" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    except RuntimeError:
        return False


def _may_have_bfloat16() -> bool:
    """False where the CPU's flags (Linux) show no bfloat16 instructions; True elsewhere, for
    OpenVINO to tell."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    return "avx512_bf16" in flags or "amx_bf16" in flags


def position_tables(lexicon_proj: np.ndarray) -> np.ndarray:
    """``(4, 1024, char_dim)``: for each position (B, M, E, S), the projection
    ``lexicon_proj`` ``(char_dim, WIDTH)`` of each combination of its 10 class bits: the
    projection of a character's lexicon inputs is the sum of four rows, look-ups rather than a
    matrix product (whose BLAS threads would contend with the workers')."""
    classes = len(CLASSES)
    combos = (np.arange(1 << classes)[:, None] >> np.arange(classes)) & 1
    weights = lexicon_proj.reshape(lexicon_proj.shape[0], len(POSITIONS), classes)
    tables = np.einsum("kc,dpc->pkd", combos.astype(np.float64), weights.astype(np.float64))
    return np.ascontiguousarray(tables, dtype=np.float32)


# An int8 GRU's inputs and states: 256 codes over about [-1, 1]
U8_STEP = 2 / 255


def input_bound(tables: tuple[np.ndarray, ...], lexicon_proj: np.ndarray | None) -> float:
    """The largest absolute value a GRU model's first layer reads: an embedding's, or a
    lexicon bit (1); with summed inputs, the sum of the largest of each added part (the
    lexicon's projected columns counted whole): the int8 encoder's input scale."""
    if lexicon_proj is None:
        return float(max(1.0, *(np.abs(t).max() for t in tables)))
    char, _, shape = tables
    parts = [np.abs(char).max(), np.abs(shape).max(), np.abs(lexicon_proj).sum(1).max()]
    return float(max(np.abs(tables[1]).max(), sum(parts)))


def quantize_grus(model: Any, input_scale: float) -> None:
    """Put FakeQuantize on each ``GRUSequence``'s inputs of an OpenVINO ``model``, so that its
    CPU plugin runs them in int8 (oneDNN's u8/s8 RNN): the input and the state as u8 codes in
    steps of :data:`U8_STEP`, zero at code 128, one scale for both (so the first layer's input
    is quantized in steps ``input_scale`` times larger and its weights multiplied by it); the
    input and recurrent weights as s8, one step per gate unit for both.

    On the embedded model (dev sets, whole extraction path) this moved F1 by up to 0.8 points
    either way, depending on the set and on the scale, and took 15% less CPU time in the whole
    process (model card, alternatives); training for the rounding (distillation through a
    simulation of it) gained nothing over rounding the trained weights."""
    import openvino.opset13 as ops

    def const(value: Any) -> Any:
        return ops.constant(np.asarray(value, dtype=np.float32))

    def fake_quantize(source: Any, low: Any, high: Any, levels: int, scale: float = 1.0) -> Any:
        """Quantized over [low, high] × ``scale``, given back over [low, high]."""
        args = (const(low * scale), const(high * scale), const(low), const(high))
        return ops.fake_quantize(source, *args, levels).output(0)

    # zero exactly at code 128: a zero point between two codes (127.5, for [-1, 1]) is rounded
    # by the plugin, which shifts every input by half a step
    low, high = -128 * U8_STEP, 127 * U8_STEP
    for op in model.get_ordered_ops():
        if op.get_type_name() != "GRUSequence":
            continue
        w = op.input(3).get_source_output().get_node().get_data()  # (1, 3H, in)
        r = op.input(4).get_source_output().get_node().get_data()  # (1, 3H, H)
        scale = input_scale if w.shape[2] != 2 * r.shape[2] else 1.0  # the first layer's
        w = w * scale
        bound = np.maximum(np.abs(w).max(-1, keepdims=True), np.abs(r).max(-1, keepdims=True))
        bound = np.maximum(bound, 1e-8)
        x, h = (op.input(port).get_source_output() for port in (0, 1))
        op.input(0).replace_source_output(fake_quantize(x, low, high, 256, scale))
        op.input(1).replace_source_output(fake_quantize(h, low, high, 256))
        op.input(3).replace_source_output(fake_quantize(const(w), -bound, bound, 255))
        op.input(4).replace_source_output(fake_quantize(const(r), -bound, bound, 255))
    model.validate_nodes_and_infer_types()


class EncoderSession:
    """The encoder graph in OpenVINO (bfloat16) or ONNX Runtime (float32).

    bfloat16 halves the encoder's time on CPUs that compute it natively, at the same dev F1
    (model card); each sentence's result still does not depend on the others in its batch.
    Graphs saved before the ``order`` input existed run in ONNX Runtime only.
    """

    infer: Callable[[dict[str, np.ndarray]], np.ndarray]  # a feed → the emissions
    backend: str  # "openvino" or "onnxruntime"

    def __init__(
        self,
        graph: str | Path | bytes,
        threads: int | None = None,
        precision: str | None = None,
        int8_scale: float | None = None,
    ) -> None:
        """``graph``: an ONNX file or its bytes; ``threads``: default :func:`set_threads`'s;
        ``precision``: one of :data:`PRECISIONS`, default ``SEEDNER_PRECISION`` or auto;
        ``int8_scale``: in OpenVINO the GRUs run in int8, the first layer's input scaled by it
        (:func:`quantize_grus`); ONNX Runtime ignores it."""
        threads = _threads if threads is None else threads
        precision = precision or _precision
        if precision not in PRECISIONS:
            raise ValueError(
                f"precision {precision!r} (SEEDNER_PRECISION): choose {', '.join(PRECISIONS)}"
            )
        self.backend = "onnxruntime"
        if precision != "float32":
            try:
                if self._open_openvino(graph, threads, precision, int8_scale):
                    return
            except RuntimeError:  # OpenVINO cannot run it on this machine: float32 it is
                pass
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # busy-waiting threads only steal time from other work on a loaded machine
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        source = graph if isinstance(graph, bytes) else str(graph)
        self.session = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
        self.by_order = any(i.name == "order" for i in self.session.get_inputs())
        self.infer = lambda feed: self.session.run(None, feed)[0]

    def _open_openvino(
        self, graph: str | Path | bytes, threads: int, precision: str, int8_scale: float | None
    ) -> bool:
        if precision == "auto" and not _may_have_bfloat16():
            return False  # without importing OpenVINO (about 40 MB) to ask it
        try:
            import openvino as ov
        except ImportError:
            return False
        core = ov.Core()
        if precision == "auto" and not native_bfloat16(core):
            return False
        model = (
            core.read_model(graph, b"") if isinstance(graph, bytes) else core.read_model(str(graph))
        )
        if "order" not in {name for port in model.inputs for name in port.get_names()}:
            return False
        model = native_encoder(model) or model
        if int8_scale is not None:
            quantize_grus(model, int8_scale)
        config: dict[str, Any] = {
            "INFERENCE_PRECISION_HINT": "bf16",
            "NUM_STREAMS": 1,
            "ENABLE_CPU_PINNING": False,  # workers share the cores; pinned threads collide
            # Kernels kept for recent input shapes; the default (5,000) holds one per batch
            # shape, about 100 MB over a large input. Batches come sorted by length, so a few
            # suffice: on 1M characters of news, 16 took 236 MB and 1.03-1.09 times the time.
            "CPU_RUNTIME_CACHE_CAPACITY": 16,
        }
        if threads:
            config["INFERENCE_NUM_THREADS"] = threads
        compiled = core.compile_model(model, "CPU", config)
        request, output = compiled.create_infer_request(), compiled.output(0)
        self.infer = lambda feed: request.infer(feed)[output].copy()
        self.backend, self.by_order = "openvino", True
        return True

    def run(self, x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Float32 emissions ``(batch, time, labels)`` of features ``x`` (batch, time, features)."""
        x = np.ascontiguousarray(x, dtype=np.float32)
        if self.by_order:
            return self.infer({"x": x, "order": reversal(lengths, x.shape[1])})
        return self.infer({"x": x, "lengths": lengths.astype(np.int64)})


class OnnxTagger:
    """Best label ids per character: embeddings → ONNX encoder → Viterbi over its
    :attr:`lattice`, which also gives each entity's marginal probability (forward-backward
    over the same scores; :meth:`CharNER.scored_spans` decodes several batches at once)."""

    def __init__(
        self,
        featurizer: Featurizer,
        labels: list[str],
        tables: tuple[np.ndarray, np.ndarray, np.ndarray],
        crf: tuple[np.ndarray, np.ndarray, np.ndarray],
        encoder: Any,
        lexicon: Lexicon | None = None,
        temperature: float = 1.0,
        summed: bool = False,
        lexicon_proj: np.ndarray | None = None,
    ) -> None:
        """``labels``: the BIO labels of the ids; ``tables``: float32 character, bigram and
        shape embeddings; ``crf``: start scores, transitions ``[from, to]`` and end scores with
        the BIO penalties already added; ``encoder``: anything with
        :meth:`EncoderSession.run`; ``temperature``: of the entity scores (calibration);
        ``summed``: the character's own inputs are added into one vector
        (:class:`seedner.model.network.CharInputs`), the lexicon's through ``lexicon_proj``
        ``(char_dim, lexicon inputs)``."""
        self.featurizer = featurizer
        self.tables = tables
        self.encoder = encoder
        self.lexicon = lexicon  # the words covering each character, for a model that reads them
        self.lattice = Lattice(labels, *crf, temperature=temperature)
        self.summed = summed
        self.lexicon_tables = None if lexicon_proj is None else position_tables(lexicon_proj)

    @classmethod
    def load(
        cls,
        folder: Path,
        featurizer: Featurizer,
        labels: list[str],
        precision: str | None = None,
        lexicon: Lexicon | None = None,
        summed: bool = False,
    ) -> OnnxTagger | None:
        """The tagger of a saved GRU model; None when the folder has no ONNX encoder or
        safetensors weights, or ONNX Runtime is not installed. ``precision``: as
        :class:`EncoderSession` takes it; the scores' temperature is the folder's
        (:func:`seedner.model.calibration.read_temperature`); ``summed``: the model's config
        says so (``summed_inputs``). Precision ``int8``: the GRUs in int8, the first layer's
        input scaled by the largest value it can read (:func:`input_bound`)."""
        from seedner.model.weights import load_numpy

        if not (folder / FILE).is_file():
            return None
        projected = [LEXICON_PROJ] if summed and lexicon is not None else []
        arrays = load_numpy(folder, [*TABLES, *CRF, *projected])
        if arrays is None:  # a legacy model.pt: torch reads it, and builds its own session
            return None
        tables = (arrays[TABLES[0]], arrays[TABLES[1]], arrays[TABLES[2]])
        proj = arrays.get(LEXICON_PROJ)
        int8_scale = input_bound(tables, proj) if (precision or _precision) == "int8" else None
        try:
            encoder = EncoderSession(folder / FILE, precision=precision, int8_scale=int8_scale)
        except ImportError:
            return None
        penalty = bio_constraints(labels)
        start, trans, end = (arrays[name] for name in CRF)
        crf = (start + penalty[-1], trans + penalty[:-1], end)
        temperature = read_temperature(folder, trans)
        return cls(featurizer, labels, tables, crf, encoder, lexicon, temperature, summed, proj)

    def features(
        self,
        chars: np.ndarray,
        bigrams: np.ndarray,
        shapes: np.ndarray,
        extra: int = 0,
    ) -> np.ndarray:
        """Float32 ``(batch, time, features + extra)``: character, bigram i and i+1, shape
        embeddings (``bigrams`` has one more column than ``chars``), each written into its
        slice of one array (no concatenation's copy); the ``extra`` last columns are left for
        the caller. Summed inputs: the shape's embedding is added to the character's."""
        char_table, bigram_table, shape_table = self.tables
        widths = [char_table.shape[1], bigram_table.shape[1], bigram_table.shape[1]]
        if not self.summed:
            widths.append(shape_table.shape[1])
        ends = np.cumsum(widths)
        x = np.empty((*chars.shape, int(ends[-1]) + extra), dtype=np.float32)
        big = bigram_table[bigrams]
        x[..., : ends[0]] = char_table[chars]
        x[..., ends[0] : ends[1]] = big[:, :-1]
        x[..., ends[1] : ends[2]] = big[:, 1:]
        if self.summed:
            x[..., : ends[0]] += shape_table[shapes]
        else:
            x[..., ends[2] : ends[3]] = shape_table[shapes]
        return x

    def inputs(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(x, lengths)``: the encoder's float32 input ``(batch, time, features)`` of
        non-empty ``texts`` (embeddings, then the lexicon's inputs for a model that reads
        them) and their lengths."""
        chars, bigrams, shapes = self.featurizer.encode(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        if self.lexicon is None:
            return self.features(chars, bigrams, shapes), lengths
        if self.lexicon_tables is not None:
            x = self.features(chars, bigrams, shapes)
            packed = self.lexicon.packed_codes(texts)
            # few distinct combinations in a batch: each projected once, then one look-up
            combos, each = np.unique(packed, return_inverse=True)
            mask = (1 << len(CLASSES)) - 1
            projected = self.lexicon_tables[0][combos & mask]
            for position in range(1, len(POSITIONS)):
                shift = position * len(CLASSES)
                projected += self.lexicon_tables[position][(combos >> shift) & mask]
            x[..., : projected.shape[1]] += projected[each.reshape(packed.shape)]
            return x, lengths
        x = self.features(chars, bigrams, shapes, extra=WIDTH)
        self.lexicon.features(texts, out=x[..., -WIDTH:])
        return x, lengths

    @property
    def temperature(self) -> float:
        return self.lattice.temperature

    def emissions(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(emissions, lengths)`` of non-empty ``texts``: float32 ``(batch, time, labels)``."""
        x, lengths = self.inputs(texts)
        return self.encoder.run(x, lengths), lengths

    def best_paths(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(paths, lengths)`` of non-empty ``texts``: best label ids, ``(batch, time)``."""
        emissions, lengths = self.emissions(texts)
        return self.lattice.paths(emissions, lengths), lengths

    def paths(self, texts: list[str]) -> list[list[int]]:
        """Best label ids per character of non-empty ``texts``."""
        return trimmed(*self.best_paths(texts))

    def spans(self, texts: list[str]) -> list[list[Span]]:
        """``(start, end, type)`` entity spans of non-empty ``texts``."""
        return self.lattice.spans(*self.emissions(texts))
