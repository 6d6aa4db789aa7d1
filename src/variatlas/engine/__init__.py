"""Engines: the compiled indicator expressions run on DuckDB (embedded default) or Spark.

``open_engine`` opens one with the accepted input registered as Ibis tables;
``compile_indicator`` builds an indicator's aggregate expressions; ``Engine.execute`` runs
them and returns small pandas frames.
"""

from variatlas.engine.base import ENGINES, Engine, EngineName, EngineOptions, open_engine
from variatlas.engine.compile import Compiled, compile_indicator

__all__ = [
    "ENGINES",
    "Compiled",
    "Engine",
    "EngineName",
    "EngineOptions",
    "compile_indicator",
    "open_engine",
]
