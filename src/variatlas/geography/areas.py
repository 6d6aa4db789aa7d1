"""Municipality history, residence → referral area → region, and the health trusts."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Set
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files
from typing import Any, Literal

import numpy as np
import pandas as pd

from variatlas.geography.maps import county_boundaries, dps_boundaries, inset_polygons
from variatlas.results import NATION_CODE

OSLO = "0301"
OSLO_DISTRICT_UNKNOWN = "030199"
"""SKDE's "99 Uoppgitt bydel Oslo", allocated to OUS in its referral-area table."""

OSLO_NO_DISTRICT_NOTE = "oslo-without-district-allocated-to-OUS"
MAPPED_FORWARD_NOTE = "municipality-mapped-forward"

# SKDE codes that are not areas of residence in Norway's referral areas.
_NON_RESIDENCE_AREAS = {"24", "30", "31", "99", "7777", "8888"}

Allocation = Literal["2026", "2022"]


def _data_text(name: str) -> str:
    return (files("variatlas.geography") / "data" / name).read_text(encoding="utf-8-sig")


def _read_semicolon(name: str) -> pd.DataFrame:
    rows = list(csv.DictReader(io.StringIO(_data_text(name)), delimiter=";"))
    return pd.DataFrame(rows).fillna("").astype(str)


def _pad(code: str, width: int) -> str:
    code = code.strip()
    return code.zfill(width) if code.isdigit() else code


@dataclass(frozen=True)
class ResidenceAssignment:
    """Residence of each input row in the reference structure.

    ``reason`` is empty where the row was placed, and otherwise a sentence saying why not;
    such rows are set aside by the caller.
    """

    municipality: pd.Series
    district: pd.Series
    referral_area: pd.Series
    region: pd.Series
    note: pd.Series
    reason: pd.Series


@dataclass(frozen=True)
class Coverage:
    """The part of Norway a population table covers.

    A regional extract covers some municipalities; the referral areas and regions it covers
    are those with every resident in it. Its comparator is then "all areas in the data",
    never Norway.
    """

    national: bool
    municipalities: frozenset[str]
    referral_areas: frozenset[str]
    regions: frozenset[str]

    def covers(self, level: str, area: str) -> bool:
        if self.national or level in ("nation", "health_trust"):
            return True
        if level in ("kostra_group", "centrality"):
            # Peer groups lie all over the country: a regional extract holds part of one,
            # which is not the group.
            return False
        found = {
            "municipality": self.municipalities,
            "referral_area": self.referral_areas,
            "region": self.regions,
        }.get(level)
        return found is None or area in found


@dataclass(frozen=True)
class Geography:
    """The reference geography with the lookups the pipeline needs."""

    allocation: str
    municipalities: pd.DataFrame
    """municipality (2024 code), name, referral_area, region (Oslo: referral area by district)."""
    districts: pd.DataFrame
    """district (6 digits), municipality, name, referral_area, region."""
    referral_areas: pd.DataFrame
    """code, name, region: SKDE's 21 hospital referral areas (bohf)."""
    regions: pd.DataFrame
    """code, name: the four regional health authorities (RHF)."""
    trusts: pd.DataFrame
    """code, name, short_name, orgnr, region, referral_area: treating health trusts."""
    municipality_history: dict[str, tuple[str, int]]
    """old code → (next code, year the change took effect)."""
    district_history: dict[str, str]
    outside_codes: frozenset[str]
    """Codes of residences outside the referral areas (Svalbard, abroad, unknown: 2100, 9999…)."""

    def current_municipality(self, code: str) -> str | None:
        """Follow the history forward from ``code`` to a municipality of the 2024 structure."""
        final = self.final_code(code)
        return final if final in self._current_codes else None

    def final_code(self, code: str) -> str | None:
        """Follow the history from ``code`` to a 2024 municipality or an outside code (Svalbard)."""
        return _follow(code, self.municipality_history, self._final_codes)

    @cached_property
    def _current_codes(self) -> frozenset[str]:
        return frozenset(self.municipalities["municipality"])

    @cached_property
    def _final_codes(self) -> frozenset[str]:
        return self._current_codes | self.outside_codes

    def assign_residence(
        self, municipality: pd.Series, district: pd.Series | None = None
    ) -> ResidenceAssignment:
        """Map input residences (any year's codes) to municipality, referral area and region.

        Old municipality codes are mapped forward through the history; old city-district codes
        too. Oslo rows without a district are allocated to OUS, as SKDE allocates "Uoppgitt bydel
        Oslo", and say so in ``note``. Unknown codes get a ``reason`` and no area.
        """
        raw = municipality.fillna("").astype(str).str.strip()
        uniques = pd.unique(raw)
        final = raw.map({code: self.final_code(code) for code in uniques})
        current = final.where(final.isin(self._current_codes))
        padded = raw.map(lambda c: _pad(c, 4))
        note = pd.Series(
            np.where(current.notna() & (current != padded), MAPPED_FORWARD_NOTE, ""),
            index=raw.index,
            dtype=object,
        )
        reason = pd.Series("", index=raw.index, dtype=object)
        unknown = final.isna()
        reason[unknown] = (
            "municipality code " + raw[unknown] + " is not a Norwegian municipality of "
            "1988–2024 (nor in the municipality history)"
        )
        outside = final.notna() & current.isna()
        reason[outside] = (
            "municipality " + padded[outside] + " lies outside the referral areas "
            "(Svalbard, Jan Mayen, the continental shelf, abroad or unknown)"
        )

        if district is None:
            district = pd.Series("", index=raw.index)
        dist = district.fillna("").astype(str).str.strip().map(lambda c: _pad(c, 6) if c else "")
        dist = dist.map(lambda c: self.district_history.get(c, c))
        by_muni = self.municipalities.set_index("municipality")
        area = current.map(by_muni["referral_area"])
        region = current.map(by_muni["region"])

        by_district = self.districts.set_index("district")
        has_district = dist != ""
        known_district = dist.isin(by_district.index)
        district_muni = dist.map(by_district["municipality"])
        bad = has_district & current.notna() & (~known_district | (district_muni != current))
        reason[bad & ~known_district] = "district " + dist[bad & ~known_district] + " is unknown"
        wrong = bad & known_district
        reason[wrong] = (
            "district " + dist[wrong] + " does not belong to municipality " + current[wrong]
        )
        use = has_district & known_district & ~bad
        area[use] = dist[use].map(by_district["referral_area"])
        region[use] = dist[use].map(by_district["region"])

        oslo_missing = (current == OSLO) & ~has_district
        area[oslo_missing] = by_district.loc[OSLO_DISTRICT_UNKNOWN, "referral_area"]
        region[oslo_missing] = by_district.loc[OSLO_DISTRICT_UNKNOWN, "region"]
        dist = dist.where(~oslo_missing, OSLO_DISTRICT_UNKNOWN)
        note[oslo_missing] = OSLO_NO_DISTRICT_NOTE

        placed = reason == ""
        return ResidenceAssignment(
            municipality=current.where(placed),
            district=dist.where(placed & (dist != "")),
            referral_area=area.where(placed),
            region=region.where(placed),
            note=note.where(placed, ""),
            reason=reason,
        )

    def coverage(self, present: Set[str]) -> Coverage:
        """What a population of the municipalities ``present`` covers: the referral areas and
        regions all of whose residents are in it (Oslo's districts count as Oslo)."""
        known = set(self.municipalities["municipality"])
        members: dict[str, set[str]] = {}
        for frame in (self.municipalities, self.districts):
            for row in frame.itertuples():
                if isinstance(row.referral_area, str) and row.referral_area:
                    members.setdefault(row.referral_area, set()).add(row.municipality)
        areas = {area for area, group in members.items() if group <= present}
        by_region = self.referral_areas.groupby("region")["code"].agg(set)
        regions = {str(r) for r, group in by_region.items() if group <= areas}
        return Coverage(
            national=known <= present,
            municipalities=frozenset(present & known),
            referral_areas=frozenset(areas),
            regions=frozenset(regions),
        )

    def area_names(self) -> dict[str, dict[str, str]]:
        """Level → area code → display name, for every level of the results."""
        # The classifications read the municipalities' names from this module.
        from variatlas.geography.classifications import peer_group_names

        return {
            "municipality": dict(
                zip(self.municipalities["municipality"], self.municipalities["name"], strict=True)
            ),
            "referral_area": dict(
                zip(self.referral_areas["code"], self.referral_areas["name"], strict=True)
            ),
            "region": dict(zip(self.regions["code"], self.regions["name"], strict=True)),
            "health_trust": dict(zip(self.trusts["code"], self.trusts["short_name"], strict=True)),
            "dps": {
                f["properties"]["code"]: f["properties"]["name"]
                for f in dps_boundaries()["features"]
            },
            "county": {
                f["properties"]["code"]: f["properties"]["name"]
                for f in county_boundaries()["features"]
            },
            **peer_group_names(),
            "nation": {NATION_CODE: "Norge"},
        }

    def referral_area_boundaries(self) -> dict[str, Any]:
        """The 21 referral areas as GeoJSON, with ``code``, ``name`` and inset parts marked.

        Each feature's ``inset`` property lists the indices of its polygons that belong to the
        enlarged Oslo/Akershus inset (drawn in Sweden for display): never join spatially on them.
        """
        geo = json.loads(_data_text("referral_areas_2025.geojson"))
        code_by_name = dict(
            zip(self.referral_areas["name"], self.referral_areas["code"], strict=True)
        )
        for feature in geo["features"]:
            name = feature["properties"]["area"]
            feature["properties"] = {
                "code": code_by_name[name],
                "name": name,
                "inset": inset_polygons(feature["geometry"]),
            }
        return dict(geo)


def _follow(code: str, history: dict[str, tuple[str, int]], targets: Set[str]) -> str | None:
    """Follow the renumbering history from ``code`` until it reaches one of ``targets``."""
    code = _pad(code, 4)
    seen: set[str] = set()
    while code not in targets:
        if code in seen or code not in history:
            return None
        seen.add(code)
        code = history[code][0]
    return code


def _municipality_history() -> dict[str, tuple[str, int]]:
    table = _read_semicolon("forny_komnr.csv")
    table = table[table["aar"].str.fullmatch(r"\d{4}")]
    return {
        _pad(row.gml_komnr, 4): (_pad(row.ny_komnr, 4), int(row.aar)) for row in table.itertuples()
    }


def _district_history() -> dict[str, str]:
    table = _read_semicolon("forny_bydel.csv")
    return {_pad(r.fra_bydel, 6): _pad(r.til_bydel, 6) for r in table.itertuples()}


@cache
def load_geography(allocation: Allocation = "2026") -> Geography:
    """Load the shipped geography (cached). ``allocation`` picks SKDE's 2026 or 2022 table."""
    history = _municipality_history()
    current = _read_semicolon("boomr_2026.csv")
    current = current[current["komnr"].str.fullmatch(r"\d+")].copy()
    current["komnr"] = current["komnr"].map(lambda c: _pad(c, 4))
    current["bydel"] = current["bydel"].map(lambda c: _pad(c, 6) if c else "")

    if allocation == "2026":
        table = current.rename(columns={"bohf": "area", "borhf": "region_code"})
    elif allocation == "2022":
        table = _read_semicolon("boomr_2022.csv")
        table = table[table["komnr"].str.fullmatch(r"\d+")].copy()
        table = table.rename(columns={"bohf": "area", "borhf": "region_code"})
        table["bydel"] = table["bydel"].map(lambda c: _pad(c, 6) if c else "")
    else:
        raise ValueError(f"allocation must be '2026' or '2022', not {allocation!r}")

    names = (
        current[current["bydel"] == ""]
        .assign(name=lambda d: d["komnr_navn"].str.replace(r"^\d+\s+", "", regex=True))
        .set_index("komnr")["name"]
    )
    codes_2024 = set(names.index)

    table = table.assign(
        municipality=table["komnr"].map(lambda code: _follow(code, history, codes_2024))
    ).dropna(subset=["municipality"])
    muni_rows = table[table["bydel"] == ""].drop_duplicates("municipality")
    municipalities = pd.DataFrame(
        {
            "municipality": muni_rows["municipality"],
            "name": muni_rows["municipality"].map(names),
            "referral_area": muni_rows["area"],
            "region": muni_rows["region_code"],
        }
    )
    municipalities = municipalities[
        ~municipalities["referral_area"].isin(_NON_RESIDENCE_AREAS)
        | (municipalities["municipality"] == OSLO)
    ]
    if allocation == "2022":
        # Municipalities created after 2022 (the 2024 splits) keep their 2026 allocation.
        newer = load_geography("2026").municipalities
        municipalities = pd.concat(
            [municipalities, newer[~newer["municipality"].isin(municipalities["municipality"])]]
        )
    municipalities.loc[municipalities["municipality"] == OSLO, "referral_area"] = None
    municipalities = municipalities.sort_values("municipality").reset_index(drop=True)

    district_rows = table[table["bydel"] != ""]
    district_names = current[current["bydel"] != ""].set_index("bydel")["bydel_navn"]
    districts = (
        pd.DataFrame(
            {
                "district": district_rows["bydel"],
                "municipality": district_rows["municipality"],
                "name": district_rows["bydel"]
                .map(district_names)
                .fillna(district_rows["bydel_navn"]),
                "referral_area": district_rows["area"],
                "region": district_rows["region_code"],
            }
        )
        .sort_values("district")
        .reset_index(drop=True)
    )

    areas = current[~current["bohf"].isin(_NON_RESIDENCE_AREAS)]
    referral_areas = (
        areas[["bohf", "bohf_navn", "borhf"]]
        .drop_duplicates("bohf")
        .rename(columns={"bohf": "code", "bohf_navn": "name", "borhf": "region"})
        .assign(order=lambda d: d["code"].astype(int))
        .sort_values("order")
        .drop(columns="order")
        .reset_index(drop=True)
    )
    regions = (
        areas[["borhf", "borhf_navn"]]
        .drop_duplicates("borhf")
        .rename(columns={"borhf": "code", "borhf_navn": "name"})
        .sort_values("code")
        .reset_index(drop=True)
    )
    trusts = pd.read_csv(
        io.StringIO(_data_text("health_trusts.csv")), dtype=str, keep_default_na=False
    )
    return Geography(
        allocation=allocation,
        municipalities=municipalities,
        districts=districts,
        referral_areas=referral_areas,
        regions=regions,
        trusts=trusts,
        municipality_history=history,
        district_history=_district_history(),
        outside_codes=frozenset(
            current.loc[current["bohf"].isin({"24", "99"}), "komnr"].map(lambda c: _pad(c, 4))
        ),
    )
