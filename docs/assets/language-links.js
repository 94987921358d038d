// The language switcher, with Material's instant navigation.
//
// Instant navigation fetches the next page and swaps its content in, but
// keeps the header, where the language switcher is: without this script
// the switcher would go on pointing at the other language's version of the
// first page read. Each time a page is shown, the switcher's links are set
// from the page's own address (the other language's page is at the same
// path under its prefix: "gan/" and "zh/gan/"), and a link into another
// language loads that page in full, so that its <html lang>, header, site
// name and search strings are in that language. Languages come from the
// data-languages of the search-language script (default first), and the
// site's root from that script's own address, which holds after instant
// navigation (the page's "base" does not: it is relative to the first page).
(() => {
  const tag = document.querySelector("script[data-languages]");
  if (!tag || !tag.src) return;
  const languages = (tag.dataset.languages || "").split(" ").filter(Boolean);
  if (languages.length < 2) return;
  const fallback = languages[0];
  const root = new URL("..", tag.src); // the script is <root>/assets/...

  // {lang, rest} for an address on this site; null for another site.
  function split(href) {
    const url = new URL(href, location.href);
    if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname))
      return null;
    const path = url.pathname.slice(root.pathname.length);
    const first = path.split("/")[0];
    if (first !== fallback && languages.includes(first))
      return {lang: first, rest: path.slice(first.length + 1)};
    return {lang: fallback, rest: path};
  }

  function address(lang, rest) {
    return new URL((lang === fallback ? "" : `${lang}/`) + rest, root).href;
  }

  function update() {
    const here = split(location.href);
    if (!here) return;
    for (const link of document.querySelectorAll("a.md-select__link[hreflang]")) {
      const lang = link.getAttribute("hreflang");
      if (languages.includes(lang)) link.href = address(lang, here.rest);
    }
  }

  // A link into another language: a full page load, not instant navigation
  // (whose listener sits on <body>; this one runs first, on the way down).
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element && event.target.closest("a[href]");
    if (!link || (link.target && link.target !== "_self")) return;
    if (link.hasAttribute("download")) return;
    const to = split(link.href);
    const here = split(location.href);
    if (!to || !here || to.lang === here.lang) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    location.assign(link.href);
  }, true);

  if (window.document$) window.document$.subscribe(update);
  else update();
})();
