/* The site's own forward pass, for the live figures (no runtime, no CDN).
 *
 * An export (gen_src/builder/export.py) is a manifest and one buffer of
 * named blocks: float16 or float32 weights of dense layers, uint8 or
 * uint32 data, float64 constants. Dense computes dense layers with ReLU,
 * SiLU or sigmoid in float32, as PyTorch does; Decoder feeds it a latent
 * code (and label); sha256 checks the buffer against its manifest. Runs in the
 * browser (window.genNN) and in Node (require), where the tests use it.
 */
(function (root) {
  "use strict";

  let HALF = null; // float16 bits -> value, all 65,536 of them
  function halfTable() {
    if (HALF) return HALF;
    HALF = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exp = (h >> 10) & 0x1f;
      const frac = h & 0x3ff;
      HALF[h] =
        exp === 0
          ? sign * frac * 2 ** -24
          : exp === 31
            ? frac ? NaN : sign * Infinity
            : sign * (1 + frac / 1024) * 2 ** (exp - 15);
    }
    return HALF;
  }

  const SIZES = { float16: 2, float32: 4, float64: 8, uint8: 1, uint32: 4 };

  /* The blocks of buffer (an ArrayBuffer or Uint8Array) as typed arrays:
     float16 becomes Float32Array. */
  function readBlocks(manifest, buffer) {
    const bytes =
      buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const out = {};
    for (const [name, b] of Object.entries(manifest.blocks)) {
      const n = b.shape.reduce((a, c) => a * c, 1);
      const size = SIZES[b.dtype];
      if (!size) throw new Error(`block ${name}: unknown dtype ${b.dtype}`);
      if (b.offset + n * size > bytes.length)
        throw new Error(`block ${name} runs past the end of the file`);
      let arr;
      if (b.dtype === "float16") {
        const t = halfTable();
        arr = new Float32Array(n);
        for (let i = 0; i < n; i++)
          arr[i] = t[view.getUint16(b.offset + 2 * i, true)];
      } else if (b.dtype === "float32") {
        arr = new Float32Array(n);
        for (let i = 0; i < n; i++)
          arr[i] = view.getFloat32(b.offset + 4 * i, true);
      } else if (b.dtype === "float64") {
        arr = new Float64Array(n);
        for (let i = 0; i < n; i++)
          arr[i] = view.getFloat64(b.offset + 8 * i, true);
      } else if (b.dtype === "uint8") {
        arr = bytes.slice(b.offset, b.offset + n);
      } else {
        arr = new Uint32Array(n);
        for (let i = 0; i < n; i++)
          arr[i] = view.getUint32(b.offset + 4 * i, true);
      }
      out[name] = { data: arr, shape: b.shape };
    }
    return out;
  }

  /* Dense layers, each weight (out, in) as PyTorch stores it, each
     followed by its activation (ReLU, SiLU, sigmoid or none). */
  class Dense {
    constructor(described, blocks) {
      this.layers = described.map((l) => {
        const w = blocks[l.weight], b = blocks[l.bias];
        const [outDim, inDim] = w.shape;
        if (l.activation && !ACTIVATIONS.includes(l.activation))
          throw new Error(`unknown activation ${l.activation}`);
        // transposed (in, out): an input's column is contiguous, and the
        // inputs ReLU set to zero are skipped
        const wt = new Float32Array(inDim * outDim);
        for (let o = 0; o < outDim; o++)
          for (let i = 0; i < inDim; i++)
            wt[i * outDim + o] = w.data[o * inDim + i];
        return {
          inDim, outDim, wt, w: w.data, bias: b.data,
          act: l.activation, out: new Float32Array(outDim),
        };
      });
      this.inDim = this.layers[0].inDim;
      this.outDim = this.layers[this.layers.length - 1].outDim;
      this.batch = { count: 0, outs: [] };
    }

    /* The outputs (count, outDim) for count inputs h (count, inDim), four
       at a time: each weight read serves four inputs. The result is
       overwritten by the next call. */
    forwardMany(h, count) {
      if (this.batch.count !== count) {
        this.batch = { count, outs: this.layers.map((l) =>
          new Float32Array(count * l.outDim)) };
      }
      this.layers.forEach((layer, k) => {
        const y = this.batch.outs[k];
        const n = layer.inDim, m = layer.outDim, w = layer.w, b = layer.bias;
        for (let p = 0; p < count; p += 4) {
          // the last block repeats its last input where count runs out
          const a0 = p * n, a1 = Math.min(p + 1, count - 1) * n;
          const a2 = Math.min(p + 2, count - 1) * n;
          const a3 = Math.min(p + 3, count - 1) * n;
          for (let o = 0; o < m; o++) {
            let s0 = b[o], s1 = s0, s2 = s0, s3 = s0;
            const row = o * n;
            for (let i = 0; i < n; i++) {
              const v = w[row + i];
              s0 += v * h[a0 + i];
              s1 += v * h[a1 + i];
              s2 += v * h[a2 + i];
              s3 += v * h[a3 + i];
            }
            const q = p * m + o;
            y[q] = s0;
            if (p + 1 < count) y[q + m] = s1;
            if (p + 2 < count) y[q + 2 * m] = s2;
            if (p + 3 < count) y[q + 3 * m] = s3;
          }
        }
        activate(y, layer.act);
        h = y;
      });
      return h;
    }

    /* The last layer's output for input x: a Float32Array that the next
       call overwrites. */
    forward(x) {
      let h = x;
      for (const layer of this.layers) {
        const y = layer.out, n = layer.outDim, wt = layer.wt;
        y.set(layer.bias);
        for (let i = 0; i < layer.inDim; i++) {
          const v = h[i];
          if (v === 0) continue;
          const row = i * n;
          for (let o = 0; o < n; o++) y[o] += v * wt[row + o];
        }
        activate(y, layer.act);
        h = y;
      }
      return h;
    }
  }
  const ACTIVATIONS = ["relu", "silu", "sigmoid"];

  function activate(y, act) {
    const n = y.length;
    if (act === "relu") {
      for (let o = 0; o < n; o++) if (y[o] < 0) y[o] = 0;
    } else if (act === "silu") {
      for (let o = 0; o < n; o++) y[o] = y[o] / (1 + Math.exp(-y[o]));
    } else if (act === "sigmoid") {
      for (let o = 0; o < n; o++) y[o] = 1 / (1 + Math.exp(-y[o]));
    }
  }

  /* A decoder: its input is z, followed by a one-hot label when
     num_labels > 0. */
  class Decoder {
    constructor(manifest, blocks) {
      this.latentDim = manifest.latent_dim;
      this.numLabels = manifest.num_labels || 0;
      this.net = new Dense(manifest.layers, blocks);
      this.input = new Float32Array(this.net.inDim);
      this.outDim = this.net.outDim;
    }

    /* The image for code z (and label), written into out (a new
       Float32Array when out is not given). */
    decode(z, label, out) {
      const x = this.input;
      x.fill(0);
      for (let i = 0; i < this.latentDim; i++) x[i] = z[i];
      if (this.numLabels) {
        if (!(label >= 0 && label < this.numLabels))
          throw new Error(`label ${label} is not in 0..${this.numLabels - 1}`);
        x[this.latentDim + label] = 1;
      }
      const result = out || new Float32Array(this.outDim);
      result.set(this.net.forward(x));
      return result;
    }
  }

  /* SHA-256 of a Uint8Array, as hex (crypto.subtle is missing on pages
     served over plain http from another machine). */
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  function sha256(bytes) {
    const n = bytes.length, total = ((n + 9 + 63) >> 6) << 6;
    const m = new Uint8Array(total);
    m.set(bytes);
    m[n] = 0x80;
    const dv = new DataView(m.buffer);
    dv.setUint32(total - 8, Math.floor(n / 0x20000000));
    dv.setUint32(total - 4, (n * 8) >>> 0);
    const H = new Uint32Array([
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]);
    const w = new Uint32Array(64);
    const rot = (x, r) => (x >>> r) | (x << (32 - r));
    for (let off = 0; off < total; off += 64) {
      for (let i = 0; i < 16; i++) w[i] = dv.getUint32(off + 4 * i);
      for (let i = 16; i < 64; i++) {
        const a = w[i - 15], b = w[i - 2];
        const s0 = rot(a, 7) ^ rot(a, 18) ^ (a >>> 3);
        const s1 = rot(b, 17) ^ rot(b, 19) ^ (b >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      let [a, b, c, d, e, f, g, h] = H;
      for (let i = 0; i < 64; i++) {
        const t1 = (h + (rot(e, 6) ^ rot(e, 11) ^ rot(e, 25)) +
          ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        const t2 = ((rot(a, 2) ^ rot(a, 13) ^ rot(a, 22)) +
          ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0;
        d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      H[0] += a; H[1] += b; H[2] += c; H[3] += d;
      H[4] += e; H[5] += f; H[6] += g; H[7] += h;
    }
    return Array.from(H, (x) => x.toString(16).padStart(8, "0")).join("");
  }

  function base64Bytes(text) {
    if (typeof atob === "function") {
      const s = atob(text), out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
      return out;
    }
    return new Uint8Array(Buffer.from(text, "base64")); // Node
  }

  const api = { readBlocks, Dense, Decoder, sha256, base64Bytes, halfTable };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.genNN = api;
})(typeof self !== "undefined" ? self : this);
