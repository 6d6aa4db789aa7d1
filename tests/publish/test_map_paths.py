"""The maps projected when publishing (``publish/map_paths.py``) are where d3 drew them."""

from __future__ import annotations

import itertools
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from variatlas.geography import load_geography, municipality_boundaries
from variatlas.publish.map_paths import TOLERANCE, _segment_distance2, _simplified, map_paths

# Each area's bounds as d3-geo 3.1 draws it in the browser:
# d3.geoPath(d3.geoTransverseMercator().rotate([-15, -65]).fitSize([560, 640], map)).bounds(f)
# (run with node on the package's maps; rounded to tenths of a pixel).
D3_BOUNDS = {
    "referral_area": {
        "1": ((371.9, 0.0), (535.7, 131.0)),
        "19": ((100.0, 420.5), (222.8, 543.9)),
        "6": ((175.5, 305.6), (258.1, 399.8)),
    },
    "municipality": {
        "0301": ((163.8, 456.2), (355.7, 559.6)),
        "1804": ((250.6, 189.9), (278.4, 222.2)),
        "5501": ((319.8, 69.9), (355.9, 106.1)),
    },
}


def _points(d: str) -> list[tuple[float, float]]:
    """The absolute points of path data written as ``M x,y l dx,dy ... z``."""
    found = []
    for ring in re.findall(r"M([^l]+)l([^z]*)z", d):
        x, y = (float(v) for v in ring[0].split(","))
        found.append((x, y))
        for step in ring[1].split():
            dx, dy = (float(v) for v in step.split(","))
            x, y = x + dx, y + dy
            found.append((x, y))
    return found


@pytest.mark.parametrize("name", sorted(D3_BOUNDS))
def test_the_areas_are_where_d3_drew_them(name: str) -> None:
    geo = (
        load_geography().referral_area_boundaries()
        if name == "referral_area"
        else municipality_boundaries()
    )
    drawn = {a["code"]: _points(a["d"]) for a in map_paths(geo)["areas"]}
    for code, ((x0, y0), (x1, y1)) in D3_BOUNDS[name].items():
        points = drawn[code]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        # Within a pixel: simplified to a third of one, specks under half a pixel left out.
        assert min(xs) == pytest.approx(x0, abs=1) and max(xs) == pytest.approx(x1, abs=1), code
        assert min(ys) == pytest.approx(y0, abs=1) and max(ys) == pytest.approx(y1, abs=1), code


def test_every_area_has_a_path_and_the_inset_is_boxed() -> None:
    found = map_paths(municipality_boundaries())
    assert len(found["areas"]) == 357 and all(a["d"].startswith("M") for a in found["areas"])
    (x0, y0), (x1, y1) = found["inset"]
    assert 0 < x0 < x1 <= 560 and 0 < y0 < y1 <= 640
    oslo = next(a for a in found["areas"] if a["code"] == "0301")
    assert oslo["d"].count("M") >= 2  # in the map and, enlarged, in the inset


rings = st.lists(
    st.tuples(st.floats(0, 500, allow_nan=False), st.floats(0, 500, allow_nan=False)),
    min_size=4,
    max_size=60,
)


@given(rings)
def test_a_simplified_ring_keeps_its_ends_and_strays_at_most_the_tolerance(ring) -> None:
    ring = [*ring, ring[0]]
    kept = _simplified(ring, TOLERANCE)
    assert kept[0] == ring[0] and kept[-1] == ring[-1]
    assert all(p in ring for p in kept)
    # Every point left out lies within the tolerance of the kept ring's segments.
    for point in ring:
        nearest = min(_segment_distance2(point, a, b) for a, b in itertools.pairwise(kept))
        assert math.sqrt(nearest) <= TOLERANCE + 1e-9
