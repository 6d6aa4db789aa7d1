"""Open data files: per indicator CSV, Parquet, Excel and JSON-stat 2.0, the areas, and a data
package whose tabular resources carry Table Schemas (``tableschema``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from variatlas import __version__
from variatlas.disclosure import DisclosedResults
from variatlas.geography import Geography
from variatlas.indicators.model import Indicator
from variatlas.publish.tableschema import AREA_FIELDS, areas_table, table_schema
from variatlas.results import COMPARATOR_NAMES, RESULT_FIELDS, VARIATION_FIELDS
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


def json_stat(indicator: Indicator, rows: pd.DataFrame, updated: str) -> dict[str, Any]:
    """One indicator as a JSON-stat 2.0 dataset: area × period × sex × measure.

    Areas are qualified by level (``referral_area:3``) because codes repeat across levels;
    suppressed cells have status ``suppressed`` and no value. Reference: JSON-stat 2.0
    format, https://json-stat.org/format/.
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


def _write_indicator(
    work: tuple[Indicator, pd.DataFrame, Path, str],
) -> tuple[str, dict[str, str]]:
    """One indicator's files in every format (a worker's task: ``variatlas.workers``)."""
    indicator, rows, data, updated = work
    stem = data / indicator.id
    rows.to_csv(f"{stem}.csv", index=False)
    rows.to_parquet(f"{stem}.parquet", index=False)
    write_excel(rows, Path(f"{stem}.xlsx"), indicator.id, updated)
    stat = json_stat(indicator, rows, updated)
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
) -> dict[str, dict[str, str]]:
    """Write the files into ``folder/data``; returns, per indicator, its download paths."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    areas_table(geography, COMPARATOR_NAMES[comparator]).to_csv(data / "areas.csv", index=False)
    updated = str(disclosed.provenance.get("computed_at", ""))
    results = disclosed.results
    work = [
        (
            catalogue[str(name)],
            rows.drop(columns=["indicator"]).reset_index(drop=True),
            data,
            updated,
        )
        for name, rows in results.groupby("indicator", sort=False)
    ]
    downloads = dict(mapped(_write_indicator, work, parallel=worth_workers(len(results))))
    results.to_parquet(data / "results.parquet", index=False)
    results.to_csv(data / "results.csv", index=False)
    disclosed.variation.to_parquet(data / "variation.parquet", index=False)
    disclosed.variation.to_csv(data / "variation.csv", index=False)
    return downloads


def data_package(
    disclosed: DisclosedResults,
    catalogue: Mapping[str, Indicator],
    downloads: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """A Frictionless data package with DCAT-AP-NO fields for the catalogue and each dataset."""
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
        "version": __version__,
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
        ],
    }
