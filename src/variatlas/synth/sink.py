"""Streaming writers: one contract file per table, written a year at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from variatlas.contract import TABLES
from variatlas.contract.schemas import arrow_schema

Format = Literal["parquet", "csv"]


def contract_schema(table: str) -> pa.Schema:
    """The Arrow schema synthetic files are written with (the contract's column order)."""
    return arrow_schema(TABLES[table])


class TableSink:
    """Appends Arrow tables to ``<out>/<table>.<format>``."""

    def __init__(self, out: Path, table: str, fmt: Format) -> None:
        self.path = out / f"{table}.{fmt}"
        self.schema = contract_schema(table)
        self.fmt = fmt
        self.rows = 0
        self._writer: pq.ParquetWriter | pacsv.CSVWriter | None = None

    def write(self, data: pa.Table) -> None:
        data = data.select(self.schema.names).cast(self.schema)
        if self._writer is None:
            if self.fmt == "parquet":
                self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
            else:
                self._writer = pacsv.CSVWriter(
                    self.path,
                    self.schema,
                    write_options=pacsv.WriteOptions(quoting_style="needed"),
                )
        self._writer.write_table(data)
        self.rows += data.num_rows

    def close(self) -> None:
        if self._writer is None:
            self.write(self.schema.empty_table())
        assert self._writer is not None
        self._writer.close()
