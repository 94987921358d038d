/* The live sampler, a kind of live figure for widgets.js: 500 particles
 * carried from noise to the data by a diffusion or flow matching network
 * trained for the page (gen_src/builder/export_sampler.py), with the
 * samplers of docs/assets/gen-sampling.js. The reader picks the sampler,
 * the data and the steps; the particles travel as the steps are computed
 * (a few per animation frame), and a slider goes back along the path.
 *
 * The groups of its config are "<data>_<family>" (ring_diffusion, ...):
 * one network each, loaded when picked. It starts from the still's noise;
 * DDPM's kicks come from a fixed seed. For tests: window.genSampler.sample
 * runs a sampler on given noise and kicks and returns the path in data
 * units.
 */
(function () {
  "use strict";
  const { Widget, make, canvas, fill, buttons } = window.genWidgets;
  const sampling = window.genSampling;
  const here = document.currentScript && document.currentScript.src;
  if (here) {
    const css = make("link", "", document.head);
    css.rel = "stylesheet";
    css.href = new URL("widgets-sampler.css", here).href;
  }
  const SIZE = 360; // CSS pixels of the plane's side
  const TRAILS = 60; // particles whose path is drawn, as in the still
  const PLAY_MS = 2500; // the whole path, when it is computed in time
  const BUDGET_MS = 14; // computing per animation frame
  const KICK_SEED = 1;
  const SAMPLERS = ["ddpm", "ddim", "euler", "heun"];
  const FAMILY = { ddpm: "diffusion", ddim: "diffusion", euler: "flow",
    heun: "flow" };
  const ORANGE = "#ff7f0e"; // the still's samples

  class Sampler extends Widget {
    build() {
      const w = this.words;
      this.nets = {};
      this.datasets = [...new Set(this.config.groups.map((g) =>
        g.name.split("_")[0]))];
      this.samplers = SAMPLERS.filter((s) => this.config.groups.some((g) =>
        g.name.endsWith(`_${FAMILY[s]}`)));
      const row = (label) => {
        const box = make("div", "gx-choice", this.ui);
        make("span", "gx-choice-label", box, label);
        return box;
      };
      this.markSampler = buttons(row(w.sampler),
        this.samplers.map((s) => w[`sampler_${s}`]),
        (i) => this.choose({ sampler: this.samplers[i] }));
      this.markData = buttons(row(w.data),
        this.datasets.map((d) => w[`group_${d}`] || d),
        (i) => this.choose({ dataset: this.datasets[i] }));
      this.stepRow = row(w.steps);
      const box = make("div", "gx-sampler-plane", this.ui);
      [this.plane, this.ctx] = canvas(box, "gx-particles", SIZE);
      this.plane.setAttribute("role", "img");
      this.plane.setAttribute("aria-label", w.particles);
      const controls = make("div", "gx-controls", this.ui);
      this.play = make("button", "md-button gx-button gx-play", controls,
        w.play);
      this.play.type = "button";
      this.play.addEventListener("click", () => this.toggle());
      this.slider = make("input", "gx-slider", controls);
      this.slider.type = "range";
      this.slider.min = 0;
      this.slider.setAttribute("aria-label", w.timeline_sampler);
      this.slider.addEventListener("input", () => {
        this.playing = false;
        this.frame = Math.min(Number(this.slider.value), this.path.length - 1);
        this.wake();
      });
      this.readout = make("span", "gx-readout", controls);
      this.cost = make("div", "gx-caption", this.ui);
      const legend = make("div", "gx-key", this.ui);
      for (const [cls, words] of [["gx-swatch gx-noise", w.noise_start],
        ["gx-swatch gx-moved", w.particles], ["gx-mode", w.modes]]) {
        const item = make("span", "gx-key-item", legend);
        make("span", cls, item, cls === "gx-mode" ? "×" : undefined);
        make("span", "", item, words);
      }
      make("p", "gx-hint", this.ui, w.hint_sampler);
    }

    /* The first group, as the page loads: its sampler at the still's
       steps. */
    show(i) {
      const [dataset, family] = this.config.groups[i].name.split("_");
      const { manifest } = this.data[this.config.groups[i].runs[0].run];
      this.choice = {
        dataset,
        sampler: this.samplers.find((s) => FAMILY[s] === family),
        steps: manifest.sample_steps,
      };
      this.restart();
    }

    groupFor(choice) {
      const name = `${choice.dataset}_${FAMILY[choice.sampler]}`;
      return this.config.groups.findIndex((g) => g.name === name);
    }

    runFor(choice) {
      return this.config.groups[this.groupFor(choice)].runs[0].run;
    }

    net(run) {
      if (!this.nets[run]) {
        const { manifest, blocks } = this.data[run];
        this.nets[run] = new sampling.TimeNet(manifest, blocks);
      }
      return this.nets[run];
    }

    async choose(change) {
      const choice = { ...this.choice, ...change };
      try {
        await this.group(this.groupFor(choice));
        this.choice = choice;
        this.restart();
      } catch (err) {
        this.error(err);
      }
    }

    /* Start the chosen sampler from the noise, and play it. */
    restart() {
      const c = this.choice, w = this.words;
      const run = this.runFor(c);
      const { manifest, blocks } = this.data[run];
      this.manifest = manifest;
      this.markSampler(this.samplers.indexOf(c.sampler));
      this.markData(this.datasets.indexOf(c.dataset));
      if (!manifest.steps.includes(c.steps))
        c.steps = manifest.sample_steps;
      this.stepRow.querySelector(".gx-buttons")?.remove();
      buttons(this.stepRow, manifest.steps.map(String), (i) =>
        this.choose({ steps: manifest.steps[i] }))(
        manifest.steps.indexOf(c.steps));
      const noise = blocks[manifest.noise].data;
      this.run = sampling.sampler(manifest, this.net(run), {
        name: c.sampler,
        steps: c.steps,
        noise,
        abar: manifest.alpha_bar && blocks[manifest.alpha_bar].data,
        seed: KICK_SEED,
      });
      this.path = [Float64Array.from(noise)];
      this.frame = 0;
      this.slider.max = c.steps;
      const evaluations = c.sampler === "heun" ? 2 * c.steps - 1 : c.steps;
      this.cost.textContent = fill(w.evaluations, evaluations);
      this.playing = true;
      this.play.textContent = w.pause;
      this.last = null;
      this.wake();
    }

    toggle() {
      this.playing = !this.playing;
      if (this.playing && this.frame >= this.run.steps) this.frame = 0;
      this.wake();
    }

    /* The animation loop: runs while steps remain to compute or play. */
    wake() {
      if (this.awake) return;
      this.awake = true;
      requestAnimationFrame((now) => this.tick(now));
    }

    tick(now) {
      const started = performance.now();
      while (this.path.length <= this.run.steps &&
        (performance.now() - started < BUDGET_MS ||
          this.path.length === 1)) {
        this.path.push(this.run.next());
      }
      const done = this.path.length - 1;
      if (this.playing && this.last !== null) {
        const rate = this.run.steps / PLAY_MS; // steps per millisecond
        this.frame = Math.min(this.frame + (now - this.last) * rate, done);
        if (this.frame >= this.run.steps) this.playing = false;
      }
      this.last = this.playing ? now : null;
      this.play.textContent = this.playing ? this.words.pause
        : this.words.play;
      this.render();
      this.stats.frames += 1;
      this.stats.ms += performance.now() - started;
      this.awake = false;
      if (this.playing || done < this.run.steps) this.wake();
    }

    /* Plane position of model coordinates. */
    px(x, y) {
      const m = this.manifest, u = SIZE / (2 * m.limit);
      return [(x * m.scale + m.limit) * u, (m.limit - y * m.scale) * u];
    }

    render() {
      const ctx = this.ctx, m = this.manifest, path = this.path;
      const k = Math.floor(this.frame), f = this.frame - k;
      const a = path[k], b = path[Math.min(k + 1, path.length - 1)];
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, SIZE, SIZE);
      const n = a.length / 2;
      ctx.fillStyle = "rgba(110, 110, 110, 0.35)"; // where they started
      for (let p = 0; p < n; p++) {
        const [x, y] = this.px(path[0][2 * p], path[0][2 * p + 1]);
        ctx.fillRect(x - 1, y - 1, 2, 2);
      }
      ctx.strokeStyle = "rgba(120, 120, 120, 0.55)";
      ctx.lineWidth = 0.6;
      for (let p = 0; p < Math.min(TRAILS, n); p++) {
        ctx.beginPath();
        for (let j = 0; j <= k; j++) {
          const [x, y] = this.px(path[j][2 * p], path[j][2 * p + 1]);
          if (j) ctx.lineTo(x, y);
          else ctx.moveTo(x, y);
        }
        ctx.lineTo(...this.px(a[2 * p] + f * (b[2 * p] - a[2 * p]),
          a[2 * p + 1] + f * (b[2 * p + 1] - a[2 * p + 1])));
        ctx.stroke();
      }
      ctx.strokeStyle = "#000";
      ctx.lineWidth = 1;
      const u = SIZE / (2 * m.limit);
      for (const [mx, my] of m.modes) {
        const x = (mx + m.limit) * u, y = (m.limit - my) * u;
        ctx.beginPath();
        ctx.moveTo(x - 4, y - 4); ctx.lineTo(x + 4, y + 4);
        ctx.moveTo(x - 4, y + 4); ctx.lineTo(x + 4, y - 4);
        ctx.stroke();
      }
      ctx.fillStyle = ORANGE;
      for (let p = 0; p < n; p++) {
        const x = a[2 * p] + f * (b[2 * p] - a[2 * p]);
        const y = a[2 * p + 1] + f * (b[2 * p + 1] - a[2 * p + 1]);
        const [sx, sy] = this.px(x, y);
        ctx.fillRect(sx - 1.5, sy - 1.5, 3, 3);
      }
      this.slider.value = k;
      const t = this.run.time(k);
      const time = m.family === "diffusion" ? `t = ${t}/${m.T}`
        : `t = ${t.toFixed(2)}`;
      const computing = path.length <= this.run.steps
        ? ` · ${this.words.computing}` : "";
      this.readout.textContent =
        `${fill(this.words.step, k, this.run.steps)} · ${time}${computing}`;
    }
  }

  window.genWidgets.register("sampler", Sampler);

  function widgetOf(run) {
    const w = window.genExplorer.widgets.find((x) => x.runs.includes(run));
    if (!w) throw new Error(`no live sampler shows ${run}`);
    return w;
  }

  /* The path (steps + 1, N, 2), in data units, of sampler on run's
     network from noise (N, 2) in the model's units, with kicks (one
     (N, 2) array per DDPM step but the last). */
  window.genSampler = {
    async sample(run, { sampler, steps, noise, kicks }) {
      await window.genExplorer.load(run);
      const w = widgetOf(run), { manifest, blocks } = w.data[run];
      const walk = sampling.sampler(manifest, w.net(run), {
        name: sampler,
        steps,
        noise: noise.flat(),
        kicks: kicks ? (k) => kicks[k].flat() : undefined,
        abar: manifest.alpha_bar && blocks[manifest.alpha_bar].data,
        seed: KICK_SEED,
      });
      const out = [];
      for (let x = Float64Array.from(noise.flat()); x; x = walk.next()) {
        const step = [];
        for (let p = 0; p < x.length / 2; p++)
          step.push([x[2 * p] * manifest.scale, x[2 * p + 1] * manifest.scale]);
        out.push(step);
      }
      return out;
    },
  };
})();
