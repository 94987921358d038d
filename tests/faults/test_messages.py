"""Bad input gets one clear line that names the setting, option, file or
cell, and a fix that works as written."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from gen_src.builder import notebook_source, notebooks, pipeline

HEADER = """# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---
"""


def _run(tools, *args, env=None):
    environment = tools.environment(tools.ROOT, **(env or {}))
    environment.pop("PYTHONPATH")
    return subprocess.run(
        [sys.executable, *args],
        cwd=tools.ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_a_missing_gpu_is_said_once_naming_the_setting(tools):
    proc = _run(tools, "-m", "gen_src", "figures", env={"GEN_DEVICE": "cuda"})
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr  # once, not once per figure
    assert "GEN_DEVICE='cuda'" in lines[0] and "no CUDA GPU" in lines[0]
    assert "set GEN_DEVICE to auto" in lines[0]
    fixed = _run(
        tools,
        "-m",
        "gen_src",
        "figures",
        "--only",
        "gan_ring_training",
        env={"GEN_DEVICE": "auto"},
    )
    assert fixed.returncode == 0, fixed.stderr  # the fix works as written


def test_the_option_is_named_when_it_comes_from_the_command_line(
    tools, monkeypatch
):
    monkeypatch.delenv("GEN_PROFILE", raising=False)
    with pytest.raises(ValueError, match="--profile='huge'"):
        pipeline.Settings.resolve(profile="huge", origin="cli")
    proc = _run(tools, "-m", "gen_src", "notebooks", "--only", "nope")
    assert proc.returncode == 2 and "--only nope: no such notebook" in (
        proc.stderr
    )


@pytest.mark.parametrize(
    "args, words",
    [
        (["--seed", "1.5"], "argument --seed: invalid int value: '1.5'"),
        (["--loss", "xyz"], "argument --loss: invalid choice: 'xyz'"),
        (["--d-steps", "0"], "d_steps=0 is out of range"),
        (["--data-set", "grid"], "unrecognized arguments: --data-set"),
    ],
)
def test_a_bad_snippet_option_gets_one_line(tools, args, words):
    proc = _run(tools, "snippets/gan_toy.py", *args)
    assert proc.returncode == 2
    assert words in proc.stderr.strip().splitlines()[-1], proc.stderr
    assert "Traceback" not in proc.stderr


def test_num_epochs_zero_is_refused_not_taken_for_the_default(tools):
    proc = _run(tools, "snippets/vae_train.py", "--num-epochs", "0")
    assert proc.returncode == 2
    assert "num_epochs=0 is out of range" in proc.stderr


def test_help_is_answered(tools):
    proc = _run(tools, "snippets/vae_train.py", "--help")
    assert proc.returncode == 0 and "--num-epochs" in proc.stdout


def _sources(tmp_path, en: str, zh: str):
    paths = {"en": tmp_path / "n.py", "zh": tmp_path / "n.zh.py"}
    paths["en"].write_text(HEADER + en, encoding="utf-8")
    paths["zh"].write_text(HEADER + zh, encoding="utf-8")
    return {k: notebook_source.Source("n", k, p) for k, p in paths.items()}


@pytest.fixture
def pipe(tmp_path):
    return pipeline.Pipeline(
        pipeline.Settings(profile="smoke", cache_dir=tmp_path / "cache")
    )


def test_a_faulty_translation_is_its_own_pages_fault(tmp_path, pipe):
    """Before, an error in the Chinese script was filed under the English
    page too."""
    sources = _sources(
        tmp_path,
        "\n# %% [markdown]\n# # Hi\n\n# %%\nx = 1\n",
        "\n# %% [markdown]\n# # 你好\n\n# %%\ny = 2\n",
    )
    results = notebooks.build_sources(pipe, sources, "")
    assert isinstance(results["n", "en"], notebooks.Result)
    err = results["n", "zh"]
    assert isinstance(err, notebooks.NotebookError)
    assert "n.zh.py:13 (cell 2)" in str(err)  # the line the author sees


def test_a_kernel_that_dies_says_so(tmp_path, pipe):
    sources = _sources(
        tmp_path,
        "\n# %% [markdown]\n# # Hi\n\n# %%\nimport os\nos._exit(3)\n",
        "\n# %% [markdown]\n# # 你好\n\n# %%\n",
    )
    err = notebooks.build_sources(pipe, sources, "")["n", "en"]
    assert isinstance(err, notebooks.NotebookError)
    assert "kernel died" in str(err) and "n.py:13 (cell 2)" in str(err)
