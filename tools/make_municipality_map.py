"""Build ``src/variatlas/geography/data/municipalities_2024.geojson`` from Kartverket's 2024
municipality boundaries as kept in ../shared/reference/kartverket (CC BY 4.0 Kartverket, via
robhop/fylker-og-kommuner).

Coordinates are rounded to 0.001° (about 100 m; shared borders stay shared, since both sides
round alike) and repeated points dropped. The municipalities around Oslo are drawn a second
time, enlarged, over Sweden: the Oslo inset, marked as SKDE's referral-area map marks its own
(polygons entirely east of 14°E and south of 64°N; never join spatially on them). Rings are
wound as d3-geo wants them (outer rings clockwise), like SKDE's map.

    python tools/make_municipality_map.py ../shared/reference/kartverket
"""

from __future__ import annotations

import json
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

TARGET = Path(__file__).parents[1] / "src/variatlas/geography/data/municipalities_2024.geojson"
DIGITS = 3
# The Oslo region (Oslo, and Akershus around it) and where its enlarged copy goes.
INSET_BOX = ((10.15, 59.55), (11.45, 60.35))
INSET_ORIGIN = (15.2, 59.5)
INSET_SCALE = 4.3


def _round_ring(ring: list[list[float]], shift: Any = None) -> list[list[float]]:
    points: list[list[float]] = []
    for x, y in ring:
        if shift is not None:
            x, y = shift(x, y)
        point = [round(x, DIGITS), round(y, DIGITS)]
        if not points or point != points[-1]:
            points.append(point)
    if points[0] != points[-1]:
        points.append(points[0])
    return points


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring)) / 2


def _wound_for_d3(polygon: list[list[list[float]]]) -> list[list[list[float]]]:
    """Outer ring clockwise, holes anticlockwise: d3-geo draws on the sphere, where a ring
    wound the other way (as RFC 7946 winds it) encloses the rest of the world."""
    wound = []
    for index, ring in enumerate(polygon):
        clockwise = _signed_area(ring) < 0
        wound.append(ring if clockwise == (index == 0) else ring[::-1])
    return wound


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    coordinates = geometry["coordinates"]
    return coordinates if geometry["type"] == "MultiPolygon" else [coordinates]


def _centre(polygons: list[list[list[list[float]]]]) -> tuple[float, float]:
    ring = max((p[0] for p in polygons), key=len)
    return sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring)


def _in_inset(centre: tuple[float, float]) -> bool:
    (west, south), (east, north) = INSET_BOX
    return west <= centre[0] <= east and south <= centre[1] <= north


def _enlarged(x: float, y: float) -> tuple[float, float]:
    (west, south), _ = INSET_BOX
    return (
        INSET_ORIGIN[0] + (x - west) * INSET_SCALE,
        INSET_ORIGIN[1] + (y - south) * INSET_SCALE,
    )


def build(reference: Path) -> dict[str, Any]:
    source = json.loads((reference / "Kommuner-S.geojson").read_text(encoding="utf-8"))
    features = []
    for feature in source["features"]:
        polygons = _polygons(feature["geometry"])
        shapes = [[_round_ring(ring) for ring in polygon] for polygon in polygons]
        if _in_inset(_centre(polygons)):
            shapes += [[_round_ring(ring, _enlarged) for ring in polygon] for polygon in polygons]
        shapes = [_wound_for_d3(p) for p in shapes if len(p[0]) >= 4]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": feature["properties"]["kommunenummer"],
                    "name": feature["properties"]["kommunenavn"],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": shapes},
            }
        )
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


if __name__ == "__main__":
    collection = build(Path(sys.argv[1]))
    TARGET.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")))
    print(
        f"wrote {TARGET}: {len(collection['features'])} municipalities, "
        f"{TARGET.stat().st_size:,} bytes"
    )
