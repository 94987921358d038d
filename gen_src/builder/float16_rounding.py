"""A decoder as the reader's browser runs it, in float16.

The browser's forward pass is the site's own (docs/assets/gen-nn.js:
dense layers, ReLU, sigmoid); `decode_float16` is the same computation in
numpy. Rounding each weight to its nearest float16 moves the decoded
pixels by up to about 3e-3 over the plane a widget shows. The weights are
rounded one input column at a time instead, each rounding error
compensated in the columns not yet rounded (GPTQ: Frantar et al. 2022,
"Optimal Brain Compression" / "GPTQ"), over inputs drawn from that plane;
every stored value is still a float16, and the error falls about tenfold.
"""

from __future__ import annotations

import numpy as np


class UnsupportedLayerError(ValueError):
    """The decoder holds a layer the browser's forward pass lacks."""


def dense_layers(decoder, sigmoid_after: bool) -> list[dict]:
    """An nn.Sequential as dense layers: weight (out, in), bias,
    activation; sigmoid_after adds the sigmoid a family applies after
    its decoder."""
    from torch import nn

    layers: list[dict] = []
    for module in decoder:
        if isinstance(module, nn.Linear):
            layers.append(
                {
                    "weight": module.weight.detach().double().numpy(),
                    "bias": module.bias.detach().double().numpy(),
                    "activation": None,
                }
            )
        elif isinstance(module, (nn.ReLU, nn.Sigmoid)) and layers:
            kind = "relu" if isinstance(module, nn.ReLU) else "sigmoid"
            layers[-1]["activation"] = kind
        elif not isinstance(module, (nn.Flatten, nn.Unflatten)):
            raise UnsupportedLayerError(
                f"the decoder holds a {type(module).__name__}, which the "
                "site's forward pass (docs/assets/gen-nn.js) does not know"
            )
    if sigmoid_after:
        if layers[-1]["activation"] is not None:
            raise UnsupportedLayerError("two output activations")
        layers[-1]["activation"] = "sigmoid"
    return layers


def decode_float16(layers, z, labels=None, num_labels=0):
    """What gen-nn.js computes: float32 sums of float16 weights."""
    x = inputs(np.asarray(z, dtype=np.float64), labels, num_labels)
    x = x.astype(np.float32)
    for layer in layers:
        w = layer["weight"].astype(np.float16).astype(np.float32)
        b = layer["bias"].astype(np.float16).astype(np.float32)
        x = activate(x @ w.T + b, layer["activation"])
    return x


def inputs(z, labels, num_labels):
    """The decoder's input: z, then the one-hot labels if it takes them."""
    if not num_labels:
        return z
    onehot = np.zeros((len(z), num_labels))
    onehot[np.arange(len(z)), np.asarray(labels)] = 1.0
    return np.concatenate([z, onehot], 1)


def activate(x, kind):
    if kind == "relu":
        return np.maximum(x, 0)
    if kind == "sigmoid":  # as exp(-x) overflows far out: 1 / inf = 0
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-x))
    return x


def round_float16(layers, points) -> list[dict]:
    """Round every layer to float16, compensating the rounding errors.

    Layer by layer: the layer is first refitted (least squares) to give
    the original layer's outputs from the rounded layers' inputs, then
    rounded column by column, each column's error spread over the
    columns not yet rounded in proportion to the inputs' correlations
    (GPTQ, Frantar et al. 2022). points: (N, in) inputs of the plane.
    """
    rounded = []
    exact = quant = np.asarray(points, dtype=np.float64)
    for layer in layers:
        w = np.concatenate([layer["weight"], layer["bias"][:, None]], 1)
        xe = np.concatenate([exact, np.ones((len(exact), 1))], 1)
        xq = np.concatenate([quant, np.ones((len(quant), 1))], 1)
        target = xe @ w.T
        gram = xq.T @ xq
        damp = 1e-4 * np.mean(np.diag(gram)) * np.eye(len(gram))
        fitted = np.linalg.solve(gram + damp, xq.T @ target + damp @ w.T).T
        q = _gptq(fitted, gram)
        out = {
            "weight": q[:, :-1],
            "bias": q[:, -1],
            "activation": layer["activation"],
        }
        rounded.append(out)
        exact = activate(xe @ w.T, layer["activation"])
        quant = activate(xq @ q.T, layer["activation"])
    return rounded


def _gptq(w, gram, damping: float = 0.01):
    """w (out, in) rounded to float16 column by column (GPTQ)."""
    w = w.copy()
    h = gram + damping * np.mean(np.diag(gram)) * np.eye(len(gram))
    # the upper Cholesky factor of H^-1 gives every step's update
    inv = np.linalg.inv(h)
    u = np.linalg.cholesky(inv).T
    out = np.empty_like(w)
    for i in range(w.shape[1]):
        col = w[:, i]
        q = col.astype(np.float16).astype(np.float64)
        out[:, i] = q
        err = (col - q) / u[i, i]
        w[:, i + 1 :] -= np.outer(err, u[i, i + 1 :])
    return out
