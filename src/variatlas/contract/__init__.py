"""The input data contract: table schemas, reading CSV/Parquet, and validation.

``validate_folder`` reads every contract table present in an input folder; each row read is
either accepted (typed, to ``accepted/<table>.parquet``) or set aside with the file, line,
column, value and rule (to ``set_aside/<table>.parquet`` and ``.csv``).
"""

from variatlas.contract.reading import RefusedFile
from variatlas.contract.schemas import TABLES, Column, Table
from variatlas.contract.validation import (
    FolderReport,
    Placement,
    TableReport,
    validate_folder,
    validate_table,
)

__all__ = [
    "TABLES",
    "Column",
    "FolderReport",
    "Placement",
    "RefusedFile",
    "Table",
    "TableReport",
    "validate_folder",
    "validate_table",
]
