"""Cancer (pathway registrations with their lead times, and the episodes around them)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from variatlas.synth.plan import Plan
from variatlas.synth.year import (
    SEX_CODES,
    Year,
    ages_of,
    blank_where,
    episode_table,
    person_ids,
    pick,
    trusts_for,
)

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


def _first_attendance(
    y: Year, referral: np.ndarray, start: np.ndarray, decision: np.ndarray
) -> np.ndarray:
    """The first attendance at the investigating unit: a fifth to two fifths of the way from
    referral to clinical decision, never before the pathway started (from its own random
    stream, so the columns drawn before it keep their values)."""
    share = y.later_rng.uniform(0.2, 0.4, len(referral))
    offset = np.floor((decision - referral).astype(np.int64) * share).astype("timedelta64[D]")
    return np.minimum(np.maximum(referral + offset, start), decision)


def cancer(
    y: Year,
    plan: Plan,
    write_episodes: Callable[[pa.Table], None],
    write_pathways: Callable[[pa.Table], None],
    deaths: list[tuple[np.ndarray, np.ndarray]],
    last_year: bool,
) -> None:
    """New cancers, their diagnostic and surgical episodes, pathways and lead times."""
    ages = ages_of(y)
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
        attended = _first_attendance(y, referral, start, decision)
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
                    "first_attendance": attended[keep],
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
        s_decided = s_start + y.rng.integers(5, 30, m).astype("timedelta64[D]")
        pathways.append(
            pd.DataFrame(
                {
                    "cell": suspected,
                    "key": y.persons(suspected),
                    "cancer_type": name,
                    "hospital": trusts_for(y, suspected, 0.02),
                    "referral_received": s_referral,
                    "pathway_start": s_start,
                    "first_attendance": _first_attendance(y, s_referral, s_start, s_decided),
                    "clinical_decision": s_decided,
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
                "age": pa.array(ages_of(y, cell).astype(np.int64)),
                "sex": pa.array(SEX_CODES[y.attribute("sex", cell)]),
                "municipality": pa.array(y.attribute("municipality", cell).astype(object)),
                "district": pa.array(blank_where(district == "", district)),
                "hospital": pa.array(frame["hospital"].to_numpy(dtype=object)),
                **{
                    c: pa.array(frame[c].to_numpy().astype("datetime64[D]"))
                    for c in (
                        "referral_received",
                        "pathway_start",
                        "first_attendance",
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
