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


def _steps(workflow: dict) -> list[dict]:
    return [s for job in workflow["jobs"].values() for s in job["steps"]]


def test_publish_builds_the_full_profile():
    steps = _steps(load("publish.yml"))
    builds = [s for s in steps if "make build" in s.get("run", "")]
    assert builds, "no step runs `make build`"
    assert all(s.get("env", {}).get("GEN_PROFILE") == "full" for s in builds)
    # the tests keep their own profile (smoke): GEN_PROFILE is set on the
    # build step only, not for the whole job
    wf = load("publish.yml")
    assert "GEN_PROFILE" not in (wf.get("env") or {})
    for job in wf["jobs"].values():
        assert "GEN_PROFILE" not in (job.get("env") or {})


def test_publish_carries_the_training_cache_keyed_by_run_keys():
    steps = _steps(load("publish.yml"))
    uses = [s.get("uses", "") for s in steps]
    restore = next(
        s for s in steps if "actions/cache/restore" in s.get("uses", "")
    )
    save = next(s for s in steps if "actions/cache/save" in s.get("uses", ""))
    build = next(
        i for i, s in enumerate(steps) if "make build" in s.get("run", "")
    )
    assert steps.index(restore) < build < steps.index(save), uses
    for step in (restore, save):
        assert step["with"]["path"].strip() == ".cache/gen_src"
    # restored: the newest earlier cache, whatever its key
    assert restore["with"]["restore-keys"].strip() == "gen-src-full-"
    # saved under the keys the build used, not a hash of the source tree
    keys = next(s for s in steps if "gen_src keys" in s.get("run", ""))
    assert "--profile full" in keys["run"]
    assert save["with"]["key"] == "${{ steps.%s.outputs.key }}" % keys["id"]
    text = (WORKFLOWS / "publish.yml").read_text()
    assert "hashFiles" not in text


def test_keys_command_prints_every_run_figure_and_notebook(tmp_path):
    import os
    import subprocess
    import sys

    from gen_src.builder import notebooks, registry
    from gen_src.builder.pipeline import JUDGE

    # as on the workflow's runner: the profile from --profile alone
    env = {k: v for k, v in os.environ.items() if k != "GEN_PROFILE"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "gen_src",
            "keys",
            "--profile",
            "full",
            "--cache-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    kinds = {}
    for line in lines:
        kind, name, key = line.split()
        kinds.setdefault(kind, {})[name] = key
    assert set(kinds["run"]) == set(registry.runs())
    judge = kinds["run"].pop(registry.CLASSIFIER_RUN)
    assert judge.startswith(JUDGE["full"] + ":")
    assert all(k.startswith("full:") for k in kinds["run"].values())
    assert set(kinds["figure"]) == set(registry.figures())
    assert set(kinds["notebook"]) == set(notebooks.find())
    # from the files alone: the same lines with an empty cache
    again = subprocess.run(
        proc.args[:-1] + [str(tmp_path / "other")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert again.stdout == proc.stdout


def test_setup_installs_node_and_mathjax_from_the_lock_file():
    """`make test` and `make serve` (through `setup`) install the MathJax
    the build runs in Node, exactly as package-lock.json pins it."""
    import json

    text = (ROOT / "Makefile").read_text()
    setup = re.search(r"^setup:(.*)$", text, re.M).group(1).split()
    assert "$(NPM_STAMP)" in setup
    assert re.search(r"^(serve|test): setup\b", text, re.M)
    rule = re.search(r"^\$\(NPM_STAMP\): (.*)\n((?:\t.*\n)+)", text, re.M)
    assert set(rule.group(1).split()) == {"package.json", "package-lock.json"}
    recipe = rule.group(2)
    assert "npm ci" in recipe and "npm install" not in recipe
    assert "nodejs" in recipe  # Debian's Node when node is missing
    wanted = json.loads((ROOT / "package.json").read_text())["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/mathjax"]
    assert wanted["mathjax"] == locked["version"]
    assert locked["integrity"].startswith("sha512-")
    # the workflows have Node for `npm ci` and the build
    for name in ("publish.yml", "upstream.yml"):
        uses = [s.get("uses", "") for s in _steps(load(name))]
        assert any(u.startswith("actions/setup-node") for u in uses), name


def test_publish_trains_in_shards_and_merges_them_before_the_build():
    wf = load("publish.yml")
    judge, train = wf["jobs"]["judge"], wf["jobs"]["train"]
    build = wf["jobs"]["build"]
    shards = train["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1))
    assert train["needs"] == "judge"
    # the tests run beside the training: the build job merges and builds
    assert sorted(build["needs"]) == ["test", "train"]
    assert "make test" in str(wf["jobs"]["test"]["steps"])
    assert "make test" not in str(build["steps"])
    assert train["strategy"]["fail-fast"] is False
    for job, shard in (
        (judge, "judge"),
        (train, f"${{{{ matrix.shard }}}}/{len(shards)}"),
    ):
        (step,) = [
            s for s in job["steps"] if "make figures" in s.get("run", "")
        ]
        assert f"SHARD={shard}" in step["run"] and "OUT=" in step["run"]
        # the shards train what the build publishes
        assert step.get("env", {}).get("GEN_PROFILE") == "full"
    steps = [s.get("run", "") for s in build["steps"]]
    merge = next(i for i, r in enumerate(steps) if "gen_src merge" in r)
    assert merge < next(i for i, r in enumerate(steps) if "make build" in r)


def test_publish_builds_the_offline_copy_first_and_publishes_it():
    """make offline before make build, in the full profile: the build
    links the archive with its size and copies it into site/."""
    steps = [s for s in load("publish.yml")["jobs"]["build"]["steps"]]
    runs = [s.get("run", "") for s in steps]
    offline = next(i for i, r in enumerate(runs) if "make offline" in r)
    build = next(i for i, r in enumerate(runs) if "make build" in r)
    assert offline < build
    assert steps[offline].get("env", {}).get("GEN_PROFILE") == "full"
