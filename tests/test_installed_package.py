"""The package as a teacher installs it: a wheel, a fresh venv, no checkout.

The notebooks' set-up cell runs `pip install git+REPO` on Colab, which
builds a wheel from the committed files. Here the wheel is built from the
tracked files, installed into a new virtual environment outside the
repository (torch and the rest come from the project's venv through a
.pth line, as Colab brings its own torch), and used from a folder outside
the checkout: every downloaded notebook of the built site, in both
languages, runs top to bottom in the smoke profile, and so does a snippet
copied out of the repository. An editable install would hide a missing
subpackage or data file; this does not.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gen_src.builder import notebooks

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [s for langs in notebooks.find().values() for s in langs.values()]
RUNNER = """\
import sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

nb = nbformat.read(sys.argv[1], as_version=4)
try:
    NotebookClient(nb, timeout=600, kernel_name="python3").execute()
except CellExecutionError as err:
    sys.exit(f"{sys.argv[1]}: {str(err).strip().splitlines()[-1]}")
"""
pytestmark = pytest.mark.slow


def _tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    return [p for p in out.decode().split("\0") if p]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel pip would build from the committed tree."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    for rel in _tracked_files():
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / rel).is_symlink():
            target.symlink_to(os.readlink(ROOT / rel))
        elif (ROOT / rel).is_file():
            shutil.copy2(ROOT / rel, target)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(base / "dist"),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    return next((base / "dist").glob("gen_src-*.whl"))


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> dict:
    """A fresh venv with the wheel installed; a work folder beside it."""
    base = tmp_path_factory.mktemp("installed")
    env_dir = base / "venv"
    subprocess.run(
        [sys._base_executable, "-m", "venv", "--without-pip", str(env_dir)],
        check=True,
    )
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [
            python,
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # torch, nbclient, ...: the project's venv, as Colab brings its own
    (Path(purelib) / "project-deps.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n"
    )
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            # the project's venv (on the path through the .pth line) holds
            # the checkout's editable gen-src: install the wheel anyway
            "--ignore-installed",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    work = base / "work"
    work.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GEN_", "COV_", "COVERAGE")) and k != "PYTHONPATH"
    }
    env.update(
        GEN_PROFILE="smoke",
        GEN_DEVICE="cpu",
        GEN_CACHE_DIR=str(base / "cache"),
        GEN_DATA_DIR=str(ROOT / "data"),
        MPLBACKEND="Agg",
        PATH=f"{env_dir / 'bin'}:{env['PATH']}",
    )
    return {"python": python, "work": work, "env": env}


def _run(venv: dict, *args, timeout: int = 900):
    return subprocess.run(
        [str(venv["python"]), *map(str, args)],
        cwd=venv["work"],
        env=venv["env"],
        text=True,
        capture_output=True,
        timeout=timeout,
    )


def test_wheel_holds_every_package_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {p for p in _tracked_files() if p.startswith("gen_src/")}
    assert wanted, "no tracked files under gen_src/"
    missing = sorted(wanted - names)
    assert not missing, f"the wheel lacks {missing}"


def test_every_module_imports_from_the_installed_package(venv):
    code = (
        "import importlib, pkgutil, gen_src\n"
        "print(gen_src.__file__)\n"
        "for m in pkgutil.walk_packages(gen_src.__path__, 'gen_src.'):\n"
        "    if m.name != 'gen_src.__main__':  # runs the CLI\n"
        "        importlib.import_module(m.name)\n"
    )
    proc = _run(venv, "-c", code)
    assert proc.returncode == 0, proc.stderr[-3000:]
    location = Path(proc.stdout.splitlines()[0])
    assert venv["python"].parent.parent in location.parents, location
    assert ROOT not in location.parents


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: f"{s.name}-{s.lang}")
def test_downloaded_notebook_runs_with_the_installed_package(
    built_site, venv, source
):
    prefix = [] if source.lang == "en" else [source.lang]
    published = built_site.joinpath(
        *prefix, "notebooks", source.name, source.filename
    )
    copy = venv["work"] / source.filename
    shutil.copy(published, copy)
    runner = venv["work"] / "run_notebook.py"
    runner.write_text(RUNNER)
    proc = _run(venv, runner, copy)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]


def test_snippet_copied_out_of_the_repository_runs(venv):
    copy = venv["work"] / "gan_toy.py"
    shutil.copy(ROOT / "snippets" / "gan_toy.py", copy)
    proc = _run(venv, copy, "--profile", "smoke")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "modes captured" in proc.stdout
