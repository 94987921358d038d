"""gen_src.plots.common: the words of a figure (words, tr), remembering a
computation for the same runs (per_runs), the image grid, the figure's
defaults and the replay's mapping of D's output to [0, 1]."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch

from gen_src.plots import common


@pytest.fixture
def close_figures():
    yield
    plt.close("all")


# -- words and tr -------------------------------------------------------


def test_nested_words_restore_the_outer_table_on_the_way_out():
    """The inner table holds only inside; each level records the texts
    asked for while it was the current one."""
    with common.words({"step": "步数"}) as outer:
        with common.words({"step": "Schritt"}) as inner:
            assert common.tr("step") == "Schritt"
        assert common.tr("step") == "步数"
        common.tr("loss")
    assert inner == {"step"}
    assert outer == {"step", "loss"}
    assert common.tr("step") == "step"


def test_an_error_while_drawing_leaves_tr_in_english():
    with pytest.raises(RuntimeError):
        with common.words({"step": "步数"}):
            raise RuntimeError("a plot failed")
    assert common.tr("step") == "step"


def test_no_table_draws_in_english_but_still_records_the_words():
    with common.words() as used:
        assert common.tr("real vs real") == "real vs real"
    assert used == {"real vs real"}


def test_the_table_is_read_when_drawing_starts():
    """words() keeps its own copy: a table changed meanwhile changes
    nothing on the figure being drawn."""
    table = {"step": "步数"}
    with common.words(table):
        table["step"] = "changed"
        table["loss"] = "损失"
        assert common.tr("step") == "步数"
        assert common.tr("loss") == "loss"


# -- per_runs -----------------------------------------------------------


def counting(calls: list):
    @common.per_runs
    def compute(*runs):
        """Costly work on the runs."""
        calls.append(runs)
        return [len(calls)]

    return compute


def test_the_same_runs_are_computed_once():
    """A second call with the very same run objects gives back the first
    result itself, without computing."""
    calls: list = []
    compute = counting(calls)
    a, b = object(), object()
    first = compute(a, b)
    assert compute(a, b) is first
    assert len(calls) == 1


def test_other_runs_equal_or_not_are_computed_again():
    """Runs are compared by identity: equal but distinct objects, the
    runs in another order, or fewer of them, are computed anew."""
    calls: list = []
    compute = counting(calls)
    a, b = [1], [2]
    compute(a, b)
    compute([1], [2])  # equal, not the same
    compute(b, a)
    compute(b)
    assert len(calls) == 4


def test_only_the_last_runs_are_remembered():
    calls: list = []
    compute = counting(calls)
    a, b = object(), object()
    assert compute(a) == [1]
    assert compute(b) == [2]
    assert compute(a) == [3]  # a was forgotten when b came


def test_the_remembered_function_keeps_its_name_and_docstring():
    compute = counting([])
    assert compute.__name__ == "compute"
    assert compute.__doc__ == "Costly work on the runs."


# -- image_grid and figure ----------------------------------------------


def test_image_grid_shows_the_batch_in_rows_with_white_gutters(
    close_figures,
):
    """Three 2x2 images, two a row, pad 1: a 7x7 picture; gutters and the
    empty fourth cell are 0 (white on gray_r); values are clamped to
    [0, 1]; the axes are hidden."""
    images = torch.stack([torch.full((1, 2, 2), v) for v in (0.25, 3.0, -1.0)])
    fig, ax = common.figure()
    common.image_grid(ax, images, nrow=2, pad=1)
    (shown,) = ax.images
    pixels = torch.as_tensor(shown.get_array())
    assert pixels.shape == (7, 7)
    assert torch.allclose(pixels[1:3, 1:3], torch.tensor(0.25))
    assert torch.all(pixels[1:3, 4:6] == 1.0)  # 3.0 clamped
    assert torch.all(pixels[4:6, 1:3] == 0.0)  # -1.0 clamped
    assert torch.all(pixels[4:6, 4:6] == 0.0)  # no fourth image
    assert torch.all(pixels[0] == 0) and torch.all(pixels[:, 3] == 0)
    assert shown.get_cmap().name == "gray_r"
    assert shown.get_clim() == (0, 1)
    assert not ax.axison


def test_image_grid_takes_images_that_need_gradients(close_figures):
    """A generator's output, still on the autograd graph, draws."""
    images = torch.rand(4, 1, 3, 3, requires_grad=True) * 1.0
    fig, ax = common.figure()
    common.image_grid(ax, images, nrow=4, pad=0)
    assert ax.images[0].get_array().shape == (3, 12)


def test_figure_has_the_size_asked_for_and_passes_on_the_layout(
    close_figures,
):
    fig, ax = common.figure()
    assert tuple(fig.get_size_inches()) == (6.0, 4.0)
    fig, axes = common.figure(3.0, 2.0, ncols=2)
    assert tuple(fig.get_size_inches()) == (3.0, 2.0)
    assert len(axes) == 2 and len(fig.axes) == 2


# -- replay_unit --------------------------------------------------------


@pytest.mark.parametrize("loss", common.LOGIT_LOSSES)
def test_a_logit_is_shown_as_ds_probability(loss):
    """For minimax and non-saturating losses, D = sigmoid(logit), in
    double precision, whatever the spread of the logits."""
    view = torch.tensor([[-50.0, 0.0], [2.0, 50.0]])
    unit, mapping = common.replay_unit(loss, view)
    assert mapping == {"kind": "probability", "low": 0.0, "high": 1.0}
    assert unit.dtype == torch.float64
    assert torch.allclose(unit, torch.sigmoid(view.double()))


def test_a_score_is_mapped_from_its_1st_to_its_99th_percentile():
    """Values 0..100: low and high are the 1st and 99th percentiles (1
    and 99); the extremes beyond them are clamped to 0 and 1."""
    view = torch.arange(101, dtype=torch.float32)
    unit, mapping = common.replay_unit("wasserstein", view)
    assert mapping["kind"] == "score"
    assert mapping["low"] == pytest.approx(1.0)
    assert mapping["high"] == pytest.approx(99.0)
    assert unit[0] == 0 and unit[100] == 1
    assert unit[50].item() == pytest.approx(0.5)
    assert unit[25].item() == pytest.approx(24 / 98)


def test_a_constant_score_maps_to_zero_not_to_nan():
    """A critic that says the same everywhere has no spread: the mapping
    widens to one unit, the picture is flat 0."""
    view = torch.full((4, 4), 3.5)
    unit, mapping = common.replay_unit("wasserstein", view)
    assert mapping == {"kind": "score", "low": 3.5, "high": 4.5}
    assert not unit.isnan().any()
    assert torch.all(unit == 0)
