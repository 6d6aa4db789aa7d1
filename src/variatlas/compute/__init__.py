"""Computing indicator results and variation summaries from validated input."""

from variatlas.compute.run import ComputeOutput, compute

__all__ = ["ComputeOutput", "compute"]
