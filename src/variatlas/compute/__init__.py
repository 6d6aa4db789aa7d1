"""Computing indicator results and variation summaries on an engine."""

from variatlas.compute.run import ComputeOutput, compute_indicators, data_years

__all__ = ["ComputeOutput", "compute_indicators", "data_years"]
