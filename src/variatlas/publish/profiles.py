"""Area profiles: for every municipality, referral area, health trust and region, in each
language, an overview page and a page per theme; an index of all areas; and
``atlas/areas-index.json`` for the front page's area search.

The overview (``<level>-<area>.html``) has the places to learn from, a count per theme of
the indicators better, worse, higher or lower than the country, the comparisons with other
comparators and, for a municipality, its peers. Each theme's page
(``<level>-<area>-<theme>.html``) has every published indicator of the theme for the area
against the country as a spine chart (drawn here as SVG, so the page needs no script), its
trend marker and links to the indicator pages, in a table that is its own twin (each line's
numbers and words as text beside the spine). A referral area's profile has
some 670 indicators (SKDE's figures among them): on one page that was 1 MB of HTML and
21,000 elements, which a phone took longer to parse than the 200 ms of blocking the atlas
allows (docs/performance.md); its largest theme is about half of that.

The figures come from ``variatlas.variation.profiles`` over the disclosed results: a hidden
cell stays hidden here, and nothing is computed from it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from markupsafe import Markup

from variatlas.disclosure import DisclosedResults
from variatlas.indicators.model import THEMES, Indicator
from variatlas.publish.atlas import comparator_of, environment, page_context
from variatlas.publish.profile_compare import (
    comparison_tables,
    peer_groups,
    peer_lines,
    profile_comparisons,
)
from variatlas.publish.profile_peers import memberships, peer_spine, peer_table
from variatlas.publish.wording import (
    LANGUAGES,
    Language,
    catalogue_language,
    decimals,
    number,
    versions,
)
from variatlas.results import is_suppressed
from variatlas.variation.profiles import PROFILE_LEVELS, indicator_profile
from variatlas.workers import mapped, worth_workers

SPINE_WIDTH, SPINE_HEIGHT = 240, 16
TREND_SYMBOLS = {"increasing": "↑", "decreasing": "↓", "no change": "→", "not computed": "–"}


COUNTED = ("better", "worse", "higher", "lower", "similar")
"""How an area may differ from the country, as the overview counts them per theme."""


def profile_file(level: str, area: str, theme: str | None = None) -> str:
    """The file name of an area's profile page, or of its page of ``theme`` (in
    ``<lang>/areas/``)."""
    return f"{level}-{area}.html" if theme is None else f"{level}-{area}-{theme}.html"


def is_theme_page(name: str) -> bool:
    """Whether a file of ``<lang>/areas/`` is a theme's page (not an overview)."""
    return name.removesuffix(".html").endswith(tuple(f"-{theme}" for theme in THEMES))


def theme_rows(
    themes: list[tuple[str, list[dict[str, Any]]]], level: str, area: str
) -> list[dict[str, Any]]:
    """The overview's line for each theme: its page, how many indicators it has, how many
    with a published value, and how many of those differ from the country in each way."""
    return [
        {
            "theme": theme,
            "file": profile_file(level, area, theme),
            "total": len(entries),
            "shown": sum(1 for e in entries if not e["hidden"]),
            **{kind: sum(1 for e in entries if e["compared"] == kind) for kind in COUNTED},
        }
        for theme, entries in themes
    ]


def profiles_table(disclosed: DisclosedResults, published: list[Indicator]) -> pd.DataFrame:
    """Every published indicator's spine-chart rows for every area of the profile levels."""
    results = disclosed.results
    variation = disclosed.variation
    rows_by = dict(tuple(results.groupby("indicator", sort=False)))
    summaries_by = dict(tuple(variation.groupby("indicator", sort=False)))
    work = [
        (i, rows_by[i.id], summaries_by.get(i.id, variation.iloc[:0]))
        for i in published
        if i.id in rows_by
    ]
    parts = list(mapped(_profile_of, work, parallel=worth_workers(len(results))))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _profile_of(work: tuple[Indicator, pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return indicator_profile(*work)


def _spine(entry: Mapping[str, Any], direction: str) -> Markup:
    """The spine: the spread of the level's areas (lowest to highest, the middle half darker)
    centred on the country, and the area's value as a dot; better to the right where the
    indicator has a direction."""
    centre = entry["national"]
    spread = [entry["lowest"], entry["q25"], entry["q75"], entry["highest"]]
    if not all(math.isfinite(v) for v in spread):
        # No spread to draw (no published area of the level in the view): an empty spine,
        # not a rectangle at x="nan", which browsers report as an error.
        return Markup(
            f'<svg class="spine" viewBox="0 0 {SPINE_WIDTH} {SPINE_HEIGHT}" width="{SPINE_WIDTH}"'
            f' height="{SPINE_HEIGHT}" aria-hidden="true"></svg>'
        )
    if not math.isfinite(centre):
        centre = (spread[0] + spread[3]) / 2
    half = max(abs(spread[3] - centre), abs(centre - spread[0])) or 1.0
    sign = -1 if direction == "lower_is_better" else 1
    middle, reach = SPINE_WIDTH / 2, SPINE_WIDTH / 2 - 8

    def x(value: float) -> float:
        return middle + sign * reach * (value - centre) / half

    low, q25, q75, high = sorted(x(v) for v in spread)
    parts = [
        f'<rect class="range" x="{low:.1f}" y="4" width="{high - low:.1f}" height="8"/>',
        f'<rect class="middle" x="{q25:.1f}" y="4" width="{q75 - q25:.1f}" height="8"/>',
        f'<path class="centre" d="M{middle:g} 0v{SPINE_HEIGHT}"/>',
    ]
    if math.isfinite(entry["value"]):
        marker = entry["compared"] or "none"
        parts.append(f'<circle class="{marker}" cx="{x(entry["value"]):.1f}" cy="8" r="5"/>')
    return Markup(
        f'<svg class="spine" viewBox="0 0 {SPINE_WIDTH} {SPINE_HEIGHT}" width="{SPINE_WIDTH}"'
        f' height="{SPINE_HEIGHT}" aria-hidden="true">{"".join(parts)}</svg>'
    )


def _entry(
    row: Mapping[str, Any],
    spine: Markup,
    indicator: Indicator,
    lang: Language,
    w: Mapping[str, str],
) -> dict[str, Any]:
    """One indicator's line of a profile (its ``spine`` drawn already), with its figures
    written for ``lang``."""
    national = row["national"]
    places = decimals(national if math.isfinite(national) else row["highest"])

    def text(value: float) -> str:
        return number(value, lang, places)

    hidden = is_suppressed(row["flag"])
    link = urlencode({"level": row["level"], "period": row["period"], "sex": "all"})
    return {
        "id": indicator.id,
        "title": getattr(indicator.title, catalogue_language(lang)),
        "unit": getattr(indicator.unit, catalogue_language(lang)),
        "href": f"../{indicator.id}.html#{link}&area={row['area']}",
        "period": row["period"],
        "places": places,
        "count": number(row["numerator"], lang, 0),
        "hidden": hidden,
        "value": w["profile_hidden"] if hidden else text(row["value"]),
        "interval": f"{text(row['lower'])} – {text(row['upper'])}",
        "shrunk": text(row["shrunk_value"]),
        "national": text(national),
        "spread_words": w["profile_spread_words"].format(
            lowest=text(row["lowest"]),
            q25=text(row["q25"]),
            q75=text(row["q75"]),
            highest=text(row["highest"]),
        ),
        "compared": row["compared"],
        "compared_words": w[f"compared_{row['compared'] or 'none'}"],
        "trend": row["trend"],
        "trend_symbol": TREND_SYMBOLS[row["trend"]],
        "trend_class": row["trend_judgement"] or "plain",
        "trend_words": w[f"trend_{row['trend'].replace(' ', '_')}"],
        "spine": spine,
        "learn_from": bool(row["learn_from"]),
    }


def _peers_by_area(
    table: pd.DataFrame, catalogue: Mapping[str, Indicator]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Each municipality's peers: ``{area: {indicator: peers}}``."""
    directions = {i: catalogue[i].direction for i in table["indicator"].unique()}
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for row in peer_table(table, directions).to_dict("records"):
        out.setdefault(row["area"], {})[row["indicator"]] = row
    return out


def write_profiles(
    disclosed: DisclosedResults,
    catalogue: Mapping[str, Indicator],
    downloads: Mapping[str, Any],
    folder: Path,
    *,
    marks: Mapping[str, str] | None = None,
) -> int:
    """Write every area's profile in each language, the areas index and the search index,
    indicators new or revised in this release marked (``marks``); return the number of
    areas."""
    published = [catalogue[i] for i in downloads]
    table = profiles_table(disclosed, published)
    if table.empty:
        return 0
    order = {i.id: n for n, i in enumerate(published)}
    table = table.assign(order=table["indicator"].map(order)).sort_values("order")
    areas = (
        table[["level", "area", "area_name"]]
        .drop_duplicates(["level", "area"])
        .assign(rank=lambda f: f["level"].map(PROFILE_LEVELS.index))
        .sort_values(["rank", "area_name"])
    )
    templates = environment()
    page = templates.get_template("profile.html")
    theme_page = templates.get_template("profile_theme.html")
    index = templates.get_template("areas.html")
    comparator = comparator_of(disclosed)
    peers = _peers_by_area(table, catalogue)
    compared = profile_comparisons(getattr(disclosed, "comparisons", None), table)
    places = disclosed.results[["level", "area", "area_name"]].drop_duplicates(["level", "area"])
    names = {(level, area): name for level, area, name in places.itertuples(index=False)}
    members = memberships()
    # Each area's lines as plain records with their spines, made once for all languages:
    # a DataFrame's to_dict per area and language took half of the profiles' time.
    by_area: dict[tuple[str, str], list[tuple[dict[str, Any], Markup]]] = {}
    for row in table.to_dict("records"):
        direction = catalogue[row["indicator"]].direction
        found = (
            peers.get(row["area"], {}).get(row["indicator"])
            if row["level"] == "municipality"
            else None
        )
        spine = (
            peer_spine(row, found, direction, SPINE_WIDTH, SPINE_HEIGHT)
            if found is not None
            else _spine(row, direction)
        )
        by_area.setdefault((row["level"], row["area"]), []).append((row, spine))
    records = areas.to_dict("records")
    listing = [(level, [a for a in records if a["level"] == level]) for level in PROFILE_LEVELS]
    for lang in LANGUAGES:
        target = folder / lang / "areas"
        target.mkdir(parents=True, exist_ok=True)
        common = {
            **page_context(lang, comparator),
            "root": "../../",
            "home": "../../index.html" if lang == "nb" else "../index.html",
            "file": profile_file,
            "counted": COUNTED,
            "marks": marks or {},
        }
        w = common["w"]
        for area in records:
            level, code = area["level"], area["area"]
            entries = [
                _entry(row, spine, catalogue[row["indicator"]], lang, w)
                for row, spine in by_area[(level, code)]
            ]
            themes = [(t, [e for e in entries if catalogue[e["id"]].theme == t]) for t in THEMES]
            themes = [(t, of_theme) for t, of_theme in themes if of_theme]
            lines, best = (
                peer_lines(entries, peers.get(code, {}), lang, w)
                if level == "municipality"
                else ([], [])
            )
            counts = theme_rows(themes, level, code)
            html = page.render(
                **common,
                versions=versions("../../", f"areas/{profile_file(level, code)}"),
                area=area,
                themes=counts,
                learn_from=[e for e in entries if e["learn_from"]],
                shown=sum(1 for e in entries if not e["hidden"]),
                comparisons=comparison_tables(
                    entries, compared.get((level, code), {}), names, lang, w
                ),
                peer_groups=peer_groups(code, members, w) if level == "municipality" else [],
                peer_lines=lines,
                best_peers=best,
                total=len(entries),
            )
            (target / profile_file(level, code)).write_text(html, "utf-8")
            for (theme, of_theme), counted in zip(themes, counts, strict=True):
                html = theme_page.render(
                    **common,
                    versions=versions("../../", f"areas/{counted['file']}"),
                    area=area,
                    theme=theme,
                    entries=of_theme,
                    others=[t for t, _ in themes if t != theme],
                    shown=counted["shown"],
                    total=counted["total"],
                )
                (target / counted["file"]).write_text(html, "utf-8")
        html = index.render(
            **common,
            versions=versions("../../", "areas/index.html"),
            levels=[(level, found) for level, found in listing if found],
        )
        (target / "index.html").write_text(html, "utf-8")
    search = [{"level": a["level"], "area": a["area"], "name": a["area_name"]} for a in records]
    (folder / "atlas" / "areas-index.json").write_text(
        json.dumps(search, ensure_ascii=False, separators=(",", ":"))
    )
    return len(areas)
