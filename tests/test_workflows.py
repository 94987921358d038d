"""The GitHub Actions workflows parse and call the same make targets."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def make_targets(workflow: dict) -> list[str]:
    targets = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            targets += re.findall(r"\bmake\s+([\w-]+)", step.get("run", ""))
    return targets


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([\w-]+):", text, re.M))


def test_publish_runs_on_push_to_main_and_deploys_pages():
    wf = load("publish.yml")
    on = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads `on` as True
    assert "main" in on["push"]["branches"]
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    deploy = [s for s in steps if "actions-gh-pages" in s.get("uses", "")]
    # Colab links (gen_src/website/notebook_pages.py) expect this branch
    from gen_src.website import notebook_pages

    assert (
        deploy
        and deploy[0]["with"]["publish_branch"]
        == notebook_pages.PUBLISHED_BRANCH
    )
    assert deploy[0]["with"]["publish_dir"] == "./site"


def test_upstream_check_is_scheduled_and_upgrades_dependencies():
    wf = load("upstream.yml")
    on = wf[True] if True in wf else wf["on"]
    assert on["schedule"][0]["cron"].split()
    runs = " ".join(
        s.get("run", "") for job in wf["jobs"].values() for s in job["steps"]
    )
    assert "--upgrade" in runs


def test_both_call_the_same_make_targets():
    publish = make_targets(load("publish.yml"))
    upstream = make_targets(load("upstream.yml"))
    assert publish and set(publish) == set(upstream), (publish, upstream)
    assert set(publish) <= makefile_targets()
