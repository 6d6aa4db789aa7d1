"""Somatic hospital contacts (NPR-like episodes): everyday contacts, children's procedures,
and the index stays and readmissions of the elderly."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from variatlas.synth.plan import Plan
from variatlas.synth.year import (
    Year,
    age_curve,
    ages_of,
    blank_where,
    episode_table,
    pick,
    trusts_for,
)

READMISSION_GROUPS = {
    # group: (ICD-10 codes, share of index stays, readmission odds ratio)
    "copd_asthma": (["J44.1", "J44.0", "J45.9"], 0.14, 1.6),
    "urinary_infection": (["N30.0", "N30.9"], 0.10, 1.0),
    "fracture": (["S72.0", "S72.1", "S32.0", "S42.2"], 0.13, 0.8),
    "dehydration": (["E86"], 0.05, 1.1),
    "constipation": (["K59.0"], 0.03, 1.0),
    "gastroenteritis": (["A09.9", "A08.4"], 0.05, 0.9),
    "rheumatoid_arthritis": (["M06.9", "M05.3"], 0.02, 1.0),
    "heart_failure": (["I50.0", "I50.1", "I50.9"], 0.15, 1.4),
    "anaemia": (["D50.0", "D51.9"], 0.05, 1.2),
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


def general_somatic(y: Year, plan: Plan, write: Callable[[pa.Table], None]) -> None:
    """Ordinary somatic contacts, about 1.4 per person a year, more with age."""
    ages = ages_of(y)
    morbidity = plan.morbidity[y.cells["unit"].to_numpy()]
    rate = (
        age_curve(ages, {0: 0.9, 2: 0.45, 16: 0.4, 30: 0.9, 50: 1.3, 67: 2.4, 80: 3.3, 110: 3.0})
        * morbidity**0.3
    )
    events = y.draw(rate)
    # At scale 1 this is 7–8 million contacts: build the table a million rows at a time.
    for chunk in np.array_split(events, max(1, len(events) // 1_000_000)):
        n = len(chunk)
        if n == 0:
            continue
        age = ages_of(y, chunk)
        group = np.where(age < 17, 0, np.where(age < 67, 1, 2))
        diagnosis = np.empty(n, dtype=object)
        for g, name in enumerate(("child", "adult", "old")):
            mask = group == g
            diagnosis[mask] = pick(y.rng, GENERAL_DIAGNOSES[name], int(mask.sum()))
        level_draw = y.rng.random(n)
        inpatient_share = age_curve(age, {0: 0.1, 40: 0.08, 67: 0.15, 90: 0.25})
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
        start = y.dates(n)
        write(
            episode_table(
                y,
                chunk,
                start=start,
                stay_days=stays,
                hospital=trusts_for(y, chunk),
                sector="somatic",
                care_level=care_level,
                urgency=urgency,
                main_diagnosis=diagnosis,
                procedures=procedures,
                secondary=secondary,
                discharge=discharge,
                **hand_off_dates(y, start, stays, care_level == "inpatient", age),
            )
        )


def hand_off_dates(
    y: Year, start: np.ndarray, stays: np.ndarray, inpatient: np.ndarray, age: np.ndarray
) -> dict[str, np.ndarray]:
    """Discharge letters of inpatient stays (most the same or the next day), and for some
    stays of patients 67+ the day the patient was ready for discharge, days before the end."""
    rng, n = y.later_rng, len(start)
    end = start + stays.astype("timedelta64[D]")
    letter = end + (rng.geometric(0.6, n) - 1).astype("timedelta64[D]")
    waited = np.minimum(rng.geometric(0.3, n), stays)
    ready = inpatient & (age >= 67) & (stays > 0) & (rng.random(n) < 0.07)
    nat = np.datetime64("NaT")
    return {
        "letter_sent": np.where(inpatient, letter, nat),
        "ready_for_discharge": np.where(ready, end - waited.astype("timedelta64[D]"), nat),
    }


def children_procedures(y: Year, plan: Plan, write: Callable[[pa.Table], None]) -> None:
    """Tonsillectomy, grommets and asthma admissions in children, with the planted effects."""
    ages = ages_of(y)
    area = y.attribute("referral_area", np.arange(len(y.cells)))
    morbidity = plan.morbidity[y.cells["unit"].to_numpy()]
    child = ages <= 16
    specs = [
        (
            age_curve(ages, {0: 0.0, 2: 0.004, 5: 0.009, 9: 0.004, 16: 0.002})
            * np.vectorize(plan.tonsillectomy.get)(area),
            ["J35.0", "J35.1", "J35.2", "J35.3", "G47.3"],
            ["EMB10", "EMB15", "EMB20"],
            "day",
            "elective",
        ),
        (
            age_curve(ages, {0: 0.006, 1: 0.018, 3: 0.012, 6: 0.004, 10: 0.001, 16: 0.0005})
            * np.vectorize(plan.grommets.get)(area),
            ["H65.3", "H65.2", "H66.9", "H90.0"],
            ["DCA20"],
            "day",
            "elective",
        ),
        (
            age_curve(ages, {0: 0.002, 2: 0.004, 6: 0.0025, 16: 0.001}) * morbidity**2,
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


def readmissions(
    y: Year,
    plan: Plan,
    write: Callable[[pa.Table], None],
    deaths: list[tuple[np.ndarray, np.ndarray]],
) -> None:
    """Acute index stays of people 67+ in the 11 diagnosis groups, and readmissions after them."""
    ages = ages_of(y)
    rate = age_curve(ages, {66: 0.0, 67: 0.03, 75: 0.05, 85: 0.09, 95: 0.12, 110: 0.12})
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
