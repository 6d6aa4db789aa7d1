"""Limits on a row's duration: a fixed number of days, or the cancer pathways' standard lead
times (shipped, or the input's own table) valid on the row's start date."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files

import ibis
import ibis.expr.types as ir
import pandas as pd

from variatlas.indicators.model import Selection


@cache
def lead_times() -> pd.DataFrame:
    text = (files("variatlas.indicators") / "data" / "cancer_lead_times.csv").open(encoding="utf-8")
    limits = pd.read_csv(text, parse_dates=["valid_from", "valid_to"])
    return limits[["cancer_type", "treatment_type", "of4_days", "valid_from", "valid_to"]]


def within_limit(table: ir.Table, selection: Selection, tables: Mapping[str, ir.Table]) -> ir.Table:
    """Add ``within`` (bool) and ``limit_days``: the duration is within the limit."""
    rule = selection.within
    assert rule is not None
    days = table[rule.end].epoch_days() - table[rule.start].epoch_days()
    if rule.lead_time_table:
        # The user's own lead-time table, where the input has one, replaces the shipped one.
        limits = tables.get("cancer_lead_times")
        if limits is None:
            limits = ibis.memtable(lead_times())
        limits = limits.select(
            "cancer_type", "treatment_type", "of4_days", "valid_from", "valid_to"
        )
        limits = limits.mutate(
            valid_from=limits.valid_from.cast("date"), valid_to=limits.valid_to.cast("date")
        )
        start = table[rule.start]
        table = table.left_join(
            limits,
            [
                table.cancer_type == limits.cancer_type,
                table.treatment_type == limits.treatment_type,
                start >= limits.valid_from,
                limits.valid_to.isnull() | (start < limits.valid_to),
            ],
        )
        table = table.drop(*[c for c in table.columns if c.endswith("_right")])
        table = table.mutate(limit_days=table.of4_days)
        table = table.drop("of4_days", "valid_from", "valid_to")
    else:
        table = table.mutate(limit_days=ibis.literal(rule.days, "int64"))
    beyond = days > table.limit_days
    return table.mutate(within=beyond if rule.beyond else ~beyond)
