"""The figures of the evaluation page (gen_src/plots/evaluation.py), drawn
from untrained small networks on a tiny Fashion-MNIST of random pixels
(GEN_DATA_DIR): what they show, not how good the models are."""

from __future__ import annotations

import inspect
import struct
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

from gen_src import classifier
from gen_src.loop import Run
from gen_src.plots import common
from gen_src.plots import evaluation as ev

N_TRAIN, N_TEST = 120, 80


def _idx(values: torch.Tensor) -> bytes:
    header = bytes([0, 0, 0x08, values.dim()])
    header += b"".join(struct.pack(">I", d) for d in values.shape)
    return header + values.numpy().tobytes()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """Fashion-MNIST's four IDX files with a few random images each."""
    root = tmp_path_factory.mktemp("data")
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    gen = torch.Generator().manual_seed(0)
    for prefix, n in (("train", N_TRAIN), ("t10k", N_TEST)):
        images = torch.randint(
            0, 256, (n, 28, 28), generator=gen, dtype=torch.uint8
        )
        labels = torch.randint(0, 10, (n,), generator=gen, dtype=torch.uint8)
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(_idx(images))
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(_idx(labels))
    return root


@pytest.fixture(autouse=True)
def tiny_dataset(data_dir, monkeypatch):
    monkeypatch.setenv("GEN_DATA_DIR", str(data_dir))
    yield
    plt.close("all")


def _gan_run(seed: int) -> Run:
    """A one-layer G whose images in [-1, 1] differ from z to z."""
    torch.manual_seed(seed)
    G = nn.Sequential(
        nn.Linear(8, 28 * 28), nn.Tanh(), nn.Unflatten(1, (1, 28, 28))
    )
    nn.init.normal_(G[0].weight)
    config = SimpleNamespace(latent_dim=8)
    return Run(config=config, models={"G": G}, history={}, metrics={})


@pytest.fixture(scope="module")
def runs():
    """(gan run, another gan run, judge run), untrained."""
    config = classifier.config_for("smoke", channels=4, feature_dim=32)
    torch.manual_seed(0)
    judge = Run(
        config=config,
        models=classifier.build(config),
        history={},
        metrics={},
    )
    return _gan_run(1), _gan_run(2), judge


def _train_images() -> torch.Tensor:
    from gen_src import data

    return data.load("fashion-mnist", "train").images


# -- frechet_vs_samples -------------------------------------------------


def test_the_distances_are_plotted_at_every_size_on_log_axes(runs):
    """Two curves, G's and the real-vs-real floor, each at every size of
    SIZES, with the values _distances computed; both axes logarithmic."""
    gan_run, _, judge = runs
    fig = ev.frechet_vs_samples(gan_run, judge)
    model, floor = ev._distances(gan_run, judge)
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert [list(line.get_xdata()) for line in lines] == [list(ev.SIZES)] * 2
    assert list(lines[0].get_ydata()) == model
    assert list(lines[1].get_ydata()) == floor
    assert all(d >= 0 for d in model + floor)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["$G$ vs real", "real vs real"]


def test_the_legend_is_drawn_in_the_language_without_computing_again(runs):
    """Drawn again for another language from the same runs: the legend is
    translated, and the distances are the ones remembered."""
    gan_run, _, judge = runs
    first = ev._distances(gan_run, judge)
    table = {"$G$ vs real": "$G$ contre réel", "real vs real": "réel/réel"}
    with common.words(table) as used:
        fig = ev.frechet_vs_samples(gan_run, judge)
    assert used == set(table)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == list(table.values())
    assert ev._distances(gan_run, judge) is first


def test_the_floor_does_not_depend_on_the_generator(runs):
    """Real against real: another G changes its own curve only."""
    gan_run, other, judge = runs
    model, floor = ev._distances(gan_run, judge)
    model_b, floor_b = ev._distances(other, judge)
    assert floor_b == floor
    assert model_b != model


# -- nearest_training_images --------------------------------------------


def _cells(pixels: torch.Tensor, rows: int, cols: int) -> torch.Tensor:
    """The 28x28 cells of a grid drawn with pad 1, (rows, cols, 28, 28)."""
    return torch.stack(
        [
            torch.stack(
                [
                    pixels[
                        1 + 29 * r : 29 * (r + 1), 1 + 29 * c : 29 * (c + 1)
                    ]
                    for c in range(cols)
                ]
            )
            for r in range(rows)
        ]
    )


def test_each_sample_is_followed_by_its_nearest_training_images(runs):
    """Row by row: a sample, then training images, nearest first in the
    judge's features; no training image left out is nearer than the
    last one shown."""
    gan_run, _, judge = runs
    rows, neighbours = 3, 4
    fig = ev.nearest_training_images(gan_run, judge, rows, neighbours)
    (ax,) = fig.axes
    pixels = torch.as_tensor(ax.images[0].get_array()).float()
    assert pixels.shape == (29 * rows + 1, 29 * (neighbours + 1) + 1)
    cells = _cells(pixels, rows, neighbours + 1)
    train = _train_images()
    flat = train.flatten(1)
    bank = classifier.features(judge.models["classifier"], train)
    for r in range(rows):
        sample = cells[r, 0].view(1, 1, 28, 28)
        shown = [
            (flat == cells[r, c].flatten()).all(dim=1).nonzero().item()
            for c in range(1, neighbours + 1)
        ]
        feats = classifier.features(judge.models["classifier"], sample)
        dist = (bank - feats).pow(2).sum(dim=1)
        assert dist[shown].tolist() == sorted(dist[shown].tolist())
        others = [i for i in range(len(train)) if i not in shown]
        assert dist[others].min() >= dist[shown].max()


def test_the_figure_grows_with_the_rows_and_the_neighbours(runs):
    gan_run, _, judge = runs
    fig = ev.nearest_training_images(gan_run, judge, rows=2, neighbours=1)
    assert tuple(fig.get_size_inches()) == pytest.approx((1.4, 1.5))
    assert ax_shape(fig) == (2 * 29 + 1, 2 * 29 + 1)
    fig = ev.nearest_training_images(gan_run, judge)  # 6 rows, 5 nearest
    assert tuple(fig.get_size_inches()) == pytest.approx((4.2, 4.5))
    assert ax_shape(fig) == (6 * 29 + 1, 6 * 29 + 1)


def ax_shape(fig) -> tuple[int, int]:
    return tuple(fig.axes[0].images[0].get_array().shape)


# -- iwae_bound ---------------------------------------------------------


def test_the_bounds_are_plotted_against_k_in_numeric_order():
    """k is read from the metric names and sorted as a number (2 before
    10); the dotted line marks L_1, the ELBO."""
    metrics = {
        "iwae_k10": -250.0,
        "iwae_k1": -260.0,
        "test_nelbo": 261.0,  # not a bound
        "iwae_k100": -245.0,
        "iwae_k2": -256.0,
    }
    run = Run(config=None, models={}, history={}, metrics=metrics)
    fig = ev.iwae_bound(run)
    (ax,) = fig.axes
    curve, elbo = ax.get_lines()
    assert list(curve.get_xdata()) == [1, 2, 10, 100]
    assert list(curve.get_ydata()) == [-260.0, -256.0, -250.0, -245.0]
    assert list(elbo.get_ydata()) == [-260.0, -260.0]
    assert ax.get_xscale() == "log"


# -- the table ----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ev.FIGURES))
def test_each_figure_takes_the_runs_it_names(name):
    """A figure function takes one positional argument per run it needs;
    the rest have defaults."""
    needed, draw = ev.FIGURES[name]
    required = [
        p
        for p in inspect.signature(draw).parameters.values()
        if p.default is inspect.Parameter.empty
    ]
    assert len(required) == len(needed)


def test_a_vae_without_bounds_is_refused_saying_how_to_get_them():
    config = type("Config", (), {"iwae_samples": 0})()
    run = Run(config=config, models={}, history={}, metrics={"x": 1.0})
    with pytest.raises(ValueError, match=r"iwae_samples=0\): train it"):
        ev.iwae_bound(run)
