"""The web atlas: static pages in bokmål, nynorsk and English over per-indicator view data.

``write_atlas`` adds to a publication folder:

- ``index.html`` (bokmål), ``nn/index.html`` and ``en/index.html``: the four themes, each
  indicator with a one-line finding from its variation summary;
- ``<lang>/<id>.html`` (``nb``, ``nn``, ``en``): the indicator page (map, sorted bars, funnel plot,
  trend, reading, definition, provenance, downloads), its opening view in the HTML (``first_view``)
  and its charts drawn by ``assets/atlas.js`` with the parts of Plot and d3 it uses (``vendor``);
- ``atlas/<id>.json``: what the page draws, all of it from the disclosed results: the rows,
  the variation summaries with their readings, natural-breaks classes for the map and the
  funnel limits (computed from the published cells by ``variatlas.variation`` when the
  results were disclosed; here they are only serialised, and the browser does no statistics).

Everything is relative links, so the folder works from any static web server.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from variatlas import __version__
from variatlas.disclosure import DisclosedResults
from variatlas.geography import Geography
from variatlas.indicators.model import THEMES, Indicator
from variatlas.publish.first_view import first_views
from variatlas.publish.wording import (
    LANGUAGES,
    Language,
    catalogue_language,
    decimals,
    finding,
    reading,
    strings,
    versions,
)
from variatlas.results import RESULT_COLUMNS, SUMMARY_COLUMNS
from variatlas.variation import funnel_kind, view_key

LEVEL_ORDER = ("referral_area", "dps", "health_trust", "region", "county", "municipality")
# What a page draws of the results and summary contracts (the rest is in the downloads).
ROW_COLUMNS = [
    c
    for c in RESULT_COLUMNS
    if c not in ("indicator", "crude_value", "method", "published_lower", "published_upper")
]
SUMMARY_FIELDS = [
    c for c in SUMMARY_COLUMNS if c not in ("indicator", "cv_weighted", "scv2", "scv_log")
]
VENDOR_REQUIRED = ("d3.js", "plot.js", "THIRD-PARTY-LICENSES.txt")


class AssetsMissing(RuntimeError):
    """The front-end libraries were not vendored into the package (``make assets``)."""


def _static() -> Path:
    return Path(str(resources.files("variatlas.publish").joinpath("static")))


def check_assets() -> None:
    vendor = _static() / "vendor"
    missing = [name for name in VENDOR_REQUIRED if not (vendor / name).exists()]
    if missing:
        raise AssetsMissing(
            f"The atlas's browser libraries are missing from {vendor} ({', '.join(missing)}). "
            "Run `make assets` (npm ci in frontend/, then node frontend/vendor.mjs) and "
            "publish again."
        )


def write_atlas(
    disclosed: DisclosedResults,
    catalogue: Mapping[str, Indicator],
    downloads: dict[str, dict[str, str]],
    folder: Path,
    geography: Geography,
    atlases: Mapping[Language, list[dict[str, Any]]] | None = None,
    *,
    marks: Mapping[str, str] | None = None,
    computed: Mapping[str, str] | None = None,
) -> None:
    """Write the atlas pages, their view data and the browser assets into ``folder``;
    the front page lists ``atlases`` (``documents.atlas_listing`` per language); ``marks``
    (``changes``) and ``computed`` (figures unchanged since an earlier release: when it
    computed them) are the release's."""
    check_assets()
    # Swagger UI is the API's, served from the package (``apidocs``): 2 MB no page uses.
    unused = shutil.ignore_patterns("swagger-ui")
    shutil.copytree(_static(), folder / "assets", dirs_exist_ok=True, ignore=unused)
    published = [catalogue[i] for i in downloads]
    (folder / "atlas").mkdir(exist_ok=True)
    (folder / "atlas" / "areas.json").write_text(json.dumps(_area_links(geography)))
    results = disclosed.results
    variation = disclosed.variation
    by_indicator = dict(tuple(results.groupby("indicator", sort=False)))
    summaries_by = dict(tuple(variation.groupby("indicator", sort=False)))
    findings: dict[str, dict[str, Any]] = {}
    w = {lang: words(lang, comparator_of(disclosed)) for lang in LANGUAGES}
    for indicator in published:
        rows = by_indicator[indicator.id]
        summaries = summaries_by.get(indicator.id, variation.iloc[:0])
        view = indicator_view(
            indicator,
            rows,
            summaries,
            disclosed.thresholds.get(indicator.id),
            disclosed.figures.get(indicator.id, {}),
        )
        view["phases"] = _phases(indicator, by_indicator, catalogue)
        (folder / "atlas" / f"{indicator.id}.json").write_text(
            json.dumps(view, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        )
        findings[indicator.id] = {**_front_finding(view), "first": first_views(view, w)}
    release = (marks or {}, computed or {})
    _write_pages(published, findings, downloads, disclosed, folder, atlases or {}, *release)


PHASE_COLUMNS = ["level", "area", "period", "sex", "value", "lower", "upper", "flag"]


def _phases(
    indicator: Indicator,
    by_indicator: Mapping[str, pd.DataFrame],
    catalogue: Mapping[str, Indicator],
) -> list[dict[str, Any]]:
    """A lead time's phases with their published rows, for the "from A to Å" chart."""
    return [
        {
            "id": phase.id,
            "label": phase.id.rsplit("_", 1)[-1].upper(),
            "title": phase.title.model_dump(),
            "target": phase.target.model_dump() if phase.target else None,
            "rows": _columns(by_indicator[phase.id], PHASE_COLUMNS),
        }
        for phase in (catalogue[p] for p in indicator.phases if p in by_indicator)
    ]


def _area_links(geography: Geography) -> dict[str, dict[str, str]]:
    """For the map: the health trust and the region of each referral area."""
    trusts, areas = geography.trusts, geography.referral_areas
    return {
        "health_trust": {
            r: c for r, c in zip(trusts["referral_area"], trusts["code"], strict=True) if r
        },
        "region": {str(c): str(r) for c, r in zip(areas["code"], areas["region"], strict=True)},
    }


def _clean(value: Any) -> Any:
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return None if value is pd.NA or value is None else value


def _columns(frame: pd.DataFrame, columns: Iterable[str]) -> dict[str, list[Any]]:
    return {c: [_clean(v) for v in frame[c].tolist()] for c in columns if c in frame}


def period_key(period: str) -> tuple[int, int]:
    """A sort key for periods: by last year, a longer run above a shorter one ending then
    (2022-2024 above 2024)."""
    first, _, last = period.partition("-")
    return int(last or first), -int(first)


def indicator_view(
    indicator: Indicator,
    rows: pd.DataFrame,
    summaries: pd.DataFrame,
    threshold: float | None,
    figures: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """Everything an indicator page draws, from the disclosed rows, summaries and figures."""
    rows = rows.copy()
    if "published_value" not in rows:
        rows["published_value"] = np.nan
    rows["funnel"] = rows["funnel"].fillna("")
    rows["flag"] = rows["flag"].fillna("")
    national = rows.loc[rows["level"] == "nation", "value"].dropna()
    places = decimals(float(national.median()) if len(national) else float(rows["value"].median()))
    levels = [level for level in LEVEL_ORDER if (rows["level"] == level).any()]
    periods = sorted(rows["period"].unique(), key=period_key, reverse=True)
    names = dict(zip(rows["area"], rows["area_name"], strict=False))
    view_summaries, funnels, breaks = [], {}, {}
    by_view = dict(tuple(rows.groupby(["level", "period", "sex"], sort=False)))
    for summary in summaries.to_dict("records"):
        key = view_key(summary["level"], summary["period"], summary["sex"])
        cells = by_view[(summary["level"], summary["period"], summary["sex"])]
        record = {f: _clean(summary.get(f)) for f in SUMMARY_FIELDS}
        record["reading"] = {
            lang: reading(
                summary, indicator, lang, names=names, target_met=_target_met(indicator, cells)
            )
            for lang in LANGUAGES
        }
        view_summaries.append(record)
        figure = figures.get(key, {})
        if figure.get("funnel") is not None:
            funnels[key] = figure["funnel"]
        if figure.get("breaks") is not None:
            breaks[key] = figure["breaks"]
    return {
        "id": indicator.id,
        "kind": indicator.kind,
        "unit": indicator.unit.model_dump(),
        "title": indicator.title.model_dump(),
        "multiplier": indicator.multiplier,
        "decimals": places,
        "direction": indicator.direction,
        "target": indicator.target.model_dump() if indicator.target else None,
        "threshold": threshold,
        "published_by": indicator.published_by,
        "funnel_kind": funnel_kind(indicator),
        "levels": levels,
        "periods": periods,
        "rows": _columns(rows, ROW_COLUMNS),
        "summaries": view_summaries,
        "funnels": funnels,
        "breaks": breaks,
    }


def _target_met(indicator: Indicator, cells: pd.DataFrame) -> tuple[int, int] | None:
    if indicator.target is None:
        return None
    values = cells["value"].dropna()
    if indicator.target.comparison == ">=":
        met = values >= indicator.target.value
    else:
        met = values <= indicator.target.value
    return int(met.sum()), len(values)


def _default_summary(view: dict[str, Any]) -> dict[str, Any] | None:
    """The summary the front page quotes: referral areas, both sexes, the latest 3-year period
    (else the latest period), with persistence from the latest single year."""
    candidates = [
        s for s in view["summaries"] if s["level"] == "referral_area" and s["sex"] == "all"
    ]
    if not candidates:
        candidates = [s for s in view["summaries"] if s["sex"] == "all"]
    if not candidates:
        return None
    multi = [s for s in candidates if "-" in s["period"]]
    chosen = dict(max(multi or candidates, key=lambda s: period_key(s["period"])))
    single = [s for s in candidates if "-" not in s["period"] and s["level"] == chosen["level"]]
    if single:
        latest = max(single, key=lambda s: period_key(s["period"]))
        chosen["persistent_outliers"] = latest["persistent_outliers"]
        chosen["persistent_outlier_areas"] = latest["persistent_outlier_areas"]
    return chosen


def _front_finding(view: dict[str, Any]) -> dict[str, Any]:
    summary = _default_summary(view)
    if summary is None:
        return {"period": "", "text": {lang: "" for lang in LANGUAGES}}
    return {
        "period": summary["period"],
        "level": summary["level"],
        "text": {lang: finding(summary, lang) for lang in LANGUAGES},
    }


def environment() -> Environment:
    return Environment(
        loader=PackageLoader("variatlas.publish", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def words(lang: Language, comparator: str = "nation") -> dict[str, str]:
    """The interface words; for a regional extract (``comparator`` data) those that name the
    country name all areas in the data instead (the ``key@data`` entries)."""
    words = {key: text[lang] for key, text in strings().items() if "@" not in key}
    if comparator != "nation":
        words.update(
            {
                key.split("@")[0]: text[lang]
                for key, text in strings().items()
                if key.endswith(f"@{comparator}")
            }
        )
    return words


def page_context(lang: Language, comparator: str) -> dict[str, Any]:
    """What every page's template is given: its language, words, version, whether the data
    are a regional extract, and the catalogue's texts (indicator titles, descriptions) in
    ``lang``'s nearest written language: ``text`` picks it from a ``Text``, ``text_lang`` names
    it and ``text_attr`` is the ``lang`` attribute to mark it with where it is not ``lang``."""
    text_lang = catalogue_language(lang)
    return {
        "lang": lang,
        "w": words(lang, comparator),
        "version": __version__,
        "regional": comparator == "data",
        "text": lambda text: str(getattr(text, text_lang)),
        "text_lang": text_lang,
        "text_attr": Markup(f' lang="{text_lang}"') if text_lang != lang else "",
    }


def comparator_of(disclosed: DisclosedResults) -> str:
    """``nation``, or ``data`` for a regional extract (from the provenance of the results)."""
    coverage = disclosed.provenance.get("coverage")
    regional = isinstance(coverage, dict) and coverage.get("national") is False
    return "data" if regional else "nation"


def _write_pages(
    published: list[Indicator],
    findings: dict[str, dict[str, Any]],
    downloads: dict[str, dict[str, str]],
    disclosed: DisclosedResults,
    folder: Path,
    atlases: Mapping[Language, list[dict[str, Any]]],
    marks: Mapping[str, str],
    computed: Mapping[str, str],
) -> None:
    templates = environment()
    front = templates.get_template("front.html")
    page = templates.get_template("indicator.html")
    provenance = disclosed.provenance
    themes = [(theme, [i for i in published if i.theme == theme]) for theme in THEMES]
    results = disclosed.results
    counted = set(results.loc[results["numerator"].notna(), "indicator"])
    for lang in LANGUAGES:
        common = page_context(lang, comparator_of(disclosed))
        w = common["w"]
        # Inside <script>: "</" would end the element.
        words_json = json.dumps(w, ensure_ascii=False).replace("</", "<\\/")
        (folder / lang).mkdir(exist_ok=True)
        front_html = front.render(
            **common,
            root="" if lang == "nb" else "../",
            home="index.html",
            pages="nb/" if lang == "nb" else "",
            versions=versions("" if lang == "nb" else "../", "index.html"),
            themes=themes,
            findings=findings,
            atlases=atlases.get(lang, []),
            marks=marks,
        )
        target = folder / "index.html" if lang == "nb" else folder / lang / "index.html"
        target.write_text(front_html, encoding="utf-8")
        for indicator in published:
            html = page.render(
                **common,
                root="../",
                pages="",
                versions=versions("../", f"{indicator.id}.html"),
                home="../index.html" if lang == "nb" else "index.html",
                indicator=indicator,
                downloads=downloads[indicator.id],
                threshold=disclosed.thresholds.get(indicator.id),
                counted=indicator.id in counted,
                provenance=_indicator_provenance(indicator, provenance, computed.get(indicator.id)),
                strings_json=words_json,
                marks=marks,
                first=findings[indicator.id]["first"][lang],
            )
            (folder / lang / f"{indicator.id}.html").write_text(html, encoding="utf-8")


def _indicator_provenance(
    indicator: Indicator, provenance: dict[str, Any], computed_at: str | None = None
) -> dict[str, Any]:
    inputs = provenance.get("inputs", {})
    tables = [indicator.source]
    if indicator.population is not None:
        tables.append("population")
    tables += [link.table for link in indicator.links.values()]
    used = {t: inputs[t] for t in dict.fromkeys(tables) if t in inputs}
    return {
        "computed_at": computed_at or provenance.get("computed_at", ""),
        "engine": provenance.get("engine", ""),
        "variatlas_version": provenance.get("variatlas_version", ""),
        "definition": provenance.get("indicators", {}).get(indicator.id, ""),
        "inputs": used,
        "years": provenance.get("years", []),
    }
