"""Every catalogue indicator on a tiny input whose counts can be checked by reading it.

Two residence units (Bodø 1804 in Nordland; Oslo's Frogner district 030105 in
Diakonhjemmet's area), ten persons of each sex at every age 0–100 in both years, and a
handful of hand-made rows, each commented with what it should count for. The expected
numbers below were counted by hand from these rows.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from variatlas.contract import TABLES
from variatlas.pipeline import compute

BODO = {"municipality": "1804", "district": ""}
FROGNER = {"municipality": "0301", "district": "030105"}


def _episode(
    eid,
    pid,
    start,
    *,
    age,
    sex,
    home,
    hospital,
    sector,
    level,
    urgency,
    dx,
    end=None,
    procedures="",
    legal="",
    discharge="home",
    referral="",
):
    return {
        "episode_id": eid,
        "patient_id": pid,
        "start_date": start,
        "end_date": end or start,
        "age": age,
        "sex": sex,
        **home,
        "hospital": hospital,
        "sector": sector,
        "care_level": level,
        "urgency": urgency,
        "main_diagnosis": dx,
        "secondary_diagnoses": "",
        "procedures": procedures,
        "legal_basis": legal,
        "discharge": discharge,
        "referral_date": referral,
    }


EPISODES = [
    # children: E1 tonsillectomy (day), E2 grommets (day), E3 asthma admission
    _episode(
        "E1",
        "P1",
        "2024-03-01",
        age=5,
        sex="F",
        home=BODO,
        hospital="nordland",
        sector="somatic",
        level="day",
        urgency="elective",
        dx="J35.0",
        procedures="EMB10",
    ),
    _episode(
        "E2",
        "P2",
        "2024-04-01",
        age=3,
        sex="M",
        home=FROGNER,
        hospital="diakonhjemmet",
        sector="somatic",
        level="day",
        urgency="elective",
        dx="H65.3",
        procedures="DCA20",
    ),
    _episode(
        "E3",
        "P3",
        "2024-05-01",
        end="2024-05-03",
        age=8,
        sex="F",
        home=BODO,
        hospital="nordland",
        sector="somatic",
        level="inpatient",
        urgency="acute",
        dx="J45.9",
    ),
    # an adult outpatient contact: counts for none of the children's indicators
    _episode(
        "E4",
        "P4",
        "2024-06-01",
        age=20,
        sex="M",
        home=BODO,
        hospital="nordland",
        sector="somatic",
        level="outpatient",
        urgency="elective",
        dx="M54.5",
    ),
    # BUP: P5 twice (waits 30 days), P6 once (waits 40 days)
    _episode(
        "E5",
        "P5",
        "2024-02-01",
        age=15,
        sex="F",
        home=BODO,
        hospital="nordland",
        sector="bup",
        level="outpatient",
        urgency="elective",
        dx="F32.0",
        referral="2024-01-02",
    ),
    _episode(
        "E6",
        "P5",
        "2024-03-01",
        age=15,
        sex="F",
        home=BODO,
        hospital="nordland",
        sector="bup",
        level="outpatient",
        urgency="elective",
        dx="F32.0",
    ),
    _episode(
        "E7",
        "P6",
        "2024-02-10",
        age=10,
        sex="M",
        home=FROGNER,
        hospital="ous",
        sector="bup",
        level="outpatient",
        urgency="elective",
        dx="F90.0",
        referral="2024-01-01",
    ),
    # adult mental health: E8 compulsory (with two coercive measures), E9 voluntary,
    # E10 observation at age 17, E11 outpatient for P7
    _episode(
        "E8",
        "P7",
        "2024-01-10",
        end="2024-01-20",
        age=30,
        sex="M",
        home=BODO,
        hospital="nordland",
        sector="vop",
        level="inpatient",
        urgency="acute",
        dx="F20.0",
        legal="compulsory",
    ),
    _episode(
        "E9",
        "P8",
        "2024-02-10",
        end="2024-02-15",
        age=40,
        sex="F",
        home=BODO,
        hospital="nordland",
        sector="vop",
        level="inpatient",
        urgency="acute",
        dx="F32.1",
        legal="voluntary",
    ),
    _episode(
        "E10",
        "P9",
        "2024-03-10",
        end="2024-03-11",
        age=17,
        sex="M",
        home=FROGNER,
        hospital="diakonhjemmet",
        sector="vop",
        level="inpatient",
        urgency="acute",
        dx="F20.0",
        legal="observation",
    ),
    _episode(
        "E11",
        "P7",
        "2024-06-01",
        age=30,
        sex="M",
        home=BODO,
        hospital="nordland",
        sector="vop",
        level="outpatient",
        urgency="elective",
        dx="F20.0",
    ),
    _episode(
        "E12",
        "P10",
        "2024-04-01",
        age=35,
        sex="F",
        home=BODO,
        hospital="nordland",
        sector="tsb",
        level="outpatient",
        urgency="elective",
        dx="F10.2",
    ),
    # cancer: P11 (in pathway K1) operated and alive; P12 (no pathway) operated, dies day 16
    _episode(
        "E13",
        "P11",
        "2024-03-15",
        age=60,
        sex="F",
        home=BODO,
        hospital="nordland",
        sector="somatic",
        level="outpatient",
        urgency="elective",
        dx="C50.9",
    ),
    _episode(
        "E14",
        "P11",
        "2024-04-10",
        end="2024-04-15",
        age=60,
        sex="F",
        home=BODO,
        hospital="nordland",
        sector="somatic",
        level="inpatient",
        urgency="elective",
        dx="C50.9",
        procedures="HAC20",
    ),
    _episode(
        "E15",
        "P12",
        "2024-05-01",
        age=70,
        sex="M",
        home=BODO,
        hospital="nordland",
        sector="somatic",
        level="outpatient",
        urgency="elective",
        dx="C34.9",
    ),
    _episode(
        "E16",
        "P12",
        "2024-05-20",
        end="2024-05-25",
        age=70,
        sex="M",
        home=BODO,
        hospital="nordland",
        sector="somatic",
        level="inpatient",
        urgency="elective",
        dx="C34.9",
        procedures="GDB10",
    ),
    # readmission: E17 readmitted 10 days later by E18; E18 itself not readmitted;
    # E19 dies within 30 days without readmission (left out); E20 back after 47 days (not
    # readmitted); E21 a cancer stay (no index); E22 died in hospital (left out)
    _episode(
        "E17",
        "P13",
        "2024-01-05",
        end="2024-01-10",
        age=80,
        sex="F",
        home=BODO,
        hospital="nordland",
        sector="somatic",
        level="inpatient",
        urgency="acute",
        dx="I50.0",
    ),
    _episode(
        "E18",
        "P13",
        "2024-01-20",
        end="2024-01-25",
        age=80,
        sex="F",
        home=BODO,
        hospital="nordland",
        sector="somatic",
        level="inpatient",
        urgency="acute",
        dx="J18.9",
        discharge="municipal_care",
    ),
    _episode(
        "E19",
        "P14",
        "2024-02-01",
        end="2024-02-05",
        age=75,
        sex="M",
        home=BODO,
        hospital="nordland",
        sector="somatic",
        level="inpatient",
        urgency="acute",
        dx="S72.0",
    ),
    _episode(
        "E20",
        "P15",
        "2024-03-01",
        end="2024-03-04",
        age=70,
        sex="M",
        home=FROGNER,
        hospital="diakonhjemmet",
        sector="somatic",
        level="inpatient",
        urgency="acute",
        dx="N30.0",
    ),
    _episode(
        "E21",
        "P15",
        "2024-04-20",
        end="2024-04-22",
        age=70,
        sex="M",
        home=FROGNER,
        hospital="diakonhjemmet",
        sector="somatic",
        level="inpatient",
        urgency="acute",
        dx="C18.9",
    ),
    _episode(
        "E22",
        "P16",
        "2024-05-01",
        end="2024-05-03",
        age=90,
        sex="F",
        home=BODO,
        hospital="nordland",
        sector="somatic",
        level="inpatient",
        urgency="acute",
        dx="E86",
        discharge="died",
    ),
]


def _pathway(
    kid,
    pid,
    kind,
    *,
    age,
    sex,
    home,
    hospital,
    referral,
    start,
    decision="",
    treatment="",
    treatment_type="",
    exit="",
):
    return {
        "pathway_id": kid,
        "patient_id": pid,
        "cancer_type": kind,
        "age": age,
        "sex": sex,
        **home,
        "hospital": hospital,
        "referral_received": referral,
        "pathway_start": start,
        "clinical_decision": decision,
        "treatment_start": treatment,
        "treatment_type": treatment_type,
        "exit": exit,
    }


PATHWAYS = [
    # breast surgery after 29 days (limit 32): within
    _pathway(
        "K1",
        "P11",
        "breast",
        age=60,
        sex="F",
        home=BODO,
        hospital="nordland",
        referral="2024-03-01",
        start="2024-03-02",
        decision="2024-03-20",
        treatment="2024-03-30",
        treatment_type="surgery",
    ),
    # lung drug therapy after 48 days (limit 35): not within
    _pathway(
        "K2",
        "P17",
        "lung",
        age=65,
        sex="M",
        home=BODO,
        hospital="nordland",
        referral="2024-02-01",
        start="2024-02-01",
        decision="2024-02-20",
        treatment="2024-03-20",
        treatment_type="drug",
    ),
    # prostate after 51 days: no confirmed limit, so only in the median
    _pathway(
        "K3",
        "P18",
        "prostate",
        age=70,
        sex="M",
        home=FROGNER,
        hospital="diakonhjemmet",
        referral="2024-01-10",
        start="2024-01-10",
        treatment="2024-03-01",
        treatment_type="surgery",
    ),
    # ended without cancer: in neither
    _pathway(
        "K4",
        "P19",
        "colorectal",
        age=55,
        sex="F",
        home=BODO,
        hospital="nordland",
        referral="2024-05-01",
        start="2024-05-02",
        exit="no_cancer",
    ),
    # lymphoma drug therapy after 14 days (limit 21): within
    _pathway(
        "K5",
        "P20",
        "lymphoma",
        age=40,
        sex="M",
        home=BODO,
        hospital="nordland",
        referral="2024-06-01",
        start="2024-06-01",
        treatment="2024-06-15",
        treatment_type="drug",
    ),
]


def _population() -> list[dict[str, object]]:
    return [
        {"year": year, **home, "sex": sex, "age": age, "population": 10}
        for year in (2023, 2024)
        for home in (BODO, FROGNER)
        for sex in "MF"
        for age in range(101)
    ]


TABLE_ROWS = {
    "population": _population(),
    "episodes": EPISODES,
    "cancer_pathways": PATHWAYS,
    "coercive_measures": [
        {
            "episode_id": "E8",
            "patient_id": "P7",
            "date": "2024-01-12",
            "measure": "mechanical_restraint",
        },
        {"episode_id": "E8", "patient_id": "P7", "date": "2024-01-13", "measure": "isolation"},
    ],
    "deaths": [
        {"patient_id": "P12", "date_of_death": "2024-06-05"},
        {"patient_id": "P14", "date_of_death": "2024-02-20"},
    ],
    "survey_responses": [
        {
            "respondent_id": r,
            "survey": s,
            "year": 2024,
            "hospital": h,
            **BODO,
            "age": 50,
            "sex": "F",
            "item": i,
            "score": v,
        }
        for r, s, h, i, v in [
            ("R1", "psychiatry_inpatient", "nordland", "information", 4),
            ("R1", "psychiatry_inpatient", "nordland", "overall", 5),
            ("R2", "psychiatry_inpatient", "nordland", "information", 3),
            ("R2", "psychiatry_inpatient", "nordland", "overall", ""),
            ("R3", "municipal_care", "", "information", 2),
            ("R3", "municipal_care", "", "overall", 4),
        ]
    ],
    "vaccinations": [
        {
            "patient_id": "P21",
            "birth_year": 2012,
            "sex": "F",
            **BODO,
            "vaccine": "hpv",
            "dose": 1,
            "date": "2024-09-01",
        },
        {
            "patient_id": "P21",
            "birth_year": 2012,
            "sex": "F",
            **BODO,
            "vaccine": "hpv",
            "dose": 2,
            "date": "2025-03-01",
        },
        {
            "patient_id": "P22",
            "birth_year": 2012,
            "sex": "M",
            **BODO,
            "vaccine": "hpv",
            "dose": 1,
            "date": "2024-09-01",
        },
    ],
    "municipal_facts": [
        {"year": 2024, "municipality": m, "fact": f, "value": v}
        for m, f, v in [
            ("1804", "cancer_coordinator", 1),
            ("0301", "cancer_coordinator", 0),
            ("1804", "morbidity_index", 1.0),
            ("0301", "morbidity_index", 1.0),
        ]
    ],
    "care_services": [
        # in progress on 31 December 2023 and 2024 (aged 85 and 86)
        {
            "patient_id": "P23",
            "municipality": "1804",
            "service": "nursing_home_long",
            "start_date": "2023-06-01",
            "end_date": "",
            "age": 85,
            "sex": "F",
        },
        # ended before 31 December
        {
            "patient_id": "P24",
            "municipality": "1804",
            "service": "nursing_home_long",
            "start_date": "2024-02-01",
            "end_date": "2024-10-01",
            "age": 82,
            "sex": "F",
        },
        # in progress, but 79 on 31 December
        {
            "patient_id": "P25",
            "municipality": "0301",
            "service": "nursing_home_long",
            "start_date": "2024-11-01",
            "end_date": "",
            "age": 79,
            "sex": "M",
        },
    ],
}

# indicator: (numerator, denominator, value) at the nation, 2024, both sexes
EXPECTED = {
    "hospital_contacts_children": (3, 680, None),
    "hospital_admissions_children": (1, 680, None),
    "outpatient_contacts_children": (2, 680, None),
    "tonsillectomy_children": (1, 680, None),
    "grommets_children": (1, 680, None),
    "asthma_admissions_children": (1, 680, None),
    "bup_treated_share": (2, 720, None),
    "bup_waiting_time": (2, None, 35.0),
    "bup_waiting_time_mean": (2, None, 35.0),
    "cancer_pathways_within_standard_time": (2, 3, 200 / 3),
    "cancer_pathways_within_standard_time_breast": (1, 1, 100.0),
    "cancer_pathways_within_standard_time_lung": (0, 1, 0.0),
    "cancer_pathways_within_standard_time_lymphoma": (1, 1, 100.0),
    "cancer_pathway_median_lead_time_breast_surgery": (1, None, 29.0),  # K1
    "cancer_pathway_median_lead_time_lung_drug": (1, None, 48.0),  # K2
    "cancer_pathway_median_lead_time_prostate_surgery": (1, None, 51.0),  # K3
    # OF3, clinical decision → treatment (no first attendance in this input: no OF1, OF2)
    "cancer_pathway_median_lead_time_breast_surgery_of3": (1, None, 10.0),  # K1: 20 → 30 March
    "cancer_pathway_median_lead_time_lung_drug_of3": (
        1,
        None,
        29.0,
    ),  # K2: 20 Feb → 20 March 2024 (leap year)
    "cancer_patients_in_pathway": (1, 3, 100 / 3),  # P11, P12 and P15 (E21); P11 in K1
    "cancer_patients_in_pathway_breast": (1, 1, 100.0),  # P11
    "cancer_patients_in_pathway_lung": (0, 1, 0.0),  # P12, whose pathway is not in the data
    "cancer_patients_in_pathway_colorectal": (0, 1, 0.0),  # P15
    "cancer_surgery_survival_30d": (1, 2, 50.0),
    "hpv_vaccination": (2, 40, 5.0),
    "hpv_vaccination_completed": (1, 40, 2.5),
    "cancer_coordinator_municipalities": (1, 2, 50.0),
    "coercive_admissions_rate": (2, 3400, None),
    "coercive_admissions_rate_observation": (1, 3400, None),  # E10
    "coercive_admissions_rate_compulsory": (1, 3400, None),  # E8
    "coercive_admission_patients_rate": (2, 3400, None),
    "coercive_admission_share": (2, 3, 200 / 3),  # E8, E10 (17: no age limit) of E8–E10
    "coercive_measures_patient_share": (1, 3, 100 / 3),
    "psychiatric_inpatient_experience": (2, None, 68.75),  # 3.75 on 1–5
    "adult_mental_health_patients": (2, 3320, None),
    "substance_use_patients": (1, 3320, None),
    "readmission_elderly": (1, 3, 100 / 3),
    "nursing_home_residents_80": (1, 840, 100 / 840),
    "municipal_care_experience": (1, None, 50.0),  # 3 on 1–5
    "discharges_to_municipal_care": (1, 6, 100 / 6),
}


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    for table, rows in TABLE_ROWS.items():
        columns = [c for c in TABLES[table].column_names if c in rows[0]]
        with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def tiny(tiny_folder: Path) -> pd.DataFrame:
    return compute(tiny_folder, tiny_folder / "out").results


def test_every_row_of_the_tiny_input_is_accepted(tiny, tiny_folder: Path) -> None:
    report = json.loads((tiny_folder / "out" / "validated" / "validation.json").read_text())
    for table, rows in TABLE_ROWS.items():
        counts = report["tables"][table]
        assert (counts["rows_read"], counts["rows_set_aside"]) == (len(rows), 0), table


@pytest.mark.parametrize("indicator", sorted(EXPECTED))
def test_indicator_counts_on_the_tiny_input(tiny, indicator) -> None:
    numerator, denominator, value = EXPECTED[indicator]
    row = tiny[
        (tiny["indicator"] == indicator)
        & (tiny["level"] == "nation")
        & (tiny["period"] == "2024")
        & (tiny["sex"] == "all")
    ]
    assert len(row) == 1, indicator
    row = row.iloc[0]
    assert row["numerator"] == numerator
    if denominator is not None:
        assert row["denominator"] == denominator
    if value is not None:
        assert row["crude_value"] == pytest.approx(value)


def test_the_tiny_input_covers_every_computed_indicator(tiny) -> None:
    computed = set(tiny.loc[~tiny["indicator"].str.startswith("barnehelseatlas"), "indicator"])
    assert computed == set(EXPECTED)  # colorectal has no judged pathway: no rows at all


def test_residence_and_trust_levels_split_the_tiny_counts(tiny) -> None:
    def rows(indicator: str, level: str) -> dict[str, float]:
        found = tiny[
            (tiny["indicator"] == indicator)
            & (tiny["level"] == level)
            & (tiny["period"] == "2024")
            & (tiny["sex"] == "all")
        ]
        return dict(zip(found["area"], found["numerator"], strict=True))

    # The population covers Bodø of Nordland's municipalities only, so the input is a regional
    # extract and the Nordland referral area (3) is not reported: Bodø's rate is not Nordland's.
    # Oslo's referral areas consist of Oslo's districts alone, and Oslo is in the data.
    assert rows("hospital_contacts_children", "referral_area") == {"18": 1}
    assert rows("hospital_contacts_children", "municipality") == {"1804": 2, "0301": 1}
    assert rows("bup_waiting_time", "health_trust") == {"nordland": 1, "ous": 1}
    assert rows("coercive_admission_share", "health_trust") == {"nordland": 1, "diakonhjemmet": 1}
    sexes = tiny[
        (tiny["indicator"] == "hospital_contacts_children")
        & (tiny["level"] == "nation")
        & (tiny["period"] == "2024")
    ].set_index("sex")["numerator"]
    assert sexes["M"] + sexes["F"] == sexes["all"] == 3
