// The site's samplers (docs/assets/gen-sampling.js) against PyTorch's.
//
// Run by tests/js/test_sampling.py, which exports the smoke runs, samples
// with gen_src from fixed noise (and DDPM's kicks) and writes the JSON file
// named by GEN_SAMPLING_CASES: [{run, folder, sampler, steps, noise, kicks,
// expected (steps + 1, N, 2) in data units, tolerance}].
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const nn = require(path.join(__dirname, "../../docs/assets/gen-nn.js"));
const sampling = require(
  path.join(__dirname, "../../docs/assets/gen-sampling.js"));

const cases = JSON.parse(fs.readFileSync(process.env.GEN_SAMPLING_CASES));

function load(folder) {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(folder, "manifest.json")));
  const file = fs.readFileSync(path.join(folder, "data.bin"));
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.length);
  assert.equal(nn.sha256(bytes), manifest.sha256);
  return { manifest, blocks: nn.readBlocks(manifest, bytes) };
}

test("the Gaussian draws are standard normal and repeat from a seed", () => {
  const draw = sampling.gaussian(3), again = sampling.gaussian(3);
  const xs = Array.from({ length: 20000 }, draw);
  const mean = xs.reduce((a, b) => a + b) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) /
    xs.length);
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sd - 1) < 0.03, `sd ${sd}`);
  assert.deepEqual(Array.from({ length: 5 }, again), xs.slice(0, 5));
});

test("diffusion visits T, ..., 0 on the rounded even grid", () => {
  assert.deepEqual(sampling.diffusionTimes(1000, 4), [0, 250, 500, 750,
    1000]);
  assert.deepEqual(sampling.diffusionTimes(10, 3), [0, 3, 7, 10]);
});

for (const c of cases) {
  test(`${c.run}, ${c.sampler}, ${c.steps} steps: PyTorch's particles`,
    () => {
      const { manifest, blocks } = load(c.folder);
      const net = new sampling.TimeNet(manifest, blocks);
      const run = sampling.sampler(manifest, net, {
        name: c.sampler,
        steps: c.steps,
        noise: c.noise.flat(),
        kicks: (k) => c.kicks[k].flat(),
        abar: manifest.alpha_bar && blocks[manifest.alpha_bar].data,
      });
      let worst = 0, k = 0, x = Float64Array.from(c.noise.flat());
      for (; x; x = run.next(), k++) {
        x.forEach((v, i) => {
          const want = c.expected[k][i >> 1][i & 1];
          worst = Math.max(worst, Math.abs(v * manifest.scale - want));
        });
      }
      assert.equal(k, c.steps + 1);
      console.log(`${c.run} ${c.sampler} ${c.steps}: max abs error ` +
        `${worst.toExponential(2)} over ${c.noise.length} particles`);
      assert.ok(worst <= c.tolerance, `max abs error ${worst}`);
    });
}
