// MathJax 3, served by this site (no CDN). pymdownx.arithmatex wraps math
// in \( \) and \[ \] inside elements of class "arithmatex"; only those are
// typeset. Notebook pages (mkdocs-jupyter) mark Markdown cells with
// "jp-RenderedHTML" / "jp-MarkdownOutput", where math keeps Jupyter's $ and
// $$, so those classes are processed too, with those delimiters.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    // Any element with a class is skipped unless it is one of those below;
    // elements without a class follow their parent (".*|" would skip the
    // plain <p> inside a notebook's Markdown cell too).
    ignoreHtmlClass: "[^ ]+",
    processHtmlClass: "arithmatex|jp-RenderedHTML|jp-MarkdownOutput",
  },
  svg: { fontCache: "global" },
};

// Material's instant navigation swaps pages without reloading: typeset the
// new content each time.
document$.subscribe(() => {
  if (!window.MathJax.typesetPromise) return;
  const output = MathJax.startup.output;
  if (output.clearCache) output.clearCache(); // CHTML only; SVG has none
  MathJax.typesetClear();
  MathJax.texReset();
  MathJax.typesetPromise();
});
