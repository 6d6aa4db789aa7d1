"""Placing input codes in the geography: residences and treating hospitals.

``placement_for`` gives validation (``variatlas.contract``) what it asks once per distinct
code: where a municipality and city district of any year lie today, and which health trust a
hospital value names. A hospital may be given by the project's code (``ahus``), by the
organisation number of the trust or of one of its hospitals (``983971636``), or by name as
registries print it (``Akershus universitetssykehus HF``, ``AHUS NORDBYHAGEN SOMATIKK``,
``Ahus``, ``OUS``), case and punctuation aside, with or without "HF".
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files

import pandas as pd

from variatlas.geography.areas import Geography

UNKNOWN_HOSPITAL = "is not a known health trust (see variatlas geography trusts)"
_SUFFIXES = re.compile(r"( hf| as| helseforetak| sf)+$")


def alias_key(text: str) -> str:
    """A hospital name or number as a lookup key: case, punctuation, spacing and a trailing
    "HF" or "AS" do not matter."""
    text = unicodedata.normalize("NFKC", str(text)).casefold().replace("&", " og ")
    text = re.sub(r"[^\w]+", " ", text).strip()
    return _SUFFIXES.sub("", text).strip()


def _aliases() -> dict[str, tuple[str, str]]:
    """Key → (trust code, what the alias is), from the shipped alias table."""
    text = (files("variatlas.geography") / "data" / "hospital_aliases.csv").read_text("utf-8")
    return {row["alias"]: (row["trust"], row["kind"]) for row in csv.DictReader(io.StringIO(text))}


@dataclass(frozen=True)
class GeographyPlacement:
    """The geography's answers to validation (the ``Placement`` of ``variatlas.contract``)."""

    geography: Geography

    def residences(self, codes: pd.DataFrame) -> pd.DataFrame:
        district = codes["district"].where(codes["district"] != "", None)
        placed = self.geography.assign_residence(codes["municipality"], district)
        reason = placed.reason.where(placed.reason != "", None)
        on_district = reason.str.startswith("district", na=False)
        return codes.assign(
            placed_municipality=placed.municipality.astype("string"),
            placed_district=placed.district.astype("string"),
            referral_area=placed.referral_area.astype("string"),
            region=placed.region.astype("string"),
            residence_note=placed.note.fillna("").astype("string"),
            reason=reason.astype("string"),
            reason_column=pd.Series(
                [
                    None if r is None else ("district" if d else "municipality")
                    for r, d in zip(reason, on_district, strict=True)
                ],
                index=codes.index,
                dtype="string",
            ),
        )

    @cached_property
    def _lookup(self) -> dict[str, tuple[str, str]]:
        found = dict(_aliases())
        for row in self.geography.trusts.itertuples():
            found[alias_key(row.code)] = (row.code, "code")
        return found

    def hospitals(self, codes: pd.Series) -> pd.DataFrame:
        values = [str(v) for v in codes]
        found = [self._lookup.get(alias_key(v)) for v in values]
        trusts = self.geography.trusts.set_index("code")["region"]
        code = [f[0] if f else None for f in found]
        return pd.DataFrame(
            {
                "hospital": pd.Series(values, dtype="string"),
                "hospital_code": pd.Series(code, dtype="string"),
                "hospital_region": pd.Series(
                    [trusts.get(c) or None if c else None for c in code], dtype="string"
                ),
                "how": pd.Series([f[1] if f else None for f in found], dtype="string"),
                "hospital_reason": pd.Series(
                    [None if f else UNKNOWN_HOSPITAL for f in found], dtype="string"
                ),
            }
        )


def placement_for(geography: Geography) -> GeographyPlacement:
    """The placement validation runs on distinct codes of every table with a residence or a
    hospital."""
    return GeographyPlacement(geography)
