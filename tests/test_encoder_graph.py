"""The encoder graph: each direction a forward GRU, the backward one over sequences reversed
within their lengths, gives what one bidirectional GRU with sequence lengths gives; and the
bfloat16 encoder (OpenVINO, the graph rebuilt in its own operations) agrees with float32 and
does not depend on its batch."""

from __future__ import annotations

from pathlib import Path

import hanlp
import numpy as np
import pytest

import seedner
from seedner.model.onnx_encoder import bigru_graph
from seedner.model.onnx_tagger import EncoderSession, native_bfloat16

pytest.importorskip("onnx", reason="building a graph needs the onnx package (extra: train)")


def _bidirectional_with_lengths(layers: list, proj_w: np.ndarray, proj_b: np.ndarray) -> bytes:
    """The graph as saved before the ``order`` input: one bidirectional GRU per layer."""
    from onnx import TensorProto, helper, numpy_helper

    inits, nodes, previous = [], [], "x_t"
    nodes.append(helper.make_node("Transpose", ["x"], ["x_t"], perm=[1, 0, 2]))
    nodes.append(helper.make_node("Cast", ["lengths"], ["lens"], to=TensorProto.INT32))
    for i, (w, r, b) in enumerate(layers):
        h = r.shape[2]
        inits += [
            numpy_helper.from_array(a.astype(np.float32), f"{n}{i}")
            for n, a in zip("WRB", (w, r, b))
        ]
        inits.append(numpy_helper.from_array(np.array([0, 0, 2 * h], dtype=np.int64), f"s{i}"))
        nodes += [
            helper.make_node(
                "GRU",
                [previous, f"W{i}", f"R{i}", f"B{i}", "lens"],
                [f"Y{i}"],
                hidden_size=h,
                direction="bidirectional",
                linear_before_reset=0,
            ),
            helper.make_node("Transpose", [f"Y{i}"], [f"T{i}"], perm=[0, 2, 1, 3]),
            helper.make_node("Reshape", [f"T{i}", f"s{i}"], [f"h{i}"]),
        ]
        previous = f"h{i}"
    inits += [
        numpy_helper.from_array(proj_w.astype(np.float32), "pw"),
        numpy_helper.from_array(proj_b.astype(np.float32), "pb"),
    ]
    nodes += [
        helper.make_node("MatMul", [previous, "pw"], ["m"]),
        helper.make_node("Add", ["m", "pb"], ["a"]),
        helper.make_node("Transpose", ["a"], ["emissions"], perm=[1, 0, 2]),
    ]
    graph = helper.make_graph(
        nodes,
        "old",
        [
            helper.make_tensor_value_info(
                "x", TensorProto.FLOAT, ["b", "t", layers[0][0].shape[2]]
            ),
            helper.make_tensor_value_info("lengths", TensorProto.INT64, ["b"]),
        ],
        [
            helper.make_tensor_value_info(
                "emissions", TensorProto.FLOAT, ["b", "t", proj_w.shape[1]]
            )
        ],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()  # fmt: skip


def test_forward_grus_over_reversed_sequences_equal_a_bidirectional_gru_with_lengths() -> None:
    rng = np.random.default_rng(0)
    features, hidden, labels = 6, 4, 5
    layers, size = [], features
    for _ in range(2):
        layers.append((rng.normal(0, 0.5, (2, 3 * hidden, size)),
                       rng.normal(0, 0.5, (2, 3 * hidden, hidden)),
                       rng.normal(0, 0.5, (2, 6 * hidden))))  # fmt: skip
        size = 2 * hidden
    proj_w, proj_b = rng.normal(0, 0.5, (2 * hidden, labels)), rng.normal(0, 0.5, labels)
    new = EncoderSession(bigru_graph(layers, proj_w, proj_b), threads=1, precision="float32")
    old = EncoderSession(_bidirectional_with_lengths(layers, proj_w, proj_b), threads=1)
    assert new.backend == old.backend == "onnxruntime"
    lengths = np.array([9, 1, 5, 9, 3])
    x = rng.normal(size=(5, 9, features)).astype(np.float32)
    valid = np.arange(9)[None, :] < lengths[:, None]
    np.testing.assert_allclose(new.run(x, lengths)[valid], old.run(x, lengths)[valid], atol=1e-5)


def test_the_encoder_rebuilt_in_openvino_gives_the_onnx_graphs_emissions() -> None:
    ov = pytest.importorskip("openvino", reason="the native encoder runs in OpenVINO")
    from seedner.model.onnx_tagger import reversal
    from seedner.model.openvino_graph import native_encoder

    rng = np.random.default_rng(1)
    features, hidden, labels = 7, 5, 4
    layers, size = [], features
    for _ in range(2):
        layers.append((rng.normal(0, 0.5, (2, 3 * hidden, size)),
                       rng.normal(0, 0.5, (2, 3 * hidden, hidden)),
                       rng.normal(0, 0.5, (2, 6 * hidden))))  # fmt: skip
        size = 2 * hidden
    proj_w, proj_b = rng.normal(0, 0.5, (2 * hidden, labels)), rng.normal(0, 0.5, labels)
    graph = bigru_graph(layers, proj_w, proj_b)
    core = ov.Core()
    native = native_encoder(core.read_model(graph, b""))
    assert native is not None
    assert [op.get_type_name() for op in native.get_ordered_ops()].count("GRUSequence") == 4
    compiled = core.compile_model(native, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    lengths = np.array([9, 1, 5, 9, 3])
    x = rng.normal(size=(5, 9, features)).astype(np.float32)
    got = compiled({"x": x, "order": reversal(lengths, 9)})[0]
    want = EncoderSession(graph, threads=1, precision="float32").run(x, lengths)
    valid = np.arange(9)[None, :] < lengths[:, None]
    np.testing.assert_allclose(got[valid], want[valid], atol=1e-5)


def test_a_graph_of_other_weights_is_not_rebuilt() -> None:
    ov = pytest.importorskip("openvino", reason="the native encoder runs in OpenVINO")
    from seedner.model.openvino_graph import native_encoder

    graph = _bidirectional_with_lengths(
        [(np.ones((2, 6, 3)), np.ones((2, 6, 2)), np.zeros((2, 12)))], np.ones((4, 2)), np.zeros(2)
    )
    assert native_encoder(ov.Core().read_model(graph, b"")) is None


def _seed_sentences() -> list[str]:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    lines = [
        line.strip()
        for path in sorted(seeds.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return [line[i : i + 150] for line in lines for i in range(0, len(line), 150)]


def _bfloat16_tagger() -> object:
    ov = pytest.importorskip("openvino", reason="the bfloat16 encoder runs in OpenVINO")
    if not native_bfloat16(ov.Core()):
        pytest.skip("this CPU has no native bfloat16 (AVX512-BF16 or AMX)")
    tagger = hanlp.load(str(Path(seedner.__file__).parent / "embedded"), precision="bfloat16")
    assert tagger.runtime is not None and tagger.runtime.encoder.backend == "openvino"
    return tagger


def test_the_bfloat16_encoder_finds_what_float32_finds_on_the_seeds() -> None:
    tagger = _bfloat16_tagger()
    f32 = hanlp.load(str(Path(seedner.__file__).parent / "embedded"), precision="float32")
    assert f32.runtime is not None and f32.runtime.encoder.backend == "onnxruntime"
    texts = _seed_sentences()
    fast, exact = tagger.spans(texts), f32.spans(texts)
    assert sum(len(s) for s in exact) > 100
    same = sum(a == b for a, b in zip(fast, exact))
    assert same >= 0.99 * len(texts)


def test_the_bfloat16_encoder_does_not_depend_on_the_batch() -> None:
    tagger = _bfloat16_tagger()
    texts = _seed_sentences()
    alone = tagger.spans(texts)
    assert tagger.spans(texts, max_chars=900) == alone
    assert tagger.spans(texts[::-1], max_chars=2500)[::-1] == alone
