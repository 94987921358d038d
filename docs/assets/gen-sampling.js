/* The samplers of diffusion and flow matching on 2-D data, in the browser.
 *
 * A sampler export (gen_src/builder/export_sampler.py) holds a run's
 * network f(x, t) (gen_src/denoising.py, TimeMLP: x, then sines and
 * cosines of t times each frequency, into dense layers with SiLU), the
 * starting noise and, for diffusion, the schedule abar_0..abar_T. The
 * steps follow gen_src/diffusion.py's and gen_src/flow_matching.py's
 * sample() line by line, so that the same noise (and, for DDPM, the same
 * kicks) gives PyTorch's particles. Points are in the model's units (the
 * data divided by manifest.scale). Runs in the browser (window.genSampling)
 * and in Node (require).
 */
(function (root) {
  "use strict";
  const nn =
    typeof module === "object" && module.exports
      ? require("./gen-nn.js")
      : root.genNN;
  const f32 = Math.fround;

  /* f(x, t) of a TimeMLP for many points at one time t. */
  class TimeNet {
    constructor(manifest, blocks) {
      this.freqs = blocks[manifest.freqs].data;
      this.net = new nn.Dense(manifest.layers, blocks);
      this.width = this.net.inDim;
      this.inputs = new Float32Array(0);
      if (this.width !== 2 + 2 * this.freqs.length)
        throw new Error(`the network takes ${this.width} inputs, ` +
          `not a point and ${2 * this.freqs.length} time features`);
    }

    /* out (N * 2) = f(x, t) for x (N * 2, x then y), t in [0, 1]. */
    apply(x, t, out) {
      const k = this.freqs.length, w = this.width, count = x.length / 2;
      if (this.inputs.length !== count * w)
        this.inputs = new Float32Array(count * w);
      const input = this.inputs;
      for (let i = 0; i < k; i++) { // float32 angles, as PyTorch's
        const angle = f32(f32(t) * this.freqs[i]);
        const s = Math.sin(angle), c = Math.cos(angle);
        for (let p = 0; p < count; p++) {
          input[p * w + 2 + i] = s;
          input[p * w + 2 + k + i] = c;
        }
      }
      for (let p = 0; p < count; p++) {
        input[p * w] = x[2 * p];
        input[p * w + 1] = x[2 * p + 1];
      }
      out.set(this.net.forwardMany(input, count));
      return out;
    }
  }

  /* Standard normal draws from a seed (mulberry32, then Box-Muller). */
  function gaussian(seed) {
    let a = seed >>> 0, spare = null;
    const uniform = () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    return () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      const u = 1 - uniform(), v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    };
  }

  /* The times T = tau_steps > ... > tau_0 = 0 a diffusion sampler visits
     (torch.linspace(0, T, steps + 1).round()). */
  function diffusionTimes(T, steps) {
    const out = [];
    for (let k = 0; k <= steps; k++) out.push(Math.round((k * T) / steps));
    return out;
  }

  /* A sampler, one step at a time: next() moves the particles one step
     and returns them (a new Float64Array), null when done; time(k) is
     the time after k steps (diffusion: tau counted down from T to 0;
     flow matching: k / steps). kicks(step) gives DDPM's fresh noise for
     a step (N * 2 values); seed draws them from gaussian(seed). */
  function sampler(manifest, net, options) {
    const { name, steps } = options;
    if (!manifest.samplers.includes(name))
      throw new Error(`sampler ${name} is not one of ${manifest.samplers}`);
    if (!(Number.isInteger(steps) && steps >= 1))
      throw new Error(`steps must be a whole number from 1, not ${steps}`);
    let x = Float64Array.from(options.noise);
    const n = x.length, eps = new Float32Array(n), extra = new Float32Array(n);
    let k = 0;
    if (manifest.family === "flow_matching") {
      const h = 1 / steps;
      return {
        steps,
        time: (j) => j / steps,
        next() {
          if (k >= steps) return null;
          const t = f32(k * h), v = net.apply(x, t, eps);
          if (name === "heun" && k < steps - 1) { // Heun's last is Euler's
            const guess = new Float64Array(n);
            for (let i = 0; i < n; i++) guess[i] = x[i] + h * v[i];
            const w = net.apply(guess, f32(t + h), extra);
            for (let i = 0; i < n; i++) v[i] = (v[i] + w[i]) / 2;
          }
          const out = new Float64Array(n);
          for (let i = 0; i < n; i++) out[i] = x[i] + h * v[i];
          k += 1;
          return (x = out);
        },
      };
    }
    const T = manifest.T, abar = options.abar;
    if (steps > T) throw new Error(`steps must be at most T = ${T}`);
    const taus = diffusionTimes(T, steps);
    const kicks = options.kicks || (() => {
      const draw = gaussian(options.seed || 0);
      return () => Array.from({ length: n }, draw);
    })();
    const clip = manifest.clip;
    return {
      steps,
      time: (j) => taus[steps - j],
      next() {
        if (k >= steps) return null;
        const t = taus[steps - k], prev = taus[steps - k - 1];
        const at = abar[t], ap = abar[prev];
        net.apply(x, f32(t / T), eps);
        let direction, kick = 0, fresh = null;
        if (name === "ddpm" && prev > 0) {
          kick = ((1 - ap) / (1 - at)) * (1 - at / ap); // the variance
          direction = Math.sqrt(1 - ap - kick);
          kick = Math.sqrt(kick);
          fresh = kicks(k);
        } else { // DDIM, and the last step of both
          direction = Math.sqrt(1 - ap);
        }
        const out = new Float64Array(n);
        const sa = Math.sqrt(at), sb = Math.sqrt(1 - at), sp = Math.sqrt(ap);
        for (let i = 0; i < n; i++) {
          let x0 = (x[i] - sb * eps[i]) / sa; // the estimate of x_0
          let e = eps[i];
          if (clip != null) { // and the noise that agrees with the clip
            x0 = Math.min(Math.max(x0, -clip), clip);
            e = (x[i] - sa * x0) / sb;
          }
          out[i] = sp * x0 + direction * e + (fresh ? kick * fresh[i] : 0);
        }
        k += 1;
        return (x = out);
      },
    };
  }

  const api = { TimeNet, gaussian, diffusionTimes, sampler };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.genSampling = api;
})(typeof self !== "undefined" ? self : this);
