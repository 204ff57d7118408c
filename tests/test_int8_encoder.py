"""Precision ``int8`` (``SEEDNER_PRECISION=int8``): OpenVINO runs the embedded model's GRUs in
int8 (seedner.model.onnx_tagger.quantize_grus), on MSRA dev sentences."""

from __future__ import annotations

from pathlib import Path

import hanlp
import numpy as np
import pytest

import seedner
from seedner.model.onnx_tagger import TABLES, input_bound
from seedner.model.weights import load_numpy

from .helpers import msra_dev_texts, real_emissions

pytest.importorskip("openvino", reason="OpenVINO runs the int8 GRU")

EMBEDDED = Path(seedner.__file__).parent / "embedded"


def test_the_input_scale_is_the_largest_value_the_first_layer_reads() -> None:
    arrays = load_numpy(EMBEDDED, list(TABLES))
    assert arrays is not None
    tables = tuple(arrays[name] for name in TABLES)
    bound = input_bound(tables, None)
    assert bound == max(float(np.abs(t).max()) for t in tables) and bound > 1
    # a lexicon bit (1) is the largest value of tables that hold only small ones
    assert input_bound(tuple(t / (2 * bound) for t in tables), None) == 1.0
    # summed inputs: the largest character, shape and projected lexicon parts added up
    projection = np.full((tables[0].shape[1], 40), 0.01, dtype=np.float32)
    summed = input_bound(tables, projection)
    assert summed == pytest.approx(
        np.abs(tables[0]).max() + np.abs(tables[2]).max() + 0.4, rel=1e-5
    )


def test_the_embedded_model_runs_its_grus_in_int8_when_asked() -> None:
    texts = msra_dev_texts(200, start=200)
    float_model = hanlp.load(str(EMBEDDED), precision="float32")
    int8_model = hanlp.load(str(EMBEDDED), precision="int8")
    assert float_model.runtime.encoder.backend == "onnxruntime"
    assert int8_model.runtime.encoder.backend == "openvino"
    float_emissions = real_emissions(float_model, texts)
    int8_emissions = real_emissions(int8_model, texts)
    float_labels, int8_labels = float_emissions.argmax(-1), int8_emissions.argmax(-1)
    # rounded to 8 bits, so not the float model's emissions, yet its best labels almost
    # everywhere (97-98% of MSRA dev's characters)
    assert np.abs(int8_emissions - float_emissions).max() > 0.05
    assert (int8_labels == float_labels).mean() > 0.95
