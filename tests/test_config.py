"""gen_src.config: fields that carry their range, checked once."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gen_src import config, dcgan, gan, runtime


def test_checks_name_the_field_and_the_range():
    config.check_int("n", 3, 1, 5)
    config.check_real("lr", 0.1, above=0)
    config.check_choice("loss", "a", ("a", "b"))
    with pytest.raises(ValueError, match="n=0 .*at least 1 and at most 5"):
        config.check_int("n", 0, 1, 5)
    with pytest.raises(ValueError, match="n=True"):
        config.check_int("n", True, 0)
    with pytest.raises(ValueError, match="n=2.5"):
        config.check_int("n", 2.5, 0)
    with pytest.raises(ValueError, match="lr=0.0 .*greater than 0"):
        config.check_real("lr", 0.0, above=0)
    with pytest.raises(ValueError, match="p=2 .*at most 1"):
        config.check_real("p", 2, 0.0, 1.0)
    with pytest.raises(
        ValueError, match="loss='c' is unknown; choose one of a, b"
    ):
        config.check_choice("loss", "c", ("a", "b"))
    with pytest.raises(ValueError, match="profile='x'"):
        runtime.check_profile("x")


@dataclass(frozen=True, kw_only=True)
class Demo(config.Config):
    width: int = config.integer(4, 1, 8)
    rate: float = config.real(0.1, above=0)
    kind: str = config.choice("a", ("a", "b"))
    sizes: tuple[int, ...] = config.integers((2, 3), 1)
    pair: tuple[float, float] = config.reals((0.5, 0.9), 0, 1, length=2)
    size: int | None = config.integer(None, 1, optional=True)
    derived: int = config.integer(None, 0)

    def resolve(self):
        self.fill(derived=2 * self.width)

    def check(self):
        if self.kind == "b" and self.width < 2:
            raise ValueError("width=1 is out of range for kind='b'")


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("width", 0, "at least 1 and at most 8"),
        ("width", 2.5, "an integer"),
        ("rate", 0, "greater than 0"),
        ("kind", "c", "choose one of a, b"),
        ("sizes", (), "non-empty tuple"),
        ("sizes", (2, 0), "at least 1"),
        ("pair", (0.5,), "tuple of 2 numbers"),
        ("pair", (0.5, 2), "at most 1"),
        ("size", 0, "at least 1"),
    ],
)
def test_every_field_is_checked_by_its_own_range(field, value, words):
    with pytest.raises(ValueError, match=f"^{field}=") as err:
        Demo(**{field: value})
    assert words in str(err.value)


def test_resolve_fills_derived_defaults_and_check_sees_all_fields():
    assert Demo(width=3).derived == 6
    assert Demo(width=3, derived=1).derived == 1  # given values stay
    assert Demo(size=None).size is None
    with pytest.raises(ValueError, match="kind='b'"):
        Demo(kind="b", width=1)


def test_preset_names_the_unknown_profile():
    with pytest.raises(ValueError, match="profile='fast'.*smoke"):
        config.preset("fast", {"smoke": {}, "quick": {}, "full": {}})


def test_a_gan_on_images_gets_image_defaults_not_2d_noise():
    images = gan.GANConfig(dataset="fashion-mnist")
    assert images.latent_dim == gan.IMAGE_DEFAULTS["latent_dim"] > 2
    assert images.dropout > 0 and images.hidden == (256, 512)
    toy = gan.GANConfig(dataset="ring")
    assert toy.latent_dim == 2 and toy.dropout == 0
    assert gan.GANConfig(dataset="fashion-mnist", latent_dim=8).latent_dim == 8


def test_gan_and_dcgan_share_one_base_for_the_game():
    from gen_src import adversarial

    for cls in (gan.GANConfig, dcgan.DCGANConfig):
        assert issubclass(cls, adversarial.AdversarialConfig)
    with pytest.raises(ValueError, match="g_steps=1 .*g_heavy"):
        dcgan.DCGANConfig(order="g_heavy")
    with pytest.raises(ValueError, match="dataset='ring'"):
        dcgan.DCGANConfig(dataset="ring")
