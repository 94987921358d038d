"""The site's JavaScript decoder (docs/assets/gen-nn.js), run by
`node --test`, against PyTorch: at least 20 fixed latent points per run
(for the CVAE, each under every class), max abs error at most 2e-3 with
the float16 weights the site publishes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from gen_src.builder import export, export_contents, pipeline

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
POINTS = 20


def cases(pipe) -> list[dict]:
    exporter = export.Exporter(pipe)
    out = []
    for run in ("vae2d", "ae2d", "cvae2d"):
        result = exporter.export(run, "decoder")
        manifest = json.loads((result.folder / "manifest.json").read_text())
        low = np.array(manifest["view"]["low"])
        high = np.array(manifest["view"]["high"])
        z = low + np.random.default_rng(1).uniform(0, 1, (POINTS, 2)) * (
            high - low
        )
        labels = None
        if manifest["num_labels"]:  # every point under every class
            labels = np.tile(np.arange(10), POINTS)
            z = np.repeat(z, 10, axis=0)
        loaded, record = pipe.run(run)
        expected = export_contents.torch_decode(
            export_contents.explorer(loaded, record), z, labels
        )
        out.append(
            {
                "run": run,
                "folder": str(result.folder),
                "points": z.tolist(),
                "labels": None if labels is None else labels.tolist(),
                "expected": expected.tolist(),
                "tolerance": export_contents.TOLERANCE,
            }
        )
    return out


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_node_decoder_matches_pytorch(tmp_path):
    settings = pipeline.Settings.resolve(origin="cli")  # GEN_PROFILE
    pipe = pipeline.Pipeline(settings)
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases(pipe)))
    proc = subprocess.run(
        [NODE, "--test", str(ROOT / "tests" / "js" / "decoder.test.js")],
        env={**os.environ, "GEN_DECODER_CASES": str(path)},
        capture_output=True,
        text=True,
    )
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("max abs error") == 3
