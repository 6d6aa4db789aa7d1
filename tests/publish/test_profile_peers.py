"""A municipality among its peers (publish/profile_peers.py, publish/profile_compare.py): the
spread of its KOSTRA group's and centrality class's published values, its place, the best peer,
and the comparator tables of a profile, checked on small hand-made profile tables."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from variatlas.publish.atlas import words
from variatlas.publish.profile_compare import comparator_name, comparison_tables, peer_lines
from variatlas.publish.profile_peers import memberships, peer_spine, peer_table

# Five municipalities of KOSTRA group 11; Ålesund, Bodø, Sandefjord and Larvik are in
# centrality class 3, Moss in class 2.
GROUP_11 = {
    "1508": "Ålesund",
    "1804": "Bodø",
    "3103": "Moss",
    "3907": "Sandefjord",
    "3909": "Larvik",
}


def _table(
    values: dict[str, float], flags: dict[str, str] | None = None, shrunk=None
) -> pd.DataFrame:
    flags = flags or {}
    rows = [
        {
            "indicator": "x",
            "level": "municipality",
            "area": code,
            "area_name": GROUP_11[code],
            "period": "2022-2024",
            "value": np.nan if flags.get(code, "").startswith("suppressed") else value,
            "shrunk_value": (shrunk or {}).get(code, np.nan),
            "flag": flags.get(code, ""),
        }
        for code, value in values.items()
    ]
    return pd.DataFrame(rows)


def test_memberships_name_bodos_region_trust_referral_area_and_peer_groups() -> None:
    bodo = memberships().loc["1804"]
    assert (bodo["region"], bodo["referral_area"], bodo["health_trust"]) == ("1", "3", "nordland")
    assert (bodo["kostra_group"], bodo["centrality"]) == ("11", "3")
    # Haram's 2020 group cannot be known (split from Ålesund in 2024): no group, not a guess.
    assert memberships().loc["1580", "kostra_group"] == ""


def test_peers_spread_place_and_best_follow_the_published_values() -> None:
    table = _table({"1508": 1.0, "1804": 2.0, "3103": 3.0, "3907": 4.0, "3909": 5.0})
    found = peer_table(table, {"x": "higher_is_better"}).set_index("area")
    bodo = found.loc["1804"]
    # Spread of the five: quartiles by linear interpolation, as the country's spread is read.
    assert [bodo[f"kostra_group_{k}"] for k in ("lowest", "q25", "q75", "highest")] == [1, 2, 4, 5]
    assert bodo["kostra_group_count"] == 5 and bodo["kostra_group_rank"] == 4
    assert bodo["kostra_group_best"] == "3909" and bodo["kostra_group_best_value"] == 5.0
    # Centrality class 3 holds four of them (Moss is class 2).
    assert bodo["centrality_count"] == 4 and bodo["centrality_rank"] == 3
    assert found.loc["3103", "centrality_count"] == 1
    # The best names another municipality than itself.
    assert found.loc["3909", "kostra_group_best"] == "3907"


def test_lower_is_better_ranks_from_the_lowest_and_no_direction_names_no_best() -> None:
    table = _table({"1508": 1.0, "1804": 2.0, "3103": 3.0, "3907": 4.0, "3909": 5.0})
    lower = peer_table(table, {"x": "lower_is_better"}).set_index("area")
    assert lower.loc["1804", "kostra_group_rank"] == 2
    assert lower.loc["1804", "kostra_group_best"] == "1508"
    neutral = peer_table(table, {"x": "neutral"}).set_index("area")
    assert neutral.loc["1804", "kostra_group_best"] == ""


def test_a_hidden_peer_is_neither_counted_nor_ranked_nor_named() -> None:
    flags = {"3909": "suppressed_small_count"}
    table = _table({"1508": 1.0, "1804": 2.0, "3103": 3.0, "3907": 4.0, "3909": 99.0}, flags)
    found = peer_table(table, {"x": "higher_is_better"}).set_index("area")
    bodo = found.loc["1804"]
    assert bodo["kostra_group_count"] == 4 and bodo["kostra_group_highest"] == 4.0
    assert bodo["kostra_group_best"] == "3907"
    assert pd.isna(found.loc["3909", "kostra_group_rank"])


def test_the_best_peer_is_chosen_on_the_stable_estimate_and_shown_with_its_value() -> None:
    # Larvik's 5.0 rests on few cases: its stable estimate is pulled below Sandefjord's.
    shrunk = {"1508": 1.1, "1804": 2.0, "3103": 3.0, "3907": 3.9, "3909": 3.2}
    table = _table({"1508": 1.0, "1804": 2.0, "3103": 3.0, "3907": 4.0, "3909": 5.0}, shrunk=shrunk)
    bodo = peer_table(table, {"x": "higher_is_better"}).set_index("area").loc["1804"]
    assert bodo["kostra_group_best"] == "3907" and bodo["kostra_group_best_value"] == 4.0


def _entry() -> dict:
    return {"value": 2.0, "national": 3.0, "lowest": 0.0, "q25": 1.0, "q75": 4.0, "highest": 6.0,
            "compared": "lower"}  # fmt: skip


def test_the_peer_spine_draws_three_bands_on_one_scale_centred_on_the_country() -> None:
    peers = {"kostra_group_lowest": 1.0, "kostra_group_q25": 1.5, "kostra_group_q75": 2.5,
             "kostra_group_highest": 3.0, "centrality_lowest": np.nan}  # fmt: skip
    svg = str(peer_spine(_entry(), peers, "higher_is_better", 240, 16))
    assert svg.count('class="range band-') == 2  # no spread for a class without figures
    assert svg.count("<circle") == 3 and 'height="48"' in svg
    # The country (3.0) is the middle; its municipalities reach 3 either side: 6.0 at the right.
    assert 'x="8.0" y="4" width="224.0"' in svg
    # Lower is better: the scale turns, the higher value to the left.
    flipped = str(peer_spine(_entry(), peers, "lower_is_better", 240, 16))
    assert '<circle class="lower" cx="157.3"' in flipped
    assert '<circle class="lower" cx="82.7"' in svg


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_comparison_tables_name_the_comparator_its_interval_the_result_and_the_method(lang) -> None:
    w = words(lang)
    entry = {"id": "x", "title": "X", "href": "../x.html", "value": "2,0", "interval": "1 – 3",
             "hidden": False, "places": 1}  # fmt: skip
    found = {
        "x|kostra_group": {
            "comparator_area": "11",
            "comparator_value": 3.26,
            "comparator_lower": 3.0,
            "comparator_upper": 3.5,
            "comparison": "lower",
            "method": "interval",
        },
        "x|region": {
            "comparator_area": "1",
            "comparator_value": np.nan,
            "comparison": "not compared",
            "reason": "comparator suppressed",
            "method": "interval",
        },
        "x|target": {"comparator_value": 95.0, "comparison": "not met", "method": "target"},
        "x|previous": {
            "comparator_area": "1804",
            "comparator_period": "2019-2021",
            "comparator_value": 1.0,
            "comparison": "better",
            "method": "difference",
        },
    }
    tables = comparison_tables(
        [entry], found, {("region", "1"): "Helse Nord", ("referral_area", "1"): "Finnmark"}, lang, w
    )
    assert [t["comparator"] for t in tables] == ["region", "kostra_group", "target", "previous"]
    kostra = tables[1]["lines"][0]
    assert kostra["name"] == w["compare_kostra_group_named"].format(code="11")
    assert kostra["comparator_value"] == ("3.3" if lang == "en" else "3,3")
    assert kostra["result_words"] == w["compare_result_lower"]
    assert tables[0]["lines"][0]["name"] == "Helse Nord"
    hidden = tables[0]["lines"][0]["result_words"]
    assert hidden == f"{w['compare_result_none']}: {w['compare_reason_comparator_suppressed']}"
    assert kostra["method"] == w["compare_method_interval"]
    target, previous = tables[2]["lines"][0], tables[3]["lines"][0]
    assert (target["name"], target["result_words"]) == (
        w["compare_target"],
        w["compare_result_not_met"],
    )
    assert previous["name"] == w["compare_previous_named"].format(period="2019-2021")
    assert previous["method"] == w["compare_method_difference"]
    assert comparator_name("target", "", {}, w) == w["compare_target"]


def test_peer_lines_place_the_municipality_and_name_the_best_peers() -> None:
    w = words("en")
    table = _table({"1508": 1.0, "1804": 2.0, "3103": 3.0, "3907": 4.0, "3909": 5.0})
    found = peer_table(table, {"x": "higher_is_better"}).set_index("area").loc["1804"]
    entry = {"id": "x", "title": "X", "href": "../x.html", "value": "2.0", "places": 1}
    lines, best = peer_lines([entry], {"x": found.to_dict()}, "en", w)
    assert lines[0]["kostra_group"]["place"] == "4 of 5"
    assert lines[0]["kostra_group"]["range"] == "1.0 – 5.0"
    assert [(b["group"], b["name"], b["value"]) for b in best[0]["leaders"]] == [
        ("kostra_group", "Larvik", "5.0"),
        ("centrality", "Larvik", "5.0"),
    ]


def test_every_word_the_comparisons_use_exists_in_every_language() -> None:
    """The words compare.js, gradient.js and profile_compare.py name (``w.key`` or
    ``w["key"]``), and those they make from a comparator, a result or a reason."""
    from pathlib import Path

    from variatlas.publish.profile_compare import COMPARATORS
    from variatlas.publish.wording import strings

    publish = Path(__file__).resolve().parents[2] / "src" / "variatlas" / "publish"
    sources = [(publish / "static" / f"{name}.js").read_text() for name in ("compare", "gradient")]
    sources.append((publish / "profile_compare.py").read_text().replace('w["', "w."))
    used = {key for source in sources for key in re.findall(r"\bw\.(\w+)\b(?!\()", source)}
    used |= {f"compare_{c}" for c in COMPARATORS}
    used |= {f"compare_{g}_named" for g in ("kostra_group", "centrality")}
    outcomes = ("higher", "lower", "similar", "better", "worse", "met", "not_met", "none")
    used |= {f"compare_result_{o}" for o in outcomes}
    reasons = ("suppressed", "missing", "no_interval", "comparator_suppressed",
               "comparator_missing", "comparator_no_interval")  # fmt: skip
    used |= {f"compare_reason_{r}" for r in reasons}
    used |= {f"compare_method_{m}" for m in ("interval", "target", "difference")}
    used |= {f"gradient_none_{r}" for r in ("hidden", "no_denominator", "invalid")}
    words = strings()
    assert used - set(words) == set()
    assert all(set(words[key]) == {"nb", "nn", "en"} for key in used)
