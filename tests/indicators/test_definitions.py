"""Each definition, checked on a handful of rows against counts worked out by hand.

Every scenario below is a small input built for one definition, with each row commented with
what the official definition (domain brief, ../shared/domain) says it counts for; the expected
numbers are counted by hand from those comments, not from the code. The population is ten
persons of each sex at every age 0–100 in Bodø (1804), in the years a scenario needs.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from scipy import stats as scipy_stats

from variatlas.contract import TABLES
from variatlas.pipeline import compute

BODO = {"municipality": "1804", "district": ""}


def population(*years: int) -> list[dict[str, Any]]:
    return [
        {"year": year, **BODO, "sex": sex, "age": age, "population": 10}
        for year in years
        for sex in "MF"
        for age in range(101)
    ]


def episode(eid: str, pid: str, start: str, **fields: Any) -> dict[str, Any]:
    """A somatic acute inpatient stay of an 80-year-old woman in Bodø, unless told otherwise."""
    row = {
        "episode_id": eid,
        "patient_id": pid,
        "start_date": start,
        "end_date": start,
        "age": 80,
        "sex": "F",
        **BODO,
        "hospital": "nordland",
        "sector": "somatic",
        "care_level": "inpatient",
        "urgency": "acute",
        "main_diagnosis": "R55",
        "secondary_diagnoses": "",
        "procedures": "",
        "legal_basis": "",
        "discharge": "home",
        "referral_date": "",
        "deadline": "",
        "ready_for_discharge": "",
        "letter_sent": "",
    }
    row.update(fields)
    return row


def pathway(kid: str, pid: str, kind: str, referral: str, **fields: Any) -> dict[str, Any]:
    row = {
        "pathway_id": kid,
        "patient_id": pid,
        "cancer_type": kind,
        "age": 60,
        "sex": "F",
        **BODO,
        "hospital": "nordland",
        "referral_received": referral,
        "pathway_start": referral,
        "first_attendance": "",
        "clinical_decision": "",
        "treatment_start": "",
        "treatment_type": "",
        "exit": "",
    }
    row.update(fields)
    return row


def results(folder: Path, tables: dict[str, list[dict[str, Any]]], *ids: str) -> pd.DataFrame:
    folder.mkdir()
    for table, rows in tables.items():
        columns = [c for c in TABLES[table].column_names if c in rows[0]]
        with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    output = compute(folder, folder / "out", indicators=list(ids))
    assert not output.problems, output.problems
    return output.results


def nation(frame: pd.DataFrame, indicator: str, period: str, sex: str = "all") -> pd.Series:
    row = frame[
        (frame["indicator"] == indicator)
        & (frame["level"] == "nation")
        & (frame["period"] == period)
        & (frame["sex"] == sex)
    ]
    assert len(row) == 1, (indicator, period, sex, len(row))
    return row.iloc[0]


def counts(frame: pd.DataFrame, indicator: str, period: str, sex: str = "all") -> tuple:
    row = nation(frame, indicator, period, sex)
    denominator = None if pd.isna(row["denominator"]) else int(row["denominator"])
    return int(row["numerator"]), denominator


def test_readmission_index_groups_and_exclusions_on_every_diagnosis(tmp_path: Path) -> None:
    """Brief B.2: the 11 groups as SKDE codes them; exclusions on any diagnosis of the stay."""
    stays = [
        # R1 cystitis N30.0: an index stay, back 10 days later for anything (R55): readmitted
        episode("R1", "P1", "2024-01-05", end_date="2024-01-10", main_diagnosis="N30.0"),
        episode("R1b", "P1", "2024-01-20", end_date="2024-01-22"),
        # R2 N39.0 (urinary infection, site unspecified) is not cystitis: no index stay
        episode("R2", "P2", "2024-01-05", end_date="2024-01-10", main_diagnosis="N39.0"),
        episode("R2b", "P2", "2024-01-20", end_date="2024-01-22"),
        # R3 gastroenteritis A04.7 (A00–A09): index; R3b is back after 5 days with pneumonia
        # and a secondary cancer diagnosis, so R3b is no readmission; R3b is an index itself
        episode("R3", "P3", "2024-02-01", end_date="2024-02-03", main_diagnosis="A04.7"),
        episode(
            "R3b",
            "P3",
            "2024-02-08",
            end_date="2024-02-12",
            main_diagnosis="J18.9",
            secondary_diagnoses="I10 C34.9",
        ),
        # R4 fracture of the wrist S62.3 (S62 is in the group): index, not readmitted
        episode("R4", "P4", "2024-03-01", end_date="2024-03-04", main_diagnosis="S62.3"),
        # R5 hypertensive heart failure I11.9: index; R5b (Z03.8, not excluded): readmitted
        episode("R5", "P5", "2024-04-01", end_date="2024-04-05", main_diagnosis="I11.9"),
        episode("R5b", "P5", "2024-04-25", end_date="2024-04-26", main_diagnosis="Z03.8"),
        # R6 K52.9 and R7 D64.9 are not in the groups (gastroenteritis and anaemia narrowed)
        episode("R6", "P6", "2024-05-01", end_date="2024-05-02", main_diagnosis="K52.9"),
        episode("R7", "P7", "2024-05-01", end_date="2024-05-02", main_diagnosis="D64.9"),
        # R8 arthrosis M17.1 ("gikt" M15–M19): index; R8b Z54.0 (Z54 is kept): readmitted
        episode("R8", "P8", "2024-06-01", end_date="2024-06-03", main_diagnosis="M17.1"),
        episode("R8b", "P8", "2024-06-06", end_date="2024-06-07", main_diagnosis="Z54.0"),
        # R9 bronchiectasis J47 (J40–J47): index; R9b Z50.1 (Z50–Z59 excluded): not readmitted
        episode("R9", "P9", "2024-07-01", end_date="2024-07-03", main_diagnosis="J47"),
        episode("R9b", "P9", "2024-07-10", end_date="2024-07-12", main_diagnosis="Z50.1"),
    ]
    found = results(
        tmp_path / "in",
        {"population": population(2024), "episodes": stays},
        "readmission_elderly",
    )
    # index stays R1, R3, R3b, R4, R5, R8, R9; readmitted R1, R5, R8
    assert counts(found, "readmission_elderly", "2024") == (3, 7)


def test_tonsillectomy_needs_the_procedure_and_the_diagnosis(tmp_path: Path) -> None:
    """SKDE: EMB10/12/15/20/30/99 with a main or secondary diagnosis H65.2, H65.3 or J35."""
    day = {"age": 6, "sex": "M", "care_level": "day", "urgency": "elective"}
    stays = [
        episode("T1", "P1", "2024-03-01", procedures="EMB12", main_diagnosis="J35.1", **day),
        # sleep apnoea alone does not qualify; with a secondary J35.0 it does
        episode("T2", "P2", "2024-03-01", procedures="EMB10", main_diagnosis="G47.3", **day),
        episode(
            "T3",
            "P3",
            "2024-03-01",
            procedures="EMB10",
            main_diagnosis="G47.3",
            secondary_diagnoses="J35.0",
            **day,
        ),
        episode("T4", "P4", "2024-03-01", procedures="EMB30", main_diagnosis="H65.3", **day),
        # 17 years old: outside 0–16
        episode(
            "T5",
            "P5",
            "2024-03-01",
            procedures="EMB99",
            main_diagnosis="H65.2",
            **{**day, "age": 17},
        ),
        # H66.9 is not among the diagnoses; EMB40 not among the procedures
        episode("T6", "P6", "2024-03-01", procedures="EMB15", main_diagnosis="H66.9", **day),
        episode("T7", "P7", "2024-03-01", procedures="EMB40", main_diagnosis="J35.0", **day),
    ]
    found = results(
        tmp_path / "in",
        {"population": population(2024), "episodes": stays},
        "tonsillectomy_children",
    )
    # T1, T3, T4 of the 340 children 0–16 (17 ages × 2 sexes × 10)
    assert counts(found, "tonsillectomy_children", "2024") == (3, 340)


def _doses(pid: str, sex: str, cohort: int, doses: int) -> list[dict[str, Any]]:
    return [
        {
            "patient_id": pid,
            "birth_year": cohort,
            "sex": sex,
            **BODO,
            "vaccine": "hpv",
            "dose": dose,
            "date": f"{cohort + 12}-{8 + dose:02d}-01",
        }
        for dose in range(1, doses + 1)
    ]


def test_hpv_birth_cohort_girls_only_before_2006_and_doses_by_cohort(tmp_path: Path) -> None:
    """FHI (brief C.3): % of the birth cohort; girls from 2009, boys from cohort 2006;
    three doses until 2016/17, two from 2017/18."""
    rows = [
        *_doses("V3", "F", 2004, 2),  # 7th grade 2016: three-dose era, two doses: not complete
        *_doses("V4", "F", 2004, 3),  # three doses: complete
        *_doses("V1", "F", 2005, 2),  # 7th grade 2017: two doses complete
        *_doses("V2", "M", 2005, 1),  # a boy of 2005: not offered, not counted
        *_doses("V5", "M", 2006, 2),  # boys offered from 2018
        *_doses("V6", "F", 2006, 1),
    ]
    found = results(
        tmp_path / "in",
        {"population": population(2016, 2017, 2018), "vaccinations": rows},
        "hpv_vaccination",
        "hpv_vaccination_completed",
    )
    # the denominator is the cohort: 10 per sex aged 11 on 1 January of the 7th-grade year
    assert counts(found, "hpv_vaccination", "2016") == (2, 10)
    assert counts(found, "hpv_vaccination_completed", "2016") == (1, 10)
    assert counts(found, "hpv_vaccination", "2017") == (1, 10)
    assert counts(found, "hpv_vaccination_completed", "2017") == (1, 10)
    assert counts(found, "hpv_vaccination", "2018") == (2, 20)
    assert counts(found, "hpv_vaccination_completed", "2018") == (1, 20)
    boys = found[(found["sex"] == "M") & (found["level"] == "nation")]
    assert sorted(p for p in boys["period"].unique() if "-" not in p) == ["2018"]


def test_hpv_completed_by_sixteen(tmp_path: Path) -> None:
    """FHI's "fully vaccinated at 16": the doses given by the end of the year the cohort
    turns 16; the period is that year, the denominator the cohort (aged 15 on 1 January)."""
    rows = [
        *_doses("W1", "F", 2006, 2),  # second dose in 2018: by 16 (2022)
        {**_doses("W2", "F", 2006, 2)[0]},
        {**_doses("W2", "F", 2006, 2)[1], "date": "2023-03-01"},  # second dose at 17: too late
        *_doses("W3", "M", 2006, 2),
        *_doses("W4", "M", 2005, 2),  # a boy of 2005 (period 2021): not offered
        *_doses("W5", "F", 2004, 3),  # cohort 2004 (period 2020): three doses, complete
        *_doses("W6", "F", 2004, 2),  # two doses: not complete in the three-dose era
    ]
    found = results(
        tmp_path / "in",
        {"population": population(2020, 2021, 2022), "vaccinations": rows},
        "hpv_vaccination_completed_16",
    )
    assert counts(found, "hpv_vaccination_completed_16", "2022") == (2, 20)  # W1, W3
    assert counts(found, "hpv_vaccination_completed_16", "2021") == (0, 10)  # girls only
    assert counts(found, "hpv_vaccination_completed_16", "2020") == (1, 10)  # W5


def test_new_cancer_patients_in_the_pathway_of_their_type(tmp_path: Path) -> None:
    def cancer(eid: str, pid: str, start: str, dx: str) -> dict[str, Any]:
        return episode(eid, pid, start, age=60, care_level="outpatient", main_diagnosis=dx)

    stays = [
        # C1: new in 2023 (in the breast pathway then); seen again in 2024: not new then
        cancer("C1a", "C1", "2023-05-01", "C50.9"),
        cancer("C1b", "C1", "2024-02-01", "C50.9"),
        # C2: new in 2024, breast pathway 65 days before: included
        cancer("C2", "C2", "2024-03-10", "C50.4"),
        # C3: new in 2024, breast pathway 244 days before: not included
        cancer("C3", "C3", "2024-06-01", "C50.9"),
        # C4: new in 2024, a colorectal pathway: in a pathway, but not the breast one
        cancer("C4", "C4", "2024-08-01", "C50.1"),
        # C5: new in 2024, breast pathway 44 days after: not included
        cancer("C5", "C5", "2024-09-01", "C50.9"),
    ]
    pathways = [
        pathway("K1", "C1", "breast", "2023-04-20"),
        pathway("K2", "C2", "breast", "2024-01-05"),
        pathway("K3", "C3", "breast", "2023-10-01"),
        pathway("K4", "C4", "colorectal", "2024-07-25"),
        pathway("K5", "C5", "breast", "2024-10-15"),
    ]
    found = results(
        tmp_path / "in",
        {"population": population(2023, 2024), "episodes": stays, "cancer_pathways": pathways},
        "cancer_patients_in_pathway",
        "cancer_patients_in_pathway_breast",
    )
    assert counts(found, "cancer_patients_in_pathway_breast", "2023") == (1, 1)
    assert counts(found, "cancer_patients_in_pathway_breast", "2024") == (1, 4)  # C2 of C2–C5
    assert counts(found, "cancer_patients_in_pathway", "2024") == (2, 4)  # C2 and C4


def test_bup_waiting_time_is_one_wait_per_referral(tmp_path: Path) -> None:
    bup = {"sector": "bup", "care_level": "outpatient", "urgency": "elective", "age": 12}
    visits = [
        # B1: referral 1 Jan, first contact after 20 days; two follow-ups of the same referral
        episode("B1a", "B1", "2024-01-21", referral_date="2024-01-01", **bup),
        episode("B1b", "B1", "2024-02-21", referral_date="2024-01-01", **bup),
        episode("B1c", "B1", "2024-03-21", referral_date="2024-01-01", **bup),
        # B1 again, a new referral: 10 days
        episode("B1d", "B1", "2024-05-11", referral_date="2024-05-01", **bup),
        # B2: 60 days (10 January → 10 March in a leap year)
        episode("B2", "B2", "2024-03-10", referral_date="2024-01-10", **bup),
        # B3: first contact in 2023, a follow-up in 2024: no wait in 2024
        episode("B3a", "B3", "2023-12-31", referral_date="2023-12-01", **bup),
        episode("B3b", "B3", "2024-01-15", referral_date="2023-12-01", **bup),
    ]
    found = results(
        tmp_path / "in",
        {"population": population(2023, 2024), "episodes": visits},
        "bup_waiting_time",
        "bup_waiting_time_mean",
    )
    median = nation(found, "bup_waiting_time", "2024")
    mean = nation(found, "bup_waiting_time_mean", "2024")
    # waits 20, 60 and 10 days: median 20, mean 30, sd √700 (Student's t, 2 degrees of freedom)
    assert (median["numerator"], median["value"]) == (3, 20)
    assert (mean["numerator"], mean["value"]) == (3, pytest.approx(30))
    half_width = scipy_stats.t.ppf(0.975, 2) * (700**0.5) / 3**0.5
    assert mean["lower"] == pytest.approx(30 - half_width)
    assert mean["upper"] == pytest.approx(30 + half_width)
    assert counts(found, "bup_waiting_time", "2023") == (1, None)


def test_cancer_surgery_survival_counts_the_first_resection_per_patient(tmp_path: Path) -> None:
    planned = {"age": 70, "urgency": "elective"}
    stays = [
        # S1: first colon resection in 2023 (survives it); a second in 2024 does not count
        episode("S1a", "S1", "2023-03-01", main_diagnosis="C18.7", procedures="JFB30", **planned),
        episode("S1b", "S1", "2024-04-01", main_diagnosis="C18.7", procedures="JFB30", **planned),
        # S2: lung resection, dies on day 19
        episode("S2", "S2", "2024-02-01", main_diagnosis="C34.1", procedures="GDC20", **planned),
        # S3: mastectomy, alive
        episode("S3", "S3", "2024-05-01", main_diagnosis="C50.9", procedures="HAC20", **planned),
        # S4: a procedure that is no resection: not counted, though the patient dies
        episode("S4", "S4", "2024-06-01", main_diagnosis="C61", procedures="TKC20", **planned),
    ]
    deaths = [
        {"patient_id": "S1", "date_of_death": "2024-04-10"},
        {"patient_id": "S2", "date_of_death": "2024-02-20"},
        {"patient_id": "S4", "date_of_death": "2024-06-05"},
    ]
    found = results(
        tmp_path / "in",
        {"population": population(2023, 2024), "episodes": stays, "deaths": deaths},
        "cancer_surgery_survival_30d",
    )
    assert counts(found, "cancer_surgery_survival_30d", "2023") == (1, 1)
    assert counts(found, "cancer_surgery_survival_30d", "2024") == (1, 2)  # S3 of S2, S3


def test_lead_time_limits_valid_on_the_referral_date(tmp_path: Path) -> None:
    """Brief A.3: breast OF4 5 days shorter before 1 May 2021; lymphoma limits from 2023."""

    def treated(kid: str, kind: str, referral: str, days: int, treatment: str) -> dict:
        start = pd.Timestamp(referral) + pd.Timedelta(days=days)
        return pathway(
            kid,
            kid,
            kind,
            referral,
            treatment_start=start.strftime("%Y-%m-%d"),
            treatment_type=treatment,
        )

    pathways = [
        treated("L1", "breast", "2021-03-01", 30, "surgery"),  # limit 27: late
        treated("L2", "breast", "2021-06-01", 30, "surgery"),  # limit 32: in time
        treated("L3", "lymphoma", "2021-03-01", 10, "drug"),  # no limit before 2023: not judged
        treated("L4", "lymphoma", "2024-03-01", 25, "drug"),  # limit 21: late
    ]
    found = results(
        tmp_path / "in",
        {"population": population(2021, 2024), "cancer_pathways": pathways},
        "cancer_pathways_within_standard_time_breast",
        "cancer_pathways_within_standard_time_lymphoma",
        "cancer_pathway_median_lead_time_breast_surgery",
    )
    assert counts(found, "cancer_pathways_within_standard_time_breast", "2021") == (1, 2)
    assert counts(found, "cancer_pathways_within_standard_time_lymphoma", "2024") == (0, 1)
    lymphoma = found[found["indicator"] == "cancer_pathways_within_standard_time_lymphoma"]
    assert set(lymphoma["period"]) == {"2024"}
    breast = nation(found, "cancer_pathway_median_lead_time_breast_surgery", "2021")
    assert (breast["numerator"], breast["value"]) == (2, 30)


def test_the_phases_of_a_lead_time_from_a_to_aa(tmp_path: Path) -> None:
    """Brief A.3: OF1 referral → first attendance, OF2 → clinical decision, OF3 → treatment."""

    def phased(kid: str, attended: int, decided: int, treated: int, given: str = "surgery") -> dict:
        day = pd.Timestamp("2023-03-01")
        return pathway(
            kid,
            kid,
            "breast",
            "2023-03-01",
            first_attendance=(day + pd.Timedelta(days=attended)).strftime("%Y-%m-%d"),
            clinical_decision=(day + pd.Timedelta(days=decided)).strftime("%Y-%m-%d"),
            treatment_start=(day + pd.Timedelta(days=treated)).strftime("%Y-%m-%d"),
            treatment_type=given,
        )

    pathways = [
        phased("P1", 5, 15, 30),  # OF1 5, OF2 10, OF3 15
        phased("P2", 7, 20, 28),  # OF1 7, OF2 13, OF3 8
        phased("P3", 3, 10, 40),  # OF1 3, OF2 7, OF3 30
        phased("P4", 2, 4, 9, "drug"),  # another treatment: not in these
    ]
    phases = [f"cancer_pathway_median_lead_time_breast_surgery_of{n}" for n in (1, 2, 3)]
    found = results(
        tmp_path / "in",
        {"population": population(2023), "cancer_pathways": pathways},
        "cancer_pathway_median_lead_time_breast_surgery",
        *phases,
    )
    medians = [nation(found, phase, "2023") for phase in phases]
    assert [(m["numerator"], m["value"]) for m in medians] == [(3, 5), (3, 10), (3, 15)]
    whole = nation(found, "cancer_pathway_median_lead_time_breast_surgery", "2023")
    assert whole["value"] == 30  # not 5 + 10 + 15: medians do not add up


def test_coercion_counts_as_samdata_and_nki_define_it(tmp_path: Path) -> None:
    def admission(eid: str, pid: str, start: str, age: int, sector: str, legal: str) -> dict:
        return episode(eid, pid, start, age=age, sector=sector, legal_basis=legal, sex="M")

    stays = [
        admission("K1", "K1", "2024-01-10", 16, "bup", "compulsory"),  # 16 in BUP: counted
        admission("K2", "K2", "2024-02-10", 17, "vop", "observation"),
        admission("K3", "K3", "2024-03-10", 40, "vop", "voluntary"),
        admission("K4", "K4", "2024-04-10", 40, "vop", "compulsory"),
        admission("K5", "K4", "2024-08-10", 40, "vop", "compulsory"),  # the same person again
        admission("K6", "K6", "2024-05-10", 15, "bup", "compulsory"),  # under 16: not counted
    ]
    found = results(
        tmp_path / "in",
        {"population": population(2024), "episodes": stays},
        "coercive_admissions_rate",
        "coercive_admissions_rate_observation",
        "coercive_admissions_rate_compulsory",
        "coercive_admission_patients_rate",
        "coercive_admission_share",
    )
    aged_16 = 85 * 2 * 10  # ages 16–100
    assert counts(found, "coercive_admissions_rate", "2024") == (4, aged_16)  # K1 K2 K4 K5
    assert counts(found, "coercive_admissions_rate_observation", "2024") == (1, aged_16)
    assert counts(found, "coercive_admissions_rate_compulsory", "2024") == (3, aged_16)
    assert counts(found, "coercive_admission_patients_rate", "2024") == (3, aged_16)
    # NKI's share is of adult mental health care as a sector, at any age: K2–K5
    assert counts(found, "coercive_admission_share", "2024") == (3, 4)


def test_experience_on_the_0_to_100_scale(tmp_path: Path) -> None:
    answers = [
        ("R1", "information", 1),
        ("R1", "overall", 5),  # R1's mean 3 → 50
        ("R2", "information", 5),
        ("R2", "overall", 5),  # R2's mean 5 → 100
    ]
    rows = [
        {
            "respondent_id": r,
            "survey": "psychiatry_inpatient",
            "year": 2024,
            "hospital": "nordland",
            **BODO,
            "age": 50,
            "sex": "F",
            "item": item,
            "score": score,
        }
        for r, item, score in answers
    ]
    found = results(
        tmp_path / "in",
        {"population": population(2024), "survey_responses": rows},
        "psychiatric_inpatient_experience",
    )
    assert nation(found, "psychiatric_inpatient_experience", "2024")["value"] == pytest.approx(75)


def test_institution_residents_and_discharges_as_defined(tmp_path: Path) -> None:
    def stay(pid: str, service: str, start: str, end: str, age: int) -> dict[str, Any]:
        return {
            "patient_id": pid,
            "municipality": "1804",
            "service": service,
            "start_date": start,
            "end_date": end,
            "age": age,
            "sex": "F",
        }

    services = [
        stay("N1", "nursing_home_long", "2024-03-01", "", 85),
        stay("N2", "nursing_home_short", "2024-12-20", "2025-01-05", 81),  # time-limited: counts
        stay("N3", "home_nursing", "2024-01-01", "", 90),  # not an institution
    ]
    discharges = [
        episode("D1", "D1", "2024-02-01", age=70, discharge="other_hospital"),  # not a hand-off
        episode("D2", "D2", "2024-02-01", age=70, discharge="home"),
        episode("D3", "D3", "2024-02-01", age=70, discharge="municipal_care"),
    ]
    found = results(
        tmp_path / "in",
        {"population": population(2024), "care_services": services, "episodes": discharges},
        "nursing_home_residents_80",
        "discharges_to_municipal_care",
    )
    assert counts(found, "nursing_home_residents_80", "2024") == (2, 21 * 2 * 10)  # ages 80–100
    assert counts(found, "discharges_to_municipal_care", "2024") == (1, 2)


def test_new_hand_off_and_deadline_indicators(tmp_path: Path) -> None:
    referred = {
        "sector": "vop",
        "care_level": "outpatient",
        "urgency": "elective",
        "age": 30,
        "referral_date": "2024-02-01",
        "deadline": "2024-04-01",
    }
    stays = [
        # ready for discharge on 10 March, discharged 14 March: 4 days; 67+ in Bodø
        episode("U1", "U1", "2024-03-01", end_date="2024-03-14", ready_for_discharge="2024-03-10"),
        # 3 days, and a letter sent 2 days after discharge
        episode(
            "U2",
            "U2",
            "2024-04-01",
            end_date="2024-04-05",
            ready_for_discharge="2024-04-02",
            letter_sent="2024-04-07",
        ),
        # letters on the day and the day after: within 1 day
        episode("U3", "U3", "2024-05-01", end_date="2024-05-03", letter_sent="2024-05-03"),
        episode("U4", "U4", "2024-05-01", end_date="2024-05-03", letter_sent="2024-05-04"),
        # 60 years old: no days in the 67+ indicator
        episode(
            "U5",
            "U5",
            "2024-06-01",
            end_date="2024-06-20",
            age=60,
            ready_for_discharge="2024-06-10",
        ),
        # adult mental health: referral 1 Feb, deadline 1 Apr; first contact 2 Apr: late;
        # its follow-up after the deadline is not a second missed deadline
        episode("F1a", "F1", "2024-04-02", **referred),
        episode("F1b", "F1", "2024-05-02", **referred),
        # first contact on the deadline day: in time
        episode("F2", "F2", "2024-04-01", **referred),
    ]
    found = results(
        tmp_path / "in",
        {"population": population(2024), "episodes": stays},
        "ready_for_discharge_days",
        "discharge_letter_within_1_day",
        "waiting_past_deadline_adult_mental_health",
    )
    assert counts(found, "ready_for_discharge_days", "2024") == (7, 34 * 2 * 10)  # ages 67–100
    assert counts(found, "discharge_letter_within_1_day", "2024") == (2, 3)  # U3, U4 of U2–U4
    assert counts(found, "waiting_past_deadline_adult_mental_health", "2024") == (1, 2)


def test_a_lead_time_table_in_the_input_replaces_the_shipped_one(tmp_path: Path) -> None:
    pathways = [
        pathway(
            "L1",
            "L1",
            "breast",
            "2024-03-01",
            treatment_start="2024-03-31",
            treatment_type="surgery",
        ),  # 30 days: within the shipped 32, not within the user's 25
        pathway(
            "L2",
            "L2",
            "prostate",
            "2024-03-01",
            treatment_start="2024-03-31",
            treatment_type="surgery",
        ),  # no shipped limit; the user's 45: within
    ]
    limits = [
        {"cancer_type": "breast", "treatment_type": "surgery", "of4_days": 25},
        {"cancer_type": "prostate", "treatment_type": "surgery", "of4_days": 45},
    ]
    limits = [{**row, "valid_from": "2015-01-01", "source": "our trust's own"} for row in limits]
    folder = tmp_path / "in"
    found = results(
        folder,
        {
            "population": population(2024),
            "cancer_pathways": pathways,
            "cancer_lead_times": limits,
        },
        "cancer_pathways_within_standard_time",
    )
    assert counts(found, "cancer_pathways_within_standard_time", "2024") == (1, 2)  # L2
    provenance = (folder / "out" / "provenance.json").read_text()
    assert "the input's cancer_lead_times table" in provenance
