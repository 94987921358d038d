// MathJax 3, served by this site (no CDN). pymdownx.arithmatex wraps math
// in \( \) and \[ \] inside elements of class "arithmatex"; only those are
// typeset. Notebook pages (mkdocs-jupyter) mark math with "jp-RenderedHTML"
// / "jp-MarkdownOutput", so those classes are processed too.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex|jp-RenderedHTML|jp-MarkdownOutput",
  },
  svg: { fontCache: "global" },
};

// Material's instant navigation swaps pages without reloading: typeset the
// new content each time.
document$.subscribe(() => {
  if (!window.MathJax.typesetPromise) return;
  MathJax.startup.output.clearCache();
  MathJax.typesetClear();
  MathJax.texReset();
  MathJax.typesetPromise();
});
