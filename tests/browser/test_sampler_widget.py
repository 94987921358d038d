"""The live sampler on the diffusion page, in headless Chromium: its
particles against PyTorch's from the same noise and kicks, for every
sampler; its own paths against the still's; the reader's choices
(sampler, data, steps, the slider, play) in both languages; and from
file://, with no request to another host."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import numpy as np
import pytest
import sampling_cases

from gen_src.builder import pipeline

from . import conftest
from .conftest import serving

pytestmark = pytest.mark.browser
LANGS = [("en", ""), ("zh", "zh/")]
PARTICLES = 500


@pytest.fixture(scope="module")
def server(built_site):
    with serving(built_site) as origin:
        yield origin + "/"


@pytest.fixture(scope="module")
def runs():
    pipe = pipeline.Pipeline(pipeline.Settings.resolve(origin="cli"))
    return pipe.run


class Visit(conftest.Visit):
    def __init__(self, browser, width=1200):
        super().__init__(browser, viewport={"width": width, "height": 900})

    def open(self, url: str):
        self.page.goto(url)
        self.page.wait_for_function("() => window.genExplorer", timeout=20_000)
        self.page.evaluate("async () => { await window.genExplorer.ready }")
        return self.page


@pytest.fixture
def visit(browser):
    v = Visit(browser)
    yield v
    v.close()


def widget(page, expression: str):
    return page.evaluate(
        "() => { const w = genExplorer.widgets.find("
        "x => x.config.kind === 'sampler'); return " + expression + "; }"
    )


def settle(page) -> None:
    """Wait until every step is computed and the playback has stopped."""
    page.wait_for_function(
        "() => { const w = genExplorer.widgets.find("
        "x => x.config.kind === 'sampler'); return w.run && "
        "w.path.length === w.run.steps + 1 && !w.playing; }",
        timeout=60_000,
    )


def picture(page) -> str:
    return page.locator(".gx-particles").evaluate("c => c.toDataURL()")


# -- the particles against PyTorch's ------------------------------------------
def test_the_page_s_particles_match_pytorch_s(server, visit, runs):
    page = visit.open(server + "diffusion/")
    worst = {}
    for run, sampler, steps in sampling_cases.CASES:
        noise, kicks, theirs = sampling_cases.reference(
            runs(run)[0], sampler, steps, PARTICLES
        )
        ours = page.evaluate(
            "([run, options]) => genSampler.sample(run, options)",
            [
                run,
                {
                    "sampler": sampler,
                    "steps": steps,
                    "noise": noise.tolist(),
                    "kicks": kicks.tolist(),
                },
            ],
        )
        worst[f"{run} {sampler} {steps}"] = sampling_cases.gap(ours, theirs)
    print(
        "max abs error, data units:", {k: f"{v:.1e}" for k, v in worst.items()}
    )
    assert max(worst.values()) <= sampling_cases.TOLERANCE, worst
    assert not visit.errors and not visit.failures


@pytest.mark.parametrize(
    "run, sampler, tensor",
    [
        ("diffusion_ring", "ddim", "ddim_paths"),
        ("flow_ring", "euler", "paths"),
        ("flow_ring", "heun", "heun_paths"),
    ],
)
def test_the_widget_starts_from_the_still_s_noise(
    server, visit, runs, run, sampler, tensor
):
    """Its deterministic samplers, at the build's steps, retrace the
    paths the still draws."""
    page = visit.open(server + "diffusion/")
    settle(page)
    label = {"ddim": 1, "euler": 2, "heun": 3}[sampler]
    page.locator(".gx-choice .gx-buttons").first.locator("button").nth(
        label
    ).click()
    page.wait_for_function(
        f"() => genExplorer.widgets[0].choice.sampler === '{sampler}'"
    )
    settle(page)
    ours = widget(
        page,
        "w.path.map(x => Array.from(x).map(v => v * w.manifest.scale))",
    )
    still = runs(run)[0].tensors[tensor].numpy()
    n = still.shape[1]
    ours = np.array(ours).reshape(len(ours), -1, 2)[:, :n]
    assert sampling_cases.gap(ours, still) <= sampling_cases.TOLERANCE
    assert not visit.errors


# -- the reader's choices -----------------------------------------------------
@pytest.mark.parametrize("lang, prefix", LANGS)
def test_the_reader_picks_sampler_data_and_steps(server, visit, lang, prefix):
    page = visit.open(server + prefix + "diffusion/")
    assert widget(page, "w.el.classList.contains('gen-widget-live')")
    assert not page.locator(".gen-widget figure img").first.is_visible()
    assert widget(page, "Object.keys(w.data)") == ["diffusion_ring"]
    assert widget(page, "w.path[0].length") == 2 * PARTICLES
    rows = page.locator(".gx-choice")
    assert rows.count() == 3
    words = page.locator(".gen-widget .gx").inner_text()
    for text in (
        ("采样器", "流匹配，欧拉法", "步数", "25 个高斯分布组成的网格")
        if lang == "zh"
        else ("Sampler", "Flow matching, Heun", "Steps", "Grid of 25")
    ):
        assert text in words
    # the particles move while it plays, and stop at the samples
    first = picture(page)
    settle(page)
    end = picture(page)
    assert end != first
    assert widget(page, "w.frame") == widget(page, "w.run.steps")

    # the grid with flow matching, Heun: the velocity network, on demand
    samplers = rows.nth(0).locator("button")
    rows.nth(1).locator("button").nth(1).click()
    samplers.nth(3).click()
    page.wait_for_function(
        "() => genExplorer.widgets[0].choice.sampler === 'heun'"
    )
    assert samplers.nth(3).get_attribute("aria-pressed") == "true"
    assert widget(page, "w.runFor(w.choice)") == "flow_grid"
    assert "flow_grid" in widget(page, "Object.keys(w.data)")
    # five steps: the slider spans them, Heun costs 2 * 5 - 1 evaluations
    steps = rows.nth(2).locator("button")
    assert steps.all_inner_texts() == ["1", "2", "5", "10", "20", "50", "100"]
    steps.nth(2).click()
    page.wait_for_function("() => genExplorer.widgets[0].run.steps === 5")
    settle(page)
    assert page.locator(".gx-slider").get_attribute("max") == "5"
    cost = page.locator(".gx-sampler-plane ~ .gx-caption").inner_text()
    assert re.search(r"\b9\b", cost), cost
    # the slider goes back along the path
    end = picture(page)
    slider = page.locator(".gx-slider")
    slider.focus()
    page.keyboard.press("Home")
    page.wait_for_timeout(150)
    assert widget(page, "w.frame") == 0
    assert picture(page) != end
    assert (
        page.locator(".gx-readout")
        .inner_text()
        .startswith("第 0 步" if lang == "zh" else "step 0 of 5")
    )
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(150)
    assert widget(page, "w.frame") == 1
    # play runs it to the end again
    page.locator(".gx-play").click()
    settle(page)
    assert widget(page, "w.frame") == 5 and picture(page) == end
    assert not visit.errors and not visit.failures
    assert not visit.foreign_hosts()


# -- from disk ----------------------------------------------------------------
@pytest.mark.parametrize("lang, prefix", LANGS)
def test_the_sampler_works_from_a_file_url(built_site, visit, lang, prefix):
    page = visit.open(
        (built_site / prefix / "diffusion" / "index.html").as_uri()
    )
    assert widget(page, "w.el.classList.contains('gen-widget-live')")
    assert not page.locator(".gen-widget-error").count()
    settle(page)
    page.locator(".gx-choice").nth(0).locator("button").nth(2).click()
    page.wait_for_function(
        "() => genExplorer.widgets[0].choice.sampler === 'euler'"
    )
    settle(page)
    schemes = {urlsplit(u).scheme for u in visit.requests}
    assert schemes <= {"file", "data", "blob"}, visit.requests
    errors = [e for e in visit.errors if "search_index" not in e]
    assert not errors and not visit.foreign_hosts()
