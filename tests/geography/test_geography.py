"""The shipped geography: municipalities, districts, referral areas, regions, trusts, maps."""

from __future__ import annotations

import csv
import io
import itertools
from importlib.resources import files

import pandas as pd
import pytest

from variatlas.geography import OSLO, county_boundaries, dps_boundaries, load_geography
from variatlas.geography.areas import OSLO_NO_DISTRICT_NOTE


@pytest.fixture(scope="module")
def geo():
    return load_geography()


def test_357_municipalities_of_2024_each_in_exactly_one_referral_area(geo) -> None:
    munis = geo.municipalities
    assert len(munis) == 357
    assert munis["municipality"].is_unique
    placed = munis[munis["municipality"] != OSLO]
    assert placed["referral_area"].notna().all()
    assert set(placed["referral_area"]) <= set(geo.referral_areas["code"])
    # Oslo is split by district: every district has one area, and they span four areas.
    oslo = geo.districts[geo.districts["municipality"] == OSLO]
    assert oslo["referral_area"].notna().all()
    assert set(oslo["referral_area"]) == {"15", "16", "17", "18"}


def test_21_referral_areas_in_4_regions(geo) -> None:
    assert len(geo.referral_areas) == 21
    assert list(geo.regions["code"]) == ["1", "2", "3", "4"]
    assert geo.referral_areas.groupby("region").size().to_dict() == {
        "1": 4,
        "2": 3,
        "3": 4,
        "4": 10,
    }


def test_every_history_chain_ends_in_a_2024_code(geo) -> None:
    current = set(geo.municipalities["municipality"])
    ends = {old: geo.final_code(old) for old in geo.municipality_history}
    outside = {old: end for old, end in ends.items() if end not in current}
    # Only Svalbard's former codes end outside the mainland structure, in 2100 Svalbard.
    assert outside == {"2111": "2100", "2121": "2100", "2131": "2100"}
    assert "2100" in geo.outside_codes


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("0101", "3101"),  # Halden: 0101 → 3001 (2020) → 3101 (2024)
        ("1201", "4601"),  # Bergen renumbered in 2020
        ("1601", "5001"),  # Trondheim 2018
        ("0707", "3909"),  # Stavern → Larvik (1988) → Vestfold and Telemark → Vestfold
        ("301", "0301"),  # leading zero lost in a spreadsheet
    ],
)
def test_old_codes_are_mapped_forward(geo, old: str, new: str) -> None:
    assert geo.current_municipality(old) == new


def test_residence_assignment_reasons_and_notes(geo) -> None:
    municipality = pd.Series(["0301", "0301", "0101", "9999", "2100", "4601", "5001", "12a4"])
    district = pd.Series(["030105", "", "", "", "", "", "460101", ""])
    placed = geo.assign_residence(municipality, district)
    assert list(placed.referral_area.fillna("-")) == ["18", "16", "14", "-", "-", "11", "-", "-"]
    assert placed.note[1] == OSLO_NO_DISTRICT_NOTE
    assert placed.note[2] == "municipality-mapped-forward"
    assert "outside the referral areas" in placed.reason[3]
    assert "outside the referral areas" in placed.reason[4]
    assert "does not belong to municipality 5001" in placed.reason[6]
    assert "not a Norwegian municipality" in placed.reason[7]
    assert (placed.reason[[0, 1, 2, 5]] == "").all()


def test_old_city_districts_are_mapped_forward(geo) -> None:
    placed = geo.assign_residence(pd.Series(["4601"]), pd.Series(["120101"]))
    assert placed.district[0] == "460101"
    assert placed.reason[0] == ""


def test_2022_allocation_differs_where_skde_moved_areas() -> None:
    old, new = load_geography("2022"), load_geography("2026")

    def area(geo, municipality: str) -> str:
        return geo.municipalities.set_index("municipality").loc[municipality, "referral_area"]

    def district_area(geo, district: str) -> str:
        return geo.districts.set_index("district").loc[district, "referral_area"]

    assert (area(old, "4635"), area(new, "4635")) == ("10", "11")  # Gulen: Førde → Bergen
    assert (district_area(old, "030112"), district_area(new, "030112")) == ("15", "16")  # Alna
    assert len(old.municipalities) == 357


def test_every_referral_area_has_a_boundary_and_the_oslo_inset_is_marked(geo) -> None:
    boundaries = geo.referral_area_boundaries()
    codes = {f["properties"]["code"] for f in boundaries["features"]}
    assert codes == set(geo.referral_areas["code"])
    inset = {f["properties"]["name"] for f in boundaries["features"] if f["properties"]["inset"]}
    assert inset == {"Akershus", "OUS", "Lovisenberg", "Diakonhjemmet"}
    assert len(county_boundaries()["features"]) == 15


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def test_the_dps_map_has_every_dps_area_of_the_published_figures_wound_for_d3(geo) -> None:
    dps = dps_boundaries()["features"]
    names = {f["properties"]["code"] for f in dps}
    assert len(names) == len(dps) == 69
    assert geo.area_names()["dps"] == {n: n for n in names}
    text = (files("variatlas.indicators") / "data" / "skde_atlases.csv").read_text("utf-8")
    published = {r["area"] for r in csv.DictReader(io.StringIO(text)) if r["level"] == "dps"}
    assert published == names
    inset = {f["properties"]["name"] for f in dps if f["properties"]["inset"]}
    assert {"Groruddalen", "Lovisenberg", "Nydalen", "Søndre Oslo", "Vindern"} <= inset
    for feature in dps:
        for polygon in feature["geometry"]["coordinates"]:
            # d3-geo draws on the sphere: an anticlockwise outer ring would fill the world.
            assert _signed_area(polygon[0]) < 0, feature["properties"]["name"]


def test_the_county_map_has_the_counties_of_the_published_figures_wound_for_d3(geo) -> None:
    counties = county_boundaries()["features"]
    names = {f["properties"]["code"]: f["properties"]["name"] for f in counties}
    assert len(names) == 15 and names["03"] == "Oslo" and names["56"] == "Finnmark"
    assert geo.area_names()["county"] == names
    text = (files("variatlas.indicators") / "data" / "skde_atlases.csv").read_text("utf-8")
    published = {
        (r["area"], r["area_name"])
        for r in csv.DictReader(io.StringIO(text))
        if r["level"] == "county"
    }
    assert published == set(names.items())
    for feature in counties:
        for polygon in feature["geometry"]["coordinates"]:
            assert _signed_area(polygon[0]) < 0, feature["properties"]["name"]


def test_every_referral_area_has_a_home_trust(geo) -> None:
    trusts = geo.trusts
    homes = set(trusts.loc[trusts["referral_area"] != "", "referral_area"])
    assert homes == set(geo.referral_areas["code"])
    assert trusts["code"].is_unique
