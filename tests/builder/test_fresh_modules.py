"""A long-lived process draws with the code its keys hash: a module
edited since it was loaded is loaded again, with what imports it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from subprocess_env import clean_environment

PACKAGE = Path(__file__).resolve().parents[2] / "gen_src"

SCRIPT = textwrap.dedent(
    """
    import time
    from gen_src.builder import fresh_modules, registry

    def edit(module, text):
        path = registry.module_path(module)
        path.write_text(path.read_text() + text)
        time.sleep(0.02)  # a later mtime than the load's

    import gen_src.adversarial_training as adversarial_training
    training = fresh_modules.current("toy_training")
    old = training.generate
    assert fresh_modules.current("toy_training") is training
    assert training.generate is old  # nothing changed: nothing reloaded

    edit("adversarial", "\\ndef generate(G, z):\\n    return 'edited'\\n")
    training = fresh_modules.current("toy_training")
    # its `from .adversarial import generate` is bound again, too
    assert training.generate(None, None) == "edited", training.generate

    # a second importer of the same module, asked for in a later call,
    # is loaded again too: its `from .adversarial import Game` is new
    import gen_src.adversarial as adversarial
    assert adversarial_training.Game is not adversarial.Game  # still old
    fresh_modules.current("adversarial_training")
    assert adversarial_training.Game is adversarial.Game
    edit("adversarial", "\\nclass Game:\\n    pass\\n")
    fresh_modules.current("toy_training")
    assert adversarial_training.Game is not adversarial.Game
    fresh_modules.current("adversarial_training")
    assert adversarial_training.Game is adversarial.Game

    import gen_src.toy as toy
    edit("toy", "\\nEDITED = 1\\n")
    assert not hasattr(toy, "EDITED")
    assert fresh_modules.current("toy").EDITED == 1
    print("ok")
    """
)


def test_an_edited_module_and_its_importers_are_loaded_again(tmp_path):
    shutil.copytree(
        PACKAGE,
        tmp_path / "gen_src",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=clean_environment(PYTHONPATH=str(tmp_path)),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "ok"
