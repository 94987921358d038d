// Typesets TeX as SVG at build time, for gen_src/website/math_svg.py.
//
//   node math_svg.js NODE_MODULES/mathjax
//
// One process serves a whole build. It reads one JSON request per line on
// stdin and answers each with one JSON line on stdout:
//
//   {"formulas": [{"tex": "x^2", "display": false}, ...]}
//   -> {"results": [{"html": "<mjx-container ...>"} | {"error": "..."}],
//       "glyphs": {"MJX-TEX-I-1D465": "M52 289Q59 ...", ...}}
//   {"stylesheet": true} -> {"css": "mjx-container[jax=\"SVG\"] {...}"}
//
// Each formula is typeset on its own (TeX state reset), so a result can be
// cached by its source alone. Glyphs are not repeated in every formula:
// as in MathJax's own "global" font cache, a formula refers to them with
// <use xlink:href="#MJX-...">, and the page carries each glyph once.
"use strict";

const readline = require("readline");

const MATHJAX = process.argv[2];
if (!MATHJAX) {
  process.stderr.write("usage: node math_svg.js NODE_MODULES/mathjax\n");
  process.exit(2);
}

require(MATHJAX)
  .init({
    // The same TeX as the runtime MathJax the site used to load
    // (tex-svg.js): TeX input with its default packages, SVG output, and
    // MathML beside each formula for screen readers.
    loader: {load: ["input/tex", "output/svg", "a11y/assistive-mml"]},
    tex: {
      // An unknown macro is an error that names it, not red text.
      packages: {"[-]": ["noundefined"]},
      formatError: (jax, err) => {
        throw err;
      },
    },
    svg: {fontCache: "global"},
    startup: {typeset: false},
  })
  .then(serve)
  .catch((err) => {
    process.stderr.write(`MathJax failed to start: ${err.stack || err}\n`);
    process.exit(1);
  });

function serve(MathJax) {
  const adaptor = MathJax.startup.adaptor;
  const output = MathJax.startup.output;

  function glyphs() {
    const found = {};
    const defs = output.fontCache.getCache();
    for (const path of adaptor.childNodes(defs)) {
      found[adaptor.getAttribute(path, "id")] = adaptor.getAttribute(
        path,
        "d",
      );
    }
    output.fontCache.clearCache();
    return found;
  }

  async function typeset(formula) {
    MathJax.texReset();
    try {
      const node = await MathJax.tex2svgPromise(formula.tex, {
        display: Boolean(formula.display),
      });
      return {html: adaptor.outerHTML(node)};
    } catch (err) {
      return {error: String(err.message || err)};
    }
  }

  async function answer(request) {
    if (request.stylesheet) {
      return {css: adaptor.textContent(MathJax.svgStylesheet())};
    }
    const results = [];
    for (const formula of request.formulas || []) {
      results.push(await typeset(formula));
    }
    return {results, glyphs: glyphs()};
  }

  // Requests are answered one at a time, in order.
  let queue = Promise.resolve();
  const lines = readline.createInterface({input: process.stdin});
  lines.on("line", (line) => {
    queue = queue.then(async () => {
      let reply;
      try {
        reply = await answer(JSON.parse(line));
      } catch (err) {
        reply = {error: String(err.stack || err)};
      }
      process.stdout.write(JSON.stringify(reply) + "\n");
    });
  });
  lines.on("close", () => queue.then(() => process.exit(0)));
  process.stdout.write(JSON.stringify({ready: MathJax.version}) + "\n");
}
