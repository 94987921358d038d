/* The site's live figures: the latent explorers (and, with
 * widgets-replay.js, the GAN replay; with widgets-sampler.js, the
 * diffusion and flow matching sampler).
 *
 * Each `.gen-widget` holds a still figure (made by the build) and, in
 * data-config, what its live version needs: the exports of its runs
 * (gen_src/builder/export.py, published under widgets/), grouped, and the
 * interface strings in the page's language. The first group loads with the
 * page, the others when the reader picks them. Over http the manifest and
 * its binary file are fetched; from disk (file://, where fetch fails) the
 * same data comes as a script. Every file is checked against its sha256;
 * on any failure an error box names the file and the still stays.
 *
 * The replay's and the sampler's code is in their own scripts, loaded
 * only where one is.
 *
 * For tests and the curious: window.genExplorer.decode(run, z, label)
 * returns the decoded image (Float32Array, 784 values in [0, 1]);
 * genExplorer.runs lists the decoders loaded; genExplorer.ready settles
 * when every widget of the page has started (or failed);
 * genExplorer.load(run) loads a group on demand.
 */
(function () {
  "use strict";
  const nn = window.genNN;
  const here = document.currentScript && document.currentScript.src;
  // matplotlib's tab10, as in the site's still figures
  const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  const PLANE = 300; // CSS pixels of a latent plane's side

  // -- loading ------------------------------------------------------------
  const loads = {};
  function load(base, stem) {
    const key = base + stem;
    if (!loads[key]) {
      loads[key] = location.protocol === "file:"
        ? viaScript(base, stem) : viaFetch(base, stem);
    }
    return loads[key];
  }

  async function get(url, name, how) {
    let response;
    try {
      response = await fetch(url);
    } catch (err) {
      throw new Error(`widgets/${name} could not be loaded (${err.message}).`);
    }
    if (!response.ok)
      throw new Error(`widgets/${name} could not be loaded ` +
        `(HTTP ${response.status}).`);
    if (how !== "json") return response.arrayBuffer();
    try {
      return JSON.parse(await response.text());
    } catch (err) {
      throw new Error(`widgets/${name} is not valid JSON (${err.message}).`);
    }
  }

  async function viaFetch(base, stem) {
    const manifest = await get(`${base}${stem}.json`, `${stem}.json`, "json");
    const bytes = await get(base + manifest.file, manifest.file, "bytes");
    return checked(manifest, new Uint8Array(bytes), manifest.file);
  }

  function viaScript(base, stem) {
    const name = `${stem}.js`;
    return new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = base + name;
      tag.onerror = () =>
        reject(new Error(`widgets/${name} could not be loaded.`));
      tag.onload = () => {
        const found = (window.genExplorerData || {})[stem];
        try {
          if (!found) throw new Error(`widgets/${name} holds no data.`);
          resolve(checked(found.manifest, nn.base64Bytes(found.data), name));
        } catch (err) {
          reject(err);
        }
      };
      document.head.appendChild(tag);
    });
  }

  function checked(manifest, bytes, name) {
    if (manifest.format !== 1)
      throw new Error(`widgets/${name}: unknown format ${manifest.format}.`);
    const sum = nn.sha256(bytes);
    if (sum !== manifest.sha256)
      throw new Error(`widgets/${name} does not match its manifest ` +
        `(sha256 ${sum.slice(0, 12)}…, expected ` +
        `${manifest.sha256.slice(0, 12)}…).`);
    return { manifest, blocks: nn.readBlocks(manifest, bytes) };
  }

  // -- helpers --------------------------------------------------------------
  function make(tag, cls, parent, text) {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text !== undefined) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  }

  function canvas(parent, cls, size, pixels) {
    const c = make("canvas", cls, parent);
    const ratio = pixels ? 1 : window.devicePixelRatio || 1;
    c.width = c.height = pixels || Math.round(size * ratio);
    c.style.width = `${size}px`;
    const ctx = c.getContext("2d");
    if (!pixels) ctx.scale(ratio, ratio);
    return [c, ctx];
  }

  function fill(text, ...values) {
    let i = 0;
    return text.replace(/\{\}/g, () => values[i++]);
  }

  function buttons(parent, labels, onPick) {
    const row = make("div", "gx-buttons", parent);
    row.setAttribute("role", "group");
    const all = labels.map((label, i) => {
      const b = make("button", "md-button gx-button", row, label);
      b.type = "button";
      b.addEventListener("click", () => onPick(i));
      return b;
    });
    return (current) => all.forEach((b, i) =>
      b.setAttribute("aria-pressed", String(i === current)));
  }

  function grey(ctx, image, values) {
    const px = image.data;
    for (let i = 0; i < values.length; i++) {
      const g = 255 * (1 - values[i]); // dark garment on white, as gray_r
      px[4 * i] = px[4 * i + 1] = px[4 * i + 2] = g;
      px[4 * i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }

  function niceTicks(low, high) {
    const step = 10 ** Math.floor(Math.log10((high - low) / 2));
    const s = [1, 2, 5, 10].map((m) => m * step)
      .find((v) => (high - low) / v <= 6);
    const out = [];
    for (let t = Math.ceil(low / s) * s; t <= high; t += s)
      out.push(Math.abs(t) < s / 1e6 ? 0 : t);
    return out;
  }

  // -- a latent plane the reader moves a point over -------------------------
  class Plane {
    constructor(parent, words, onMove) {
      this.box = make("div", "gx-plane", parent);
      [this.back, this.bg] = canvas(this.box, "gx-points", PLANE);
      [this.front, this.fg] = canvas(this.box, "gx-marker", PLANE);
      this.front.tabIndex = 0;
      this.front.setAttribute("role", "application");
      this.front.setAttribute("aria-label", words.plane);
      this.onMove = onMove;
      this.z = [0, 0];
      const at = (event) => {
        const r = this.front.getBoundingClientRect();
        const u = (event.clientX - r.left) / r.width;
        const v = 1 - (event.clientY - r.top) / r.height;
        const [lo, hi] = [this.view.low, this.view.high];
        this.set([lo[0] + u * (hi[0] - lo[0]), lo[1] + v * (hi[1] - lo[1])]);
      };
      this.front.addEventListener("pointerdown", (event) => {
        this.front.setPointerCapture(event.pointerId);
        this.front.focus({ preventScroll: true });
        at(event);
        event.preventDefault();
      });
      this.front.addEventListener("pointermove", (event) => {
        if (this.front.hasPointerCapture(event.pointerId)) at(event);
      });
      this.front.addEventListener("keydown", (event) => {
        const keys = { ArrowLeft: [-1, 0], ArrowRight: [1, 0],
          ArrowUp: [0, 1], ArrowDown: [0, -1] };
        const d = keys[event.key];
        if (!d) return;
        const step = (event.shiftKey ? 0.1 : 0.02) *
          (this.view.high[0] - this.view.low[0]);
        this.set([this.z[0] + d[0] * step, this.z[1] + d[1] * step]);
        event.preventDefault();
      });
    }

    px(z) {
      const [lo, hi] = [this.view.low, this.view.high];
      return [(z[0] - lo[0]) / (hi[0] - lo[0]) * PLANE,
        (1 - (z[1] - lo[1]) / (hi[1] - lo[1])) * PLANE];
    }

    set(z) {
      const [lo, hi] = [this.view.low, this.view.high];
      this.z = z.map((v, i) => Math.min(Math.max(v, lo[i]), hi[i]));
      this.onMove(this.z);
    }

    /* The plane of one run: its codes as points, coloured by class
       (only the class `only` in colour, when given). */
    draw(manifest, blocks, only) {
      const old = this.view;
      this.view = manifest.view;
      if (old) { // keep the point where it was, relative to the box
        const u = this.z.map((v, i) =>
          (v - old.low[i]) / (old.high[i] - old.low[i]));
        this.z = u.map((t, i) =>
          this.view.low[i] + t * (this.view.high[i] - this.view.low[i]));
      }
      const ctx = this.bg;
      ctx.clearRect(0, 0, PLANE, PLANE);
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, PLANE, PLANE);
      const codes = blocks[manifest.codes].data;
      const labels = blocks[manifest.labels].data;
      for (const pass of only === undefined ? [1] : [0, 1]) {
        for (let i = 0; i < labels.length; i++) {
          const mine = only === undefined || labels[i] === only;
          if (mine !== Boolean(pass)) continue;
          // the codes are bytes: the box in 255 steps a side
          const x = codes[2 * i] / 255 * PLANE;
          const y = (1 - codes[2 * i + 1] / 255) * PLANE;
          ctx.globalAlpha = mine ? 0.55 : 0.25;
          ctx.fillStyle = mine ? COLORS[labels[i]] : "#bbb";
          ctx.fillRect(x - 1.2, y - 1.2, 2.4, 2.4);
        }
      }
      ctx.globalAlpha = 1;
      ctx.strokeStyle = "#000";
      ctx.lineWidth = 0.8;
      if (this.view.prior) { // 1, 2, 3 standard deviations of the prior
        ctx.setLineDash([4, 3]);
        const [cx, cy] = this.px([0, 0]);
        const unit = PLANE / (this.view.high[0] - this.view.low[0]);
        for (const r of [1, 2, 3]) {
          ctx.beginPath();
          ctx.arc(cx, cy, r * unit, 0, 2 * Math.PI);
          ctx.stroke();
        }
        ctx.setLineDash([]);
      }
      ctx.fillStyle = "#444";
      ctx.font = "10px sans-serif";
      for (const axis of [0, 1]) {
        const [lo, hi] = [this.view.low[axis], this.view.high[axis]];
        for (const t of niceTicks(lo, hi)) {
          if (Math.min(t - lo, hi - t) < 0.06 * (hi - lo)) continue;
          const p = this.px(axis ? [this.view.low[0], t] : [t, this.view.low[1]]);
          ctx.textAlign = axis ? "left" : "center";
          ctx.fillText(String(+t.toPrecision(3)),
            axis ? 2 : p[0], axis ? p[1] + 3 : PLANE - 3);
        }
      }
      ctx.font = "italic 12px serif";
      ctx.textAlign = "right";
      ctx.fillText("z₁", PLANE - 4, PLANE - 14);
      ctx.textAlign = "left";
      ctx.fillText("z₂", 16, 12);
      this.set(this.z);
    }

    marker() {
      const ctx = this.fg;
      ctx.clearRect(0, 0, PLANE, PLANE);
      const [x, y] = this.px(this.z);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#fff";
      ctx.beginPath();
      ctx.arc(x, y, 7, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = "#d50000";
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(x - 11, y); ctx.lineTo(x + 11, y);
      ctx.moveTo(x, y - 11); ctx.lineTo(x, y + 11);
      ctx.stroke();
    }
  }

  // -- the public face ------------------------------------------------------
  const decoders = {};
  const starts = [];
  const api = {
    get runs() { return Object.keys(decoders); },
    decode(run, z, label) {
      const d = decoders[run];
      if (!d) throw new Error(`no decoder ${run} loaded (loaded: ` +
        `${Object.keys(decoders).join(", ") || "none"})`);
      return d.decode(z, label);
    },
    load(run) {
      const w = api.widgets.find((w) => w.runs.includes(run));
      if (!w) return Promise.reject(new Error(`no widget shows ${run}`));
      return w.group(w.groupOf(run));
    },
    widgets: [],
    ready: null,
  };
  window.genExplorer = api;

  /* What every widget shares: its groups, loaded on demand; the error
     box; the render loop (one frame per animation frame, counted). */
  class Widget {
    constructor(el) {
      this.el = el;
      this.config = JSON.parse(el.dataset.config);
      this.words = this.config.strings;
      this.base = el.dataset.base;
      this.figure = el.querySelector("figure");
      this.still = this.figure && this.figure.querySelector("img");
      this.runs = this.config.groups.flatMap((g) => g.runs.map((r) => r.run));
      this.data = {};
      this.stats = { frames: 0, ms: 0 };
      this.pending = false;
      this.current = 0;
      api.widgets.push(this);
    }

    groupOf(run) {
      return this.config.groups.findIndex((g) =>
        g.runs.some((r) => r.run === run));
    }

    /* Load group i (once); resolve when its runs are usable. */
    group(i) {
      const g = this.config.groups[i];
      return Promise.all(g.runs.map((r) =>
        load(this.base, r.stem).then((loaded) => {
          this.data[r.run] = loaded;
          if (loaded.manifest.kind === "decoder" && !decoders[r.run])
            decoders[r.run] = new nn.Decoder(loaded.manifest, loaded.blocks);
        })));
    }

    error(err) {
      let box = this.el.querySelector(".gen-widget-error");
      if (!box) {
        box = make("div", "figure-error gen-widget-error");
        box.setAttribute("role", "alert");
        this.el.insertBefore(box, this.el.firstChild);
      }
      box.textContent = fill(this.words.error, err.message);
    }

    async start() {
      if (!this.still) return;
      const note = make("div", "gen-widget-note");
      const kb = this.config.groups[0].runs
        .reduce((s, r) => s + r.bytes, 0) / 1000;
      note.textContent = fill(this.words.loading, `${Math.round(kb)} kB`);
      this.still.insertAdjacentElement("afterend", note);
      try {
        await this.group(0);
        this.ui = make("div", `gx gx-${this.config.kind}`);
        this.build();
        this.still.insertAdjacentElement("beforebegin", this.ui);
        this.still.style.display = "none";
        this.el.classList.add("gen-widget-live");
        this.show(0);
      } catch (err) {
        this.error(err);
      } finally {
        note.remove();
      }
    }

    /* Show group i, loading it first if needed. */
    async pick(i) {
      try {
        await this.group(i);
        this.show(i);
      } catch (err) {
        this.error(err);
      }
    }

    schedule() {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => {
        this.pending = false;
        const t = performance.now();
        this.render();
        this.stats.frames += 1;
        this.stats.ms += performance.now() - t;
      });
    }
  }

  // -- the VAE's latent explorer (and the autoencoder's, by toggle) ---------
  class Latent extends Widget {
    build() {
      const w = this.words;
      if (this.config.groups.length > 1)
        this.mark = buttons(this.ui, this.config.groups.map((g) => g.label),
          (i) => this.pick(i));
      const row = make("div", "gx-row", this.ui);
      this.plane = new Plane(row, w, () => this.schedule());
      const out = make("div", "gx-output", row);
      [this.image, this.ictx] = canvas(out, "gx-image", 168, 28);
      this.image.setAttribute("role", "img");
      this.image.setAttribute("aria-label", w.decoded);
      this.pixels = this.ictx.createImageData(28, 28);
      this.readout = make("div", "gx-readout", out);
      const legend = make("ul", "gx-legend", this.ui);
      w.classes.forEach((name, c) => {
        const li = make("li", "", legend);
        make("span", "gx-swatch", li).style.background = COLORS[c];
        li.appendChild(document.createTextNode(name));
      });
      make("p", "gx-hint", this.ui, w.hint_latent);
    }

    show(i) {
      this.current = i;
      if (this.mark) this.mark(i);
      const { manifest, blocks } = this.data[this.config.groups[i].runs[0].run];
      this.run = this.config.groups[i].runs[0].run;
      this.plane.draw(manifest, blocks);
    }

    render() {
      const z = this.plane.z;
      grey(this.ictx, this.pixels, decoders[this.run].decode(z));
      this.plane.marker();
      this.readout.textContent =
        `z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`;
    }
  }

  // -- the CVAE's: one z under every label ----------------------------------
  class Conditional extends Widget {
    build() {
      const w = this.words;
      this.label = 0;
      const row = make("div", "gx-row", this.ui);
      this.plane = new Plane(row, w, () => this.schedule());
      const out = make("div", "gx-output", row);
      [this.image, this.ictx] = canvas(out, "gx-image", 168, 28);
      this.image.setAttribute("role", "img");
      this.image.setAttribute("aria-label", w.decoded);
      this.pixels = this.ictx.createImageData(28, 28);
      this.readout = make("div", "gx-readout", out);
      make("div", "gx-caption", this.ui, w.class);
      this.mark = buttons(this.ui, w.classes, (c) => this.choose(c));
      make("div", "gx-caption", this.ui, w.every_class);
      const strip = make("div", "gx-strip", this.ui);
      this.cells = w.classes.map((name, c) => {
        const [cell, ctx] = canvas(strip, "gx-cell", 56, 28);
        cell.title = name;
        cell.addEventListener("click", () => this.choose(c));
        return { cell, ctx, image: ctx.createImageData(28, 28) };
      });
      this.out = new Float32Array(784);
      make("p", "gx-hint", this.ui, w.hint_conditional);
    }

    choose(c) {
      this.label = c;
      this.mark(c);
      this.cells.forEach((x, i) => x.cell.classList.toggle("gx-on", i === c));
      const { manifest, blocks } = this.data[this.run];
      this.plane.draw(manifest, blocks, c);
    }

    show() {
      this.run = this.config.groups[0].runs[0].run;
      this.choose(this.label);
    }

    render() {
      const z = this.plane.z, d = decoders[this.run];
      this.cells.forEach((x, c) => {
        grey(x.ctx, x.image, d.decode(z, c, this.out));
        if (c === this.label) grey(this.ictx, this.pixels, this.out);
      });
      this.plane.marker();
      this.readout.textContent =
        `z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`;
    }
  }

  const KINDS = { latent: Latent, conditional: Conditional };
  // what widgets-replay.js (and any other kind's script) builds on
  window.genWidgets = {
    Widget, make, canvas, fill, buttons,
    register(kind, cls) { KINDS[kind] = cls; },
  };

  function startAll() {
    if (here) {
      const css = make("link", "", document.head);
      css.rel = "stylesheet";
      css.href = new URL("widgets.css", here).href;
    }
    for (const el of document.querySelectorAll(".gen-widget")) {
      let kind;
      try {
        kind = KINDS[JSON.parse(el.dataset.config).kind];
      } catch (err) {
        kind = null;
      }
      if (kind) starts.push(new kind(el).start());
    }
    return Promise.all(starts).then(() => api);
  }

  // Deferred scripts all run before DOMContentLoaded: by then every
  // kind's script has registered its class.
  api.ready = new Promise((resolve) => {
    let started = false;
    const go = () => {
      if (!started) resolve(startAll());
      started = true;
    };
    if (document.readyState === "complete") go();
    document.addEventListener("DOMContentLoaded", go);
    window.addEventListener("load", go);
  });
})();
