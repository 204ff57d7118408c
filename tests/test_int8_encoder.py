"""A model trained for an int8 encoder (config ``int8_input_scale``): the rounding it trains
with (seedner.model.gru_network), and its GRUs run in int8 by OpenVINO, in float32 by ONNX
Runtime (seedner.model.onnx_tagger), on MSRA dev sentences and the embedded model's weights."""

from __future__ import annotations

from pathlib import Path

import hanlp
import numpy as np
import pytest
import torch

import seedner
from seedner.model.component import CharNER
from seedner.model.compression import int8_copy
from seedner.model.gru_network import U8_STEP, fake_s8_rows, fake_u8
from seedner.model.onnx_tagger import native_bfloat16

from .helpers import dataset

pytest.importorskip("onnx", reason="saving a GRU model writes an ONNX graph (extra: train)")

EMBEDDED = Path(seedner.__file__).parent / "embedded"
SCALE = 9.6  # the embedded model's largest first-layer inputs


def _dev_texts(n: int) -> list[str]:
    blocks = dataset("msra/dev.tsv").read_text(encoding="utf-8").split("\n\n")[200 : 200 + n]
    return ["".join(line[0] for line in block.splitlines()) for block in blocks]


def _labels(ner: CharNER, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each real position's best label by the emissions alone, and the emissions."""
    runtime = ner.runtime
    assert runtime is not None
    emissions, lengths = runtime.emissions(texts)
    real = np.arange(emissions.shape[1])[None, :] < lengths[:, None]
    return emissions[real].argmax(-1), emissions[real]


def test_the_rounding_keeps_256_input_codes_and_255_weight_levels_per_unit() -> None:
    x = torch.linspace(-1.5, 1.5, 2001, requires_grad=True)
    q = fake_u8(x)
    codes = q.detach() / U8_STEP + 128  # zero at code 128
    assert torch.allclose(codes, codes.round(), atol=1e-3)
    assert codes.min() == 0 and codes.max() == 255
    q.sum().backward()  # straight through: the gradient of the identity
    assert x.grad is not None and torch.equal(x.grad, torch.ones_like(x))

    torch.manual_seed(0)
    w_ih, w_hh = torch.randn(2, 30, 3 * 8), torch.randn(2, 8, 3 * 8) * 3
    q_ih, q_hh = fake_s8_rows(w_ih, w_hh, 4.0)
    step = torch.maximum((w_ih * 4).abs().amax(1), w_hh.abs().amax(1)) / 127  # per gate unit
    for d in range(2):
        ih_codes, hh_codes = q_ih[d] * 4 / step[d], q_hh[d] / step[d]
        assert torch.allclose(ih_codes, ih_codes.round(), atol=1e-3)
        assert torch.allclose(hh_codes, hh_codes.round(), atol=1e-3)
        assert ih_codes.abs().max() <= 127 + 1e-3 and hh_codes.abs().max() <= 127 + 1e-3
    assert (q_ih - w_ih).abs().max() <= (step / 4).max() / 2 + 1e-6


@pytest.fixture(scope="module")
def int8_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[CharNER, Path]:
    """The embedded model (float32) and its copy for an int8 encoder, saved."""
    float_model = CharNER()
    float_model.load(EMBEDDED, precision="float32")
    folder = tmp_path_factory.mktemp("int8")
    int8_copy(float_model, SCALE).save(folder)
    return float_model, folder


def test_onnx_runtime_runs_a_model_for_int8_in_float32(int8_model: tuple[CharNER, Path]) -> None:
    float_model, folder = int8_model
    loaded = hanlp.load(str(folder), precision="float32")
    assert loaded.config["int8_input_scale"] == SCALE
    assert loaded.runtime is not None and loaded.runtime.encoder.backend == "onnxruntime"
    texts = _dev_texts(60)
    # the same network (both saved in half precision)
    np.testing.assert_allclose(_labels(loaded, texts)[1], _labels(float_model, texts)[1], atol=1e-2)


def test_openvino_runs_its_grus_in_int8_as_the_model_trained_for(
    int8_model: tuple[CharNER, Path],
) -> None:
    pytest.importorskip("openvino", reason="OpenVINO runs the int8 GRU")
    import openvino as ov

    if not native_bfloat16(ov.Core()):
        pytest.skip("this CPU has no bfloat16 (nor, then, the int8 GRU's instructions)")
    float_model, folder = int8_model
    loaded = hanlp.load(str(folder))
    assert loaded.runtime is not None and loaded.runtime.encoder.backend == "openvino"
    texts = _dev_texts(200)
    int8_labels, int8_emissions = _labels(loaded, texts)
    float_labels, float_emissions = _labels(float_model, texts)
    # rounded, so not the float model's emissions, yet its best labels almost everywhere
    assert np.abs(int8_emissions - float_emissions).max() > 0.05
    assert (int8_labels == float_labels).mean() > 0.95
    # and near what the network computes with the rounding it trains with
    network = int8_copy(float_model, SCALE)
    assert network.model is not None
    network.model.eval()
    with torch.no_grad():
        batch = network.tensorize(texts)
        simulated = network.emissions(batch).numpy()[batch["mask"].numpy().astype(bool)]
    assert (simulated.argmax(-1) == int8_labels).mean() > 0.95


def test_any_gru_model_runs_in_int8_when_asked(int8_model: tuple[CharNER, Path]) -> None:
    """``SEEDNER_PRECISION=int8``: the embedded model, not trained for it, its first layer's
    input scaled by the largest value it can read (9.55: an embedding's)."""
    pytest.importorskip("openvino", reason="OpenVINO runs the int8 GRU")
    float_model, _ = int8_model
    loaded = hanlp.load(str(EMBEDDED), precision="int8")
    assert loaded.runtime is not None and loaded.runtime.encoder.backend == "openvino"
    texts = _dev_texts(200)
    int8_labels, int8_emissions = _labels(loaded, texts)
    float_labels, float_emissions = _labels(float_model, texts)
    assert np.abs(int8_emissions - float_emissions).max() > 0.05
    assert (int8_labels == float_labels).mean() > 0.95
