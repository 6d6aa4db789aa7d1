"""HPV vaccinations (SYSVAK-like doses)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from variatlas.synth.plan import Plan
from variatlas.synth.year import SEX_CODES, Year, blank_where, person_ids


def vaccinations(
    y: Year, plan: Plan, write: Callable[[pa.Table], None], first_year: bool = False
) -> None:
    """HPV doses for the cohort in 7th grade (age 12): girls, and boys born 2006 or later.

    In the first year, also the doses the cohorts aged 13–16 were given in their 7th grade
    (before the data begin), so that coverage by age 16 can be counted from the start.
    """
    for age in range(12, 17 if first_year else 13):
        write(_cohort(y, plan, age))


def _cohort(y: Year, plan: Plan, age: int) -> pa.Table:
    cells = y.cells
    birth = y.year - age
    grade7 = cells["age"].to_numpy() == age
    at = np.flatnonzero(grade7)
    eligible = at[(cells["sex"].to_numpy()[at] == 1) | (birth >= 2006)]
    pop = cells["population"].to_numpy()[eligible]
    coverage = np.where(cells["sex"].to_numpy()[eligible] == 1, 0.91, 0.88)
    coverage = coverage * plan.hpv[cells["unit"].to_numpy()[eligible]]
    dose1 = y.rng.binomial(pop, coverage)
    cell = np.repeat(eligible, dose1)
    # Distinct persons in the cell: the first dose1 persons of the cohort, in a random order.
    within = np.concatenate([y.rng.permutation(p)[:d] for p, d in zip(pop, dose1, strict=True)])
    keys = (
        (y.attribute("unit", cell).astype(np.int64) * 2 + y.attribute("sex", cell)) * 400
        + (birth - 1800)
    ) * 1_000_000 + within.astype(np.int64)
    second = y.rng.random(len(cell)) < 0.92
    first_date = (
        np.datetime64(f"{birth + 12}-01-01")
        + np.timedelta64(240, "D")
        + y.rng.integers(0, 100, len(cell)).astype("timedelta64[D]")
    )
    doses = [
        (np.arange(len(cell)), 1, first_date),
        (np.flatnonzero(second), 2, first_date[second] + np.timedelta64(190, "D")),
    ]
    if birth <= 2004:
        # Three doses until the school year 2016/17.
        third = second & (y.later_rng.random(len(cell)) < 0.95)
        doses.append((np.flatnonzero(third), 3, first_date[third] + np.timedelta64(360, "D")))
    tables = []
    for idx, dose, dates in doses:
        district = y.attribute("district", cell[idx]).astype(object)
        tables.append(
            pa.table(
                {
                    "patient_id": person_ids(keys[idx]),
                    "birth_year": pa.array(np.full(len(idx), birth, dtype=np.int64)),
                    "sex": pa.array(SEX_CODES[y.attribute("sex", cell[idx])]),
                    "municipality": pa.array(y.attribute("municipality", cell[idx]).astype(object)),
                    "district": pa.array(blank_where(district == "", district)),
                    "vaccine": pa.array(np.full(len(idx), "hpv", dtype=object)),
                    "dose": pa.array(np.full(len(idx), dose, dtype=np.int64)),
                    "date": pa.array(np.asarray(dates).astype("datetime64[D]")),
                }
            )
        )
    return pa.concat_tables(tables)
