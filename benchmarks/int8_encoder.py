"""The embedded model's GRUs in int8 (OpenVINO) against bfloat16: dev F1 and tagging time.

OpenVINO's CPU plugin runs a ``GRUSequence`` in int8 (oneDNN's u8/s8 RNN) when FakeQuantize
sits on its inputs: X and H as u8 over [-1, 1] (one scale for both), W and R as s8 with one
scale per gate row, shared by W and R. The first layer's input (embeddings and lexicon bits,
up to about ±9.6) is divided by ``--scale`` and W multiplied by it. Nothing here changes
seedner: the quantized encoder is built at load time in this process only.

    python benchmarks/int8_encoder.py /tmp/big --dev msra=../shared/datasets/msra/dev.tsv \\
        --dev weibo=../shared/datasets/weibo/dev.tsv --scale 9.6 --rounds 3

Prints the whole-path F1 (as ``seedner evaluate -t PER,ORG,LOC``) of each dev set with either
encoder, then the CPU time of extracting FOLDER in this one process (one thread), alternating.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from seedner.model import onnx_tagger


def int8_opener(scale: float) -> Callable[..., bool]:
    """A replacement for ``EncoderSession._open_openvino`` that quantizes the GRUs."""

    def open_int8(self: Any, graph: Any, threads: int, precision: str) -> bool:
        import openvino as ov
        import openvino.opset13 as ops

        def const(value: Any) -> Any:
            return ops.constant(np.asarray(value, dtype=np.float32))

        def fake_quantize(source: Any, bound: Any, levels: int) -> Any:
            low, high = const(-bound), const(bound)
            return ops.fake_quantize(source, low, high, low, high, levels).output(0)

        core = ov.Core()
        model = core.read_model(str(graph))
        for op in model.get_ordered_ops():
            if op.get_type_name() != "GRUSequence":
                continue
            w = op.input(3).get_source_output().get_node().get_data()
            r = op.input(4).get_source_output().get_node().get_data()
            if op.input(0).get_partial_shape()[2].get_length() != 2 * r.shape[2]:
                w = w * scale  # the first layer: its input comes divided by the scale
            rows = np.maximum(np.abs(w).max(-1, keepdims=True), np.abs(r).max(-1, keepdims=True))
            rows = np.maximum(rows, 1e-8)
            for port in (0, 1):
                op.input(port).replace_source_output(
                    fake_quantize(op.input(port).get_source_output(), 1.0, 256)
                )
            op.input(3).replace_source_output(fake_quantize(const(w), rows, 255))
            op.input(4).replace_source_output(fake_quantize(const(r), rows, 255))
        model.validate_nodes_and_infer_types()
        config: dict[str, Any] = {
            "INFERENCE_PRECISION_HINT": "bf16",
            "NUM_STREAMS": 1,
            "ENABLE_CPU_PINNING": False,
            "CPU_RUNTIME_CACHE_CAPACITY": 16,
        }
        if threads:
            config["INFERENCE_NUM_THREADS"] = threads
        compiled = core.compile_model(model, "CPU", config)
        request, output = compiled.create_infer_request(), compiled.output(0)
        inverse = np.float32(1 / scale)
        self.infer = lambda feed: request.infer({"x": feed["x"] * inverse, "order": feed["order"]})[
            output
        ].copy()
        self.backend, self.by_order = "openvino", True
        return True

    return open_int8


def extractor(kind: str, scale: float) -> Any:
    """An Extractor with the embedded model; its folder's path for int8, so that the two do
    not share the process's cached model."""
    import seedner
    from seedner.api import Extractor

    original = onnx_tagger.EncoderSession._open_openvino
    if kind == "int8":
        onnx_tagger.EncoderSession._open_openvino = int8_opener(scale)  # type: ignore[method-assign]
    try:
        model = str(Path(seedner.__file__).parent / "embedded") if kind == "int8" else "embedded"
        return Extractor(model, types=["PER", "ORG", "LOC"])
    finally:
        onnx_tagger.EncoderSession._open_openvino = original  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="a folder of .txt documents to time")
    parser.add_argument("--dev", action="append", default=[], help="NAME=PATH, repeatable")
    parser.add_argument("--scale", type=float, default=9.6)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    onnx_tagger.set_threads(1)
    from seedner.evaluation import read_gold
    from seedner.scoring import score
    from seedner.types import Document

    kinds = {kind: extractor(kind, args.scale) for kind in ("bfloat16", "int8")}
    for spec in args.dev:
        name, _, path = spec.partition("=")
        items = read_gold(path)
        cells = []
        for kind, ex in kinds.items():
            found = [
                [(e.start, e.end, e.type) for e in r.entities]
                for r in ex.run([doc for doc, _ in items])
            ]
            scores = score([spans for _, spans in items], found, ["LOC", "ORG", "PER"])
            cells.append(f"{kind} {scores.micro.f1:.4f}")
        print(f"{name}: " + ", ".join(cells))
    docs = [
        Document(str(p), p.read_text(encoding="utf-8")) for p in sorted(args.folder.glob("*.txt"))
    ]
    chars = sum(len(d.text) for d in docs)
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(args.rounds):
        for kind, ex in kinds.items():
            start = time.process_time()
            ex.run(docs)
            times[kind].append(time.process_time() - start)
    line = ", ".join(f"{k} {np.median(v):.2f} s" for k, v in times.items())
    ratio = np.median(times["bfloat16"]) / np.median(times["int8"])
    print(f"{chars:,} characters, CPU time (median of {args.rounds}): {line}; ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
