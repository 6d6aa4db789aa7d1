"""The declarative indicator catalogue: one YAML file per indicator (see docs/indicators.md)."""

from variatlas.indicators.model import CatalogueError, Indicator, load_catalogue, load_indicator

__all__ = ["CatalogueError", "Indicator", "load_catalogue", "load_indicator"]
