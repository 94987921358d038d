// The site's forward pass (docs/assets/gen-nn.js) against PyTorch.
//
// Run by tests/js/test_decoder.py, which exports the smoke runs, decodes
// fixed latent points with PyTorch and writes them to the JSON file named
// by GEN_DECODER_CASES: [{run, folder, points, labels, expected, tolerance}].
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const nn = require(path.join(__dirname, "../../docs/assets/gen-nn.js"));

const cases = JSON.parse(fs.readFileSync(process.env.GEN_DECODER_CASES));

test("sha256 agrees with Node's on known inputs", () => {
  for (const text of ["", "abc", "a".repeat(1000)]) {
    const bytes = new TextEncoder().encode(text);
    const want = crypto.createHash("sha256").update(bytes).digest("hex");
    assert.equal(nn.sha256(bytes), want);
  }
});

test("float16 bits decode to their values", () => {
  const t = nn.halfTable();
  assert.equal(t[0x3c00], 1);
  assert.equal(t[0xc000], -2);
  assert.equal(t[0x0001], 2 ** -24);
  assert.equal(t[0x7bff], 65504);
});

for (const c of cases) {
  test(`${c.run}: ${c.points.length} fixed points match PyTorch`, () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(c.folder, "manifest.json")));
    const file = fs.readFileSync(path.join(c.folder, "data.bin"));
    const bytes = new Uint8Array(file.buffer, file.byteOffset, file.length);
    assert.equal(nn.sha256(bytes), manifest.sha256);
    const decoder = new nn.Decoder(manifest, nn.readBlocks(manifest, bytes));
    let worst = 0;
    c.points.forEach((z, i) => {
      const out = decoder.decode(z, c.labels ? c.labels[i] : undefined);
      assert.equal(out.length, 784);
      out.forEach((v, k) => {
        assert.ok(v >= 0 && v <= 1, `pixel ${k} = ${v}`);
        worst = Math.max(worst, Math.abs(v - c.expected[i][k]));
      });
    });
    console.log(`${c.run}: max abs error ${worst.toExponential(2)} ` +
      `over ${c.points.length} points`);
    assert.ok(worst <= c.tolerance, `max abs error ${worst}`);
  });
}
