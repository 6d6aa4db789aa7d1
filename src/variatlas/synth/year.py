"""One synthetic year: its population cells, and the helpers that draw events and rows from it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from variatlas.synth.population import Units, population_cells

SEX_CODES = np.array(["M", "F"])
UNIVERSITY_TRUST = {"1": "unn", "2": "st-olav", "3": "bergen", "4": "ous"}


class Year:
    """One year's population and the helpers that draw events from it."""

    def __init__(self, units: Units, year: int, scale: float, rng: np.random.Generator):
        self.units = units.frame
        self.year = year
        self.rng = rng
        # Columns added to the data later draw from their own stream, so that adding them
        # leaves every earlier column of the synthetic data as it was.
        self.later_rng = rng.spawn(1)[0]
        cells = population_cells(units, year, scale, rng)
        self.population = cells
        self.cells = cells[cells["population"] > 0].reset_index(drop=True)
        self.first_day = np.datetime64(f"{year}-01-01")
        self.days = 366 if year % 4 == 0 else 365
        self._counter = 0

    def draw(self, rate: np.ndarray) -> np.ndarray:
        """Cell indices of Poisson events with ``rate`` per person-year in each cell."""
        counts = self.rng.poisson(rate * self.cells["population"].to_numpy())
        return np.repeat(np.arange(len(self.cells)), counts)

    def attribute(self, name: str, cell: np.ndarray) -> np.ndarray:
        column = self.cells[name].to_numpy() if name in self.cells else None
        if column is not None:
            return column[cell]
        return self.units[name].to_numpy()[self.cells["unit"].to_numpy()[cell]]

    def persons(self, cell: np.ndarray) -> np.ndarray:
        """A person key for each event: a random person of the cell, stable across years."""
        pop = self.cells["population"].to_numpy()[cell]
        k = np.floor(self.rng.random(len(cell)) * pop).astype(np.int64)
        birth = self.year - self.cells["age"].to_numpy()[cell]
        key = (
            (self.attribute("unit", cell).astype(np.int64) * 2 + self.attribute("sex", cell)) * 400
            + (birth - 1800)
        ) * 1_000_000 + k
        return key

    def dates(self, n: int) -> np.ndarray:
        return self.first_day + self.rng.integers(0, self.days, n).astype("timedelta64[D]")

    def ids(self, prefix: str, n: int) -> pa.Array:
        numbers = np.arange(self._counter, self._counter + n, dtype=np.int64)
        self._counter += n
        return pa.array(np.char.add(f"{prefix}{self.year}-", numbers.astype(str)))


def person_ids(keys: np.ndarray) -> pa.Array:
    """Pseudonymous person ids: a bijective scramble of the key, in hexadecimal."""
    scrambled = (keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ np.uint64(0x5DEECE66D)
    return pa.array(np.char.add("P", np.char.mod("%016x", scrambled)))


def blank_where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` as objects, with None (a missing value) where ``mask`` holds."""
    out = np.asarray(values, dtype=object).copy()
    out[mask] = None
    return out


def pick(
    rng: np.random.Generator, options: list[str], n: int, weights: np.ndarray | None = None
) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.choice(len(options), n, p=weights)]


def trusts_for(y: Year, cell: np.ndarray, away: float = 0.1) -> np.ndarray:
    home = y.attribute("home_trust", cell).astype(object)
    region = y.attribute("region", cell)
    elsewhere = y.rng.random(len(cell)) < away
    university = np.vectorize(UNIVERSITY_TRUST.get, otypes=[object])(region)
    return np.where(elsewhere, university, home)


def age_curve(ages: np.ndarray, points: dict[int, float]) -> np.ndarray:
    xs, ys = zip(*sorted(points.items()), strict=True)
    return np.interp(ages, xs, ys)


def episode_table(
    y: Year,
    cell: np.ndarray,
    *,
    start: np.ndarray,
    stay_days: np.ndarray,
    hospital: np.ndarray,
    sector: str | np.ndarray,
    care_level: str | np.ndarray,
    urgency: str | np.ndarray,
    main_diagnosis: np.ndarray,
    persons: np.ndarray | None = None,
    procedures: np.ndarray | None = None,
    secondary: np.ndarray | None = None,
    legal_basis: np.ndarray | None = None,
    discharge: np.ndarray | None = None,
    referral_date: np.ndarray | None = None,
    deadline: np.ndarray | None = None,
    ready_for_discharge: np.ndarray | None = None,
    letter_sent: np.ndarray | None = None,
) -> pa.Table:
    n = len(cell)

    def dates(value: np.ndarray | None) -> Any:
        if value is None:
            return pa.nulls(n, pa.date32())
        return pa.array(value.astype("datetime64[D]"))

    def full(value: str | np.ndarray | None) -> Any:
        if value is None:
            return pa.nulls(n, pa.string())
        if isinstance(value, str):
            return pa.array(np.full(n, value, dtype=object))
        return pa.array(value, type=pa.string(), from_pandas=True)

    district = y.attribute("district", cell).astype(object)
    return pa.table(
        {
            "episode_id": y.ids("E", n),
            "patient_id": person_ids(y.persons(cell) if persons is None else persons),
            "start_date": pa.array(start.astype("datetime64[D]")),
            "end_date": pa.array(
                (start + stay_days.astype("timedelta64[D]")).astype("datetime64[D]")
            ),
            "age": pa.array(y.attribute("age", cell).astype(np.int64)),
            "sex": pa.array(SEX_CODES[y.attribute("sex", cell)]),
            "municipality": pa.array(y.attribute("municipality", cell).astype(object)),
            "district": pa.array(blank_where(district == "", district)),
            "hospital": full(hospital),
            "sector": full(sector),
            "care_level": full(care_level),
            "urgency": full(urgency),
            "main_diagnosis": full(main_diagnosis),
            "secondary_diagnoses": full(secondary),
            "procedures": full(procedures),
            "legal_basis": full(legal_basis),
            "discharge": full(discharge),
            "referral_date": dates(referral_date),
            "deadline": dates(deadline),
            "ready_for_discharge": dates(ready_for_discharge),
            "letter_sent": dates(letter_sent),
        }
    )


def ages_of(y: Year, cell: np.ndarray | None = None) -> np.ndarray:
    ages = y.cells["age"].to_numpy()
    return ages if cell is None else ages[cell]
