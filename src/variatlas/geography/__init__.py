"""Norwegian health geography: municipalities, city districts, referral areas, regions, trusts.

All data are shipped with the package (see ``data/SOURCE.md``). The reference structure is the
2024 municipality structure (357 municipalities) with SKDE's referral-area allocation of
10 April 2026; ``allocation="2022"`` gives SKDE's earlier allocation.
"""

from variatlas.geography.areas import (
    NATION_CODE,
    OSLO,
    Coverage,
    Geography,
    ResidenceAssignment,
    load_geography,
)
from variatlas.geography.maps import county_boundaries, dps_boundaries, municipality_boundaries

__all__ = [
    "NATION_CODE",
    "OSLO",
    "Coverage",
    "Geography",
    "ResidenceAssignment",
    "county_boundaries",
    "dps_boundaries",
    "load_geography",
    "municipality_boundaries",
]
