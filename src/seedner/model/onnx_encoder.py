"""The BiGRU encoder and emission layer of a GRU model as an ONNX graph, for ONNX Runtime.

ONNX's ``GRU`` operator with ``linear_before_reset=0`` is exactly LAC's formulation (the reset
gate applied before the recurrent product), which ``torch.nn.GRU`` cannot express; the model's
own time loop in Python is several times slower than ONNX Runtime's fused kernel. Embedding
look-ups stay outside (NumPy): they are cheap, and keeping the large tables out of the graph
keeps the file small (the graph holds the GRU and the output layer, ~2.5 MB).

Graph: ``x`` (batch, time, features) float32 and ``order`` (batch, time, 1) int64 →
``emissions`` (batch, time, labels). Written with the ``onnx`` package (needed only to save a
model); run by :mod:`seedner.model.onnx_tagger` in OpenVINO or ONNX Runtime.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from seedner.model.gru_network import CharBiGRUCRF


def _gates_onnx(a: np.ndarray, hidden: int) -> np.ndarray:
    """Gate blocks on the last axis from ours (reset, update, new) to ONNX's (update, reset,
    hidden)."""
    h = hidden
    return np.concatenate([a[..., h : 2 * h], a[..., :h], a[..., 2 * h :]], axis=-1)


def encoder_graph(model: CharBiGRUCRF) -> bytes:
    """The serialized ONNX graph of ``model``'s BiGRU and output layer."""
    gru = model.gru
    h = gru.hidden
    layers = []
    for layer in range(len(gru.ih_weight)):
        w_ih = gru.ih_weight[layer].detach().float().cpu().numpy()  # (2, in, 3H)
        w_hh = gru.hh_weight[layer].detach().float().cpu().numpy()  # (2, H, 3H)
        b_ih = gru.ih_bias[layer].detach().float().cpu().numpy()  # (2, 3H)
        layers.append(
            (
                _gates_onnx(w_ih, h).transpose(0, 2, 1),
                _gates_onnx(w_hh, h).transpose(0, 2, 1),
                np.concatenate([_gates_onnx(b_ih, h), np.zeros_like(b_ih)], axis=-1),
            )
        )
    return bigru_graph(
        layers,
        model.proj.weight.detach().float().cpu().numpy().T,
        model.proj.bias.detach().float().cpu().numpy(),
    )


def bigru_graph(
    layers: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    proj_w: np.ndarray,
    proj_b: np.ndarray,
) -> bytes:
    """A serialized ONNX graph: stacked bidirectional GRU layers (LAC's formulation) and an
    output layer. ``layers``: per layer ONNX's ``W`` (2, 3H, in), ``R`` (2, 3H, H) and ``B``
    (2, 6H), gates in ONNX's order; ``proj_w`` (2H, labels), ``proj_b`` (labels).

    Inputs: ``x`` (batch, time, features) and ``order`` (batch, time, 1), each sequence's
    positions reversed within its length (:func:`seedner.model.onnx_tagger.reversal`). Each
    direction is a forward ``GRU``, the backward one over the reversed sequences, rather than
    one bidirectional ``GRU`` with ``sequence_lens``: the same values in ONNX Runtime, and
    OpenVINO, which starts the backward direction at the padded end, reads it right too.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def const(name: str, value: np.ndarray) -> Any:
        return numpy_helper.from_array(np.ascontiguousarray(value, dtype=value.dtype), name)

    def node(op: str, inputs: list[str], output: str, **attrs: Any) -> Any:
        return helper.make_node(op, inputs, [output], **attrs)

    features = layers[0][0].shape[2]
    labels = proj_w.shape[1]
    inits: list[Any] = [const("axis1", np.array([1], dtype=np.int64))]
    nodes: list[Any] = []
    previous = "x"  # batch-major between layers
    for layer, (w, r, b) in enumerate(layers):
        h = r.shape[2]
        outputs = []
        for d, name in enumerate((f"{layer}f", f"{layer}b")):
            inits += [
                const(f"W{name}", w[d : d + 1].astype(np.float32)),
                const(f"R{name}", r[d : d + 1].astype(np.float32)),
                const(f"B{name}", b[d : d + 1].astype(np.float32)),
            ]
            source = previous
            if d:  # reversed within each length; padding stays where it is
                nodes.append(node("GatherND", [previous, "order"], f"rev{name}", batch_dims=1))
                source = f"rev{name}"
            nodes += [
                node("Transpose", [source], f"in{name}", perm=[1, 0, 2]),
                node(
                    "GRU",
                    [f"in{name}", f"W{name}", f"R{name}", f"B{name}"],
                    f"Y{name}",
                    hidden_size=h,
                    direction="forward",
                    linear_before_reset=0,
                ),
                node("Squeeze", [f"Y{name}", "axis1"], f"S{name}"),  # (time, batch, H)
                node("Transpose", [f"S{name}"], f"out{name}", perm=[1, 0, 2]),
            ]
            output = f"out{name}"
            if d:  # back in order
                nodes.append(node("GatherND", [output, "order"], f"back{name}", batch_dims=1))
                output = f"back{name}"
            outputs.append(output)
        # forward states first, as in training
        nodes.append(node("Concat", outputs, f"h{layer}", axis=2))
        previous = f"h{layer}"
    inits += [
        const("proj_w", proj_w.astype(np.float32)),
        const("proj_b", proj_b.astype(np.float32)),
    ]
    nodes += [
        node("MatMul", [previous, "proj_w"], "scores"),
        node("Add", ["scores", "proj_b"], "emissions"),
    ]
    graph = helper.make_graph(
        nodes,
        "seedner_encoder",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "time", features]),
            helper.make_tensor_value_info("order", TensorProto.INT64, ["batch", "time", 1]),
        ],
        [helper.make_tensor_value_info("emissions", TensorProto.FLOAT, ["batch", "time", labels])],
        initializer=inits,
    )
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx_model.ir_version = 8  # readable by every ONNX Runtime since 1.10
    onnx.checker.check_model(onnx_model)
    return onnx_model.SerializeToString()


def export_encoder(model: CharBiGRUCRF, path: str | Path) -> None:
    Path(path).write_bytes(encoder_graph(model))
