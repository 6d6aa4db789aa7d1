"""The maps the atlas draws, shipped with the package (sources in ``data/SOURCE.md``)."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import numpy as np


def _geojson(name: str) -> dict[str, Any]:
    text = (files("variatlas.geography") / "data" / name).read_text(encoding="utf-8-sig")
    return dict(json.loads(text))


def _with_inset(geo: dict[str, Any]) -> dict[str, Any]:
    for feature in geo["features"]:
        feature["properties"]["inset"] = inset_polygons(feature["geometry"])
    return geo


def municipality_boundaries() -> dict[str, Any]:
    """The 357 municipalities (2024) as GeoJSON with ``code``, ``name`` and ``inset`` (the
    Oslo region enlarged over Sweden, as on the referral-area map). © Kartverket, CC BY 4.0."""
    return _with_inset(_geojson("municipalities_2024.geojson"))


def dps_boundaries() -> dict[str, Any]:
    """The catchment areas of the 69 district psychiatric centres (DPS), 2025, as SKDE
    draws them (psyk2 atlas; GPL-3.0), with ``code`` (the DPS name), ``name`` and ``inset``."""
    return _with_inset(_geojson("dps_areas_2025.geojson"))


def county_boundaries() -> dict[str, Any]:
    """The 15 counties (2024 structure) as SKDE draws them (GPL-3.0), with ``code`` (the
    county number, ``03`` Oslo … ``56`` Finnmark) and ``name``; no inset."""
    return _geojson("counties_2025.geojson")


def inset_polygons(geometry: dict[str, Any]) -> list[int]:
    """Indices of polygons lying entirely east of 14°E and south of 64°N (the Oslo inset)."""
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    inset = []
    for index, polygon in enumerate(polygons):
        ring = np.asarray(polygon[0], dtype=float)
        if (ring[:, 0] > 14).all() and (ring[:, 1] < 64).all():
            inset.append(index)
    return inset
