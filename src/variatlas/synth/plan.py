"""The planted effects of a synthetic Norway (``truth.json``): which areas differ, and how much."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from variatlas.synth.population import Units


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
        "morbidity_note": "the municipal fact morbidity_index is x1.5 in these areas; asthma "
        "admissions 0-16 scale with its square (x2.25), hospital contacts with its 0.3th power: "
        "variation that need explains",
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
