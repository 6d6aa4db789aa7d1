// An atlas's opening page (publish/document_pages.py): a link written when the whole atlas was
// one page (barn2025.html#box-innl_rb1, barn2025.html#chapter-06-…) is sent on to the page of
// the chapter that holds that anchor now. The map is the contents themselves: each link names
// the anchor it leads to (data-anchor). Without a script the contents are there to follow.
(() => {
  "use strict";

  function follow() {
    let anchor;
    try {
      anchor = decodeURIComponent(location.hash.slice(1));
    } catch {
      return; // not an address this page wrote
    }
    if (!anchor || document.getElementById(anchor)) return;
    const link = [...document.querySelectorAll("nav.toc a[data-anchor]")].find(
      (a) => a.dataset.anchor === anchor,
    );
    if (!link) return;
    const target = new URL(link.getAttribute("href"), location.href);
    target.hash = anchor;
    location.replace(target.href);
  }

  follow();
  window.addEventListener("hashchange", follow);
})();
