/* The GAN training replay, a kind of live figure for widgets.js: the runs
 * of a group side by side on one timeline, each frame G's samples over D's
 * output on the plane (gen_src/builder/export_contents.py, make_replay).
 */
(function () {
  "use strict";
  const { Widget, make, canvas, fill, buttons } = window.genWidgets;
  const here = document.currentScript && document.currentScript.src;
  if (here) {
    const css = make("link", "", document.head);
    css.rel = "stylesheet";
    css.href = new URL("widgets-replay.css", here).href;
  }
  const PANEL = 250; // CSS pixels of a panel's side
  // viridis at 9 stops (the stills' colour map)
  const VIRIDIS = [[68, 1, 84], [71, 45, 123], [59, 82, 139], [44, 114, 142],
    [33, 145, 140], [40, 174, 128], [94, 201, 98], [173, 220, 48],
    [253, 231, 37]];
  function viridis(u) {
    const x = Math.min(Math.max(u, 0), 1) * (VIRIDIS.length - 1);
    const i = Math.min(Math.floor(x), VIRIDIS.length - 2), t = x - i;
    return VIRIDIS[i].map((c, k) => c + t * (VIRIDIS[i + 1][k] - c));
  }

  class Replay extends Widget {
    build() {
      const w = this.words;
      if (this.config.groups.length > 1)
        this.mark = buttons(this.ui, this.config.groups.map((g) => g.label),
          (i) => this.pick(i));
      this.panels = make("div", "gx-panels", this.ui);
      const controls = make("div", "gx-controls", this.ui);
      this.play = make("button", "md-button gx-button gx-play", controls,
        w.play);
      this.play.type = "button";
      this.play.addEventListener("click", () => this.toggle());
      this.slider = make("input", "gx-slider", controls);
      this.slider.type = "range";
      this.slider.min = 0;
      this.slider.setAttribute("aria-label", w.timeline);
      this.slider.addEventListener("input", () => {
        this.stop();
        this.frame = Number(this.slider.value);
        this.schedule();
      });
      this.readout = make("span", "gx-readout", controls);
      const legend = make("div", "gx-key", this.ui);
      const item = () => make("span", "gx-key-item", legend);
      const scale = item();
      this.bar = make("span", "gx-bar", scale);
      this.barText = make("span", "", scale);
      for (const [cls, words] of [["gx-fake", w.samples],
        ["gx-real", w.modes]]) {
        const key = item();
        make("span", `gx-swatch ${cls}`, key);
        make("span", "", key, words);
      }
      make("p", "gx-hint", this.ui, w.hint_replay);
      this.bar.style.background = "linear-gradient(to right," +
        [0, 0.25, 0.5, 0.75, 1].map((u) => `rgb(${viridis(u)})`).join(",") +
        ")";
    }

    show(i) {
      this.stop();
      this.current = i;
      if (this.mark) this.mark(i);
      this.panels.textContent = "";
      const runs = this.config.groups[i].runs.map((r) => r.run);
      const steps = new Set();
      let score = false;
      this.shown = runs.map((run) => {
        const { manifest, blocks } = this.data[run];
        blocks[manifest.steps].data.forEach((s) => steps.add(s));
        score = score || manifest.mapping.kind !== "probability";
        const box = make("div", "gx-panel", this.panels);
        const [c, ctx] = canvas(box, "gx-heat", PANEL);
        const label = make("div", "gx-label", box,
          this.words[`method_${manifest.method}`] || manifest.method);
        make("code", "", label, run);
        const n = manifest.grid;
        const heat = document.createElement("canvas");
        heat.width = heat.height = n;
        return { manifest, blocks, ctx, heat, hctx: heat.getContext("2d"),
          image: new ImageData(n, n) };
      });
      this.timeline = Array.from(steps).sort((a, b) => a - b);
      this.slider.max = this.timeline.length - 1;
      this.frame = this.timeline.length - 1; // as the still shows it
      this.barText.textContent = score ? this.words.view_score
        : this.words.view_probability;
      this.schedule();
    }

    toggle() {
      if (this.timer) return this.stop();
      if (this.frame >= this.timeline.length - 1) this.frame = 0;
      this.play.textContent = this.words.pause;
      let last = performance.now();
      const tick = (now) => {
        if (now - last >= 100) { // ten frames a second
          last = now;
          if (this.frame >= this.timeline.length - 1) return this.stop();
          this.frame += 1;
          this.schedule();
        }
        this.timer = requestAnimationFrame(tick);
      };
      this.timer = requestAnimationFrame(tick);
    }

    stop() {
      if (this.timer) cancelAnimationFrame(this.timer);
      this.timer = null;
      if (this.play) this.play.textContent = this.words.play;
    }

    render() {
      const t = this.timeline[this.frame];
      this.slider.value = this.frame;
      this.readout.textContent =
        fill(this.words.round, t, this.timeline[this.timeline.length - 1]);
      for (const p of this.shown) this.panel(p, t);
    }

    panel(p, t) {
      const { manifest: m, blocks, ctx } = p;
      const steps = blocks[m.steps].data;
      let f = 0; // the run's last frame at or before round t
      while (f + 1 < steps.length && steps[f + 1] <= t) f += 1;
      const n = m.grid, view = blocks[m.view].data, px = p.image.data;
      for (let row = 0; row < n; row++) {
        for (let col = 0; col < n; col++) {
          // row 0 of the view is the bottom of the plane
          const u = view[f * n * n + row * n + col] / 255;
          const o = 4 * ((n - 1 - row) * n + col), c = viridis(u);
          px[o] = c[0]; px[o + 1] = c[1]; px[o + 2] = c[2]; px[o + 3] = 255;
        }
      }
      p.hctx.putImageData(p.image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(p.heat, 0, 0, PANEL, PANEL);
      const scale = PANEL / (2 * m.limit);
      ctx.fillStyle = "#fff";
      for (const [x, y] of m.modes) {
        ctx.beginPath();
        ctx.arc((x + m.limit) * scale, (m.limit - y) * scale, 2.5, 0,
          2 * Math.PI);
        ctx.fill();
      }
      const pts = blocks[m.points].data, count = pts.length / steps.length / 2;
      ctx.fillStyle = "#ff7f0e";
      for (let i = 0; i < count; i++) {
        const o = 2 * (f * count + i);
        ctx.fillRect(pts[o] / 255 * PANEL - 1, (1 - pts[o + 1] / 255) *
          PANEL - 1, 2, 2);
      }
    }
  }

  window.genWidgets.register("replay", Replay);
})();
