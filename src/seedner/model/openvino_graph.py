"""The encoder rebuilt in OpenVINO's own operations, for its CPU plugin.

The saved ONNX graph (:func:`seedner.model.onnx_encoder.bigru_graph`) follows ONNX's ``GRU``,
which is time-major: OpenVINO imports it with a transpose before and after every GRU, a
broadcast that converts the whole input to bfloat16 only to read its shape, and the initial
states and sequence lengths built from that. OpenVINO's ``GRUSequence`` is batch-major; built
directly from the same weights, the encoder needs none of that. On MSRA dev's batches in
bfloat16 on one thread it took 0.66–0.77 s where the imported graph took 0.77–0.89 s (fastest
and median of 15 passes each, alternating); in float32 the two give identical emissions.

Same inputs as the ONNX graph: ``x`` (batch, time, features) and ``order`` (batch, time, 1).
Each direction is a forward ``GRUSequence``, the backward one over the sequences reversed
within their lengths: OpenVINO's own backward direction starts at the padded end.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def named_constants(model: Any) -> dict[str, np.ndarray]:
    """The weights of an OpenVINO model read from the ONNX graph, by initializer name."""
    return {
        op.get_friendly_name(): op.get_data()
        for op in model.get_ordered_ops()
        if op.get_type_name() == "Constant"
    }


def native_encoder(imported: Any) -> Any | None:
    """The encoder of ``imported`` (an OpenVINO model read from the ONNX graph) built from
    ``GRUSequence`` operations; None when its weights are not those of
    :func:`~seedner.model.onnx_encoder.bigru_graph` (``W0f``, ``R0f``, ``B0f`` …,
    ``proj_w``, ``proj_b``)."""
    import openvino as ov
    import openvino.opset13 as ops

    weights = named_constants(imported)
    if not {"W0f", "R0f", "B0f", "proj_w", "proj_b"} <= weights.keys():
        return None

    def const(value: Any) -> Any:
        return ops.constant(np.ascontiguousarray(value))

    features = weights["W0f"].shape[2]
    x = ops.parameter([-1, -1, features], np.float32, name="x")
    order = ops.parameter([-1, -1, 1], np.int64, name="order")
    shape = ops.shape_of(x)  # no data read: the input stays float32 until the GRU converts it
    batch = ops.gather(shape, const(np.array([0])), const(np.array(0)))
    time = ops.gather(shape, const(np.array([1])), const(np.array(0)))
    # Every sequence runs to the padded end: the forward direction reaches the padding only
    # after the real positions, the backward one reads the reversed sequences.
    lengths = ops.broadcast(time, batch)
    previous: Any = x
    layer = 0
    while f"W{layer}f" in weights:
        hidden = weights[f"R{layer}f"].shape[2]
        start = ops.broadcast(
            const(np.float32(0)), ops.concat([batch, const(np.array([1, hidden]))], 0)
        )
        outputs = []
        for direction in "fb":
            name = f"{layer}{direction}"
            bias = weights[f"B{name}"]  # ONNX's input and recurrent biases, summed
            source = previous
            if direction == "b":
                source = ops.gather_nd(previous, order, batch_dims=1)
            gru = ops.gru_sequence(
                source,
                start,
                lengths,
                const(weights[f"W{name}"]),
                const(weights[f"R{name}"]),
                const(bias[:, : 3 * hidden] + bias[:, 3 * hidden :]),
                hidden,
                "forward",
            )
            states = ops.squeeze(gru.output(0), const(np.array([1])))  # (batch, time, H)
            if direction == "b":
                states = ops.gather_nd(states, order, batch_dims=1)
            outputs.append(states)
        previous = ops.concat(outputs, 2)  # forward states first, as in training
        layer += 1
    scores = ops.matmul(previous, const(weights["proj_w"]), False, False)
    emissions = ops.add(scores, const(weights["proj_b"]))
    emissions.output(0).set_names({"emissions"})
    return ov.Model([emissions], [x, order], "seedner_encoder")
