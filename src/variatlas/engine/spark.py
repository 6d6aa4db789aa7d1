"""Apache Spark through Ibis: the same compiled expressions, on a cluster or local[*]."""

from __future__ import annotations

from typing import Any


def connect_spark(
    master: str | None = None,
    remote: str | None = None,
    config: dict[str, str] | None = None,
    **_: Any,
) -> Any:
    """An Ibis PySpark connection.

    ``master`` is a Spark master URL (default ``local[*]``); ``remote`` a Spark Connect URL
    (``sc://host:15002``), used instead of ``master`` when given. ``config`` adds Spark
    settings (``spark.driver.memory`` and the like). Parquet input is read by Spark itself.
    """
    try:
        import ibis
        from pyspark.sql import SparkSession
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "the Spark engine needs pyspark: pip install 'variatlas[spark]' (and Java 17)"
        ) from error
    builder = SparkSession.builder.appName("variatlas")
    builder = builder.remote(remote) if remote else builder.master(master or "local[*]")
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "8",
        "spark.ui.enabled": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
    }
    settings.update(config or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    return ibis.pyspark.connect(session)
