"""The figures of the autoencoder, VAE and CVAE pages (plots/vae.py and
plots/cvae.py), from smoke runs."""

import pytest

from gen_src import vae


@pytest.fixture(scope="module")
def figure_runs():
    from gen_src import autoencoder, cvae

    runs = {}
    for module in (autoencoder, vae, cvae):
        for name, config_fn in module.RUNS.items():
            if name not in runs:
                runs[name] = module.train(
                    config_fn("smoke"), device="cpu", progress=False
                )
    return runs


def test_every_figure_draws_from_its_runs(figure_runs):
    import matplotlib.pyplot as plt
    import numpy as np

    from gen_src.plots import cvae as cvae_plots
    from gen_src.plots import vae as plots

    figures = {**plots.FIGURES, **cvae_plots.FIGURES}
    assert set(figures) == {
        "ae_reconstructions",
        "ae_latent",
        "ae_latent_grid",
        "vae_reconstructions",
        "vae_samples",
        "latent_ae_vs_vae",
        "vae_manifold",
        "vae_losses",
        "cvae_class_rows",
        "cvae_style",
        "cvae_explorer",
    }
    for name, (needs, draw) in figures.items():
        fig = draw(*[figure_runs[run] for run in needs])
        assert fig.axes, name
        width, height = fig.get_size_inches()
        assert width <= 10 and height <= 7, name  # compact on the page
        fig.canvas.draw()
        pixels = np.asarray(fig.canvas.buffer_rgba())
        assert pixels.std() > 0, name  # not blank
        if name == "vae_samples":  # fixed noise: the same picture again
            again = draw(*[figure_runs[run] for run in needs])
            again.canvas.draw()
            assert np.array_equal(
                pixels, np.asarray(again.canvas.buffer_rgba())
            )
            plt.close(again)
        plt.close(fig)
