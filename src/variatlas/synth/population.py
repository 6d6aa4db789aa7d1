"""A plausible Norway: residence units, their sizes, and yearly age–sex populations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from variatlas.geography import load_geography

# Approximate populations on 1 January 2024 (SSB table 07459, rounded): the largest
# municipalities, so that the synthetic country has its real shape. The rest are drawn.
KNOWN_SIZES = {
    "0301": 717_700,
    "4601": 291_900,
    "5001": 214_600,
    "1103": 149_000,
    "3201": 130_800,
    "4204": 117_000,
    "3301": 104_500,
    "3203": 98_600,
    "3205": 93_100,
    "3107": 84_800,
    "1108": 84_000,
    "5501": 78_700,
    "3105": 59_200,
    "1508": 59_000,
    "4003": 55_800,
    "1804": 53_700,
    "3207": 61_500,
    "3103": 50_900,
    "3909": 48_800,
    "3905": 46_300,
}
NORWAY_2024 = 5_550_000
MAX_AGE = 110
FIRST_YEAR_OF_MODEL = 2015


@dataclass
class Units:
    """Residence units: municipalities, and city districts where a city has them."""

    frame: pd.DataFrame
    """unit, municipality, district, referral_area, region, home_trust, size_2024, rural,
    morbidity."""


def residence_units(rng: np.random.Generator) -> Units:
    geo = load_geography()
    munis = geo.municipalities.copy()
    districts = geo.districts[~geo.districts["district"].str.endswith("99")]
    drawn = np.exp(rng.normal(np.log(4_800), 1.05, len(munis))).clip(200, 45_000)
    sizes = pd.Series(drawn, index=munis["municipality"].to_numpy())
    known = pd.Series(KNOWN_SIZES)
    known = known[known.index.isin(sizes.index)]
    rest = ~sizes.index.isin(known.index)
    sizes[rest] *= (NORWAY_2024 - known.sum()) / sizes[rest].sum()
    sizes[known.index] = known
    rows = []
    for muni in munis.itertuples():
        own = districts[districts["municipality"] == muni.municipality]
        size = float(sizes[muni.municipality])
        if len(own):
            weights = rng.dirichlet(np.full(len(own), 12.0))
            # Oslo's Sentrum and Marka have about a thousand inhabitants each.
            weights *= np.where(own["name"].str.contains("Sentrum|Marka"), 0.02, 1.0)
            weights /= weights.sum()
            for district, weight in zip(own.itertuples(), weights, strict=True):
                rows.append(
                    (
                        muni.municipality,
                        district.district,
                        district.referral_area,
                        district.region,
                        size * weight,
                        size,
                    )
                )
        else:
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


def age_profile(rural: float, male: bool) -> np.ndarray:
    """Share of a unit's population at each age 0..MAX_AGE (sums to 1).

    Gompertz survival (life expectancy about 81 for men, 84 for women) on a birth curve that
    has fallen since 2010; rural units are older (young adults move to towns).
    """
    ages = np.arange(MAX_AGE + 1)
    b, c = (2.5e-5, 0.100) if male else (1.5e-5, 0.103)
    survival = np.exp(-(b / c) * (np.exp(c * ages) - 1))
    births = 1.0 + 0.12 * np.clip((ages - 10) / 10, -1, 1) - 0.15 * np.clip((ages - 60) / 25, 0, 1)
    migration = (
        1
        + (0.35 * rural - 0.15) * np.tanh((ages - 45) / 15)
        - 0.25 * rural * np.exp(-(((ages - 27) / 8) ** 2))
    )
    profile = survival * births * migration
    return profile / profile.sum()


def population_cells(
    units: Units, year: int, scale: float, rng: np.random.Generator
) -> pd.DataFrame:
    """Population on 1 January of ``year``: unit, sex (0 = M, 1 = F), age, population."""
    frame = units.frame
    growth = 1.0 + 0.007 * (year - 2024)
    parts = []
    ages = np.arange(MAX_AGE + 1)
    for sex in (0, 1):
        for unit in frame.itertuples():
            expected = unit.size_2024 * growth * scale * 0.5 * age_profile(unit.rural, sex == 0)
            counts = rng.poisson(expected)
            parts.append((np.full(len(ages), unit.unit), np.full(len(ages), sex), ages, counts))
    unit_idx, sexes, age, counts = (np.concatenate(p) for p in zip(*parts, strict=True))
    return pd.DataFrame({"unit": unit_idx, "sex": sexes, "age": age, "population": counts})
