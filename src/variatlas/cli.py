"""The ``variatlas`` command line: synthesise, validate, compute, publish and serve."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from variatlas.contract import FolderReport

app = typer.Typer(
    name="variatlas",
    help="Quality indicators and unwarranted variation in Norwegian health and care services: "
    "from registry extracts to an open atlas.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)


def _years(text: str) -> list[int]:
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text)
    if not match:
        raise typer.BadParameter(f"{text!r} is not a year or a range such as 2019-2024")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise typer.BadParameter(f"the range {text} ends before it starts")
    return list(range(first, last + 1))


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@app.command()
def synth(
    out: Annotated[Path, typer.Argument(help="Folder to write the contract tables into.")],
    years: Annotated[str, typer.Option(help="Years, e.g. 2019-2024.")] = "2019-2024",
    scale: Annotated[
        float, typer.Option(help="Share of Norway's population (1.0 is about 5.5 million).")
    ] = 0.05,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 1,
    format: Annotated[str, typer.Option(help="parquet or csv.")] = "parquet",
    corrupt: Annotated[
        float,
        typer.Option(help="Corrupt this share of rows (CSV only) and list them in corrupted.json."),
    ] = 0.0,
    published: Annotated[
        bool,
        typer.Option(help="Add SKDE's published Barnehelseatlas 2011–2014 as aggregates.csv."),
    ] = True,
) -> None:
    """Write a synthetic Norway (every contract table) with planted effects in truth.json."""
    from variatlas.synth import synthesize
    from variatlas.synth.corrupt import corrupt_folder

    if format not in ("parquet", "csv"):
        raise typer.BadParameter("format must be parquet or csv", param_hint="--format")
    if corrupt and format != "csv":
        raise typer.BadParameter("--corrupt works on CSV folders: add --format csv")
    if not 0 < scale <= 2:
        raise typer.BadParameter("scale must be above 0 and at most 2", param_hint="--scale")
    year_list = _years(years)
    with _progress() as progress:
        task = progress.add_task("Synthesising Norway", total=len(year_list))
        truth = synthesize(
            out,
            year_list,
            scale,
            seed,
            format,  # type: ignore[arg-type]
            on_year=lambda _: progress.advance(task),
        )
    table = Table(title=f"Synthetic Norway in {out}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in truth.counts.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    if corrupt:
        hit = corrupt_folder(out, corrupt, seed)
        console.print(f"Corrupted {sum(map(len, hit.values())):,} rows; see {out}/corrupted.json")


def _print_report(report: FolderReport, out: Path) -> None:
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
    if report.absent:
        console.print(f"Tables not in the folder: {', '.join(report.absent)}")
    console.print(
        f"Accepted rows are in {out / 'accepted'}, set-aside rows (with file, line, "
        f"column, value and rule) in {out / 'set_aside'}."
    )


@app.command()
def validate(
    input: Annotated[Path, typer.Argument(help="The input folder (contract tables).")],
    out: Annotated[
        Path | None,
        typer.Option(help="Where accepted and set-aside rows go (default: INPUT.validated)."),
    ] = None,
    allocation: Annotated[
        str, typer.Option(help="Referral-area allocation: 2026 (current) or 2022.")
    ] = "2026",
) -> None:
    """Check every table against the data contract; set aside bad rows with their reasons.

    Exits with 1 only when a file is refused whole (unreadable header or types).
    """
    from variatlas.geography.placement import prepare_input

    if not input.is_dir():
        errors.print(f"[red]The input folder {input} does not exist.[/red]")
        raise typer.Exit(2)
    if allocation not in ("2026", "2022"):
        raise typer.BadParameter("allocation must be 2026 or 2022", param_hint="--allocation")
    out = out or input.with_name(input.name + ".validated")
    with console.status("Validating") as status:
        report = prepare_input(
            input,
            out,
            allocation,  # type: ignore[arg-type]
            progress=lambda name: status.update(f"Validating {name}"),
        )
    _print_report(report, out)
    if report.refused:
        raise typer.Exit(1)


@app.command()
def compute(
    input: Annotated[
        Path, typer.Argument(help="The input folder, or a folder made by variatlas validate.")
    ],
    out: Annotated[Path, typer.Argument(help="Where results and variation summaries go.")],
    engine: Annotated[str, typer.Option(help="duckdb (embedded) or spark.")] = "duckdb",
    indicator: Annotated[
        list[str] | None, typer.Option(help="Compute only this indicator (repeatable).")
    ] = None,
    spark_master: Annotated[
        str | None, typer.Option(help="Spark master URL (default local[*]).")
    ] = None,
    spark_remote: Annotated[
        str | None, typer.Option(help="Spark Connect URL, e.g. sc://host:15002.")
    ] = None,
    spark_config: Annotated[
        Path | None,
        typer.Option(help='A JSON file of Spark settings, e.g. {"spark.driver.memory": "8g"}.'),
    ] = None,
) -> None:
    """Compute every catalogue indicator: results and variation summaries (Parquet and CSV)."""
    from variatlas.compute import compute as run
    from variatlas.indicators.model import load_catalogue

    catalogue = load_catalogue()
    unknown = [i for i in indicator or [] if i not in catalogue]
    if unknown:
        errors.print(
            f"[red]No indicator named {', '.join(unknown)}; "
            "`variatlas indicators` lists them.[/red]"
        )
        raise typer.Exit(2)
    if not input.is_dir():
        errors.print(f"[red]The input folder {input} does not exist.[/red]")
        raise typer.Exit(2)
    total = len(indicator) if indicator else len(catalogue)
    with _progress() as progress:
        task = progress.add_task("Computing indicators", total=total)

        def advance(name: str) -> None:
            progress.update(task, description=f"Computing {name}")
            progress.advance(task)

        try:
            output = run(
                input, out, engine=engine, indicators=indicator or None, on_indicator=advance
            )
        except ValueError as error:
            errors.print(f"[red]{error}[/red]")
            raise typer.Exit(1) from None
    _print_compute_summary(output, out)


def _print_compute_summary(output: object, out: Path) -> None:
    from variatlas.compute import ComputeOutput

    assert isinstance(output, ComputeOutput)
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
    for name, problem in output.problems.items():
        console.print(f"[yellow]{name} not computed: {problem}[/yellow]")
    console.print(f"Written to {out}: results and variation (.parquet, .csv), provenance.json.")


@app.command()
def publish(
    results: Annotated[Path, typer.Argument(help="A folder made by variatlas compute.")],
    site: Annotated[Path, typer.Argument(help="The publication folder (replaced atomically).")],
) -> None:
    """Suppress small numbers, then write open data, the API's files and the atlas to SITE."""
    import json as json_module

    import pandas as pd

    from variatlas.disclosure import disclose
    from variatlas.indicators.model import load_catalogue
    from variatlas.publish import publish as write_site
    from variatlas.publish.atlas import AssetsMissing, check_assets

    try:
        check_assets()
    except AssetsMissing as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    needed = [results / n for n in ("results.parquet", "variation.parquet", "provenance.json")]
    missing = [p.name for p in needed if not p.exists()]
    if missing:
        errors.print(
            f"[red]{results} has no {', '.join(missing)}: run variatlas compute first.[/red]"
        )
        raise typer.Exit(2)
    frame = pd.read_parquet(needed[0])
    catalogue = load_catalogue()
    with _progress() as progress:
        task = progress.add_task("Disclosure control", total=frame["indicator"].nunique())

        def advance(name: str) -> None:
            progress.update(task, description=f"Disclosure control: {name}")
            progress.advance(task)

        disclosed = disclose(
            frame,
            pd.read_parquet(needed[1]),
            json_module.loads(needed[2].read_text()),
            catalogue=catalogue,
            on_indicator=advance,
        )
    folder = write_site(disclosed, site, catalogue=catalogue)
    suppressed = disclosed.results["flag"].str.startswith("suppressed").sum()
    console.print(
        f"Published {disclosed.results['indicator'].nunique()} indicators "
        f"({len(disclosed.results):,} rows, {suppressed:,} suppressed) to {site} "
        f"→ {folder.name}."
    )


@app.command()
def serve(
    site: Annotated[Path, typer.Argument(help="A folder made by variatlas publish.")],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the atlas and the read-only JSON API (/api, docs at /api/docs)."""
    import uvicorn

    from variatlas.publish.api import create_app

    if not (site / "catalogue.json").exists():
        errors.print(f"[red]{site} is not a publication: run variatlas publish first.[/red]")
        raise typer.Exit(2)
    console.print(
        f"Serving the atlas in {site} at http://{host}:{port}/ (English: /en/; "
        "API docs: /api/docs). Ctrl-C stops."
    )
    uvicorn.run(create_app(site), host=host, port=port, log_level="warning")


@app.command()
def indicators() -> None:
    """List the indicator catalogue by theme."""
    from variatlas.indicators.model import load_catalogue

    table = Table(title="Indicator catalogue")
    for column in ("theme", "id", "kind", "title"):
        table.add_column(column)
    for item in load_catalogue().values():
        table.add_row(item.theme, item.id, item.kind, item.title.en)
    console.print(table)


@app.command()
def geography(
    what: Annotated[
        str,
        typer.Argument(help="municipalities, districts, referral-areas, regions or trusts."),
    ] = "referral-areas",
    allocation: Annotated[str, typer.Option(help="2026 or 2022.")] = "2026",
) -> None:
    """List the shipped geography: areas, their codes and names."""
    from variatlas.geography import load_geography

    if allocation not in ("2026", "2022"):
        raise typer.BadParameter("allocation must be 2026 or 2022", param_hint="--allocation")
    geo = load_geography("2022" if allocation == "2022" else "2026")
    frames = {
        "municipalities": geo.municipalities,
        "districts": geo.districts,
        "referral-areas": geo.referral_areas,
        "regions": geo.regions,
        "trusts": geo.trusts,
    }
    if what not in frames:
        raise typer.BadParameter(f"choose one of {', '.join(frames)}")
    frame = frames[what]
    table = Table(title=f"{what} ({allocation} allocation, {len(frame)} rows)")
    for column in frame.columns:
        table.add_column(str(column))
    for row in frame.fillna("").astype(str).itertuples(index=False):
        table.add_row(*row)
    console.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
