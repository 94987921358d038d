"""The site's samplers (docs/assets/gen-sampling.js), run by `node
--test`, against gen_src's: DDPM, DDIM, Euler and Heun on the smoke runs'
exported networks, from the same noise and kicks, every step's particles
within 2e-3 in data units."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import sampling_cases

from gen_src.builder import export, pipeline

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
PARTICLES = 100


def cases(pipe) -> list[dict]:
    exporter = export.Exporter(pipe)
    out = []
    for run, sampler, steps in sampling_cases.CASES:
        folder = exporter.export(run, "sampler").folder
        noise, kicks, path = sampling_cases.reference(
            pipe.run(run)[0], sampler, steps, PARTICLES
        )
        out.append(
            {
                "run": run,
                "folder": str(folder),
                "sampler": sampler,
                "steps": steps,
                "noise": noise.tolist(),
                "kicks": kicks.tolist(),
                "expected": path.tolist(),
                "tolerance": sampling_cases.TOLERANCE,
            }
        )
    return out


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_node_samplers_match_pytorch(tmp_path):
    pipe = pipeline.Pipeline(pipeline.Settings.resolve(origin="cli"))
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases(pipe)))
    proc = subprocess.run(
        [NODE, "--test", str(ROOT / "tests" / "js" / "sampling.test.js")],
        env={**os.environ, "GEN_SAMPLING_CASES": str(path)},
        capture_output=True,
        text=True,
    )
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("max abs error") == len(sampling_cases.CASES)
