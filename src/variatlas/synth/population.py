"""Synthetic Norway's people: the real municipalities and city districts, and each year's
age–sex population drawn from the real one (Statistics Norway)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from variatlas.contract.validation import SHIPPED_POPULATION
from variatlas.geography import load_geography

MAX_AGE = 110
FIRST_SSB_YEAR, LAST_SSB_YEAR = 2010, 2026


@cache
def real_population() -> pd.DataFrame:
    """Norway's population as shipped (SSB table 07459, NLOD 2.0): year, municipality,
    district, sex (0 = M, 1 = F), age, population."""
    frame = pd.read_parquet(SHIPPED_POPULATION["ssb"])
    return frame.assign(sex=(frame["sex"] == "F").astype(np.int64))


@dataclass
class Units:
    """Residence units: municipalities, and city districts where a city has them."""

    frame: pd.DataFrame
    """unit, municipality, district, referral_area, region, home_trust, size_2024, rural,
    morbidity."""


def residence_units(rng: np.random.Generator) -> Units:
    """Norway's municipalities and city districts with their real sizes (SSB, 2024).

    ``rng`` is kept for the callers' random streams; the units themselves are not drawn.
    """
    del rng
    geo = load_geography()
    real = real_population()
    sizes = real[real["year"] == 2024].groupby(["municipality", "district"])["population"].sum()
    towns = sizes.groupby(level="municipality").sum()
    districts = geo.districts[~geo.districts["district"].str.endswith("99")]
    rows = []
    for muni in geo.municipalities.itertuples():
        own = districts[districts["municipality"] == muni.municipality]
        size = float(towns.get(muni.municipality, 0.0))
        for district in own.itertuples():
            share = float(sizes.get((muni.municipality, district.district), 0.0))
            rows.append(
                (
                    muni.municipality,
                    district.district,
                    district.referral_area,
                    district.region,
                    share,
                    size,
                )
            )
        if own.empty:
            rows.append((muni.municipality, "", muni.referral_area, muni.region, size, size))
    frame = pd.DataFrame(
        rows,
        columns=["municipality", "district", "referral_area", "region", "size_2024", "muni_size"],
    )
    trust_by_area = geo.trusts[geo.trusts["referral_area"] != ""].set_index("referral_area")["code"]
    frame["home_trust"] = frame["referral_area"].map(trust_by_area)
    frame["rural"] = np.clip((np.log(50_000) - np.log(frame["muni_size"])) / 4, 0, 1)
    frame["unit"] = np.arange(len(frame))
    return Units(frame)


def population_cells(
    units: Units, year: int, scale: float, rng: np.random.Generator
) -> pd.DataFrame:
    """Population on 1 January of ``year``: unit, sex (0 = M, 1 = F), age, population.

    Each real person (SSB, the nearest year shipped) is in the synthetic country with
    probability ``scale``, so every unit has its real age structure at that scale.
    """
    real = real_population()
    chosen = real[real["year"] == min(max(year, FIRST_SSB_YEAR), LAST_SSB_YEAR)]
    keys = units.frame[["unit", "municipality", "district"]]
    grid = pd.MultiIndex.from_product(
        [units.frame["unit"], [0, 1], np.arange(MAX_AGE + 1)], names=["unit", "sex", "age"]
    ).to_frame(index=False)
    grid = grid.merge(keys, on="unit")
    grid = grid.merge(
        chosen[["municipality", "district", "sex", "age", "population"]],
        on=["municipality", "district", "sex", "age"],
        how="left",
    )
    real_counts = grid["population"].fillna(0).to_numpy(dtype=np.int64)
    counts = (
        rng.binomial(real_counts, min(scale, 1.0))
        if scale <= 1
        else rng.poisson(real_counts * scale)
    )
    return pd.DataFrame(
        {
            "unit": grid["unit"].to_numpy(),
            "sex": grid["sex"].to_numpy(),
            "age": grid["age"].to_numpy(),
            "population": counts,
        }
    )
