"""The keys of an incremental compute: what each piece of a run was made from.

Two kinds of piece are kept between runs (``variatlas.compute.reuse``):

- an indicator's *cells for one year* (the engine's aggregated counts), keyed by the code,
  the engine, the indicator's definition hash and the digests of the partitions of the input
  tables that year's cells are read from (``engine_key``);
- an indicator's *results for one period* (its rows and variation summaries), keyed by the
  code, the definition, the digests of the cells of the period's years, the population of
  those years where it is a rate, the reference population where it is directly
  standardised, the need covariate's inputs and what the areas are compared with
  (``period_keys``).

Which partitions a year's cells are read from (``read_rules``): a row counts in the year of
its date, so the year's own partition, unless the indicator looks further. The first row
ever, or what is in progress on a day of the year, looks at every earlier year (``UP_TO``);
a year taken from another column (a birth year), links to other rows (later episodes,
deaths, pathways) and the lead times look at every year (``ALL``). That is safe and, for
links, more than needed; the cells read again are then compared by their content, so that
a period whose cells did not change is still not computed again.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

import variatlas
from variatlas.engine.partitions import WHOLE, TableDigest
from variatlas.indicators.model import Indicator

YEAR, UP_TO, ALL = "year", "up_to", "all"
"""How much of a table one year's cells depend on: that year, every year to it, every year."""
_WIDTH = {YEAR: 0, UP_TO: 1, ALL: 2}

CODE_FOLDERS_LEFT_OUT = ("publish", "documents", "cli", "synth", "catalogue", "__pycache__")
"""Parts of the package that do not make results (an indicator's definition is keyed by its
own hash, not by the catalogue's files)."""
LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "pyarrow", "duckdb", "ibis-framework")


def digest(*parts: object) -> str:
    """A short SHA-256 of JSON-able parts."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@cache
def code_digest() -> str:
    """The code that makes results: the package's modules and data (geography, lead times,
    the shipped population), Python and the numerical libraries' versions. Any change to
    them makes every key new: what a changed method computes is computed again."""
    root = Path(variatlas.__file__).parent
    hashed = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or path.suffix == ".pyc":
            continue
        if any(part in CODE_FOLDERS_LEFT_OUT for part in relative.parts):
            continue
        hashed.update(str(relative).encode())
        hashed.update(path.read_bytes())
    versions = []
    for library in LIBRARIES:
        try:
            versions.append(f"{library}={metadata.version(library)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{library}=absent")
    hashed.update("|".join([platform.python_version(), *versions]).encode())
    return hashed.hexdigest()[:32]


def read_rules(indicator: Indicator) -> dict[str, str]:
    """Every input table one year's cells of ``indicator`` are read from, and how much of it
    (``YEAR``, ``UP_TO`` or ``ALL``: see the module's docstring)."""
    eligible = indicator.denominator or indicator.numerator
    counted = indicator.numerator if indicator.denominator is not None else None
    rule = YEAR
    if eligible.year_from:
        rule = ALL
    elif eligible.first_of or eligible.in_progress_on:
        rule = UP_TO
    rules: dict[str, str] = {indicator.source: rule}
    for link in indicator.links.values():
        rules[link.table] = ALL
    for selection in (eligible, counted):
        if selection is not None and selection.within and selection.within.lead_time_table:
            rules["cancer_lead_times"] = ALL
    return rules


def _parts(table: TableDigest | None, rule: str, year: int) -> list[tuple[str, str]]:
    if table is None:
        return [("absent", "")]
    parts = table.parts
    if rule == ALL or WHOLE in parts:
        chosen = list(parts)
    elif rule == UP_TO:
        chosen = [p for p in parts if not p.isdigit() or int(p) <= year]
    else:
        chosen = [str(year)]
    return sorted((p, parts.get(p, "")) for p in chosen)


def engine_keys(
    indicator: Indicator,
    definition: str,
    years: list[int],
    tables: Mapping[str, TableDigest],
    engine: str,
) -> dict[int, str]:
    """The key of ``indicator``'s cells for each year (see the module's docstring);
    ``definition`` is its definition hash (taken once: it is a dump of the whole model)."""
    rules = sorted(read_rules(indicator).items())
    found = {}
    for year in years:
        read = [(name, rule, _parts(tables.get(name), rule, year)) for name, rule in rules]
        found[year] = digest("cells", code_digest(), engine, definition, year, read)
    return found


def cells_digests(cells: pd.DataFrame, years: list[int]) -> dict[int, str]:
    """A digest of the cells of each year, from their content (columns and rows, in the
    fixed order ``reading.in_order`` gives them)."""
    rows = pd.util.hash_pandas_object(cells, index=False).to_numpy()
    year = cells["year"].to_numpy() if "year" in cells else np.zeros(len(cells))
    columns = ",".join(f"{c}:{cells[c].dtype}" for c in cells.columns).encode()
    found = {}
    for y in years:
        hashed = hashlib.sha256(columns)
        hashed.update(rows[year == y].tobytes())
        found[y] = hashed.hexdigest()[:32]
    return found


def period_keys(
    indicator: Indicator,
    definition: str,
    labels: list[tuple[str, list[int]]],
    cells: Mapping[int, str],
    tables: Mapping[str, TableDigest],
    context: str,
) -> dict[str, str]:
    """The key of ``indicator``'s results for each period (label and its years), from the
    digests of its cells (``cells``, by year) and of the tables beside them."""
    population = tables.get("population")
    people = population.parts if population is not None else {}
    last = max(y for _, members in labels for y in members)
    facts = tables.get("municipal_facts")
    found = {}
    for period, members in labels:
        beside: list[object] = []
        if indicator.population is not None:
            beside.append(("population", [people.get(str(y), "") for y in members]))
            if indicator.standardisation.method == "direct":
                # Directly standardised to the population of the last year: a new year
                # changes every period's rates.
                beside.append(("standard", last, people.get(str(last), "")))
        if indicator.need_covariate:
            parts = sorted(facts.parts.items()) if facts else None
            beside.append(("need", parts, people.get(str(last))))
        found[period] = digest(
            "period",
            code_digest(),
            definition,
            context,
            period,
            [cells.get(y, "") for y in members],
            beside,
        )
    return found


def published_key(
    definition: str, indicator: str, tables: Mapping[str, TableDigest], context: str
) -> str:
    """The key of a published-figures indicator's results: its rows of the aggregates table
    (a partition of its own: ``engine.partitions``)."""
    aggregates = tables.get("aggregates")
    rows = aggregates.parts.get(indicator, "") if aggregates is not None else None
    return digest("published", code_digest(), definition, context, rows)
