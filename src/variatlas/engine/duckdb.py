"""DuckDB through Ibis: embedded, the default engine."""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from variatlas.engine.base import EngineOptions


class DuckDBEngine:
    """An in-process DuckDB database with the input tables as views over Parquet."""

    name = "duckdb"

    def __init__(self, options: EngineOptions) -> None:
        settings = {"threads": options.threads} if options.threads else {}
        self.connection = ibis.duckdb.connect(**settings)
        self.tables: dict[str, ir.Table] = {}

    def register(self, name: str, path: Path) -> ir.Table:
        self.tables[name] = self.connection.read_parquet(str(path), table_name=name)
        return self.tables[name]

    def execute(self, expression: ir.Table) -> pd.DataFrame:
        return self.connection.to_pyarrow(expression).to_pandas()

    def close(self) -> None:
        self.connection.disconnect()
