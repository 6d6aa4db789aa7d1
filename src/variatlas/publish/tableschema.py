"""Table Schemas of the open data, so that standard clients read it right.

Every tabular resource says its fields' types (area codes are text: "0301", never 301), that
an empty cell is a missing value, its primary key, and (for the results) that each
``level``, ``area`` pair is an area of ``data/areas.csv``, which has the names and the
referral area and region of each. Reference: Frictionless Data, Table Schema,
https://specs.frictionlessdata.io/table-schema/.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from variatlas.geography import Geography, peer_groups
from variatlas.results import LEVELS, NATION_CODE, PEER_LEVELS, SEXES, Field

AREA_FIELDS: tuple[Field, ...] = (
    Field("level", "string", "Area level: " + ", ".join(LEVELS) + ".", required=True),
    Field("code", "string", "Area code at that level (text: keeps its zero).", required=True),
    Field("name", "string", "Area name.", required=True),
    Field("referral_area", "string", "The hospital referral area it lies in (municipalities)."),
    Field("region", "string", "The regional health authority it lies in."),
    Field(
        "kostra_group",
        "string",
        "Municipalities: SSB's KOSTRA group (1–17, per 2020; empty where it cannot be known).",
    ),
    Field(
        "centrality",
        "string",
        "Municipalities: SSB's centrality class (1 most central … 6 least central).",
    ),
)
ENUMS = {"level": list(LEVELS), "sex": list(SEXES)}


def areas_table(geography: Geography, nation_name: str) -> pd.DataFrame:
    """Every area a result can have, with its name and where it lies."""
    frames = [
        geography.municipalities.rename(columns={"municipality": "code"}).assign(
            level="municipality",
            **{
                level: geography.municipalities["municipality"].map(groups)
                for level, groups in peer_groups().items()
            },
        ),
        geography.referral_areas.assign(level="referral_area", referral_area=""),
        geography.trusts.drop(columns=["name"])
        .rename(columns={"short_name": "name"})
        .assign(level="health_trust"),
        geography.regions.assign(level="region", referral_area="", region=""),
        *(
            pd.DataFrame(
                list(geography.area_names()[level].items()), columns=["code", "name"]
            ).assign(level=level)
            for level in ("county", "dps", *PEER_LEVELS)
        ),
        pd.DataFrame({"code": [NATION_CODE], "name": [nation_name], "level": "nation"}),
    ]
    table = pd.concat(frames, ignore_index=True)
    return table.reindex(columns=[f.name for f in AREA_FIELDS]).fillna("").astype(str)


def table_schema(
    fields: tuple[Field, ...], primary_key: list[str], areas: bool = True
) -> dict[str, Any]:
    """A Table Schema for ``fields`` (those present, in order); with ``areas``, the foreign
    key from (level, area) to the areas resource."""
    described = []
    for field in fields:
        entry: dict[str, Any] = {
            "name": field.name,
            "type": field.type,
            "description": field.description,
        }
        constraints: dict[str, Any] = {}
        if field.required:
            constraints["required"] = True
        if field.name in ENUMS:
            constraints["enum"] = ENUMS[field.name]
        if constraints:
            entry["constraints"] = constraints
        described.append(entry)
    schema: dict[str, Any] = {
        "fields": described,
        "missingValues": [""],
        "primaryKey": primary_key,
    }
    if areas:
        schema["foreignKeys"] = [
            {
                "fields": ["level", "area"],
                "reference": {"resource": "areas", "fields": ["level", "code"]},
            }
        ]
    return schema
