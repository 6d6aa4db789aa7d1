"""Build ``src/variatlas/contract/data/population_ssb.parquet`` from Statistics Norway's
population as kept in ../shared/reference/ssb (table 07459 via FHI's csdata; NLOD 2.0).

The result is a ``population`` table of the input contract: one row per year, municipality,
city district, sex and age. Oslo, Bergen, Trondheim and Stavanger are split by city district,
with a row without a district for the residents SSB places in no district (the municipality's
total less its districts), which validation allocates as it allocates any such row.

    python tools/make_population_ssb.py ../shared/reference/ssb
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

FIRST_YEAR = 2010
TARGET = Path(__file__).parents[1] / "src/variatlas/contract/data/population_ssb.parquet"


def build(reference: Path) -> pd.DataFrame:
    keys = ["year", "municipality", "sex", "age"]
    towns = pd.read_parquet(reference / "population_municipality.parquet")
    districts = pd.read_parquet(reference / "population_district.parquet")
    towns = towns[towns["year"] >= FIRST_YEAR]
    districts = districts[districts["year"] >= FIRST_YEAR]
    split = towns[towns["municipality"].isin(districts["municipality"].unique())]
    placed = districts.groupby(keys, as_index=False)["population"].sum()
    rest = split.merge(placed, on=keys, how="left", suffixes=("", "_placed"))
    rest["population"] = (rest["population"] - rest["population_placed"].fillna(0)).clip(lower=0)
    whole = towns[~towns["municipality"].isin(districts["municipality"].unique())]
    frame = pd.concat(
        [
            whole.assign(district=""),
            districts,
            rest.drop(columns="population_placed").assign(district=""),
        ],
        ignore_index=True,
    )
    frame = frame[["year", "municipality", "district", "sex", "age", "population"]]
    frame = frame.astype({"year": "int16", "age": "int16", "population": "int32"})
    return frame.sort_values(["year", "municipality", "district", "sex", "age"]).reset_index(
        drop=True
    )


if __name__ == "__main__":
    table = build(Path(sys.argv[1]))
    table.to_parquet(TARGET, index=False, compression="zstd")
    print(f"wrote {TARGET}: {len(table):,} rows, {TARGET.stat().st_size:,} bytes")
