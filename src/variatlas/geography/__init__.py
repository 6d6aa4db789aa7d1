"""Norwegian health geography: municipalities, city districts, referral areas, regions, trusts.

All data are shipped with the package (see ``data/SOURCE.md``). The reference structure is the
2024 municipality structure (357 municipalities) with SKDE's referral-area allocation of
10 April 2026; ``allocation="2022"`` gives SKDE's earlier allocation. SSB's classifications of the
municipalities (centrality, KOSTRA groups, commuting regions) are in ``classifications``.
"""

from variatlas.geography.areas import (
    NATION_CODE,
    OSLO,
    Coverage,
    Geography,
    ResidenceAssignment,
    load_geography,
)
from variatlas.geography.classifications import (
    CENTRALITY_CLASSES,
    centrality,
    commuting_regions,
    kostra_group_names,
    kostra_groups,
    peer_group_names,
    peer_groups,
)
from variatlas.geography.maps import county_boundaries, dps_boundaries, municipality_boundaries

__all__ = [
    "CENTRALITY_CLASSES",
    "NATION_CODE",
    "OSLO",
    "Coverage",
    "Geography",
    "ResidenceAssignment",
    "centrality",
    "commuting_regions",
    "county_boundaries",
    "dps_boundaries",
    "kostra_group_names",
    "kostra_groups",
    "load_geography",
    "municipality_boundaries",
    "peer_group_names",
    "peer_groups",
]
