"""What the commands print: progress bars, the validation report, the compute summary."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from variatlas.compute import ComputeOutput
    from variatlas.contract import FolderReport

console = Console()
errors = Console(stderr=True)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def print_report(report: FolderReport, out: Path) -> None:
    table = Table(title=f"Validation of {report.input}")
    for column in ("file", "read", "accepted", "set aside", "top reasons"):
        table.add_column(
            column, justify="right" if column in ("read", "accepted", "set aside") else "left"
        )
    for _name, r in report.tables.items():
        if r.refused:
            table.add_row(r.file, "", "", "", f"[red]refused: {r.refused}[/red]")
            continue
        reasons = "\n".join(f"{count:,} × {reason}" for reason, count in r.top_reasons())
        notes = "\n".join(f"[dim]{count:,} × {note}[/dim]" for note, count in r.notes.items())
        table.add_row(
            r.file,
            f"{r.rows_read:,}",
            f"{r.rows_accepted:,}",
            f"{r.rows_set_aside:,}",
            "\n".join(x for x in (reasons, notes) if x),
        )
    console.print(table)
    for r in report.tables.values():
        if r.inferred:
            console.print(f"{r.file}, found out rather than given: {'; '.join(r.inferred)}.")
    from variatlas.contract import TABLES

    absent = [name for name in report.absent if not TABLES[name].replaces_shipped]
    shipped = [name for name in report.absent if TABLES[name].replaces_shipped]
    if absent:
        console.print(f"Tables not in the folder: {', '.join(absent)}")
    if shipped:
        console.print(f"The shipped {', '.join(shipped)} table is used (the input has none).")
    console.print(
        f"Accepted rows are in {out / 'accepted'}, set-aside rows (with file, line, "
        f"column, value and rule) in {out / 'set_aside'}."
    )


def print_compute_summary(output: ComputeOutput, out: Path) -> None:
    results, variation = output.results, output.variation
    console.print(
        f"{results['indicator'].nunique()} indicators, {len(results):,} results, "
        f"{results.loc[results['level'] == 'municipality', 'area'].nunique()} municipalities, "
        f"{results.loc[results['level'] == 'referral_area', 'area'].nunique()} referral areas."
    )
    areas = variation[
        (variation["level"] == "referral_area")
        & (variation["sex"] == "all")
        & variation["scv"].notna()
    ]
    if len(areas):
        latest = areas[areas["period"] == areas["period"].max()]
        top = latest.sort_values("scv", ascending=False).head(5)
        table = Table(
            title=f"Largest variation between referral areas ({latest['period'].iloc[0]})"
        )
        for column in ("indicator", "FT", "CV", "SCV", "class", "outside 99.8 %"):
            table.add_column(column)
        for row in top.itertuples():
            table.add_row(
                row.indicator,
                f"{row.ft:.1f}",
                f"{row.cv:.1f}",
                f"{row.scv:.1f}",
                row.scv_class,
                str(row.outside_998),
            )
        console.print(table)
    if output.problems:
        table = Table(title=f"{len(output.problems)} indicators not computed")
        table.add_column("indicator")
        table.add_column("why")
        for name, problem in output.problems.items():
            table.add_row(name, problem)
        console.print(table)
    for name, tables in output.assumed_empty.items():
        console.print(
            f"[dim]{name}: the optional {', '.join(tables)} table is absent, taken as empty[/dim]"
        )
    reuse = output.reuse
    if reuse.get("from"):
        console.print(
            f"Reused {reuse['from']}: {reuse['years_read']} indicator-years read again "
            f"({reuse['years_reused']} kept), {reuse['periods_computed']} indicator-periods "
            f"computed again ({reuse['periods_reused']} kept)"
            + ("; nothing changed." if reuse.get("unchanged") else ".")
        )
    console.print(f"Written to {out}: results and variation (.parquet, .csv), provenance.json.")
