// variatlas area profile: the comparator chooser. Every comparator's table is in the page (the
// page reads whole without script); this shows the one chosen, keeps the choice in the address
// (#compare=...) and carries it on the links to the indicator pages, the peers' profiles and
// the area's theme pages.
(() => {
  "use strict";

  // The indicator pages (../<id>.html#...), the peers' profiles and the area's theme pages
  // keep the choice.
  const kept = 'main a[href^="../"][href*=".html#level="], main a.peer, main a.theme-page';
  const select = document.getElementById("compare");
  if (!select) {
    // A theme's page has no chooser: it passes on the choice it was opened with.
    const chosen = new URLSearchParams(location.hash.slice(1)).get("compare");
    if (chosen) {
      for (const link of document.querySelectorAll(kept)) carry(link, chosen);
      document.body.dataset.compare = chosen;
    }
    return;
  }
  const offered = [...select.options].map((o) => o.value);

  function wanted() {
    const chosen = new URLSearchParams(location.hash.slice(1)).get("compare");
    return offered.includes(chosen) ? chosen : offered[0];
  }

  function carry(link, chosen) {
    const [path, hash = ""] = link.getAttribute("href").split("#");
    const address = new URLSearchParams(hash);
    address.set("compare", chosen);
    link.setAttribute("href", `${path}#${address}`);
  }

  function show(chosen) {
    select.value = chosen;
    for (const box of document.querySelectorAll("#compare-section .compare-table[data-compare]")) {
      box.hidden = box.dataset.compare !== chosen;
    }
    for (const link of document.querySelectorAll(kept)) {
      carry(link, chosen);
    }
    document.body.dataset.compare = chosen;
  }

  select.addEventListener("change", () => {
    const address = new URLSearchParams(location.hash.slice(1));
    address.set("compare", select.value);
    history.replaceState(null, "", `#${address}`);
    show(select.value);
  });
  window.addEventListener("hashchange", () => show(wanted()));
  document.getElementById("compare-form").hidden = false;
  show(wanted());
})();
