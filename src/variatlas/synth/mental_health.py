"""Mental health care (NPR-like episodes): BUP, adult mental health with coercion, and
substance-use treatment."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from variatlas.synth.plan import Plan
from variatlas.synth.year import Year, age_curve, ages_of, episode_table, pick, trusts_for

MENTAL_DIAGNOSES = {
    "bup": ["F90.0", "F32.1", "F41.1", "F84.0", "F43.2", "F50.0", "F93.0", "F91.3", "F81.0"],
    "vop": ["F32.1", "F33.1", "F41.1", "F20.0", "F31.1", "F60.3", "F43.1", "F42.0", "F25.0"],
    "tsb": ["F10.2", "F11.2", "F12.2", "F15.2", "F19.2", "F13.2"],
}


def mental_health(
    y: Year,
    plan: Plan,
    write: Callable[[pa.Table], None],
    write_measures: Callable[[pa.Table], None],
) -> list[tuple[np.ndarray, np.ndarray]]:
    """BUP, adult mental health (with coercion) and substance-use treatment.

    Returns (person keys, trusts) of adult inpatients, for the patient survey.
    """
    ages = ages_of(y)
    inpatients = []
    for sector, points, contacts in (
        ("bup", {0: 0.0, 3: 0.01, 8: 0.045, 13: 0.075, 17: 0.085, 18: 0.0}, 7),
        ("vop", {17: 0.0, 18: 0.035, 30: 0.035, 50: 0.022, 70: 0.012, 110: 0.008}, 5),
        ("tsb", {17: 0.0, 18: 0.006, 30: 0.014, 45: 0.012, 70: 0.003, 110: 0.001}, 4),
    ):
        patients = y.draw(age_curve(ages, points))
        keys = y.persons(patients)
        per_person = 1 + y.rng.poisson(contacts, len(patients))
        cell = np.repeat(patients, per_person)
        person = np.repeat(keys, per_person)
        first = np.zeros(len(cell), dtype=bool)
        first[np.concatenate([[0], np.cumsum(per_person)[:-1]])] = True
        start = y.dates(len(cell))
        hospital = np.repeat(trusts_for(y, patients, 0.03), per_person)
        referral = deadline = None
        if sector == "bup":
            wait = y.rng.gamma(2.0, 24.0, len(cell)).astype(np.int64)
            wait += np.where(hospital == plan.bup_wait_trust, plan.bup_extra_days, 0)
            referral = np.where(first, start - wait.astype("timedelta64[D]"), np.datetime64("NaT"))
        if sector == "vop":
            # Adult referrals with the deadline set when the referral was assessed: most
            # start in time, some after (fristbrudd).
            wait = y.later_rng.gamma(2.0, 20.0, len(cell)).astype(np.int64)
            allowed = y.later_rng.integers(50, 90, len(cell))
            referral = np.where(first, start - wait.astype("timedelta64[D]"), np.datetime64("NaT"))
            deadline = referral + allowed.astype("timedelta64[D]")
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
                deadline=deadline,
            )
        )
    # Adult mental-health admissions with their legal basis and coercive measures.
    rate = age_curve(ages, {15: 0.0, 16: 0.003, 25: 0.006, 45: 0.005, 70: 0.003, 110: 0.003})
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
        letter_sent=start + (stays + y.later_rng.geometric(0.25, n) - 1).astype("timedelta64[D]"),
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
