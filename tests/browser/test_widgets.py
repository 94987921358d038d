"""The live figures in headless Chromium, in both languages: the VAE's
latent explorer (dragging, arrow keys, the autoencoder's toggle), the
CVAE's, the GAN training replay (scrubber, play, groups); the decoder
against PyTorch in the page; frames per second while dragging; no request
to another host, served over http and opened from file://; a damaged or
missing file shows an error box naming it while the still stays; what the
live figures add to each page's transfer."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

from gen_src.builder import export, export_contents, pipeline

from . import conftest
from .conftest import serving

pytestmark = pytest.mark.browser
LANGS = [("en", ""), ("zh", "zh/")]
BUDGET = 700_000  # bytes a page's live figures may add to its transfer
FPS = 30
# what only the live figures bring to a page (the stills of the CVAE
# explorer and of the replay are new figures, so they count too)
ADDED = (
    "/widgets/",
    "/assets/gen-nn.js",
    "/assets/gen-sampling.js",
    "/assets/widgets",
)
NEW_STILLS = (
    "/figures/cvae_explorer.png",
    "/figures/gan_replay.png",
    "/figures/diffusion_sampler.png",
)


@pytest.fixture(scope="module")
def server(built_site):
    with serving(built_site) as origin:
        yield origin + "/"


class Visit(conftest.Visit):
    """A visit at a fixed window size that waits for the live figures."""

    def __init__(self, browser):
        super().__init__(browser, viewport={"width": 1200, "height": 900})

    def open(self, url: str):
        self.page.goto(url)
        self.page.wait_for_function("() => window.genExplorer", timeout=20_000)
        self.page.evaluate("async () => { await window.genExplorer.ready }")
        return self.page

    def clean(self):
        assert not self.failures, self.failures
        assert not self.errors, self.errors
        assert not self.foreign_hosts(), self.foreign_hosts()


@pytest.fixture
def visit(browser):
    v = Visit(browser)
    yield v
    v.close()


def data_url(page, selector: str, index: int = 0) -> str:
    return page.locator(selector).nth(index).evaluate("c => c.toDataURL()")


def state(page, expression: str):
    return page.evaluate(
        f"() => {{ const w = genExplorer.widgets[0]; return {expression}; }}"
    )


def centre(page, selector: str) -> None:
    """Scroll the element to the middle of the window (clear of the
    header), where the mouse can reach it."""
    page.locator(selector).first.evaluate(
        "e => e.scrollIntoView({block: 'center'})"
    )


def drag(page, selector: str, moves: list[tuple[float, float]]):
    """Press inside the element at the first (fraction) point, move through
    the others, release."""
    centre(page, selector)
    box = page.locator(selector).bounding_box()
    at = [
        (box["x"] + u * box["width"], box["y"] + v * box["height"])
        for u, v in moves
    ]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=4)
    page.mouse.up()
    page.wait_for_timeout(100)  # one animation frame at least


def widget_errors(visit) -> list[str]:
    """Page errors but Material's own from file:// (its search index
    is fetched, which file:// refuses)."""
    return [e for e in visit.errors if "search_index" not in e]


def is_live(page) -> bool:
    return state(page, "w.el.classList.contains('gen-widget-live')")


def still_shown(page) -> bool:
    return page.locator(".gen-widget figure img").first.is_visible()


# -- the VAE's latent explorer ----------------------------------------------
@pytest.mark.parametrize("lang, prefix", LANGS)
def test_latent_explorer_drags_steps_and_toggles(server, visit, lang, prefix):
    page = visit.open(server + prefix + "vae/")
    assert "vae2d" in page.evaluate("genExplorer.runs")
    assert is_live(page) and not still_shown(page)
    legend = page.locator(".gx-legend").inner_text()
    assert ("短靴" if lang == "zh" else "Ankle boot") in legend
    assert page.locator(".gx-hint").inner_text()

    before, z0 = data_url(page, ".gx-image"), state(page, "w.plane.z")
    drag(page, ".gx-marker", [(0.5, 0.5), (0.6, 0.4), (0.75, 0.3)])
    after, z1 = data_url(page, ".gx-image"), state(page, "w.plane.z")
    assert after != before and z1 != z0
    assert z1[0] > z0[0] and z1[1] > z0[1]  # right and up on the plane

    page.locator(".gx-marker").focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(100)
    z2 = state(page, "w.plane.z")
    width = state(page, "w.plane.view.high[0] - w.plane.view.low[0]")
    assert z2[0] == pytest.approx(z1[0] - 0.02 * width)
    assert z2[1] == pytest.approx(z1[1])
    page.keyboard.press("Shift+ArrowDown")
    page.wait_for_timeout(100)
    assert state(page, "w.plane.z")[1] == pytest.approx(z2[1] - 0.1 * width)
    assert data_url(page, ".gx-image") != after

    # the toggle: the autoencoder's plane, loaded on demand
    assert "ae2d" not in page.evaluate("genExplorer.runs")
    assert page.locator(".gx-button").nth(1).inner_text() == (
        "自编码器：编码 e(x)" if lang == "zh" else "Autoencoder: codes e(x)"
    )
    page.locator(".gx-button").nth(1).click()
    page.wait_for_function("() => genExplorer.runs.includes('ae2d')")
    page.wait_for_function(
        "() => genExplorer.widgets[0].plane.view.prior === false"
    )
    assert page.locator(".gx-button").nth(1).get_attribute("aria-pressed") == (
        "true"
    )
    drag(page, ".gx-marker", [(0.3, 0.3), (0.7, 0.6)])
    assert state(page, "w.run") == "ae2d"
    visit.clean()


@pytest.mark.parametrize("lang, prefix", LANGS)
def test_latent_explorer_follows_a_click_and_a_finger(
    browser, server, lang, prefix
):
    """A click puts the point where it lands; a touch drag (as a phone
    sends it) moves the point and the image, and not the page."""
    context = browser.new_context(
        service_workers="block",
        viewport={"width": 800, "height": 900},
        has_touch=True,
    )
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + prefix + "vae/")
        page.wait_for_function("() => window.genExplorer", timeout=20_000)
        page.evaluate("async () => { await window.genExplorer.ready }")
        centre(page, ".gx-marker")
        box = page.locator(".gx-marker").bounding_box()

        def at(u, v):
            return box["x"] + u * box["width"], box["y"] + v * box["height"]

        view = state(page, "w.plane.view")
        page.mouse.click(*at(0.25, 0.75))
        page.wait_for_timeout(100)
        z = state(page, "w.plane.z")
        for i, u in ((0, 0.25), (1, 0.25)):  # bottom left quarter
            low, high = view["low"][i], view["high"][i]
            assert z[i] == pytest.approx(low + u * (high - low), rel=0.05)

        before, scroll = data_url(page, ".gx-image"), page.evaluate("scrollY")
        cdp = context.new_cdp_session(page)
        path = [at(0.3, 0.7), at(0.45, 0.55), at(0.6, 0.4), at(0.7, 0.3)]
        for i, (x, y) in enumerate(path):
            cdp.send(
                "Input.dispatchTouchEvent",
                {
                    "type": "touchStart" if i == 0 else "touchMove",
                    "touchPoints": [{"x": x, "y": y}],
                },
            )
            page.wait_for_timeout(50)
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []}
        )
        page.wait_for_timeout(100)
        z1 = state(page, "w.plane.z")
        u = (path[-1][0] - box["x"]) / box["width"]
        low, high = view["low"][0], view["high"][0]
        assert z1[0] == pytest.approx(low + u * (high - low), rel=0.05)
        assert z1[1] > z[1]
        assert data_url(page, ".gx-image") != before
        assert page.evaluate("scrollY") == scroll  # the page stayed put
        assert not errors, errors
    finally:
        context.close()


# -- the CVAE's --------------------------------------------------------------
@pytest.mark.parametrize("lang, prefix", LANGS)
def test_cvae_explorer_decodes_one_z_under_every_label(
    server, visit, lang, prefix
):
    page = visit.open(server + prefix + "cvae/")
    assert "cvae2d" in page.evaluate("genExplorer.runs")
    buttons = page.locator(".gx-buttons .gx-button")
    assert buttons.count() == 10
    assert ("短靴" if lang == "zh" else "Ankle boot") in buttons.nth(
        9
    ).inner_text()
    cells = [data_url(page, ".gx-cell", i) for i in range(10)]
    assert len(set(cells)) > 1  # ten labels, ten different images
    drag(page, ".gx-marker", [(0.5, 0.5), (0.3, 0.7), (0.2, 0.8)])
    moved = [data_url(page, ".gx-cell", i) for i in range(10)]
    assert all(a != b for a, b in zip(cells, moved)), "every class changes"
    big = data_url(page, ".gx-image")
    buttons.nth(7).click()
    page.wait_for_timeout(100)
    assert buttons.nth(7).get_attribute("aria-pressed") == "true"
    assert state(page, "w.label") == 7
    assert data_url(page, ".gx-image") != big
    page.locator(".gx-marker").focus()
    page.keyboard.press("ArrowUp")
    page.wait_for_timeout(100)
    assert data_url(page, ".gx-cell", 0) != moved[0]
    visit.clean()


# -- the GAN replay ---------------------------------------------------------
@pytest.mark.parametrize("lang, prefix", LANGS)
def test_replay_scrubber_play_and_groups(server, visit, lang, prefix):
    page = visit.open(server + prefix + "gan/")
    assert is_live(page) and not still_shown(page)
    panels = page.locator(".gx-panel")
    assert panels.count() == 2
    assert "toy_ring_k3_mm" in panels.nth(0).inner_text()
    last = state(page, "w.timeline.length - 1")
    assert state(page, "w.frame") == last
    readout = page.locator(".gx-readout").inner_text()
    picture = data_url(page, ".gx-heat")
    slider = page.locator(".gx-slider")
    slider.focus()
    page.keyboard.press("Home")
    page.wait_for_timeout(100)
    assert state(page, "w.frame") == 0
    assert page.locator(".gx-readout").inner_text() != readout
    assert data_url(page, ".gx-heat") != picture
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(100)
    assert state(page, "w.frame") == 1
    first = data_url(page, ".gx-heat", 1)
    centre(page, ".gx-play")
    page.locator(".gx-play").click()
    page.wait_for_function("() => genExplorer.widgets[0].frame >= 4")
    page.locator(".gx-play").click()  # pause
    stopped = state(page, "w.frame")
    page.wait_for_timeout(300)
    assert state(page, "w.frame") == stopped
    assert data_url(page, ".gx-heat", 1) != first
    # the grid's pair, loaded on demand
    grid = page.locator(".gx-buttons .gx-button").nth(1)
    assert grid.inner_text() == (
        "25 个高斯分布组成的网格" if lang == "zh" else "Grid of 25 Gaussians"
    )
    grid.click()
    page.wait_for_function(
        "() => document.querySelector('.gx-panel code').textContent"
        " === 'toy_grid_mm'"
    )
    visit.clean()


# -- provenance ---------------------------------------------------------------
@pytest.mark.parametrize("lang, prefix", LANGS)
@pytest.mark.parametrize(
    "name, runs",
    [
        ("vae", ("vae2d", "ae2d")),
        ("cvae", ()),  # one run: the line does not name it
        ("gan", ("toy_ring_k3_mm", "toy_grid_ns")),
    ],
)
def test_the_provenance_line_stays_under_the_live_figure(
    server, visit, lang, prefix, name, runs
):
    page = visit.open(server + prefix + name + "/")
    assert is_live(page)
    line = page.locator(".gen-widget figcaption .provenance").first
    assert line.is_visible()
    text = line.inner_text()
    assert "torch" in text and all(run in text for run in runs), text
    # below the live figure, not above it
    live = page.locator(".gen-widget .gx").first.bounding_box()
    assert line.bounding_box()["y"] > live["y"] + live["height"] - 1
    visit.clean()


# -- the decoder in the page against PyTorch ----------------------------------
@pytest.fixture(scope="module")
def runs():
    pipe = pipeline.Pipeline(pipeline.Settings.resolve(origin="cli"))
    return pipe.run


@pytest.mark.parametrize(
    "page_path, run",
    [("vae/", "vae2d"), ("vae/", "ae2d"), ("zh/cvae/", "cvae2d")],
)
def test_decoder_in_the_page_matches_pytorch(
    server, visit, runs, page_path, run
):
    page = visit.open(server + page_path)
    page.evaluate(f"async () => {{ await genExplorer.load('{run}') }}")
    view = page.evaluate(
        f"() => genExplorer.widgets[0].data['{run}'].manifest.view"
    )
    low, high = np.array(view["low"]), np.array(view["high"])
    z = low + np.random.default_rng(7).uniform(0, 1, (20, 2)) * (high - low)
    loaded, record = runs(run)
    labels = None
    if record["family"] == "cvae":  # every point under every class
        z, labels = np.repeat(z, 10, axis=0), np.tile(np.arange(10), 20)
    ours = np.array(
        page.evaluate(
            "([run, z, labels]) => z.map((p, i) => Array.from("
            "genExplorer.decode(run, p, labels ? labels[i] : undefined)))",
            [run, z.tolist(), None if labels is None else labels.tolist()],
        )
    )
    theirs = export_contents.torch_decode(
        export_contents.explorer(loaded, record), z, labels
    )
    assert ours.shape == (len(z), 784)
    assert ours.min() >= 0 and ours.max() <= 1
    error = np.abs(ours - theirs).max()
    print(f"{run}: max abs error {error:.2e} over {len(z)} decodings")
    assert error <= export_contents.TOLERANCE


# -- frames per second while dragging -----------------------------------------
# A real press starts the drag (and captures the pointer); then the page
# itself moves the pointer once per animation frame, as a mouse reporting
# at the display's rate would. Driven from Python instead, each move costs
# a round trip to the browser, which on a busy machine allows fewer moves
# a second than the widget can draw.
DRAG = """async ([cx, cy, r]) => {
  const c = document.querySelector(".gx-marker");
  const w = genExplorer.widgets[0];
  const f0 = w.stats.frames, m0 = w.stats.ms, t0 = performance.now();
  let n = 0;
  await new Promise((done) => {
    const step = (now) => {
      if (now - t0 > 2000) return done();
      n += 1;
      c.dispatchEvent(new PointerEvent("pointermove", {
        pointerId: 1, pointerType: "mouse", buttons: 1, bubbles: true,
        clientX: cx + r * Math.cos(0.15 * n),
        clientY: cy + r * Math.sin(0.15 * n)}));
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  const seconds = (performance.now() - t0) / 1000;
  const frames = w.stats.frames - f0;
  return {fps: frames / seconds, moves: n / seconds,
          ms: (w.stats.ms - m0) / Math.max(frames, 1)};
}"""


@pytest.mark.parametrize("page_path", ["vae/", "cvae/"])
def test_dragging_draws_at_least_30_frames_a_second(server, visit, page_path):
    page = visit.open(server + page_path)
    centre(page, ".gx-marker")
    box = page.locator(".gx-marker").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    z0 = state(page, "w.plane.z")
    got = page.evaluate(DRAG, [cx, cy, 100])
    page.mouse.up()
    assert state(page, "w.plane.z") != z0  # the moves did drag the point
    print(
        f"{page_path}: {got['fps']:.0f} frames/s while dragging "
        f"({got['moves']:.0f} moves/s; {got['ms']:.1f} ms to decode and "
        "draw a frame)"
    )
    assert got["fps"] >= FPS


# -- from disk, and no foreign hosts ------------------------------------------
@pytest.mark.parametrize("lang, prefix", LANGS)
@pytest.mark.parametrize("name", ["vae", "cvae", "gan"])
def test_live_figures_work_from_file_urls(
    built_site, visit, lang, prefix, name
):
    page = visit.open((built_site / prefix / name / "index.html").as_uri())
    assert is_live(page) and not still_shown(page)
    assert not page.locator(".gen-widget-error").count()
    schemes = {urlsplit(u).scheme for u in visit.requests}
    assert schemes <= {"file", "data", "blob"}, visit.requests
    if name != "gan":
        drag(page, ".gx-marker", [(0.5, 0.5), (0.7, 0.3)])
    assert not widget_errors(visit), visit.errors
    assert not visit.foreign_hosts()


# -- bad input ---------------------------------------------------------------
@pytest.fixture(scope="module")
def broken_site(built_site, tmp_path_factory):
    """A copy of the site with one weights file altered (its sha256 no
    longer matches), one missing, and one script's data altered."""
    root = tmp_path_factory.mktemp("broken")
    for item in built_site.iterdir():
        if item.name == export.FOLDER:
            shutil.copytree(item, root / item.name)
        else:
            (root / item.name).symlink_to(item)
    folder = root / export.FOLDER
    (vae,) = folder.glob("vae2d-*.bin")
    data = bytearray(vae.read_bytes())
    data[1000] ^= 0x01
    vae.write_bytes(bytes(data))
    (cvae,) = folder.glob("cvae2d-*.bin")
    cvae.unlink()
    (ring,) = folder.glob("toy_ring_k3_mm-*.js")
    text = ring.read_text()
    cut = text.index('data:"') + 100
    ring.write_text(
        text[:cut] + ("A" if text[cut] != "A" else "B") + text[cut + 1 :]
    )
    return root, vae.name, cvae.name, ring.name


@pytest.mark.parametrize("lang, prefix", LANGS)
def test_a_bad_file_shows_an_error_box_and_the_still_stays(
    broken_site, visit, lang, prefix
):
    root, vae, cvae, ring = broken_site
    with serving(root) as origin:
        url = origin + "/"
        page = visit.open(url + prefix + "vae/")
        box = page.locator(".gen-widget-error")
        assert box.count() == 1 and vae in box.inner_text()
        assert "sha256" in box.inner_text()
        assert still_shown(page) and not is_live(page)
        page = visit.open(url + prefix + "cvae/")
        box = page.locator(".gen-widget-error")
        assert box.count() == 1 and cvae in box.inner_text()
        assert still_shown(page) and not is_live(page)
        assert page.locator("article h2").count() > 3  # the page is whole
    page = visit.open((root / prefix / "gan" / "index.html").as_uri())
    box = page.locator(".gen-widget-error")
    assert box.count() == 1 and ring in box.inner_text()
    assert still_shown(page)
    assert not widget_errors(visit), visit.errors  # caught, not thrown
    assert not visit.foreign_hosts()


# -- what the live figures cost ---------------------------------------------
# A static host (GitHub Pages, Netlify, nginx) gzips text but not binary
# data: text files count gzipped, the weights and pictures as they are.
# The test server compresses nothing, so the sizes come from the files.
TEXT = (".js", ".css", ".json", ".html", ".svg")


def served_bytes(path: Path) -> int:
    data = path.read_bytes()
    if path.suffix in TEXT:
        return len(gzip.compress(data, 6))
    return len(data)


@pytest.mark.parametrize("name", ["vae", "cvae", "gan", "diffusion"])
def test_live_figures_add_at_most_700_kb_to_a_page(
    built_site, server, visit, name
):
    page = visit.open(server + name + "/")
    entries = page.evaluate(
        "() => performance.getEntriesByType('resource')"
        ".map(e => [e.name, e.encodedBodySize])"
    )
    raw = {
        urlsplit(u).path: size
        for u, size in entries
        if any(part in urlsplit(u).path for part in ADDED + NEW_STILLS)
    }
    assert any("/widgets/" in path for path in raw), raw  # data loaded
    added = {path: served_bytes(built_site / path.lstrip("/")) for path in raw}
    total = sum(added.values())
    print(
        f"{name}: the live figure adds {total / 1000:.0f} kB as a static "
        f"host serves it ({sum(raw.values()) / 1000:.0f} kB uncompressed): "
        f"{added}"
    )
    assert total <= BUDGET, added
