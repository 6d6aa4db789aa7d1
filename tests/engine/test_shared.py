"""Indicators counted together in one scan of their table get exactly the cells their own
queries give them (``variatlas.engine.shared``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from variatlas.compute.run import data_years
from variatlas.engine import EngineOptions, compile_indicator, open_engine
from variatlas.engine.shared import cells_of, compile_shared, shares_a_scan
from variatlas.indicators import load_catalogue


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


def test_what_shares_a_scan_and_what_keeps_its_own_query() -> None:
    catalogue = load_catalogue()
    shared = {i for i, indicator in catalogue.items() if shares_a_scan(indicator)}
    # Plain conditions on the row: counted together.
    assert {"tonsillectomy_children", "coercive_admission_share", "asthma_admissions_children"} <= (
        shared
    )
    # Links to other rows, persons once a year, first rows, durations, scores, published
    # figures: each its own query.
    for own in (
        "readmission_elderly",
        "hpv_vaccination",
        "adult_mental_health_patients",
        "bup_waiting_time",
        "cancer_pathway_median_lead_time_lung_surgery",
        "psychiatric_inpatient_experience",
        "ready_for_discharge_days",
        "nursing_home_residents_80",
    ):
        assert own not in shared, own
    assert not any(catalogue[i].source == "aggregates" for i in shared)


def test_a_shared_scan_gives_each_indicator_the_cells_of_its_own_query(
    compliance_input: Path,
) -> None:
    engine = open_engine(EngineOptions("duckdb"), compliance_input / "accepted")
    try:
        years = data_years(engine)
        by_source: dict[str, list] = {}
        for indicator in load_catalogue().values():
            if shares_a_scan(indicator) and indicator.source in engine.tables:
                by_source.setdefault(indicator.source, []).append(indicator)
        assert len(by_source.get("episodes", [])) >= 10
        compared = 0
        for source, indicators in by_source.items():
            scan = compile_shared(source, indicators, engine.tables, years)
            scanned = engine.execute(scan.cells)
            for indicator in indicators:
                alone = engine.execute(compile_indicator(indicator, engine.tables, years).cells)
                ours = cells_of(scanned, scan, indicator.id)
                assert len(alone) > 0, indicator.id
                pd.testing.assert_frame_equal(_ordered(ours), _ordered(alone), obj=indicator.id)
                compared += 1
        assert compared == sum(len(v) for v in by_source.values())
    finally:
        engine.close()
