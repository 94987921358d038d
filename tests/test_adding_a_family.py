"""The README's recipe for a model family, followed literally: its two
files, added to a copy of gen_src and nothing else, give a run that the
registry finds, that trains under smoke, and a figure drawn from it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from subprocess_env import clean_environment

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(
    r"^`(gen_src/[\w/]+\.py)`:\n\n```python\n(.*?)^```", re.M | re.S
)
CHECK = """
from pathlib import Path
from gen_src.builder import pipeline, registry
spec = registry.runs()["gauss_ring"]
assert spec.module == "gauss", spec
assert registry.figures()["gauss_samples"].runs == ("gauss_ring",)
pipe = pipeline.Pipeline(
    pipeline.Settings(profile="smoke", cache_dir=Path("cache").resolve())
)
result = pipe.figure("gauss_samples")
print(result.png)
"""


def recipe() -> dict[str, str]:
    return dict(BLOCK.findall((ROOT / "README.md").read_text("utf-8")))


def files_of(folder: Path) -> dict[Path, bytes]:
    return {
        p.relative_to(folder): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_the_readme_recipe_adds_a_family_and_nothing_else(tmp_path):
    files = recipe()
    assert set(files) == {"gen_src/gauss.py", "gen_src/plots/gauss.py"}
    copy = tmp_path / "gen_src"
    shutil.copytree(
        ROOT / "gen_src", copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    before = files_of(copy)
    for rel, code in files.items():
        (tmp_path / rel).write_text(code, encoding="utf-8")
    env = clean_environment(PYTHONPATH=str(tmp_path), GEN_PROFILE="smoke")
    out = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    png = Path(out.stdout.strip().splitlines()[-1])
    assert png.is_file() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    after = files_of(copy)
    added = {Path(rel).relative_to("gen_src") for rel in files}
    assert set(after) - set(before) == added
    assert all(after[p] == before[p] for p in before), "a file was touched"
