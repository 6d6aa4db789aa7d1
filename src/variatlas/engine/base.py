"""What every engine is: the options that choose one, and the interface each implements.

In the ibis manner, one small class per backend (``engine/duckdb.py``, ``engine/spark.py``)
behind one interface, so that shared code never asks which engine it runs on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd

EngineName = Literal["duckdb", "spark"]
ENGINES: tuple[EngineName, ...] = ("duckdb", "spark")


@dataclass(frozen=True)
class EngineOptions:
    """Which engine runs the expressions, and how to reach it.

    ``spark_master`` is a Spark master URL (default ``local[*]``); ``spark_remote`` a Spark
    Connect URL (``sc://host:15002``), used instead of the master when given;
    ``spark_config`` adds Spark settings. ``threads`` limits DuckDB's threads.
    """

    name: EngineName = "duckdb"
    threads: int | None = None
    spark_master: str | None = None
    spark_remote: str | None = None
    spark_config: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise ValueError(f"the engine must be duckdb or spark, not {self.name!r}")
        spark_given = self.spark_master or self.spark_remote or self.spark_config
        if spark_given and self.name != "spark":
            raise ValueError("Spark options need --engine spark")
        if self.spark_master and self.spark_remote:
            raise ValueError("give a Spark master or a Spark Connect URL, not both")


class Engine(Protocol):
    """An engine with the accepted input tables registered as Ibis tables."""

    name: str
    tables: dict[str, ir.Table]

    def register(self, name: str, path: Path) -> ir.Table:
        """Register the Parquet file at ``path`` as table ``name``."""
        ...

    def execute(self, expression: ir.Table) -> pd.DataFrame:
        """Run an expression and return its (small) result."""
        ...

    def read_parquet(self, path: Path, *, lines: bool = False) -> ir.Table:
        """A Parquet file as a table; with ``lines``, its row numbers (from 1) as ``_line``."""
        ...

    def write_parquet(self, expression: ir.Table, path: Path) -> None:
        """Write an expression's rows to ``path`` (on the engine, without the driver)."""
        ...

    def close(self) -> None: ...


def open_engine(options: EngineOptions, accepted: Path | None = None) -> Engine:
    """Open the chosen engine, with every ``<table>.parquet`` of ``accepted`` registered."""
    engine: Any
    if options.name == "spark":
        from variatlas.engine.spark import SparkEngine

        engine = SparkEngine(options)
    else:
        from variatlas.engine.duckdb import DuckDBEngine

        engine = DuckDBEngine(options)
    for path in sorted(accepted.glob("*.parquet")) if accepted else ():
        engine.register(path.stem, path)
    return engine
