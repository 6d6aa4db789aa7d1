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

__all__ = [
    "NATION_CODE",
    "OSLO",
    "Coverage",
    "Geography",
    "ResidenceAssignment",
    "load_geography",
]
