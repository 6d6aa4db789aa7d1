"""Engines: the compiled indicator expressions run on DuckDB (embedded default) or Spark.

``open_tables`` returns Ibis tables of the accepted input for a backend; ``compile_indicator``
builds the aggregate expressions; ``execute`` runs them and returns small pandas frames.
"""

from variatlas.engine.backends import Backend, open_backend
from variatlas.engine.compile import Compiled, compile_indicator

__all__ = ["Backend", "Compiled", "compile_indicator", "open_backend"]
