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
    """seedner's encoder graph with random weights of the given shape."""
    from seedner.model.onnx_encoder import bigru_graph

    rng = np.random.default_rng(0)
    weights, size = [], inputs
    for _ in range(layers):
        weights.append(
            (
                rng.normal(0, 0.1, (2, 3 * hidden, size)),
                rng.normal(0, 0.1, (2, 3 * hidden, hidden)),
                np.zeros((2, 6 * hidden)),
            )
        )
        size = 2 * hidden
    return bigru_graph(weights, rng.normal(0, 0.1, (2 * hidden, labels)), np.zeros(labels))


def tagger_batches(path: Path) -> tuple[list[tuple[np.ndarray, np.ndarray]], int]:
    """The embedded model's features of the file's sentences, batched as its tagger does."""
    import hanlp

    import seedner
    from seedner.bio import read_bio_tsv
    from seedner.model.component import tagging_batches

    tagger = hanlp.load(str(Path(seedner.__file__).parent / "embedded"))
    assert tagger.runtime is not None, "the embedded model tags in ONNX Runtime"
    texts = [text for text, _ in read_bio_tsv(path) if text]
    batches = []
    for idx in tagging_batches(texts):  # the grouping of CharNER.tag
        chosen = [texts[i] for i in idx]
        chars, bigrams, shapes = tagger.featurizer.encode(chosen)
        lengths = np.fromiter(map(len, chosen), dtype=np.int64, count=len(chosen))
        batches.append((tagger.runtime.features(chars, bigrams, shapes), lengths))
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
