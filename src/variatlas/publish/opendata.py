"""Open data files: per indicator CSV, Parquet, Excel and JSON-stat 2.0, the areas, and a data
package whose tabular resources carry Table Schemas (``tableschema``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import filecmp
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from variatlas import __version__
from variatlas.disclosure import DisclosedResults
from variatlas.geography import Geography
from variatlas.indicators.model import Indicator
from variatlas.publish.tableschema import AREA_FIELDS, areas_table, table_schema
from variatlas.results import (
    COMPARATOR_NAMES,
    COMPARISON_FIELDS,
    INEQUALITY_FIELDS,
    RESULT_FIELDS,
    VARIATION_FIELDS,
)
from variatlas.workers import mapped, worth_workers

MEASURES = ["value", "lower", "upper", "numerator", "denominator", "crude_value", "expected"]
LICENCE = {
    "name": "NLOD-2.0",
    "title": "Norsk lisens for offentlige data (NLOD) 2.0",
    "path": "https://data.norge.no/nlod/no/2.0",
}
PUBLISHER = "variatlas"
FORMATS = {
    # download: (format, media type, file ending)
    "csv": ("csv", "text/csv", ".csv"),
    "xlsx": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    "parquet": ("parquet", "application/vnd.apache.parquet", ".parquet"),
    "jsonstat": ("json", "application/json", ".jsonstat.json"),
}
TABULAR = ("csv", "xlsx", "parquet")
INDICATOR_FIELDS = tuple(f for f in RESULT_FIELDS if f.name != "indicator")
SPATIAL = "Norway (municipalities, hospital referral areas, health trusts, regions)"


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


@dataclass(frozen=True)
class Stamp:
    """Which release an indicator's figures belong to: the release that first published
    them as they are, and when they were computed. An indicator whose figures did not change
    keeps the stamp of the release before, so its files are the same bytes in both (and
    stored once: ``releases``)."""

    release: str
    updated: str


def json_stat(
    indicator: Indicator, rows: pd.DataFrame, updated: str, release: str | None = None
) -> dict[str, Any]:
    """One indicator as a JSON-stat 2.0 dataset: area × period × sex × measure.

    Areas are qualified by level (``referral_area:3``) because codes repeat across levels;
    suppressed cells have status ``suppressed`` and no value; ``extension.release`` is the
    release the figures belong to. Reference: JSON-stat 2.0 format,
    https://json-stat.org/format/.
    """
    areas = rows[["level", "area", "area_name"]].drop_duplicates()
    area_ids = [f"{r.level}:{r.area}" for r in areas.itertuples()]
    periods = sorted(rows["period"].unique(), key=lambda p: (len(p), p))
    sexes = [s for s in ("all", "M", "F") if s in set(rows["sex"])]
    position = {
        "area": {a: i for i, a in enumerate(area_ids)},
        "period": {p: i for i, p in enumerate(periods)},
        "sex": {s: i for i, s in enumerate(sexes)},
        "measure": {m: i for i, m in enumerate(MEASURES)},
    }
    size = [len(area_ids), len(periods), len(sexes), len(MEASURES)]
    values: dict[str, float] = {}
    status: dict[str, str] = {}
    for row in rows.itertuples():
        base = (
            (position["area"][f"{row.level}:{row.area}"] * size[1] + position["period"][row.period])
            * size[2]
            + position["sex"][row.sex]
        ) * size[3]
        suppressed = str(row.flag).startswith("suppressed")
        for k, measure in enumerate(MEASURES):
            value = _clean(getattr(row, measure))
            if value is not None:
                values[str(base + k)] = float(value)
            elif suppressed and measure in ("value", "numerator"):
                status[str(base + k)] = "suppressed"
    names = dict(zip(area_ids, areas["area_name"].astype(str), strict=True))
    return {
        "version": "2.0",
        "class": "dataset",
        "label": indicator.title.en,
        "source": indicator.published_by or "variatlas",
        "updated": updated,
        "id": ["area", "period", "sex", "measure"],
        "size": size,
        "role": {"geo": ["area"], "time": ["period"], "metric": ["measure"]},
        "dimension": {
            "area": {"label": "Area", "category": {"index": position["area"], "label": names}},
            "period": {"label": "Period", "category": {"index": position["period"]}},
            "sex": {
                "label": "Sex",
                "category": {
                    "index": position["sex"],
                    "label": {"all": "Both sexes", "M": "Men and boys", "F": "Women and girls"},
                },
            },
            "measure": {
                "label": "Measure",
                "category": {
                    "index": position["measure"],
                    "unit": {"value": {"label": indicator.unit.en, "decimals": 2}},
                },
            },
        },
        "value": values,
        "status": status,
        "extension": {
            "indicator": indicator.id,
            "theme": indicator.theme,
            "kind": indicator.kind,
            "title_nb": indicator.title.nb,
            **({"release": release} if release else {}),
        },
    }


def write_excel(rows: pd.DataFrame, path: Path, title: str, created: str = "") -> None:
    """One sheet with the rows: codes and other text as text cells (a spreadsheet keeps the
    leading zero of "0301"), numbers as numbers, missing values as empty cells. ``created``
    (ISO time: when the results were computed) is the workbook's date, so that the same
    results give the same file."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "nan_inf_to_errors": False})
    with contextlib.suppress(ValueError):
        workbook.set_properties({"created": dt.datetime.fromisoformat(created)})
    sheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True})
    for c, name in enumerate(rows.columns):
        sheet.write_string(0, c, str(name), bold)
    numeric = [pd.api.types.is_numeric_dtype(rows[c]) for c in rows.columns]
    for r, values in enumerate(rows.itertuples(index=False), start=1):
        for c, value in enumerate(values):
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                continue
            if numeric[c]:
                sheet.write_number(r, c, float(value))
            else:
                sheet.write_string(r, c, str(value))
    workbook.close()


def same_figures(written: Path, earlier: Path | None) -> bool:
    """Whether an indicator's CSV is the same bytes as the release before's (its figures
    did not change)."""
    return earlier is not None and earlier.is_file() and filecmp.cmp(written, earlier, False)


Earlier = tuple[Path, Stamp]
"""The release before's CSV of an indicator and the stamp its figures had there."""


def _write_indicator(
    work: tuple[Indicator, pd.DataFrame, Path, Stamp, Earlier | None],
) -> tuple[str, dict[str, str]]:
    """One indicator's files in every format (a worker's task: ``variatlas.workers``)."""
    indicator, rows, data, stamp, earlier = work
    stem = data / indicator.id
    rows.to_csv(f"{stem}.csv", index=False)
    if earlier is not None and same_figures(Path(f"{stem}.csv"), earlier[0]):
        stamp = earlier[1]
    rows.to_parquet(f"{stem}.parquet", index=False)
    write_excel(rows, Path(f"{stem}.xlsx"), indicator.id, stamp.updated)
    stat = json_stat(indicator, rows, stamp.updated, stamp.release or None)
    Path(f"{stem}.jsonstat.json").write_text(json.dumps(stat, ensure_ascii=False))
    return indicator.id, {
        fmt: f"data/{indicator.id}{ending}" for fmt, (_, _, ending) in FORMATS.items()
    }


def write_open_data(
    disclosed: DisclosedResults,
    catalogue: Mapping[str, Indicator],
    folder: Path,
    geography: Geography,
    comparator: str = "nation",
    *,
    release: str = "",
    earlier: Mapping[str, Earlier] | None = None,
) -> dict[str, dict[str, str]]:
    """Write the files into ``folder/data``; returns, per indicator, its download paths.

    ``release`` is the id of the release being made; ``earlier`` the release before's CSV
    and stamp of each indicator: where the CSV comes out the same, the spreadsheet and the
    JSON-stat keep the earlier stamp (``Stamp``)."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    areas_table(geography, COMPARATOR_NAMES[comparator]).to_csv(data / "areas.csv", index=False)
    stamp = Stamp(release, str(disclosed.provenance.get("computed_at", "")))
    results = disclosed.results
    work = [
        (
            catalogue[str(name)],
            rows.drop(columns=["indicator"]).reset_index(drop=True),
            data,
            stamp,
            (earlier or {}).get(str(name)),
        )
        for name, rows in results.groupby("indicator", sort=False)
    ]
    downloads = dict(mapped(_write_indicator, work, parallel=worth_workers(len(results))))
    results.to_parquet(data / "results.parquet", index=False)
    results.to_csv(data / "results.csv", index=False)
    disclosed.variation.to_parquet(data / "variation.parquet", index=False)
    disclosed.variation.to_csv(data / "variation.csv", index=False)
    for name, frame, fields in (
        ("comparisons", disclosed.comparisons, COMPARISON_FIELDS),
        ("inequality", disclosed.inequality, INEQUALITY_FIELDS),
    ):
        table = frame.reindex(columns=[f.name for f in fields])
        table.to_parquet(data / f"{name}.parquet", index=False)
        table.to_csv(data / f"{name}.csv", index=False)
    return downloads


def data_package(
    disclosed: DisclosedResults,
    catalogue: Mapping[str, Indicator],
    downloads: dict[str, dict[str, str]],
    release: Mapping[str, Any] | None = None,
    since: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A Frictionless data package with DCAT-AP-NO fields for the catalogue and each dataset.

    Its ``version`` is the release's id (``release``: its record), and each indicator's
    resources say the release their figures belong to (``since``: ``Stamp.release``)."""
    provenance = disclosed.provenance
    years = [int(y) for y in provenance.get("years") or []]  # type: ignore[attr-defined]
    temporal = (
        {"startDate": f"{min(years)}-01-01", "endDate": f"{max(years)}-12-31"} if years else {}
    )
    resources = []
    for indicator_id, paths in downloads.items():
        indicator = catalogue[indicator_id]
        for fmt, path in paths.items():
            resource: dict[str, Any] = {
                "name": f"{indicator_id}-{fmt}",
                "path": path,
                "format": FORMATS[fmt][0],
                "mediatype": FORMATS[fmt][1],
                "title": indicator.title.en,
                "description": indicator.description.en,
            }
            if since and indicator_id in since:
                resource["release"] = since[indicator_id]
            if fmt in TABULAR:
                resource["schema"] = table_schema(
                    INDICATOR_FIELDS, ["level", "area", "period", "sex"]
                )
            resource["dcat"] = {
                "title": {"nb": indicator.title.nb, "en": indicator.title.en},
                "description": {"nb": indicator.description.nb, "en": indicator.description.en},
                "theme": indicator.theme,
                "publisher": indicator.published_by or PUBLISHER,
                "license": LICENCE["path"],
                "temporal": temporal,
                "spatial": SPATIAL,
                "method": indicator.documentation.en,
                "provenance": (
                    f"Computed by variatlas {__version__} ({provenance.get('engine')}) "
                    "from registry extracts validated against the data contract; "
                    f"definition hash {indicator.definition_hash}; small counts "
                    f"suppressed (threshold {indicator.minimum_count})."
                ),
            }
            resources.append(resource)
    return {
        "profile": "data-package",
        "name": "variatlas",
        "title": "variatlas: quality indicators and variation in Norwegian health services",
        "description": "Quality indicators per municipality, hospital referral area, health trust, "
        "region and year, with confidence intervals, variation statistics and "
        "small numbers suppressed.",
        "version": release["id"] if release else __version__,
        **({"release": dict(release)} if release else {}),
        "licenses": [LICENCE],
        "created": provenance.get("computed_at"),
        "dcat": {
            "publisher": PUBLISHER,
            "license": LICENCE["path"],
            "temporal": temporal,
            "spatial": SPATIAL,
            "provenance": {
                k: provenance[k]
                for k in ("variatlas_version", "engine", "computed_at", "years", "disclosure")
                if k in provenance
            },
        },
        "resources": [
            {
                "name": "areas",
                "path": "data/areas.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "title": "Areas: every level, code and name, and where each lies",
                "schema": table_schema(AREA_FIELDS, ["level", "code"], areas=False),
            },
            *resources,
            {
                "name": "results",
                "path": "data/results.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "title": "All results",
                "schema": table_schema(
                    RESULT_FIELDS, ["indicator", "level", "area", "period", "sex"]
                ),
            },
            {
                "name": "variation",
                "path": "data/variation.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "title": "Variation summaries",
                "schema": table_schema(
                    VARIATION_FIELDS, ["indicator", "level", "period", "sex"], areas=False
                ),
            },
            {
                "name": "comparisons",
                "path": "data/comparisons.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "title": "Each area against its comparators: the country, its region, health "
                "trust and referral area, its KOSTRA group and centrality class, the target "
                "and its own previous period",
                "schema": table_schema(
                    COMPARISON_FIELDS,
                    ["indicator", "level", "area", "period", "sex", "comparator"],
                ),
            },
            {
                "name": "inequality",
                "path": "data/inequality.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "title": "The gradient across SSB's centrality classes: slope and relative "
                "index of inequality",
                "schema": table_schema(
                    INEQUALITY_FIELDS, ["indicator", "period", "sex", "grouping"], areas=False
                ),
            },
        ],
    }
