"""Helpers shared by the plotting modules.

Words on a figure are marked for translation with tr(): a plot writes
them in English, `ax.set_xlabel(tr("step"))`, and the build draws the
figure again for each language whose table translates them
(gen_src/builder/strings/LANG.toml, [figures]). Math ($x$) and names (GAN,
VAE) need no tr(). Outside the build, in a notebook or on Colab, tr()
gives the English text back.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator

import matplotlib.pyplot as plt
import torch
from torchvision.utils import make_grid

# (English text -> the language's, the English texts asked for)
_WORDS: contextvars.ContextVar[tuple[dict, set] | None] = (
    contextvars.ContextVar("figure_words", default=None)
)


@contextlib.contextmanager
def words(table: dict[str, str] | None = None) -> Iterator[set[str]]:
    """Draw with table's words inside; yields the set of English texts
    the plots passed to tr() (filled while drawing)."""
    used: set[str] = set()
    token = _WORDS.set((dict(table or {}), used))
    try:
        yield used
    finally:
        _WORDS.reset(token)


def tr(text: str) -> str:
    """text, written in English, in the language being drawn."""
    current = _WORDS.get()
    if current is None:
        return text
    table, used = current
    used.add(text)
    return table.get(text, text)


def per_runs(compute):
    """compute(*runs), remembered for the runs it was last given: the
    build draws a figure once per language from the same runs, and the
    computing, not the drawing, is what costs."""
    last: list = []

    @functools.wraps(compute)
    def remembered(*runs):
        if last and len(last[0]) == len(runs):
            if all(a is b for a, b in zip(last[0], runs)):
                return last[1]
        last[:] = [runs, compute(*runs)]
        return last[1]

    return remembered


def image_grid(ax, images: torch.Tensor, nrow: int, pad: int = 2) -> None:
    """Show a batch (N, 1, H, W) in [0, 1] as one grey grid on ax."""
    grid = make_grid(
        images.detach().cpu().clamp(0, 1),
        nrow=nrow,
        padding=pad,
        pad_value=0.0,
    )  # white gutters
    ax.imshow(
        grid[0].numpy(), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest"
    )
    ax.set_axis_off()


def figure(width: float = 6.0, height: float = 4.0, **kw):
    """A new figure with the site's defaults."""
    return plt.subplots(figsize=(width, height), **kw)


# Generator losses whose D outputs a logit (D = sigmoid(logit)): a replay
# shows D itself, in [0, 1]. Any other (a critic's score, as in WGAN) is
# shown rescaled from its 1st to its 99th percentile over the run.
LOGIT_LOSSES = ("minimax", "nonsaturating")


def replay_unit(loss: str, view: torch.Tensor):
    """D's raw output on the plane -> values in [0, 1], and the mapping
    used ({"kind", "low", "high"}; the replay widget shows the same)."""
    view = view.double()
    if loss in LOGIT_LOSSES:
        mapping = {"kind": "probability", "low": 0.0, "high": 1.0}
        return torch.sigmoid(view), mapping
    low, high = torch.quantile(
        view.flatten(), torch.tensor([0.01, 0.99], dtype=view.dtype)
    ).tolist()
    high = high if high > low else low + 1.0
    mapping = {"kind": "score", "low": low, "high": high}
    return ((view - low) / (high - low)).clamp(0, 1), mapping
