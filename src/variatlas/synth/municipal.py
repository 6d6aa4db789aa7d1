"""Municipal care (IPLOS/KPR-like service periods) and municipal facts (KOSTRA-like)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from variatlas.synth.plan import Plan
from variatlas.synth.year import SEX_CODES, Year, age_curve, ages_of, person_ids


def care_services(
    y: Year, plan: Plan, write: Callable[[pa.Table], None], last_year: bool
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Municipal care periods: long-term nursing-home residents on 31 December and others."""
    ages = ages_of(y)
    year_end = np.datetime64(f"{y.year}-12-31")
    recipients = []
    tables = []
    for service, points, ongoing_share in (
        (
            "nursing_home_long",
            {66: 0.0, 67: 0.003, 75: 0.02, 80: 0.07, 85: 0.16, 90: 0.33, 110: 0.45},
            1.0,
        ),
        ("nursing_home_short", {66: 0.0, 67: 0.01, 80: 0.06, 90: 0.12, 110: 0.12}, 0.1),
        ("home_nursing", {0: 0.002, 50: 0.01, 67: 0.05, 80: 0.2, 90: 0.4, 110: 0.4}, 0.7),
        ("practical_help", {0: 0.0, 50: 0.005, 67: 0.03, 80: 0.1, 90: 0.2, 110: 0.2}, 0.7),
    ):
        cell = y.draw(age_curve(ages, points) * plan.morbidity[y.cells["unit"].to_numpy()] ** 0.5)
        n = len(cell)
        if service == "nursing_home_long":
            start = year_end - y.rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
            end = np.where(
                last_year,
                np.datetime64("NaT"),
                year_end + y.rng.integers(1, 500, n).astype("timedelta64[D]"),
            )
        else:
            start = y.dates(n)
            end = np.where(
                y.rng.random(n) < ongoing_share,
                start + y.rng.integers(20, 400, n).astype("timedelta64[D]"),
                start + y.rng.integers(3, 40, n).astype("timedelta64[D]"),
            )
        keys = y.persons(cell)
        recipients.append((keys, cell))
        tables.append(
            pa.table(
                {
                    "patient_id": person_ids(keys),
                    "municipality": pa.array(y.attribute("municipality", cell).astype(object)),
                    "service": pa.array(np.full(n, service, dtype=object)),
                    "start_date": pa.array(start.astype("datetime64[D]")),
                    "end_date": pa.array(np.asarray(end).astype("datetime64[D]")),
                    "age": pa.array(ages_of(y, cell).astype(np.int64)),
                    "sex": pa.array(SEX_CODES[y.attribute("sex", cell)]),
                }
            )
        )
    write(pa.concat_tables(tables))
    return recipients


def municipal_facts(y: Year, plan: Plan, write: Callable[[pa.Table], None]) -> None:
    units = y.units
    first = units.drop_duplicates("municipality")
    morbidity = pd.Series(plan.morbidity, index=units.index).groupby(units["municipality"]).mean()
    munis = first["municipality"].to_numpy()
    has = (plan.coordinator_start <= y.year).astype(float)
    write(
        pa.table(
            {
                "year": pa.array(np.full(2 * len(munis), y.year, dtype=np.int64)),
                "municipality": pa.array(np.concatenate([munis, munis]).astype(object)),
                "fact": pa.array(
                    np.repeat(
                        np.array(["cancer_coordinator", "morbidity_index"], dtype=object),
                        len(munis),
                    )
                ),
                "value": pa.array(
                    np.concatenate([has, morbidity.reindex(munis).round(4).to_numpy()])
                ),
            }
        )
    )
