"""Patient-experience surveys (PasOpp-like answers)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from variatlas.synth.plan import Plan
from variatlas.synth.year import SEX_CODES, Year, ages_of, blank_where

SURVEY_ITEMS = ["information", "treatment", "involvement", "organisation", "overall"]


def surveys(
    y: Year,
    plan: Plan,
    write: Callable[[pa.Table], None],
    psychiatry: list[tuple[np.ndarray, np.ndarray]],
    care: list[tuple[np.ndarray, np.ndarray]],
) -> None:
    """PasOpp-like answers: psychiatric inpatients (by trust) and municipal care users."""
    parts: list[tuple[str, np.ndarray, np.ndarray | None, np.ndarray | None]] = []
    keys, hospitals = psychiatry[0]
    sample = y.rng.random(len(keys)) < 0.3
    parts.append(("psychiatry_inpatient", keys[sample], hospitals[sample], None))
    care_keys, care_cells = care[2]
    sample = y.rng.random(len(care_keys)) < 0.1
    parts.append(("municipal_care", care_keys[sample], None, care_cells[sample]))
    tables = []
    for survey, respondents, hospital, cells in parts:
        n = len(respondents)
        items = len(SURVEY_ITEMS)
        person = np.repeat(np.arange(n), items)
        shift = (
            np.zeros(n)
            if hospital is None
            else np.where(hospital == plan.experience_trust, -0.6, 0.0)
        )
        latent = (
            3.9 + shift[person] + y.rng.normal(0, 0.5, n)[person] + y.rng.normal(0, 0.8, n * items)
        )
        score = np.clip(np.rint(latent), 1, 5).astype(np.int64)
        answered = y.rng.random(n * items) > 0.05
        if cells is not None:
            resp_cells = cells[person]
            municipality = y.attribute("municipality", resp_cells).astype(object)
            district = y.attribute("district", resp_cells).astype(object)
            age = ages_of(y, resp_cells)
            sex = SEX_CODES[y.attribute("sex", resp_cells)]
        elif hospital is not None:
            # The psychiatric respondent's residence is drawn from the trust's own area.
            trusts = y.units.groupby("home_trust")["unit"].apply(np.asarray)
            unit = np.array([y.rng.choice(trusts.get(h, trusts.iloc[0])) for h in hospital])
            municipality = y.units["municipality"].to_numpy()[unit][person]
            district = y.units["district"].to_numpy()[unit][person]
            age = y.rng.integers(18, 85, n)[person]
            sex = SEX_CODES[y.rng.integers(0, 2, n)][person]
        tables.append(
            pa.table(
                {
                    "respondent_id": pa.array(
                        np.char.add(f"R{y.year}{survey[:3]}-", person.astype(str))
                    ),
                    "survey": pa.array(np.full(n * items, survey, dtype=object)),
                    "year": pa.array(np.full(n * items, y.year, dtype=np.int64)),
                    "hospital": pa.nulls(n * items, pa.string())
                    if hospital is None
                    else pa.array(hospital[person], type=pa.string()),
                    "municipality": pa.array(municipality),
                    "district": pa.array(blank_where(district == "", district)),
                    "age": pa.array(np.asarray(age, dtype=np.int64)),
                    "sex": pa.array(sex),
                    "item": pa.array(np.tile(np.array(SURVEY_ITEMS, dtype=object), n)),
                    "score": pa.array(np.where(answered, score, 0), mask=~answered),
                }
            )
        )
    write(pa.concat_tables(tables))
