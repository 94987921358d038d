"""The figures of the GAN and DCGAN pages (plots/gan.py on images,
plots/gan_toy.py on 2-D data), drawn from smoke runs."""

import pytest

from gen_src import gan

# -- figures ----------------------------------------------------------------


@pytest.fixture(scope="module")
def smoke_runs():
    from gen_src import dcgan, wgan

    names = {r for needed, _ in all_figures().values() for r in needed}
    runs = {}
    for name in sorted(names):
        module = next(m for m in (dcgan, wgan, gan) if name in m.RUNS)
        runs[name] = module.train(
            module.RUNS[name]("smoke"), device="cpu", progress=False
        )
    return runs


def all_figures() -> dict:
    from gen_src.plots import gan as plots
    from gen_src.plots import gan_toy

    return {**plots.FIGURES, **gan_toy.FIGURES}


def figure_names():
    return sorted(all_figures())


@pytest.mark.parametrize("name", figure_names())
def test_every_figure_draws(name, smoke_runs):
    import matplotlib.pyplot as plt

    needed, draw = all_figures()[name]
    fig = draw(*(smoke_runs[r] for r in needed))
    try:
        assert fig.axes
        assert 3 <= fig.get_figwidth() <= 8 and fig.get_figheight() <= 6
        texts = [t.get_text() for ax in fig.axes for t in ax.texts] + [
            ax.get_title() for ax in fig.axes
        ]
        # language-neutral: no English words on the axes
        for word in ("step", "loss", "real", "fake", "modes"):
            assert not any(word in t for t in texts), (word, texts)
    finally:
        plt.close(fig)


def test_figures_are_deterministic(smoke_runs):
    import io

    import matplotlib.pyplot as plt

    def png(name):
        needed, draw = all_figures()[name]
        fig = draw(*(smoke_runs[r] for r in needed))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=40)
        plt.close(fig)
        return buf.getvalue()

    for name in ("gan_loss_compare", "dcgan_samples"):
        assert png(name) == png(name)
