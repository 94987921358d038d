"""gen_src.snippet: the command line of every snippet, from main's
signature: typed options, --help, choices and one-line errors."""

from __future__ import annotations

from typing import Literal

import pytest

from gen_src import snippet


def _demo(
    latent_dim: int = 2,
    lr: float = 0.1,
    name: str = "a",
    fast: bool = False,
    epochs: int | None = None,
    loss: Literal["minimax", "nonsaturating"] = "minimax",
):
    if lr <= 0:
        raise ValueError(
            f"lr={lr!r} is out of range: it must be a number greater than 0"
        )
    return latent_dim, lr, name, fast, epochs, loss


def _error(argv, capsys) -> str:
    with pytest.raises(SystemExit) as err:
        snippet.run(_demo, argv)
    assert err.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    return lines[-1]


def test_options_are_typed_by_their_annotations():
    assert snippet.run(
        _demo,
        [
            "--latent-dim",
            "5",
            "--lr",
            "0.5",
            "--name",
            "b",
            "--fast",
            "--epochs",
            "3",
            "--loss",
            "nonsaturating",
        ],
    ) == (5, 0.5, "b", True, 3, "nonsaturating")
    assert snippet.run(_demo, []) == (2, 0.1, "a", False, None, "minimax")


def test_a_bad_value_names_the_option_in_one_line(capsys):
    line = _error(["--latent-dim", "1.5"], capsys)
    assert "argument --latent-dim: invalid int value: '1.5'" in line
    line = _error(["--loss", "xyz"], capsys)
    assert "argument --loss: invalid choice: 'xyz'" in line


def test_an_unknown_option_and_an_out_of_range_value(capsys):
    assert "unrecognized arguments: --latent" in _error(
        ["--latent", "5"], capsys
    )
    assert "error: lr=-1.0 is out of range" in _error(["--lr", "-1"], capsys)


def test_help_lists_every_option(capsys):
    with pytest.raises(SystemExit) as err:
        snippet.run(_demo, ["--help"])
    assert err.value.code == 0
    text = capsys.readouterr().out
    for option in (
        "--latent-dim",
        "--lr",
        "--name",
        "--fast",
        "--epochs",
        "--loss",
    ):
        assert option in text
    assert "the profile's" in text  # None: the profile decides
