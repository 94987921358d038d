"""Configs: frozen keyword-only dataclasses whose fields carry their range.

A field is declared with its default and its valid values in one place,

    lr: float = real(2e-3, above=0)  # Adam's step size

and `Config.__post_init__` checks every field of every subclass, raising a
ValueError that names the field and the range. A family's own rules that
involve several fields go in its `check()` method. Defaults that depend
on other fields (images or 2-D points) are None and filled in by
`resolve()`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

Check = Callable[[str, Any], None]


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _range(low, high, above) -> str:
    parts = []
    if above is not None:
        parts.append(f"greater than {above}")
    elif low is not None:
        parts.append(f"at least {low}")
    if high is not None:
        parts.append(f"at most {high}")
    return " and ".join(parts)


def _out_of_range(name: str, value, kind: str, where: str) -> ValueError:
    return ValueError(
        f"{name}={value!r} is out of range: it must be "
        f"{kind}{' ' + where if where else ''}"
    )


def check_int(
    name: str, value, low: int | None = None, high: int | None = None
) -> None:
    ok = (
        _is_int(value)
        and (low is None or value >= low)
        and (high is None or value <= high)
    )
    if not ok:
        raise _out_of_range(name, value, "an integer", _range(low, high, None))


def check_real(
    name: str,
    value,
    low: float | None = None,
    high: float | None = None,
    above: float | None = None,
) -> None:
    ok = (
        _is_number(value)
        and (low is None or value >= low)
        and (above is None or value > above)
        and (high is None or value <= high)
    )
    if not ok:
        raise _out_of_range(name, value, "a number", _range(low, high, above))


def check_choice(name: str, value, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(
            f"{name}={value!r} is unknown; choose one of "
            f"{', '.join(map(str, choices))}"
        )


def _field(default, check: Check):
    return dataclasses.field(default=default, metadata={"check": check})


def integer(
    default,
    low: int | None = None,
    high: int | None = None,
    *,
    optional: bool = False,
):
    """An int in [low, high]; None too if optional (it means "all")."""

    def check(name, value):
        if not (optional and value is None):
            check_int(name, value, low, high)

    return _field(default, check)


def real(
    default,
    low: float | None = None,
    high: float | None = None,
    *,
    above: float | None = None,
    optional: bool = False,
):
    """A number in [low, high] (or > above); None too if optional."""

    def check(name, value):
        if not (optional and value is None):
            check_real(name, value, low, high, above)

    return _field(default, check)


def choice(default, choices: tuple[str, ...], *, optional: bool = False):
    def check(name, value):
        if not (optional and value is None):
            check_choice(name, value, choices)

    return _field(default, check)


def integers(default, low: int = 1, *, optional: bool = False):
    """A non-empty tuple of ints, each at least low (layer widths)."""

    def check(name, value):
        if optional and value is None:
            return
        if not isinstance(value, tuple) or not value:
            raise ValueError(
                f"{name}={value!r} is out of range: give a "
                "non-empty tuple of integers"
            )
        for item in value:
            check_int(name, item, low)

    return _field(default, check)


def reals(
    default,
    low: float,
    high: float | None,
    *,
    length: int | None,
    optional: bool = False,
):
    """A tuple of `length` numbers (any number of them, at least one, if
    length is None) in [low, high] (Adam's betas)."""

    def check(name, value):
        if optional and value is None:
            return
        if (
            not isinstance(value, tuple)
            or not value
            or len(value) != (length or len(value))
        ):
            raise ValueError(
                f"{name}={value!r} is out of range: give a "
                f"tuple of {length or 'one or more'} numbers"
            )
        for item in value:
            check_real(name, item, low, high)

    return _field(default, check)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Config:
    """The base of every config: checks each field, then the whole."""

    def __post_init__(self):
        self.resolve()
        for f in dataclasses.fields(self):
            check = f.metadata.get("check")
            if check is not None:
                check(f.name, getattr(self, f.name))
        self.check()

    def resolve(self) -> None:
        """Fill in defaults that depend on other fields (None today)."""

    def check(self) -> None:
        """Rules that involve several fields."""

    def fill(self, **values) -> None:
        """Set fields that are still None (for resolve(); frozen)."""
        for name, value in values.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrainingConfig(Config):
    """What every model trained on Fashion-MNIST by the loop shares."""

    dataset: str = choice("fashion-mnist", ("fashion-mnist",))  # 28x28
    num_epochs: int = integer(3, 1)  # passes over the training images
    lr: float = real(2e-3, above=0)  # Adam's step size
    batch_size: int = integer(128, 1)  # many updates per epoch
    train_size: int | None = integer(None, 1, optional=True)  # None: 60k
    test_size: int | None = integer(None, 1, optional=True)  # None: 10k
    seed: int = integer(0, 0)  # weights, batch order and noise


# A family's PRESETS give each profile's settings. smoke: seconds, for the
# tests; quick: the CPU budget; full: the published site (a cold build of
# every run in 40 min on 2 CPU cores).
# The smoke profile of every model on images:
SMOKE = dict(num_epochs=1, train_size=1024, test_size=512)


def preset(profile: str, presets: dict[str, dict], **overrides) -> dict:
    """The profile's preset values, overridden by the caller's."""
    check_choice("profile", profile, tuple(presets))
    return {**presets[profile], **overrides}


def as_dict(config) -> dict:
    """The config's fields, for records and settings tables."""
    return dataclasses.asdict(config)
