// The front page's area search: any municipality, referral area, health trust or region by
// name or number, from atlas/areas-index.json. Without a script the form leads to the list
// of all areas.
(() => {
  "use strict";
  const form = document.getElementById("area-search");
  if (!form) return;
  const input = form.querySelector("#area-query");
  const list = form.querySelector("#area-matches");
  const status = form.querySelector("#area-search-status");
  const levels = JSON.parse(form.dataset.levels);
  const shown = 10;
  let areas = null;

  async function load() {
    if (!areas) {
      const answer = await fetch(form.dataset.index);
      areas = await answer.json();
    }
    return areas;
  }

  function matches(query) {
    const wanted = query.trim().toLocaleLowerCase();
    if (!wanted) return [];
    const scored = [];
    for (const area of areas) {
      const name = area.name.toLocaleLowerCase();
      const score = area.area === wanted ? 0 : name === wanted ? 1 : name.startsWith(wanted) ? 2
        : name.includes(wanted) ? 3 : area.area.startsWith(wanted) ? 4 : -1;
      if (score >= 0) scored.push([score, area]);
    }
    scored.sort((a, b) => a[0] - b[0] || a[1].name.localeCompare(b[1].name));
    return scored.map(([, area]) => area);
  }

  function href(area) {
    return `${form.dataset.pages}${area.level}-${area.area}.html`;
  }

  async function show() {
    await load();
    const found = matches(input.value);
    list.replaceChildren(
      ...found.slice(0, shown).map((area) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = href(area);
        link.textContent = area.name;
        const where = document.createElement("span");
        where.className = "note";
        where.textContent = ` ${levels[area.level]} ${area.area}`;
        item.append(link, where);
        return item;
      }),
    );
    status.textContent = input.value.trim() && !found.length ? status.dataset.none : "";
    return found;
  }

  input.addEventListener("input", show);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const found = await show();
    if (found.length) location.href = href(found[0]);
  });
})();
