"""The commands of ``variatlas``: each parses its options, calls the pipeline and reports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from variatlas.cli.failures import DEBUG, reported
from variatlas.cli.report import console, errors, print_compute_summary, print_report, progress_bar

if TYPE_CHECKING:
    from variatlas.contract import ReadOptions
    from variatlas.engine import EngineOptions

app = typer.Typer(
    name="variatlas",
    help="Quality indicators and unwarranted variation in Norwegian health and care services: "
    "from registry extracts to an open atlas.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the Python trace when a command fails.")
    ] = False,
) -> None:
    """Quality indicators and unwarranted variation in Norwegian health and care services."""
    if debug:
        DEBUG["on"] = True


Encoding = Annotated[
    str | None,
    typer.Option(help="Encoding of the CSV files (default: found out; utf-8, cp1252, latin-1)."),
]
Delimiter = Annotated[
    str | None,
    typer.Option(help="Delimiter of the CSV files (default: found out from the header)."),
]
Population = Annotated[
    str | None,
    typer.Option(
        help="ssb: use the shipped population of Norway (SSB, 2010–2026) for an input "
        "without a population table."
    ),
]
EngineName = Annotated[str, typer.Option(help="duckdb (embedded) or spark.")]
SparkMaster = Annotated[
    str | None,
    typer.Option(help="Spark master URL, e.g. spark://host:7077 or yarn (default local[*])."),
]
SparkRemote = Annotated[str | None, typer.Option(help="Spark Connect URL, e.g. sc://host:15002.")]
SparkConfig = Annotated[
    Path | None,
    typer.Option(help='A JSON file of Spark settings, e.g. {"spark.driver.memory": "8g"}.'),
]


def _read_options(
    encoding: str | None, delimiter: str | None, population: str | None = None
) -> ReadOptions:
    import codecs

    from variatlas.contract import ReadOptions

    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise typer.BadParameter(
                f"{encoding!r} is not an encoding", param_hint="--encoding"
            ) from None
    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise typer.BadParameter("give one character, or tab", param_hint="--delimiter")
    if population not in (None, "ssb"):
        raise typer.BadParameter("the shipped population is ssb", param_hint="--population")
    return ReadOptions(encoding=encoding, delimiter=delimiter, population=population)


def _years(text: str) -> list[int]:
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text)
    if not match:
        raise typer.BadParameter(f"{text!r} is not a year or a range such as 2019-2024")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise typer.BadParameter(f"the range {text} ends before it starts")
    return list(range(first, last + 1))


@app.command()
@reported
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
        typer.Option(help="Add SKDE's published atlas figures (2011–2024) as aggregates.csv."),
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
    with progress_bar() as progress:
        task = progress.add_task("Synthesising Norway", total=len(year_list))
        truth = synthesize(
            out,
            year_list,
            scale,
            seed,
            format,  # type: ignore[arg-type]
            on_year=lambda _: progress.advance(task),
            published=published,
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


@app.command()
@reported
def validate(
    input: Annotated[Path, typer.Argument(help="The input folder (contract tables).")],
    out: Annotated[
        Path | None,
        typer.Option(help="Where accepted and set-aside rows go (default: INPUT.validated)."),
    ] = None,
    allocation: Annotated[
        str, typer.Option(help="Referral-area allocation: 2026 (current) or 2022.")
    ] = "2026",
    encoding: Encoding = None,
    delimiter: Delimiter = None,
    population: Population = None,
    engine: EngineName = "duckdb",
    spark_master: SparkMaster = None,
    spark_remote: SparkRemote = None,
    spark_config: SparkConfig = None,
) -> None:
    """Check every table against the data contract; set aside bad rows with their reasons.

    Exits with 1 only when a file is refused whole (unreadable header or types).
    """
    from variatlas.geography import load_geography
    from variatlas.pipeline import validate as run

    options = _engine_options(engine, spark_master, spark_remote, spark_config)

    if not input.is_dir():
        errors.print(f"[red]The input folder {input} does not exist.[/red]")
        raise typer.Exit(2)
    if allocation not in ("2026", "2022"):
        raise typer.BadParameter("allocation must be 2026 or 2022", param_hint="--allocation")
    out = out or input.with_name(input.name + ".validated")
    with console.status("Validating") as status:
        report = run(
            input,
            out,
            geography=load_geography(allocation),
            engine=options,
            read=_read_options(encoding, delimiter, population),
            progress=lambda name: status.update(f"Validating {name}"),
        )
    print_report(report, out)
    if report.refused:
        raise typer.Exit(1)


@app.command()
@reported
def compute(
    input: Annotated[
        Path, typer.Argument(help="The input folder, or a folder made by variatlas validate.")
    ],
    out: Annotated[Path, typer.Argument(help="Where results and variation summaries go.")],
    engine: EngineName = "duckdb",
    indicator: Annotated[
        list[str] | None, typer.Option(help="Compute only this indicator (repeatable).")
    ] = None,
    spark_master: SparkMaster = None,
    spark_remote: SparkRemote = None,
    encoding: Encoding = None,
    delimiter: Delimiter = None,
    population: Population = None,
    spark_config: SparkConfig = None,
    full: Annotated[bool, typer.Option("--full", help="Reuse nothing of OUT's last run.")] = False,
) -> None:
    """Compute every catalogue indicator: results and variation summaries (Parquet and CSV)."""
    from variatlas.geography import load_geography
    from variatlas.indicators.model import load_catalogue
    from variatlas.pipeline import compute as run

    options = _engine_options(engine, spark_master, spark_remote, spark_config)
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
    with progress_bar() as progress:
        task = progress.add_task("Computing indicators", total=total)

        def advance(name: str) -> None:
            progress.update(task, description=f"Computing {name}")
            progress.advance(task)

        output = run(
            input,
            out,
            catalogue=catalogue,
            geography=load_geography(),
            engine=options,
            read=_read_options(encoding, delimiter, population),
            indicators=indicator or None,
            on_indicator=advance,
            full=full,
        )
    print_compute_summary(output, out)


def _engine_options(
    engine: str, master: str | None, remote: str | None, config: Path | None
) -> EngineOptions:
    """The engine options of the command line; a bad combination is a usage error."""
    import json

    from variatlas.engine import EngineOptions

    settings: dict[str, str] = {}
    if config is not None:
        try:
            loaded = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise typer.BadParameter(
                f"{config} is not a readable JSON file ({error})", param_hint="--spark-config"
            ) from None
        if not isinstance(loaded, dict):
            raise typer.BadParameter(
                f"{config} must hold a JSON object of Spark settings", param_hint="--spark-config"
            )
        settings = {str(k): str(v) for k, v in loaded.items()}
    try:
        return EngineOptions(
            name=engine,  # type: ignore[arg-type]
            spark_master=master,
            spark_remote=remote,
            spark_config=settings,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--engine") from None


@app.command()
@reported
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
@reported
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
