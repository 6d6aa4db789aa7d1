"""The indicator pages' maps as SVG paths, projected once when publishing (``atlas/maps/``).

A page used to fetch each map as GeoJSON (up to 16 decimals, 570 kB for the 21 referral
areas) and project it in the browser with d3-geo: on a phone the largest single task of the
page. The projection is the same for every page, so it is done here, as d3 did it:
``d3.geoTransverseMercator().rotate([-15, -65]).fitSize([560, 640], map)`` (d3-geo 3:
the rotation gains d3's 90° roll for a transverse projection, and ``fitSize`` scales the
projected bounds into the box and centres them). Each ring is then simplified by
Douglas–Peucker (Douglas and Peucker 1973, *Cartographica* 10(2):112–122) to a tolerance of
``TOLERANCE`` pixel and written with one decimal: what the map can show at its drawn size and
no more. A ring less than half a pixel across is left out, unless it is its area's largest.

``atlas/maps/<map>.json``: ``{"width", "height", "inset": [[x0, y0], [x1, y1]] | null,
"areas": [{"code", "name", "d"}]}``, the inset being the box around the enlarged Oslo region.
The GeoJSON files stay in the publication as open data.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 560, 640
ROTATE = (-15.0, -65.0, 90.0)
"""``rotate([-15, -65])`` of d3's transverse Mercator, with the 90° roll it adds."""
TOLERANCE = 0.35
"""Pixels a simplified ring may stray from the drawn one (the map is at most 560 px wide)."""
SMALLEST = 0.5
"""Pixels across below which a ring (a skerry) is not drawn: d3 drew it as a speck."""

Point = tuple[float, float]


def _rotated(lon: float, lat: float) -> Point:
    """d3-geo's ``rotateRadians(δλ, δφ, δγ)`` of a point in degrees, in radians."""
    dl, dp, dg = (math.radians(a) for a in ROTATE)
    lam = math.radians(lon) + dl
    if abs(lam) > math.pi:
        lam -= round(lam / math.tau) * math.tau
    phi = math.radians(lat)
    cos_phi = math.cos(phi)
    x, y, z = math.cos(lam) * cos_phi, math.sin(lam) * cos_phi, math.sin(phi)
    k = z * math.cos(dp) + x * math.sin(dp)
    return (
        math.atan2(y * math.cos(dg) - k * math.sin(dg), x * math.cos(dp) - z * math.sin(dp)),
        math.asin(max(-1.0, min(1.0, k * math.cos(dg) + y * math.sin(dg)))),
    )


def _raw(lon: float, lat: float) -> Point:
    """d3's ``geoTransverseMercatorRaw`` of the rotated point, y pointing down."""
    lam, phi = _rotated(lon, lat)
    return math.log(math.tan((math.pi / 2 + phi) / 2)), lam


def _simplified(ring: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker on a closed ring (its first point kept), iteratively."""
    if len(ring) < 4:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    far = max(range(len(ring)), key=lambda i: _distance2(ring[i], ring[0]))
    keep[far] = True
    stack = [(0, far), (far, len(ring) - 1)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _segment_distance2(ring[i], ring[first], ring[last])
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > limit:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(ring, keep, strict=True) if kept]


def _distance2(a: Point, b: Point) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def _segment_distance2(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    if length == 0:
        return _distance2(p, a)
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    return _distance2(p, (a[0] + t * dx, a[1] + t * dy))


def _polygons(geometry: Mapping[str, Any]) -> list[list[list[list[float]]]]:
    coordinates = geometry["coordinates"]
    return list(coordinates) if geometry["type"] == "MultiPolygon" else [coordinates]


def _across(ring: list[Point]) -> float:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def map_paths(geo: Mapping[str, Any]) -> dict[str, Any]:
    """A GeoJSON map (features with ``code``, ``name`` and optionally ``inset``) as the
    page draws it: projected, fitted into ``WIDTH`` × ``HEIGHT``, simplified, as SVG paths."""
    projected = [
        [
            [[_raw(lon, lat) for lon, lat, *_ in ring] for ring in polygon]
            for polygon in _polygons(f["geometry"])
        ]
        for f in geo["features"]
    ]
    points = [p for feature in projected for polygon in feature for ring in polygon for p in ring]
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    y0, y1 = min(p[1] for p in points), max(p[1] for p in points)
    scale = min(WIDTH / (x1 - x0), HEIGHT / (y1 - y0))
    dx, dy = (WIDTH - scale * (x0 + x1)) / 2, (HEIGHT - scale * (y0 + y1)) / 2

    def screen(p: Point) -> Point:
        return dx + scale * p[0], dy + scale * p[1]

    areas, inset = [], []
    for feature, polygons in zip(geo["features"], projected, strict=True):
        rings = []
        for index, polygon in enumerate(polygons):
            placed = [[screen(p) for p in ring] for ring in polygon]
            if index in feature["properties"].get("inset", []):
                inset += placed[0]
            rings += placed
        largest = max(rings, key=_across)
        drawn = [r for r in rings if r is largest or _across(r) >= SMALLEST]
        path = "".join(_ring_path(_simplified(r, TOLERANCE)) for r in drawn)
        properties = feature["properties"]
        areas.append({"code": str(properties["code"]), "name": properties["name"], "d": path})
    box = None
    if inset:
        box = [
            [round(min(p[0] for p in inset), 1), round(min(p[1] for p in inset), 1)],
            [round(max(p[0] for p in inset), 1), round(max(p[1] for p in inset), 1)],
        ]
    return {"width": WIDTH, "height": HEIGHT, "inset": box, "areas": areas}


def _ring_path(ring: list[Point]) -> str:
    """A closed ring as SVG path data: absolute first point, then relative steps in tenths
    of a pixel (shorter than absolute coordinates, the same shape)."""
    tenths = [(round(x * 10), round(y * 10)) for x, y in ring]
    steps = [tenths[0]] + [
        (b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(tenths) if a != b
    ]
    if len(steps) > 1 and tenths[-1] == tenths[0]:
        steps.pop()
    if len(steps) < 3:
        return ""
    head = f"M{steps[0][0] / 10:g},{steps[0][1] / 10:g}"
    return head + "l" + " ".join(f"{x / 10:g},{y / 10:g}" for x, y in steps[1:]) + "z"


def write_map_paths(folder: Path, maps: Mapping[str, Callable[[], Mapping[str, Any]]]) -> None:
    """``atlas/maps/<name>.json`` for each map (its GeoJSON made when asked for)."""
    target = folder / "atlas" / "maps"
    target.mkdir(parents=True, exist_ok=True)
    for name, geo in maps.items():
        text = json.dumps(map_paths(geo()), ensure_ascii=False, separators=(",", ":"))
        (target / f"{name}.json").write_text(text, encoding="utf-8")
