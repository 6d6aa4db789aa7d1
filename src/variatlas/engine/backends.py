"""Backends: where the compiled expressions run. DuckDB is embedded; Spark is opt-in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd


@dataclass
class Backend:
    """An Ibis connection with the accepted input tables registered."""

    name: str
    connection: Any
    tables: dict[str, ir.Table] = field(default_factory=dict)

    def execute(self, expression: ir.Table) -> pd.DataFrame:
        if self.name == "spark":
            return self.connection.execute(expression)
        return self.connection.to_pyarrow(expression).to_pandas()

    def close(self) -> None:
        if self.name == "spark":
            return  # the session is shared and reused; Spark stops it at exit
        disconnect = getattr(self.connection, "disconnect", None)
        if disconnect is not None:
            disconnect()


def open_backend(accepted: Path, engine: str = "duckdb", **options: Any) -> Backend:
    """Open ``engine`` on the accepted tables in ``accepted`` (``<table>.parquet`` files)."""
    if engine == "duckdb":
        settings = {"threads": options["threads"]} if options.get("threads") else {}
        connection = ibis.duckdb.connect(**settings)
    elif engine == "spark":
        from variatlas.engine.spark import connect_spark

        connection = connect_spark(**options)
        accepted = accepted.resolve()
    else:
        raise ValueError(f"engine must be duckdb or spark, not {engine!r}")
    backend = Backend(engine, connection)
    for path in sorted(accepted.glob("*.parquet")):
        backend.tables[path.stem] = connection.read_parquet(str(path), table_name=path.stem)
    return backend
