"""`mkdocs serve` under faults: a broken figure shows its error box and
leaves every other page served, and comes back once fixed. (With strict
mode, an error logged the usual way aborted the rebuild and every URL
hung.)"""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

BROKEN = "raise RuntimeError('broken on purpose')"


def test_a_broken_figure_breaks_only_its_box_and_comes_back(
    serve, project, tools
):
    get, wait_for = tools.get, tools.wait_for
    plots = project / "gen_src" / "plots" / "vae.py"
    good = plots.read_text()
    assert get(serve.url + "vae/")[1].count("figures/vae_samples.png")

    broken = re.sub(
        r"(def vae_samples\(run, n: int = 8\):\n"
        r'    """[^"]*"""\n)',
        rf"\1    {BROKEN}\n",
        good,
    )
    assert broken != good
    plots.write_text(broken)
    page = wait_for(
        lambda: (
            "broken on purpose" in get(serve.url + "vae/")[1]
            and get(serve.url + "vae/")[1]
        ),
        300,
        "the error box",
    )
    assert 'class="figure-error"' in page
    assert "figures/vae_reconstructions.png" in page  # the rest stands
    status, other = get(serve.url + "gan/", timeout=10)
    assert status == 200 and "figures/gan_ring_training.png" in other
    status, chinese = get(serve.url + "zh/vae/", timeout=10)
    assert status == 200 and "broken on purpose" in chinese
    log = serve.log()
    assert "Aborted" not in log
    assert log.count("broken on purpose") == 1  # said once, not per language

    plots.write_text(good)
    wait_for(
        lambda: "broken on purpose" not in get(serve.url + "vae/")[1],
        300,
        "the figure to come back",
    )
    page = get(serve.url + "vae/")[1]
    assert "figures/vae_samples.png" in page
    assert get(serve.url + "figures/vae_samples.png")[0] == 200


def _warm_up_pid(cache: Path) -> int | None:
    """The background's process for this cache, if one runs."""
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"gen_src.builder.warm_up" in command and str(cache).encode() in (
            command
        ):
            return int(proc.name)
    return None


def test_a_cold_serve_answers_at_once_then_the_figures_come(
    project, tmp_path, tools
):
    """An empty cache: the first page is served while its runs train in
    the background, with a box that names the run and its time left;
    each figure takes its box's place when its run is done, and the
    background ends with the serve."""
    get, wait_for = tools.get, tools.wait_for
    cache = tmp_path / "cold"
    env = dict(GEN_NOTEBOOKS="off", GEN_CACHE_DIR=str(cache), GEN_WORKERS="1")
    with tools.serving(project, tmp_path, **env) as serve:
        pid = wait_for(lambda: _warm_up_pid(cache), 60, "the background")
        os.kill(pid, signal.SIGSTOP)  # hold the pages as they are
        try:
            page = get(serve.url + "vae/")[1]
            chinese = get(serve.url + "zh/vae/")[1]
        finally:
            os.kill(pid, signal.SIGCONT)
        box = re.search(
            r"Still training <code>(\w+)</code> \(smoke profile\): "
            r"(about \d+ s|about \d+ min|a moment) left",
            page,
        )
        assert box and box[1] in ("ae2d", "vae2d", "vae", "ae"), page[-3000:]
        assert "figures/vae_samples.png" not in page
        assert re.search(r"<code>\w+</code> 仍在训练（smoke 配置）", chinese)
        page = wait_for(
            lambda: (
                "still-training" not in get(serve.url + "vae/")[1]
                and get(serve.url + "vae/")[1]
            ),
            300,
            "the figures",
        )
        assert "figures/vae_samples.png" in page
        assert 'class="figure-error"' not in page
        assert get(serve.url + "figures/vae_samples.png")[0] == 200
        assert "Detected file changes" in serve.log()  # a rebuild, live
    wait_for(lambda: _warm_up_pid(cache) is None, 10, "the background's end")


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_memory_stays_bounded_over_many_rebuilds(serve, project, tools):
    """An author edits a page again and again: the server's memory settles
    (the pipeline keeps the latest run, figure and key of each name only;
    the registry's caches are bounded). The first ten rebuilds warm up:
    the allocator's high-water mark rises with the largest page's build
    (the remedies page's tables and 220 claims) before it levels off; a
    leak grows on through the fourteen after them."""
    page = project / "docs" / "about.md"
    text = page.read_text()
    sizes = []
    for i in range(24):
        page.write_text(f"{text}\n\nEdit number {i}.\n")
        tools.wait_for(
            lambda i=i: (
                f"Edit number {i}." in tools.get(serve.url + "about/")[1]
            ),
            120,
            f"rebuild {i}",
        )
        sizes.append(_rss_mb(serve.process.pid))
    growth = sizes[-1] - sizes[9]
    assert growth < 25, f"RSS in MB after each rebuild: {sizes}"
