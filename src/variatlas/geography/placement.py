"""Placing validated rows in the geography; rows with unknown codes are set aside.

``placement_for`` makes the hook that ``variatlas.contract`` validation runs on accepted rows.
"""

from __future__ import annotations

import pandas as pd

from variatlas.contract import Placement
from variatlas.geography.areas import Geography


def _failure(frame: pd.DataFrame, mask: pd.Series, column: str, rule: pd.Series) -> pd.DataFrame:
    if not mask.any():
        return pd.DataFrame(columns=["column", "value", "rule"])
    return pd.DataFrame(
        {"column": column, "value": frame.loc[mask, column].astype(str), "rule": rule[mask]},
        index=frame.index[mask.to_numpy()],
    )


def placement_for(geography: Geography) -> Placement:
    """The hook that adds referral area and region to rows with a residence, and checks trusts."""
    trusts = geography.trusts.set_index("code")

    def place(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        failures = []
        if "municipality" in frame:
            district = frame.get("district", None)
            residence = geography.assign_residence(frame["municipality"], district)
            reason = residence.reason
            bad_district = reason.str.startswith("district")
            bad_municipality = (reason != "") & ~bad_district
            failures.append(_failure(frame, bad_municipality, "municipality", reason))
            failures.append(_failure(frame, bad_district, "district", reason))
            frame = frame.assign(
                municipality=residence.municipality.astype("string"),
                referral_area=residence.referral_area.astype("string"),
                region=residence.region.astype("string"),
                residence_note=residence.note.astype("string"),
            )
            if "district" in frame:
                frame["district"] = residence.district.astype("string")
        if "hospital" in frame:
            unknown = frame["hospital"].notna() & ~frame["hospital"].isin(trusts.index)
            rule = pd.Series(
                "is not a known health trust code (see variatlas geography trusts)",
                index=frame.index,
            )
            failures.append(_failure(frame, unknown, "hospital", rule))
            frame = frame.assign(
                hospital_region=frame["hospital"].map(trusts["region"]).astype("string")
            )
        found = [f for f in failures if len(f)]
        return frame, (
            pd.concat(found) if found else pd.DataFrame(columns=["column", "value", "rule"])
        )

    return place
