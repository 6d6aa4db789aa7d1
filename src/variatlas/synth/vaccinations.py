"""HPV vaccinations (SYSVAK-like doses)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from variatlas.synth.plan import Plan
from variatlas.synth.year import SEX_CODES, Year, blank_where, person_ids


def vaccinations(y: Year, plan: Plan, write: Callable[[pa.Table], None]) -> None:
    """HPV doses for the cohort in 7th grade (age 12): girls, and boys born 2006 or later."""
    cells = y.cells
    twelve = np.flatnonzero(cells["age"].to_numpy() == 12)
    boys_in = (y.year - 12) >= 2006
    eligible = twelve[(cells["sex"].to_numpy()[twelve] == 1) | boys_in]
    pop = cells["population"].to_numpy()[eligible]
    coverage = np.where(cells["sex"].to_numpy()[eligible] == 1, 0.91, 0.88)
    coverage = coverage * plan.hpv[cells["unit"].to_numpy()[eligible]]
    dose1 = y.rng.binomial(pop, coverage)
    cell = np.repeat(eligible, dose1)
    # Distinct persons in the cell: the first dose1 persons of the cohort, in a random order.
    within = np.concatenate([y.rng.permutation(p)[:d] for p, d in zip(pop, dose1, strict=True)])
    birth = y.year - 12
    keys = (
        (y.attribute("unit", cell).astype(np.int64) * 2 + y.attribute("sex", cell)) * 400
        + (birth - 1800)
    ) * 1_000_000 + within.astype(np.int64)
    second = y.rng.random(len(cell)) < 0.92
    first_date = (
        y.first_day
        + np.timedelta64(240, "D")
        + y.rng.integers(0, 100, len(cell)).astype("timedelta64[D]")
    )
    doses = [
        (np.arange(len(cell)), 1, first_date),
        (np.flatnonzero(second), 2, first_date[second] + np.timedelta64(190, "D")),
    ]
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
    write(pa.concat_tables(tables))
