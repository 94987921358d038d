// Search in the reader's language.
//
// static-i18n merges every language into one search index, so a search
// for "ELBO" on a Chinese page listed the English pages first. This script
// runs in <head>, before Material's bundle creates its search worker: it
// wraps the worker's result messages so that the pages of the current
// language come first, and those of other languages only when the current
// one has no hit at all. Material then counts and renders the results as
// usual. It also drops the empty "?h=" Material gives a page whose hits
// are all in its sections. Languages come from this script tag's
// data-languages ("en zh", default first), written by the build.
(() => {
  const tag = document.currentScript;
  const languages = (tag.dataset.languages || "").split(" ").filter(Boolean);
  const fallback = languages[0];

  // The site's root, from this script's own address (<root>/assets/...).
  // Not from Material's __config "base": that is relative to the first page
  // read, and instant navigation keeps it while the address changes.
  const root = tag.src ? new URL("..", tag.src) : null;

  function siteRoot() {
    if (root) return root;
    const config = document.getElementById("__config");
    const base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base, location.href);
  }

  function languageOf(path) {
    const first = path.replace(/^\/+/, "").split("/")[0];
    return languages.includes(first) ? first : fallback;
  }

  function currentLanguage() {
    const root = siteRoot().pathname;
    const path = location.pathname;
    return languageOf(path.startsWith(root) ? path.slice(root.length) : "");
  }

  function rank(items) {
    const here = currentLanguage();
    const mine = items.filter((page) => languageOf(page[0].location) === here);
    return mine.length ? mine : items;
  }

  function isResult(message) {
    return message && message.data && Array.isArray(message.data.items);
  }

  const Native = window.Worker;
  window.Worker = class extends Native {
    addEventListener(type, listener, options) {
      if (type !== "message" || typeof listener !== "function") {
        return super.addEventListener(type, listener, options);
      }
      const wrapped = (event) => {
        if (!isResult(event.data)) return listener.call(this, event);
        const data = {...event.data,
          data: {...event.data.data, items: rank(event.data.data.items)}};
        return listener.call(this, new MessageEvent("message", {data}));
      };
      return super.addEventListener(type, wrapped, options);
    }
  };

  function tidyLinks(root) {
    for (const link of root.querySelectorAll("a[href*='?h=']")) {
      const url = new URL(link.href);
      if (url.searchParams.get("h") === "") {
        url.searchParams.delete("h");
        link.href = url.href;
      }
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const list = document.querySelector(".md-search-result__list");
    if (!list) return;
    new MutationObserver(() => tidyLinks(list))
      .observe(list, {childList: true, subtree: true});
  });
})();
