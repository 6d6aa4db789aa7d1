"""Synthetic Norway: every contract table, with planted effects written to ``truth.json``.

Rates are plausible orders of magnitude for Norway (hospital contacts about 1.6 per person a
year, tonsillectomy about 4 per 1,000 children, coercive admissions about 200 per 100,000
adults, cancer incidence rising steeply with age), not estimates. Everything is drawn from one
seeded generator, so the same seed gives the same files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from variatlas.contract import TABLES
from variatlas.synth.population import Units, population_cells, residence_units
from variatlas.synth.sink import Format, TableSink

SEX_CODES = np.array(["M", "F"])
UNIVERSITY_TRUST = {"1": "unn", "2": "st-olav", "3": "bergen", "4": "ous"}
READMISSION_GROUPS = {
    # group: (ICD-10 codes, share of index stays, readmission odds ratio)
    "copd_asthma": (["J44.1", "J44.0", "J45.9"], 0.14, 1.6),
    "urinary_infection": (["N39.0", "N10"], 0.10, 1.0),
    "fracture": (["S72.0", "S72.1", "S32.0", "S42.2"], 0.13, 0.8),
    "dehydration": (["E86"], 0.05, 1.1),
    "constipation": (["K59.0"], 0.03, 1.0),
    "gastroenteritis": (["A09.9", "K52.9"], 0.05, 0.9),
    "rheumatoid_arthritis": (["M06.9", "M05.3"], 0.02, 1.0),
    "heart_failure": (["I50.0", "I50.1", "I50.9"], 0.15, 1.4),
    "anaemia": (["D64.9", "D50.0"], 0.05, 1.2),
    "pneumonia": (["J18.9", "J15.9", "J13"], 0.18, 1.1),
    "stroke": (["I63.9", "I61.9", "I64"], 0.10, 0.9),
}
GENERAL_DIAGNOSES = {
    "child": [
        "J06.9",
        "J20.9",
        "A08.4",
        "R10.4",
        "S52.5",
        "S06.0",
        "L20.9",
        "R50.9",
        "K35.8",
        "Q21.0",
        "P07.3",
        "E10.9",
        "G40.9",
        "S93.4",
        "Z03.8",
    ],
    "adult": [
        "M54.5",
        "K80.2",
        "I10",
        "E11.9",
        "Z09.8",
        "R07.4",
        "I48.9",
        "M17.1",
        "N20.0",
        "O80",
        "S82.6",
        "K40.9",
        "G43.9",
        "M51.1",
        "R55",
        "I20.9",
        "K57.3",
        "H25.9",
    ],
    "old": [
        "I48.9",
        "H25.9",
        "M17.1",
        "I20.9",
        "R55",
        "K57.3",
        "Z09.8",
        "I25.1",
        "N40",
        "E11.9",
        "R07.4",
        "L89.1",
        "M16.1",
    ],
}
GENERAL_PROCEDURES = ["JKA21", "JEA01", "NFB40", "NGB20", "CJE20", "ABC26", "LCD10"]
MENTAL_DIAGNOSES = {
    "bup": ["F90.0", "F32.1", "F41.1", "F84.0", "F43.2", "F50.0", "F93.0", "F91.3", "F81.0"],
    "vop": ["F32.1", "F33.1", "F41.1", "F20.0", "F31.1", "F60.3", "F43.1", "F42.0", "F25.0"],
    "tsb": ["F10.2", "F11.2", "F12.2", "F15.2", "F19.2", "F13.2"],
}
CANCER_TYPES = {
    # type: (ICD-10 codes, incidence weight by sex (M, F), {treatment: probability},
    #        median referral→treatment days by treatment)
    "breast": (
        ["C50.9", "C50.4"],
        (0.0, 0.23),
        {"surgery": 0.75, "drug": 0.2, "radiotherapy": 0.02, "none": 0.03},
        {"surgery": 27, "drug": 25, "radiotherapy": 30, "none": 20},
    ),
    "prostate": (
        ["C61"],
        (0.30, 0.0),
        {"surgery": 0.35, "drug": 0.25, "radiotherapy": 0.2, "none": 0.2},
        {"surgery": 55, "drug": 35, "radiotherapy": 50, "none": 30},
    ),
    "colorectal": (
        ["C18.7", "C18.2", "C20"],
        (0.14, 0.14),
        {"surgery": 0.7, "drug": 0.15, "radiotherapy": 0.1, "none": 0.05},
        {"surgery": 30, "drug": 30, "radiotherapy": 33, "none": 25},
    ),
    "lung": (
        ["C34.1", "C34.3", "C34.9"],
        (0.11, 0.11),
        {"surgery": 0.25, "drug": 0.5, "radiotherapy": 0.2, "none": 0.05},
        {"surgery": 36, "drug": 30, "radiotherapy": 36, "none": 25},
    ),
    "lymphoma": (
        ["C83.3", "C81.9", "C85.9"],
        (0.05, 0.05),
        {"drug": 0.85, "radiotherapy": 0.1, "none": 0.05},
        {"drug": 18, "radiotherapy": 30, "none": 15},
    ),
    "melanoma": (
        ["C43.5", "C43.7"],
        (0.08, 0.09),
        {"surgery": 0.9, "none": 0.1},
        {"surgery": 28, "none": 20},
    ),
    "bladder": (
        ["C67.9"],
        (0.07, 0.03),
        {"surgery": 0.8, "drug": 0.1, "none": 0.1},
        {"surgery": 35, "drug": 35, "none": 25},
    ),
}
SURVEY_ITEMS = ["information", "treatment", "involvement", "organisation", "overall"]


@dataclass
class Truth:
    """The planted effects, as written to ``truth.json``."""

    seed: int
    scale: float
    years: list[int]
    effects: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def write(self, path: Path) -> None:
        data = {
            "seed": self.seed,
            "scale": self.scale,
            "years": self.years,
            "effects": self.effects,
            "rows": self.counts,
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@dataclass
class Plan:
    """Area and unit factors that make the planted effects."""

    tonsillectomy: dict[str, float]
    grommets: dict[str, float]
    morbidity: np.ndarray  # per unit
    readmission: np.ndarray  # per unit
    hpv: np.ndarray  # per unit
    pathway_inclusion: dict[str, float]
    slow_lung_trust: str
    slow_lung_extra_days: int
    coercion_trust: str
    coercion_factor: float
    bup_wait_trust: str
    bup_extra_days: int
    experience_trust: str
    coordinator_start: np.ndarray  # per municipality index: first year with a coordinator


def make_plan(units: Units, rng: np.random.Generator, truth: Truth) -> Plan:
    frame = units.frame
    areas = sorted(frame["referral_area"].unique(), key=int)
    shuffled = list(rng.permutation(areas))
    high, low = shuffled[:3], shuffled[3:6]
    tonsillectomy = {a: 1.0 for a in areas}
    tonsillectomy.update(dict(zip(high, [1.6, 1.8, 2.0], strict=True)))
    tonsillectomy.update(dict(zip(low, [0.6, 0.65, 0.7], strict=True)))
    grommet_high = shuffled[6:8]
    grommets = {a: (1.7 if a in grommet_high else 1.0) for a in areas}

    needy_areas = ["1", "2", "3"]  # Finnmark, UNN, Nordland: higher morbidity (warranted)
    morbidity = np.exp(rng.normal(0, 0.08, len(frame)))
    morbidity *= np.where(frame["referral_area"].isin(needy_areas), 1.5, 1.0)

    municipalities = frame["municipality"].unique()
    mid = municipalities[
        (
            frame.groupby("municipality")["muni_size"].first().reindex(municipalities).to_numpy()
            > 3_000
        )
    ]
    readmit_munis = sorted(rng.choice(mid, 10, replace=False).tolist())
    readmission = np.where(frame["municipality"].isin(readmit_munis), 2.0, 1.0)
    low_hpv = sorted(rng.choice(mid[~np.isin(mid, readmit_munis)], 10, replace=False).tolist())
    hpv = np.where(frame["municipality"].isin(low_hpv), 0.75, 1.0)
    inclusion = {a: 0.8 for a in areas}
    inclusion[shuffled[8]] = 0.55
    coordinator_start = rng.choice(np.arange(2012, 2030), len(municipalities))
    plan = Plan(
        tonsillectomy=tonsillectomy,
        grommets=grommets,
        morbidity=morbidity,
        readmission=readmission,
        hpv=hpv,
        pathway_inclusion=inclusion,
        slow_lung_trust="vestre-viken",
        slow_lung_extra_days=16,
        coercion_trust="sorlandet",
        coercion_factor=2.0,
        bup_wait_trust="helgeland",
        bup_extra_days=40,
        experience_trust="finnmark",
        coordinator_start=coordinator_start,
    )
    truth.effects = {
        "tonsillectomy_rate_ratio_by_referral_area": tonsillectomy,
        "tonsillectomy_high_areas": sorted(high, key=int),
        "tonsillectomy_low_areas": sorted(low, key=int),
        "tonsillectomy_null_areas": sorted((a for a in areas if tonsillectomy[a] == 1.0), key=int),
        "grommets_high_areas": sorted(grommet_high, key=int),
        "asthma_higher_from_morbidity_areas": needy_areas,
        "morbidity_note": "asthma admissions 0-16 and hospital contacts scale with the "
        "municipal fact morbidity_index (x1.5 in these areas): variation that need explains",
        "high_readmission_municipalities": readmit_munis,
        "readmission_odds_ratio": 2.0,
        "low_hpv_municipalities": low_hpv,
        "hpv_coverage_factor": 0.75,
        "low_pathway_inclusion_area": shuffled[8],
        "pathway_inclusion_share": {"default": 0.8, "low": 0.55},
        "slow_lung_pathways_trust": plan.slow_lung_trust,
        "slow_lung_extra_days": plan.slow_lung_extra_days,
        "high_coercion_trust": plan.coercion_trust,
        "coercion_share_factor": plan.coercion_factor,
        "long_bup_wait_trust": plan.bup_wait_trust,
        "bup_wait_extra_days": plan.bup_extra_days,
        "low_patient_experience_trust": plan.experience_trust,
    }
    return plan


class Year:
    """One year's population and the helpers that draw events from it."""

    def __init__(self, units: Units, year: int, scale: float, rng: np.random.Generator):
        self.units = units.frame
        self.year = year
        self.rng = rng
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


def _age_curve(ages: np.ndarray, points: dict[int, float]) -> np.ndarray:
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
) -> pa.Table:
    n = len(cell)

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
            "referral_date": pa.nulls(n, pa.date32())
            if referral_date is None
            else pa.array(referral_date.astype("datetime64[D]")),
        }
    )


def _ages(y: Year, cell: np.ndarray | None = None) -> np.ndarray:
    ages = y.cells["age"].to_numpy()
    return ages if cell is None else ages[cell]


def general_somatic(y: Year, plan: Plan, write: Callable[[pa.Table], None]) -> None:
    """Ordinary somatic contacts, about 1.4 per person a year, more with age."""
    ages = _ages(y)
    morbidity = plan.morbidity[y.cells["unit"].to_numpy()]
    rate = (
        _age_curve(ages, {0: 0.9, 2: 0.45, 16: 0.4, 30: 0.9, 50: 1.3, 67: 2.4, 80: 3.3, 110: 3.0})
        * morbidity**0.3
    )
    events = y.draw(rate)
    # At scale 1 this is 7–8 million contacts: build the table a million rows at a time.
    for chunk in np.array_split(events, max(1, len(events) // 1_000_000)):
        n = len(chunk)
        if n == 0:
            continue
        age = _ages(y, chunk)
        group = np.where(age < 17, 0, np.where(age < 67, 1, 2))
        diagnosis = np.empty(n, dtype=object)
        for g, name in enumerate(("child", "adult", "old")):
            mask = group == g
            diagnosis[mask] = pick(y.rng, GENERAL_DIAGNOSES[name], int(mask.sum()))
        level_draw = y.rng.random(n)
        inpatient_share = _age_curve(age, {0: 0.1, 40: 0.08, 67: 0.15, 90: 0.25})
        care_level = np.where(
            level_draw < inpatient_share,
            "inpatient",
            np.where(level_draw < inpatient_share + 0.08, "day", "outpatient"),
        )
        stays = np.where(care_level == "inpatient", y.rng.geometric(0.3, n), 0)
        urgency = np.where(
            y.rng.random(n) < np.where(care_level == "inpatient", 0.6, 0.15), "acute", "elective"
        )
        procedures = blank_where(y.rng.random(n) >= 0.12, pick(y.rng, GENERAL_PROCEDURES, n))
        female = y.attribute("sex", chunk) == 1
        diagnosis = np.where((diagnosis == "O80") & ~female, "K40.9", diagnosis)
        diagnosis = np.where((diagnosis == "N40") & female, "N39.4", diagnosis)
        secondary = blank_where(y.rng.random(n) >= 0.2, pick(y.rng, ["I10", "E11.9", "Z92.1"], n))
        discharge = np.where(
            care_level == "inpatient",
            pick(
                y.rng, ["home", "municipal_care", "other_hospital"], n, np.array([0.8, 0.15, 0.05])
            ),
            "home",
        )
        write(
            episode_table(
                y,
                chunk,
                start=y.dates(n),
                stay_days=stays,
                hospital=trusts_for(y, chunk),
                sector="somatic",
                care_level=care_level,
                urgency=urgency,
                main_diagnosis=diagnosis,
                procedures=procedures,
                secondary=secondary,
                discharge=discharge,
            )
        )


def children_procedures(y: Year, plan: Plan, write: Callable[[pa.Table], None]) -> None:
    """Tonsillectomy, grommets and asthma admissions in children, with the planted effects."""
    ages = _ages(y)
    area = y.attribute("referral_area", np.arange(len(y.cells)))
    morbidity = plan.morbidity[y.cells["unit"].to_numpy()]
    child = ages <= 16
    specs = [
        (
            _age_curve(ages, {0: 0.0, 2: 0.004, 5: 0.009, 9: 0.004, 16: 0.002})
            * np.vectorize(plan.tonsillectomy.get)(area),
            ["J35.0", "J35.1", "J35.2", "J35.3", "G47.3"],
            ["EMB10", "EMB15", "EMB20"],
            "day",
            "elective",
        ),
        (
            _age_curve(ages, {0: 0.006, 1: 0.018, 3: 0.012, 6: 0.004, 10: 0.001, 16: 0.0005})
            * np.vectorize(plan.grommets.get)(area),
            ["H65.3", "H65.2", "H66.9", "H90.0"],
            ["DCA20"],
            "day",
            "elective",
        ),
        (
            _age_curve(ages, {0: 0.002, 2: 0.004, 6: 0.0025, 16: 0.001}) * morbidity,
            ["J45.9", "J45.0", "J46"],
            [],
            "inpatient",
            "acute",
        ),
    ]
    for rate, diagnoses, procedures, level, urgency in specs:
        cell = y.draw(np.where(child, rate, 0.0))
        n = len(cell)
        stays = np.zeros(n, dtype=np.int64) if level == "day" else y.rng.geometric(0.5, n)
        write(
            episode_table(
                y,
                cell,
                start=y.dates(n),
                stay_days=stays,
                hospital=trusts_for(y, cell, 0.05),
                sector="somatic",
                care_level=level,
                urgency=urgency,
                main_diagnosis=pick(y.rng, diagnoses, n),
                procedures=pick(y.rng, procedures, n) if procedures else None,
                discharge=np.full(n, "home", dtype=object),
            )
        )


def mental_health(
    y: Year,
    plan: Plan,
    write: Callable[[pa.Table], None],
    write_measures: Callable[[pa.Table], None],
) -> list[tuple[np.ndarray, np.ndarray]]:
    """BUP, adult mental health (with coercion) and substance-use treatment.

    Returns (person keys, trusts) of adult inpatients, for the patient survey.
    """
    ages = _ages(y)
    inpatients = []
    for sector, points, contacts in (
        ("bup", {0: 0.0, 3: 0.01, 8: 0.045, 13: 0.075, 17: 0.085, 18: 0.0}, 7),
        ("vop", {17: 0.0, 18: 0.035, 30: 0.035, 50: 0.022, 70: 0.012, 110: 0.008}, 5),
        ("tsb", {17: 0.0, 18: 0.006, 30: 0.014, 45: 0.012, 70: 0.003, 110: 0.001}, 4),
    ):
        patients = y.draw(_age_curve(ages, points))
        keys = y.persons(patients)
        per_person = 1 + y.rng.poisson(contacts, len(patients))
        cell = np.repeat(patients, per_person)
        person = np.repeat(keys, per_person)
        first = np.zeros(len(cell), dtype=bool)
        first[np.concatenate([[0], np.cumsum(per_person)[:-1]])] = True
        start = y.dates(len(cell))
        hospital = np.repeat(trusts_for(y, patients, 0.03), per_person)
        referral = None
        if sector == "bup":
            wait = y.rng.gamma(2.0, 24.0, len(cell)).astype(np.int64)
            wait += np.where(hospital == plan.bup_wait_trust, plan.bup_extra_days, 0)
            referral = np.where(first, start - wait.astype("timedelta64[D]"), np.datetime64("NaT"))
        write(
            episode_table(
                y,
                cell,
                persons=person,
                start=start,
                stay_days=np.zeros(len(cell), np.int64),
                hospital=hospital,
                sector=sector,
                care_level="outpatient",
                urgency=np.where(y.rng.random(len(cell)) < 0.05, "acute", "elective"),
                main_diagnosis=pick(y.rng, MENTAL_DIAGNOSES[sector], len(cell)),
                referral_date=referral,
            )
        )
    # Adult mental-health admissions with their legal basis and coercive measures.
    rate = _age_curve(ages, {15: 0.0, 16: 0.003, 25: 0.006, 45: 0.005, 70: 0.003, 110: 0.003})
    cell = y.draw(rate)
    n = len(cell)
    hospital = trusts_for(y, cell, 0.03)
    compulsory_share = np.where(hospital == plan.coercion_trust, 0.18 * plan.coercion_factor, 0.18)
    draw = y.rng.random(n)
    legal = np.where(
        draw < compulsory_share * 0.45,
        "observation",
        np.where(draw < compulsory_share, "compulsory", "voluntary"),
    )
    stays = y.rng.geometric(1 / 18, n)
    start = y.dates(n)
    keys = y.persons(cell)
    table = episode_table(
        y,
        cell,
        persons=keys,
        start=start,
        stay_days=stays,
        hospital=hospital,
        sector="vop",
        care_level="inpatient",
        urgency=np.where(
            legal == "voluntary", np.where(y.rng.random(n) < 0.6, "acute", "elective"), "acute"
        ),
        main_diagnosis=pick(y.rng, MENTAL_DIAGNOSES["vop"], n),
        legal_basis=legal,
        discharge=pick(
            y.rng, ["home", "municipal_care", "other_hospital"], n, np.array([0.8, 0.12, 0.08])
        ),
    )
    write(table)
    restrained = y.rng.random(n) < np.where(legal == "voluntary", 0.03, 0.22)
    counts = np.where(restrained, 1 + y.rng.poisson(1.5, n), 0)
    which = np.repeat(np.arange(n), counts)
    offset = np.floor(y.rng.random(len(which)) * (stays[which] + 1)).astype(np.int64)
    write_measures(
        pa.table(
            {
                "episode_id": table.column("episode_id").take(pa.array(which)),
                "patient_id": table.column("patient_id").take(pa.array(which)),
                "date": pa.array(
                    (start[which] + offset.astype("timedelta64[D]")).astype("datetime64[D]")
                ),
                "measure": pa.array(
                    pick(
                        y.rng,
                        ["mechanical_restraint", "isolation", "short_restraint", "medication"],
                        len(which),
                        np.array([0.3, 0.2, 0.3, 0.2]),
                    )
                ),
            }
        )
    )
    inpatients.append((keys, hospital))
    return inpatients


def readmissions(
    y: Year,
    plan: Plan,
    write: Callable[[pa.Table], None],
    deaths: list[tuple[np.ndarray, np.ndarray]],
) -> None:
    """Acute index stays of people 67+ in the 11 diagnosis groups, and readmissions after them."""
    ages = _ages(y)
    rate = _age_curve(ages, {66: 0.0, 67: 0.03, 75: 0.05, 85: 0.09, 95: 0.12, 110: 0.12})
    cell = y.draw(rate)
    n = len(cell)
    groups = list(READMISSION_GROUPS)
    shares = np.array([READMISSION_GROUPS[g][1] for g in groups])
    group = y.rng.choice(len(groups), n, p=shares / shares.sum())
    diagnosis = np.empty(n, dtype=object)
    odds_ratio = np.empty(n)
    for i, name in enumerate(groups):
        mask = group == i
        diagnosis[mask] = pick(y.rng, READMISSION_GROUPS[name][0], int(mask.sum()))
        odds_ratio[mask] = READMISSION_GROUPS[name][2]
    age = ages[cell]
    male = y.attribute("sex", cell) == 0
    unit = y.cells["unit"].to_numpy()[cell]
    log_odds = (
        np.log(0.14 / 0.86)
        + 0.015 * (age - 75)
        + 0.15 * male
        + np.log(odds_ratio)
        + np.log(plan.readmission[unit])
    )
    readmitted = y.rng.random(n) < 1 / (1 + np.exp(-log_odds))
    died_in_hospital = y.rng.random(n) < 0.03
    readmitted &= ~died_in_hospital
    start = y.dates(n)
    stays = y.rng.geometric(0.22, n)
    keys = y.persons(cell)
    discharge = np.where(
        died_in_hospital,
        "died",
        np.where(y.rng.random(n) < np.clip((age - 60) / 60, 0.1, 0.6), "municipal_care", "home"),
    )
    write(
        episode_table(
            y,
            cell,
            persons=keys,
            start=start,
            stay_days=stays,
            hospital=trusts_for(y, cell, 0.05),
            sector="somatic",
            care_level="inpatient",
            urgency="acute",
            main_diagnosis=diagnosis,
            discharge=discharge,
        )
    )
    end = start + stays.astype("timedelta64[D]")
    deaths.append((keys[died_in_hospital], end[died_in_hospital]))
    later = ~readmitted & ~died_in_hospital & (y.rng.random(n) < 0.05)
    deaths.append(
        (keys[later], end[later] + y.rng.integers(2, 30, later.sum()).astype("timedelta64[D]"))
    )
    # Readmissions 1–30 days after discharge, and some at 31–45 days (outside the window).
    back = readmitted | (~later & ~died_in_hospital & (y.rng.random(n) < 0.03))
    gap = np.where(readmitted, y.rng.integers(1, 31, n), y.rng.integers(31, 46, n))
    idx = np.flatnonzero(back)
    write(
        episode_table(
            y,
            cell[idx],
            persons=keys[idx],
            start=end[idx] + gap[idx].astype("timedelta64[D]"),
            stay_days=y.rng.geometric(0.25, len(idx)),
            hospital=trusts_for(y, cell[idx], 0.05),
            sector="somatic",
            care_level="inpatient",
            urgency="acute",
            main_diagnosis=pick(
                y.rng, GENERAL_DIAGNOSES["old"] + ["J18.9", "I50.9", "N39.0"], len(idx)
            ),
            discharge=np.full(len(idx), "home", dtype=object),
        )
    )


def cancer(
    y: Year,
    plan: Plan,
    write_episodes: Callable[[pa.Table], None],
    write_pathways: Callable[[pa.Table], None],
    deaths: list[tuple[np.ndarray, np.ndarray]],
    last_year: bool,
) -> None:
    """New cancers, their diagnostic and surgical episodes, pathways and lead times."""
    ages = _ages(y)
    sex = y.cells["sex"].to_numpy()
    base = np.clip(1.1e-4 * np.exp(0.072 * ages), 0, 0.035)
    pathways = []
    for name, (codes, weights, treatments, medians) in CANCER_TYPES.items():
        cell = y.draw(base * np.where(sex == 0, weights[0], weights[1]) * 2.0)
        n = len(cell)
        if n == 0:
            continue
        keys = y.persons(cell)
        hospital = trusts_for(y, cell, 0.02)
        area = y.attribute("referral_area", cell)
        in_pathway = y.rng.random(n) < np.vectorize(plan.pathway_inclusion.get)(area)
        treatment = pick(y.rng, list(treatments), n, np.array(list(treatments.values())))
        median = np.vectorize(medians.get)(treatment).astype(float)
        slow = (hospital == plan.slow_lung_trust) & (name == "lung")
        median += np.where(slow, plan.slow_lung_extra_days, 0)
        total = np.maximum(2, y.rng.gamma(6.0, median / 5.67)).astype(np.int64)
        referral = y.dates(n)
        start = referral + y.rng.integers(0, 3, n).astype("timedelta64[D]")
        decision = start + np.maximum(1, (total * 0.6).astype(np.int64)).astype("timedelta64[D]")
        treated = referral + total.astype("timedelta64[D]")
        diagnosis = pick(y.rng, codes, n)
        write_episodes(
            episode_table(
                y,
                cell,
                persons=keys,
                start=decision - np.timedelta64(2, "D"),
                stay_days=np.zeros(n, np.int64),
                hospital=hospital,
                sector="somatic",
                care_level="outpatient",
                urgency="elective",
                main_diagnosis=diagnosis,
            )
        )
        surgery = treatment == "surgery"
        idx = np.flatnonzero(surgery)
        write_episodes(
            episode_table(
                y,
                cell[idx],
                persons=keys[idx],
                start=treated[idx],
                stay_days=y.rng.geometric(0.2, len(idx)),
                hospital=hospital[idx],
                sector="somatic",
                care_level="inpatient",
                urgency="elective",
                main_diagnosis=diagnosis[idx],
                procedures=pick(
                    y.rng, ["JFB30", "HAC20", "KEC00", "GDB10", "JFH10", "QBE10"], len(idx)
                ),
                discharge=np.full(len(idx), "home", dtype=object),
            )
        )
        died = surgery & (y.rng.random(n) < 0.02 + 0.0004 * np.maximum(ages[cell] - 60, 0))
        deaths.append(
            (keys[died], treated[died] + y.rng.integers(1, 30, died.sum()).astype("timedelta64[D]"))
        )
        # Pathways whose treatment lies after the last day of data are still ongoing.
        ongoing = (treated > np.datetime64(f"{y.year}-12-31")) & last_year
        keep = np.flatnonzero(in_pathway)
        pathways.append(
            pd.DataFrame(
                {
                    "cell": cell[keep],
                    "key": keys[keep],
                    "cancer_type": name,
                    "hospital": hospital[keep],
                    "referral_received": referral[keep],
                    "pathway_start": start[keep],
                    "clinical_decision": decision[keep],
                    "treatment_start": np.where(ongoing[keep], np.datetime64("NaT"), treated[keep]),
                    "treatment_type": blank_where(ongoing[keep], treatment[keep]),
                    "exit": None,
                }
            )
        )
        # Pathways that end without a cancer diagnosis (suspicion not confirmed).
        suspected = y.draw(base * np.where(sex == 0, weights[0], weights[1]) * 0.7)
        m = len(suspected)
        s_referral = y.dates(m)
        s_start = s_referral + y.rng.integers(0, 3, m).astype("timedelta64[D]")
        pathways.append(
            pd.DataFrame(
                {
                    "cell": suspected,
                    "key": y.persons(suspected),
                    "cancer_type": name,
                    "hospital": trusts_for(y, suspected, 0.02),
                    "referral_received": s_referral,
                    "pathway_start": s_start,
                    "clinical_decision": s_start
                    + y.rng.integers(5, 30, m).astype("timedelta64[D]"),
                    "treatment_start": np.datetime64("NaT"),
                    "treatment_type": None,
                    "exit": "no_cancer",
                }
            )
        )
    frame = pd.concat(pathways, ignore_index=True)
    cell = frame["cell"].to_numpy()
    district = y.attribute("district", cell).astype(object)
    write_pathways(
        pa.table(
            {
                "pathway_id": y.ids("K", len(frame)),
                "patient_id": person_ids(frame["key"].to_numpy()),
                "cancer_type": pa.array(frame["cancer_type"].to_numpy(dtype=object)),
                "age": pa.array(_ages(y, cell).astype(np.int64)),
                "sex": pa.array(SEX_CODES[y.attribute("sex", cell)]),
                "municipality": pa.array(y.attribute("municipality", cell).astype(object)),
                "district": pa.array(blank_where(district == "", district)),
                "hospital": pa.array(frame["hospital"].to_numpy(dtype=object)),
                **{
                    c: pa.array(frame[c].to_numpy().astype("datetime64[D]"))
                    for c in (
                        "referral_received",
                        "pathway_start",
                        "clinical_decision",
                        "treatment_start",
                    )
                },
                "treatment_type": pa.array(
                    frame["treatment_type"].to_numpy(dtype=object),
                    type=pa.string(),
                    from_pandas=True,
                ),
                "exit": pa.array(
                    frame["exit"].to_numpy(dtype=object), type=pa.string(), from_pandas=True
                ),
            }
        )
    )


def care_services(
    y: Year, plan: Plan, write: Callable[[pa.Table], None], last_year: bool
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Municipal care periods: long-term nursing-home residents on 31 December and others."""
    ages = _ages(y)
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
        cell = y.draw(_age_curve(ages, points) * plan.morbidity[y.cells["unit"].to_numpy()] ** 0.5)
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
                    "age": pa.array(_ages(y, cell).astype(np.int64)),
                    "sex": pa.array(SEX_CODES[y.attribute("sex", cell)]),
                }
            )
        )
    write(pa.concat_tables(tables))
    return recipients


def surveys(
    y: Year,
    plan: Plan,
    write: Callable[[pa.Table], None],
    psychiatry: list[tuple[np.ndarray, np.ndarray]],
    care: list[tuple[np.ndarray, np.ndarray]],
) -> None:
    """PasOpp-like answers: psychiatric inpatients (by trust) and municipal care users."""
    parts: list[tuple[str, np.ndarray, np.ndarray | None, np.ndarray | None]] = []
    keys, hospitals = psychiatry[0]
    sample = y.rng.random(len(keys)) < 0.3
    parts.append(("psychiatry_inpatient", keys[sample], hospitals[sample], None))
    care_keys, care_cells = care[2]
    sample = y.rng.random(len(care_keys)) < 0.1
    parts.append(("municipal_care", care_keys[sample], None, care_cells[sample]))
    tables = []
    for survey, respondents, hospital, cells in parts:
        n = len(respondents)
        items = len(SURVEY_ITEMS)
        person = np.repeat(np.arange(n), items)
        shift = (
            np.zeros(n)
            if hospital is None
            else np.where(hospital == plan.experience_trust, -0.6, 0.0)
        )
        latent = (
            3.9 + shift[person] + y.rng.normal(0, 0.5, n)[person] + y.rng.normal(0, 0.8, n * items)
        )
        score = np.clip(np.rint(latent), 1, 5).astype(np.int64)
        answered = y.rng.random(n * items) > 0.05
        if cells is not None:
            resp_cells = cells[person]
            municipality = y.attribute("municipality", resp_cells).astype(object)
            district = y.attribute("district", resp_cells).astype(object)
            age = _ages(y, resp_cells)
            sex = SEX_CODES[y.attribute("sex", resp_cells)]
        elif hospital is not None:
            # The psychiatric respondent's residence is drawn from the trust's own area.
            trusts = y.units.groupby("home_trust")["unit"].apply(np.asarray)
            unit = np.array([y.rng.choice(trusts.get(h, trusts.iloc[0])) for h in hospital])
            municipality = y.units["municipality"].to_numpy()[unit][person]
            district = y.units["district"].to_numpy()[unit][person]
            age = y.rng.integers(18, 85, n)[person]
            sex = SEX_CODES[y.rng.integers(0, 2, n)][person]
        tables.append(
            pa.table(
                {
                    "respondent_id": pa.array(
                        np.char.add(f"R{y.year}{survey[:3]}-", person.astype(str))
                    ),
                    "survey": pa.array(np.full(n * items, survey, dtype=object)),
                    "year": pa.array(np.full(n * items, y.year, dtype=np.int64)),
                    "hospital": pa.nulls(n * items, pa.string())
                    if hospital is None
                    else pa.array(hospital[person], type=pa.string()),
                    "municipality": pa.array(municipality),
                    "district": pa.array(blank_where(district == "", district)),
                    "age": pa.array(np.asarray(age, dtype=np.int64)),
                    "sex": pa.array(sex),
                    "item": pa.array(np.tile(np.array(SURVEY_ITEMS, dtype=object), n)),
                    "score": pa.array(np.where(answered, score, 0), mask=~answered),
                }
            )
        )
    write(pa.concat_tables(tables))


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


def population_table(y: Year) -> pa.Table:
    cells = y.population
    district = y.units["district"].to_numpy()[cells["unit"].to_numpy()].astype(object)
    return pa.table(
        {
            "year": pa.array(np.full(len(cells), y.year, dtype=np.int64)),
            "municipality": pa.array(
                y.units["municipality"].to_numpy()[cells["unit"].to_numpy()].astype(object)
            ),
            "district": pa.array(blank_where(district == "", district)),
            "sex": pa.array(SEX_CODES[cells["sex"].to_numpy()]),
            "age": pa.array(cells["age"].to_numpy().astype(np.int64)),
            "population": pa.array(cells["population"].to_numpy().astype(np.int64)),
        }
    )


def synthesize(
    out: Path,
    years: list[int],
    scale: float = 0.05,
    seed: int = 1,
    fmt: Format = "parquet",
    on_year: Callable[[int], None] | None = None,
    published: bool = True,
) -> Truth:
    """Write every contract table for a synthetic Norway into ``out``; return the truth.

    With ``published``, the folder also gets ``aggregates.csv``: SKDE's real, published
    Barnehelseatlas 2011–2014 figures, so that the atlas carries real data beside synthetic.
    """
    out.mkdir(parents=True, exist_ok=True)
    root = np.random.default_rng(seed)
    units = residence_units(np.random.default_rng(root.integers(2**63)))
    truth = Truth(seed=seed, scale=scale, years=years)
    plan = make_plan(units, np.random.default_rng(root.integers(2**63)), truth)
    names = [name for name in TABLES if name != "aggregates"]
    sinks = {name: TableSink(out, name, fmt) for name in names}
    deaths: list[tuple[np.ndarray, np.ndarray]] = []
    year_seeds = root.integers(2**63, size=len(years))
    try:
        for year, year_seed in zip(years, year_seeds, strict=True):
            y = Year(units, year, scale, np.random.default_rng(year_seed))
            sinks["population"].write(population_table(y))
            write = sinks["episodes"].write
            general_somatic(y, plan, write)
            children_procedures(y, plan, write)
            psychiatry = mental_health(y, plan, write, sinks["coercive_measures"].write)
            readmissions(y, plan, write, deaths)
            cancer(y, plan, write, sinks["cancer_pathways"].write, deaths, year == years[-1])
            care = care_services(y, plan, sinks["care_services"].write, year == years[-1])
            surveys(y, plan, sinks["survey_responses"].write, psychiatry, care)
            vaccinations(y, plan, sinks["vaccinations"].write)
            municipal_facts(y, plan, sinks["municipal_facts"].write)
            if on_year is not None:
                on_year(year)
        keys = np.concatenate([k for k, _ in deaths]) if deaths else np.zeros(0, np.int64)
        dates = np.concatenate([d for _, d in deaths]) if deaths else np.zeros(0, "datetime64[D]")
        order = np.argsort(dates, kind="stable")
        _, first = np.unique(keys[order], return_index=True)
        chosen = order[first]
        sinks["deaths"].write(
            pa.table(
                {
                    "patient_id": person_ids(keys[chosen]),
                    "date_of_death": pa.array(dates[chosen].astype("datetime64[D]")),
                }
            )
        )
    finally:
        for sink in sinks.values():
            sink.close()
    truth.counts = {name: sink.rows for name, sink in sinks.items()}
    if published:
        source = files("variatlas.indicators") / "data" / "barnehelseatlas_2011_2014.csv"
        text = source.read_text(encoding="utf-8")
        (out / "aggregates.csv").write_text(text, encoding="utf-8")
        truth.counts["aggregates"] = len(text.strip().splitlines()) - 1
    truth.write(out / "truth.json")
    return truth
