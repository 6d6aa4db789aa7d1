"""Apache Spark through Ibis: the same compiled expressions, on a cluster or local[*]."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from variatlas.engine.base import EngineOptions

LOG_SETTINGS = Path(str(resources.files("variatlas.engine").joinpath("data/log4j2.properties")))
DEFAULT_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "8",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{LOG_SETTINGS}",
}


def spark_log() -> Path:
    """Where the driver's JVM writes its console (Spark's errors, the JVM's own warnings)."""
    return Path(tempfile.gettempdir()) / f"variatlas-spark-{os.getuid()}.log"


@contextlib.contextmanager
def _jvm_console_to_log() -> Iterator[None]:
    """The JVM that pyspark starts inherits this process's stderr: point it at the log file
    while it starts, so that Spark's chatter never reaches the user's terminal."""
    saved = os.dup(2)
    with spark_log().open("a") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _view_name() -> str:
    return f"variatlas_{uuid.uuid4().hex[:12]}"


def spark_session(options: EngineOptions) -> Any:
    """The Spark session the options ask for.

    ``spark_remote`` (Spark Connect) is used instead of ``spark_master`` when given; the
    master defaults to ``local[*]``. A running session of another master is stopped first:
    Spark would otherwise hand it back and silently ignore the master asked for. The
    settings (``DEFAULT_SETTINGS`` then ``spark_config``) are given to the builder and, for
    a session that was already running, set again where Spark allows it at run time.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "the Spark engine needs pyspark: pip install 'variatlas[spark]' (and Java 17)"
        ) from error
    settings = {**DEFAULT_SETTINGS, **options.spark_config}
    builder = SparkSession.builder.appName(settings.get("spark.app.name", "variatlas"))
    if options.spark_remote:
        builder = builder.remote(options.spark_remote)
    else:
        master = options.spark_master or "local[*]"
        running = SparkSession.getActiveSession()
        if running is not None and running.sparkContext.master != master:
            running.stop()
        builder = builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    with _jvm_console_to_log():
        session = builder.getOrCreate()
    for key, value in settings.items():
        if session.conf.get(key, None) != value and session.conf.isModifiable(key):
            session.conf.set(key, value)
    return session


class SparkEngine:
    """A Spark session (local, a cluster's master, or Spark Connect) through Ibis."""

    name = "spark"

    def __init__(self, options: EngineOptions) -> None:
        import ibis

        self.session = spark_session(options)
        self.connection = ibis.pyspark.connect(self.session)
        self.tables: dict[str, ir.Table] = {}

    def register(self, name: str, path: Path) -> ir.Table:
        # Spark reads the file itself, on its executors: give it an absolute location.
        self.tables[name] = self.connection.read_parquet(str(path.resolve()), table_name=name)
        return self.tables[name]

    def execute(self, expression: ir.Table) -> pd.DataFrame:
        return self.connection.execute(expression)

    def read_parquet(self, path: Path, *, lines: bool = False) -> ir.Table:
        """A Parquet file (or folder); with ``lines``, its row numbers from 1 as ``_line``
        (Spark's ``_metadata.row_index``, the row's position in its file)."""
        location = str(path.resolve())
        if not lines:
            return self.connection.read_parquet(location)
        frame = self.session.read.parquet(location)
        frame = frame.select("*", (frame["_metadata.row_index"] + 1).alias("_line"))
        return self._register(frame)

    def _register(self, frame: Any) -> ir.Table:
        name = _view_name()
        frame.createOrReplaceTempView(name)
        return self.connection.table(name)

    def write_parquet(self, expression: ir.Table, path: Path) -> None:
        self.connection.to_parquet(expression, str(path.resolve()), mode="overwrite")

    def close(self) -> None:
        """Nothing: the session is shared and reused; Spark stops it at exit."""
