"""What the BiGRU encoder costs in ONNX Runtime, by shape: the part of seedner's time that a
cheaper network would save.

Builds ONNX graphs of bidirectional GRU stacks (random weights: the cost does not depend on
them) and times them on the batches the embedded model's tagger makes of real text (its
features of the sentences of a BIO file), one thread, fastest of three passes:

    python benchmarks/encoder_cost.py ../shared/datasets/msra/dev.tsv

Prints seconds per pass and characters per second for each (input size, hidden size, layers).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

SHAPES = [(264, 128, 2), (264, 128, 1), (264, 96, 1), (264, 64, 1), (136, 128, 1), (8, 128, 1)]


def gru_graph(inputs: int, hidden: int, layers: int, labels: int = 7) -> bytes:
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)

    def const(name: str, value: np.ndarray) -> object:
        return numpy_helper.from_array(value.astype(value.dtype), name)

    inits = []
    nodes = [
        helper.make_node("Transpose", ["x"], ["x_t"], perm=[1, 0, 2]),
        helper.make_node("Cast", ["lengths"], ["lens"], to=TensorProto.INT32),
    ]
    previous, size = "x_t", inputs
    for i in range(layers):
        inits += [
            const(f"W{i}", rng.normal(0, 0.1, (2, 3 * hidden, size)).astype(np.float32)),
            const(f"R{i}", rng.normal(0, 0.1, (2, 3 * hidden, hidden)).astype(np.float32)),
            const(f"B{i}", np.zeros((2, 6 * hidden), np.float32)),
            const(f"shape{i}", np.array([0, 0, 2 * hidden], np.int64)),
        ]
        nodes += [
            helper.make_node(
                "GRU",
                [previous, f"W{i}", f"R{i}", f"B{i}", "lens"],
                [f"Y{i}"],
                hidden_size=hidden,
                direction="bidirectional",
                linear_before_reset=0,
            ),
            helper.make_node("Transpose", [f"Y{i}"], [f"Yt{i}"], perm=[0, 2, 1, 3]),
            helper.make_node("Reshape", [f"Yt{i}", f"shape{i}"], [f"h{i}"]),
        ]
        previous, size = f"h{i}", 2 * hidden
    inits.append(const("proj", rng.normal(0, 0.1, (2 * hidden, labels)).astype(np.float32)))
    nodes += [
        helper.make_node("MatMul", [previous, "proj"], ["e_t"]),
        helper.make_node("Transpose", ["e_t"], ["emissions"], perm=[1, 0, 2]),
    ]
    graph = helper.make_graph(
        nodes,
        "encoder",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "time", inputs]),
            helper.make_tensor_value_info("lengths", TensorProto.INT64, ["batch"]),
        ],
        [helper.make_tensor_value_info("emissions", TensorProto.FLOAT, ["batch", "time", labels])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def tagger_batches(path: Path) -> tuple[list[tuple[np.ndarray, np.ndarray]], int]:
    """The embedded model's features of the file's sentences, batched as its tagger does."""
    import hanlp

    import seedner
    from seedner.bio import read_bio_tsv

    tagger = hanlp.load(str(Path(seedner.__file__).parent / "embedded"))
    texts = [text for text, _ in read_bio_tsv(path) if text]
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    batches, start = [], 0
    while start < len(order):  # the grouping of CharNER.tag
        end = start + 1
        while (
            end < len(order)
            and end - start < 512
            and len(texts[order[end]]) * (end - start + 1) <= 8_000
        ):
            end += 1
        chosen = [texts[i] for i in order[start:end]]
        chars, bigrams, shapes = tagger.featurizer.encode(chosen)
        lengths = np.fromiter(map(len, chosen), dtype=np.int64, count=len(chosen))
        batches.append((tagger.model.features_numpy(chars, bigrams, shapes), lengths))
        start = end
    return batches, sum(map(len, texts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bio_file", type=Path, help="CHAR<TAB>TAG file whose sentences to use")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    import onnxruntime as ort

    batches, chars = tagger_batches(args.bio_file)
    print(f"{chars:,} characters in {len(batches)} batches; {args.threads} thread(s)")
    print("| input | hidden | layers | seconds | chars/s |\n|---:|---:|---:|---:|---:|")
    for inputs, hidden, layers in SHAPES:
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(gru_graph(inputs, hidden, layers), options)
        feeds = [
            {"x": np.ascontiguousarray(x[..., :inputs]), "lengths": lengths}
            for x, lengths in batches
        ]
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            for feed in feeds:
                session.run(None, feed)
            best = min(best, time.perf_counter() - t0)
        print(f"| {inputs} | {hidden} | {layers} | {best:.3f} | {chars / best:,.0f} |")


if __name__ == "__main__":
    main()
