"""Indicators that read the same table alike, counted in one scan.

Most indicators on a table differ only in which rows they count: children's admissions for
asthma, tonsillectomies, coercive admissions. Those are counted together, as conditional sums
of one grouped scan of the table (one pair of columns per indicator), instead of a scan each.
Each indicator's cells are then exactly what ``compile_indicator`` gives it alone; the
compliance suite and ``tests/engine/test_shared.py`` hold them to that.

What links rows to other rows (later episodes, pathways, deaths), counts persons once a year,
takes a first row, spreads a stay over days or measures durations and scores keeps its own
query: its rows are not the table's rows.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from variatlas.engine.compile import cell_columns, row_condition, with_cell_basics
from variatlas.indicators.model import Indicator

SHARED_KINDS = ("rate", "proportion", "coverage", "count")


def shares_a_scan(indicator: Indicator) -> bool:
    """The indicator counts rows of its table as they are: a condition on the row, nothing
    else (see the module's docstring)."""
    eligible = indicator.denominator or indicator.numerator
    counted = indicator.numerator if indicator.denominator is not None else None
    return (
        indicator.source != "aggregates"
        and indicator.kind in SHARED_KINDS
        and not indicator.derive
        and not indicator.links
        and eligible.count != "persons"
        and not (eligible.first_of or eligible.require or eligible.sum_days is not None)
        and not (eligible.in_progress_on or eligible.year_from)
        and not (counted is not None and (counted.within is not None or counted.require))
    )


@dataclass(frozen=True)
class SharedScan:
    """One grouped scan of ``source``: the cell columns ``keys`` and, per indicator, the
    column of its numerator and of its denominator (None for counts and rates)."""

    source: str
    cells: ir.Table
    keys: tuple[str, ...]
    columns: Mapping[str, tuple[str, str | None]]


def compile_shared(
    source: str, indicators: Sequence[Indicator], tables: Mapping[str, ir.Table], years: list[int]
) -> SharedScan:
    """The scan of ``source`` that counts every one of ``indicators`` (all ``shares_a_scan``,
    all on ``source``)."""
    first = indicators[0]
    base = with_cell_basics(tables[source], source, first.denominator or first.numerator, years)
    base = base.filter(base.year.isin(years))
    keys = cell_columns(base, first)
    sums: dict[str, ir.IntegerScalar] = {}
    columns: dict[str, tuple[str, str | None]] = {}
    conditions = [row_condition(base, (i.denominator or i.numerator)) for i in indicators]
    # Only the rows some indicator counts are grouped: most rows of a national table are not.
    base = base.filter(functools.reduce(operator.or_, conditions))
    for position, indicator in enumerate(indicators):
        eligible = indicator.denominator or indicator.numerator
        counted = indicator.numerator if indicator.denominator is not None else None
        condition = row_condition(base, eligible)
        if counted is None:
            sums[f"n{position}"] = _count_where(condition)
            columns[indicator.id] = (f"n{position}", None)
            continue
        sums[f"n{position}"] = _count_where(condition & row_condition(base, counted))
        sums[f"d{position}"] = _count_where(condition)
        columns[indicator.id] = (f"n{position}", f"d{position}")
    cells = base.group_by(keys).aggregate(**sums)
    return SharedScan(source, cells, tuple(keys), columns)


def _count_where(condition: ir.BooleanValue) -> ir.IntegerScalar:
    # A condition that is NULL (a comparison with an empty value) counts as false, as a filter
    # would take it.
    return ibis.cases((condition, 1), else_=0).cast("int64").sum()


def cells_of(scanned: pd.DataFrame, scan: SharedScan, indicator: str) -> pd.DataFrame:
    """One indicator's cells from the rows of its scan: the cells where it counted a row, with
    ``numerator`` (and ``denominator``), as its own query would give them."""
    numerator, denominator = scan.columns[indicator]
    present = scanned[scanned[denominator or numerator] > 0]
    picked = {numerator: "numerator", **({denominator: "denominator"} if denominator else {})}
    frame = present[[*scan.keys, *picked]].rename(columns=picked)
    return frame.astype({c: "int64" for c in picked.values()})
