"""The float16 decoder the browser runs (float16_rounding.py): rounding
with compensation, and the layers it accepts."""

from __future__ import annotations

import numpy as np
import pytest
from torch import nn

from gen_src.builder import float16_rounding


def test_float16_rounding_with_compensation_beats_rounding_to_nearest():
    """GPTQ-style rounding: every value is a float16, the outputs move
    far less than with each weight rounded to its nearest float16."""
    rng = np.random.default_rng(0)
    layers = [
        {
            "weight": rng.normal(0, 1, (64, 2)),
            "bias": rng.normal(0, 1, 64),
            "activation": "relu",
        },
        {
            "weight": rng.normal(0, 0.3, (100, 64)),
            "bias": rng.normal(0, 0.1, 100),
            "activation": "sigmoid",
        },
    ]
    z = rng.uniform(-4, 4, (2048, 2))
    rounded = float16_rounding.round_float16(layers, z)
    for layer in rounded:
        for part in ("weight", "bias"):
            values = layer[part]
            assert np.array_equal(
                values, values.astype(np.float16).astype(np.float64)
            )
    test = rng.uniform(-4, 4, (512, 2))
    x = test
    for layer in layers:  # float64, no rounding at all
        x = float16_rounding.activate(
            x @ layer["weight"].T + layer["bias"], layer["activation"]
        )
    # decode_float16 rounds what it is given to the nearest float16
    nearest = np.abs(float16_rounding.decode_float16(layers, test) - x).max()
    compensated = np.abs(
        float16_rounding.decode_float16(rounded, test) - x
    ).max()
    assert compensated < nearest / 2


def test_dense_layers_read_a_decoder_and_refuse_an_unknown_layer():
    decoder = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 4))
    layers = float16_rounding.dense_layers(decoder, sigmoid_after=True)
    assert [layer["activation"] for layer in layers] == ["relu", "sigmoid"]
    assert layers[1]["weight"].shape == (4, 3)
    with pytest.raises(float16_rounding.UnsupportedLayerError) as err:
        float16_rounding.dense_layers(
            nn.Sequential(nn.Linear(2, 3), nn.Tanh()), sigmoid_after=False
        )
    assert "Tanh" in str(err.value) and "gen-nn.js" in str(err.value)
