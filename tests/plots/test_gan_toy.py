"""The GAN pages' figures on 2-D data (plots/gan_toy.py): their labels."""

from gen_src import gan, wgan


def test_order_labels():
    from gen_src.plots import gan_toy as plots

    assert plots._order_label(gan.GANConfig()) == r"$D \to G$"
    heavy = gan.GANConfig(order="g_heavy", g_steps=5, d_steps=2)
    assert plots._order_label(heavy) == r"$G^{5} \to D^{2}$"


def test_method_labels_name_the_remedy():
    from gen_src.plots import gan_toy as plots

    assert plots.method_label(gan.config_for("smoke", pack=4)) == "PacGAN4"
    r1 = gan.config_for("smoke", **gan.R1_REMEDY)
    assert plots.method_label(r1) == "GAN + R1 + EMA"
    assert plots.method_label(wgan.config_for("smoke")) == "WGAN-GP"
