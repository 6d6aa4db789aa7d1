"""The input data contract: table schemas, reading files as they come, and validation.

``validate_folder`` reads every contract table present in an input folder; each row read is
either accepted (typed, to ``accepted/<table>.parquet``) or set aside with the file, line,
column, value and rule (to ``set_aside/<table>.parquet`` and ``.csv``). The rules run as
engine expressions (``checks``) on whatever ``Store`` the caller hands in (DuckDB or Spark).
"""

from variatlas.contract.files import RefusedFile
from variatlas.contract.report import FolderReport, TableReport
from variatlas.contract.schemas import TABLES, Column, Table
from variatlas.contract.validation import (
    Placement,
    ReadOptions,
    Store,
    shipped_population,
    validate_folder,
    validate_table,
)

__all__ = [
    "TABLES",
    "Column",
    "FolderReport",
    "Placement",
    "ReadOptions",
    "RefusedFile",
    "Store",
    "Table",
    "TableReport",
    "shipped_population",
    "validate_folder",
    "validate_table",
]
