"""The atlas's files, its words and what its pages draw (the browser tests drive the pages)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from variatlas.indicators import load_catalogue
from variatlas.indicators.model import THEMES
from variatlas.publish.atlas import LEVEL_ORDER
from variatlas.publish.wording import LANGUAGES, finding, number, reading, strings

PUBLISH = Path(__file__).resolve().parents[2] / "src" / "variatlas" / "publish"


def test_every_word_has_every_language_and_every_used_word_exists() -> None:
    words = strings()
    assert all(set(text) == set(LANGUAGES) and all(text.values()) for text in words.values())
    sources = [p.read_text() for p in (PUBLISH / "templates").glob("*.html")]
    sources += [p.read_text() for p in (PUBLISH / "static").glob("*.js")]
    sources.append((PUBLISH / "profiles.py").read_text().replace('w["', "w."))
    used = {key for source in sources for key in re.findall(r"\bw\.(\w+)", source)}
    catalogue = load_catalogue().values()
    used |= {f"theme_{t}" for t in THEMES} | {f"sex_{s}" for s in ("all", "M", "F")}
    used |= {f"level_{lv}" for lv in LEVEL_ORDER} | {f"levels_{lv}" for lv in LEVEL_ORDER}
    used |= {f"direction_{i.direction}" for i in catalogue}
    used |= {f"standardisation_{i.standardisation.method}" for i in catalogue}
    sides = ("better", "worse", "similar", "higher", "lower", "none")
    used |= {f"compared_{side}" for side in sides}
    used |= {f"trend_{t}" for t in ("increasing", "decreasing", "no_change", "not_computed")}
    assert used - set(words) == set()
    for key in words:
        if "@" in key:
            assert key.split("@")[0] in words, key


def test_numbers_are_written_as_each_language_writes_them() -> None:
    assert number(1234.56, "nb", 1) == "1\u00a0234,6"
    assert number(1234.56, "en", 1) == "1,234.6"
    assert number(-0.25, "nb", 2) == "−0,25"
    assert number(1234.56, "nn", 1) == "1\u00a0234,6"
    assert number(float("nan"), "en") == "–"


SUMMARY = {
    "level": "referral_area",
    "period": "2022-2024",
    "sex": "all",
    "areas": 21,
    "national_value": 4.39,
    "min": 3.07,
    "max": 8.66,
    "ft": 2.82,
    "scv": 12.4,
    "scv_class": "very high",
    "phi": 2.7,
    "tau2": 0.01,
    "outside_998": 3,
    "high_998": 2,
    "low_998": 1,
    "persistent_outliers": 1.0,
    "persistent_outlier_areas": "22",
    "need_explained": float("nan"),
}


def test_the_front_page_finding_reads_the_summary() -> None:
    assert finding(SUMMARY, "en") == (
        "FT 2.8, SCV very high; two areas above the upper 99.8% limit, one area below the lower "
        "limit; one area outside the 95% limits in two of the last three years or more"
    )
    assert finding(SUMMARY, "nb") == (
        "FT 2,8, SCV svært høy; to områder over øvre 99,8 %-grense, ett område under nedre "
        "grense; ett område utenfor 95 %-grensene minst to av de tre siste årene"
    )
    quiet = {**SUMMARY, "high_998": 0, "low_998": 0, "persistent_outliers": float("nan")}
    assert finding(quiet, "en") == "FT 2.8, SCV very high; no area outside the 99.8% limits"
    duration = {"ft": 2.16, "scv_class": "", "phi": float("nan")}
    assert finding(duration, "en") == "FT 2.2"


def test_municipalities_are_read_at_a_false_discovery_rate() -> None:
    municipal = {**SUMMARY, "level": "municipality", "areas": 357, "high_fdr": 4, "low_fdr": 1}
    assert "4 above and 1 below the country once chance among many municipalities" in finding(
        municipal, "en"
    )
    text = reading(municipal, load_catalogue()["hpv_vaccination"], "en", names={})
    assert "Of 357 municipalities, 4 above and 1 below the country" in text
    assert "Benjamini–Hochberg" in text and "99.8% limits" not in text
    assert "falsk oppdagelsesrate 5 %" in reading(
        municipal, load_catalogue()["hpv_vaccination"], "nb", names={}
    )


def test_places_to_learn_from_are_named_with_the_caution_about_chance() -> None:
    good = {**SUMMARY, "learn_from_areas": "22"}
    text = reading(good, load_catalogue()["hpv_vaccination"], "en", names={"22": "Telemark"})
    assert "Places others can learn from: Telemark" in text and "Chance" in text
    assert "Steder andre kan lære av: Telemark" in reading(
        good, load_catalogue()["hpv_vaccination"], "nb", names={"22": "Telemark"}
    )


def test_the_favourable_side_decides_who_others_learn_from() -> None:
    from variatlas.variation import summarise

    rows = []
    for year, label in (("2022", "High (0.025)"), ("2023", "High (0.001)"), ("2024", "")):
        for area, funnel in (("1", label), ("2", "Low (0.025)"), ("3", "")):
            rows.append(
                {
                    "level": "referral_area",
                    "area": area,
                    "period": year,
                    "sex": "all",
                    "numerator": 50.0,
                    "denominator": 100.0,
                    "value": 50.0,
                    "expected": 50.0,
                    "funnel": funnel,
                }
            )
        rows.append(
            {
                "level": "nation",
                "area": "8888",
                "period": year,
                "sex": "all",
                "numerator": 150.0,
                "denominator": 300.0,
                "value": 50.0,
                "expected": 150.0,
                "funnel": "",
            }
        )
    frame = pd.DataFrame(rows)
    catalogue = load_catalogue()
    higher = summarise(catalogue["hpv_vaccination"], frame)  # higher is better
    latest = higher[higher["period"] == "2024"].iloc[0]
    assert latest["persistent_outlier_areas"] == "1;2" and latest["learn_from_areas"] == "1"
    neutral = summarise(catalogue["tonsillectomy_children"], frame)  # no direction: nobody
    assert neutral[neutral["period"] == "2024"].iloc[0]["learn_from_areas"] == ""


def test_the_reading_names_the_range_the_measures_and_the_outliers() -> None:
    indicator = load_catalogue()["tonsillectomy_children"]
    text = reading(SUMMARY, indicator, "en", names={"22": "Telemark"})
    assert text.startswith(
        "In 2022-2024 the value ranged from 3.07 in the lowest to 8.66 per 1,000 population in "
        "the highest of 21 referral areas; for the whole country it was 4.39."
    )
    assert "The highest area was 2.8 times the lowest" in text
    assert "(SCV) is 12.4, very high" in text
    assert (
        "Three areas of 21 lay outside the 99.8% limits of the funnel plot (2 above, 1 below)"
        in text
    )
    assert "(φ = 2.7)" in text
    assert "One area (Telemark) lay outside the 95% limits" in text
    nb = reading(SUMMARY, indicator, "nb", names={"22": "Telemark"})
    assert "fra 3,07 i det laveste til 8,66 per 1 000 innbyggere" in nb
    assert "Ett område (Telemark)" in nb


def test_a_target_is_read_with_how_many_areas_reach_it() -> None:
    indicator = load_catalogue()["cancer_pathways_within_standard_time_lung"]
    assert indicator.target is not None
    summary = {**SUMMARY, "national_value": 61.0, "min": 40.0, "max": 80.0, "phi": float("nan")}
    text = reading(summary, indicator, "en", names={}, target_met=(4, 19))
    assert f"The target is >= {indicator.target.value:.1f} percent; 4 of 19 referral areas" in text


def _views(site: Path) -> dict[str, dict]:
    return {
        p.stem: json.loads(p.read_text())
        for p in (site / "atlas").glob("*.json")
        if p.stem not in ("areas", "areas-index", "memberships") and not p.stem.endswith(".compare")
    }


def test_the_atlas_data_publishes_no_small_count(site: Path) -> None:
    catalogue = load_catalogue()
    views = _views(site)
    assert set(views) == set(catalogue)
    for name, view in views.items():
        t = catalogue[name].minimum_count
        rows = view["rows"]
        for column in ("numerator", "denominator"):
            values = np.array([np.nan if v is None else v for v in rows[column]], dtype=float)
            assert not ((values > 0) & (values < t)).any(), (name, column)
        for i, flag in enumerate(rows["flag"]):
            if flag.startswith("suppressed"):
                for column in ("value", "lower", "upper", "numerator", "expected"):
                    assert rows[column][i] is None, (name, column, i)


def test_the_atlas_summaries_use_published_cells_only(site: Path) -> None:
    for name, view in _views(site).items():
        rows = view["rows"]
        for summary in view["summaries"]:
            # SKDE's figures are summarised on SKDE's own values (published_value).
            values = [
                v
                for column in ("value", "published_value")
                for v, level, period, sex in zip(
                    rows[column], rows["level"], rows["period"], rows["sex"], strict=True
                )
                if (level, period, sex) == (summary["level"], summary["period"], summary["sex"])
                and v is not None
            ]
            # The summary leaves out areas below the minimum count: its extremes are among
            # the published values, never from a hidden cell.
            for extreme in (summary["min"], summary["max"]):
                assert extreme is None or any(extreme == pytest.approx(v) for v in values), name


@pytest.mark.parametrize("indicator", ["tonsillectomy_children", "coercive_admission_share"])
def test_the_funnel_limits_agree_with_each_areas_label(site: Path, indicator: str) -> None:
    """An area labelled above (below) the 99.8% limit lies above (below) the drawn limit."""
    view = json.loads((site / "atlas" / f"{indicator}.json").read_text())
    rows = view["rows"]
    ratio = view["funnel_kind"] == "ratio"
    checked = 0
    for key, funnel in view["funnels"].items():
        level, period, sex = key.split("|")
        lines = {
            side: (
                np.array(funnel["limits"]["99.8"][side]["x"], dtype=float),
                np.array(funnel["limits"]["99.8"][side]["y"], dtype=float),
            )
            for side in ("lower", "upper")
        }
        for i in range(len(rows["area"])):
            if (rows["level"][i], rows["period"][i], rows["sex"][i]) != (level, period, sex):
                continue
            label = rows["funnel"][i]
            if rows["numerator"][i] is None or not label.endswith("(0.001)"):
                continue
            at = rows["expected"][i] if ratio else rows["denominator"][i]
            y = rows["numerator"][i] / at if ratio else rows["value"][i]
            x, y_limit = lines["upper" if label.startswith("High") else "lower"]
            order = np.argsort(x)
            limit = np.interp(np.log(at), np.log(x[order]), y_limit[order])
            if label.startswith("High"):
                assert y >= limit * 0.98, (key, rows["area"][i], y, limit)
            else:
                assert y <= limit * 1.02, (key, rows["area"][i], y, limit)
            checked += 1
    assert checked > 0


def test_the_map_classes_cover_every_published_value(site: Path) -> None:
    view = json.loads((site / "atlas" / "tonsillectomy_children.json").read_text())
    rows = view["rows"]
    for key, breaks in view["breaks"].items():
        level, period, sex = key.split("|")
        values = [
            v
            for v, lv, p, s in zip(
                rows["value"], rows["level"], rows["period"], rows["sex"], strict=True
            )
            if (lv, p, s) == (level, period, sex) and v is not None
        ]
        assert breaks == sorted(breaks) and len(breaks) <= 6
        assert breaks[0] == pytest.approx(min(values)) and breaks[-1] == pytest.approx(max(values))


def test_pages_load_nothing_from_the_internet_and_ship_the_licences(site: Path) -> None:
    pages = [site / "index.html", *(p for lang in LANGUAGES for p in site.glob(f"{lang}/*.html"))]
    # The front pages, and per language every indicator's page and what's new.
    assert len(pages) == 3 + 3 * (len(load_catalogue()) + 1)
    for page in pages:
        text = page.read_text()
        # Links out (SKDE's atlas) load nothing; scripts, images and stylesheets would (a
        # page's hreflang alternates are absolute addresses of its other languages: no load).
        assert not re.search(
            r'(src="|<link(?![^>]*rel="alternate")[^>]*href=")(https?:)?//', text
        ), page
    licences = (site / "assets" / "vendor" / "THIRD-PARTY-LICENSES.txt").read_text()
    assert "@observablehq/plot" in licences and "d3 7." in licences and "ISC" in licences
    script = (site / "assets" / "atlas.js").read_text()
    assert "http://" not in script and "https://" not in script


def test_publishing_without_the_browser_libraries_says_how_to_get_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from variatlas.publish import atlas

    monkeypatch.setattr(atlas, "_static", lambda: tmp_path)
    with pytest.raises(atlas.AssetsMissing, match=r"d3\.js.*Run `make assets`"):
        atlas.check_assets()


def test_the_lede_says_the_unit_once_and_summaries_state_their_coverage(site: Path) -> None:
    catalogue = load_catalogue()
    for lang in LANGUAGES:
        page = (site / lang / "tonsillectomy_children.html").read_text()
        lede = re.search(r'<p class="lede"[^>]*>(.*?)</p>', page, re.S)
        assert lede is not None
        unit = catalogue["tonsillectomy_children"].unit.nb if lang != "en" else "x"
        assert f"({unit})" not in lede.group(1) and ".." not in lede.group(1)
    for name, view in _views(site).items():
        for summary in view["summaries"]:
            assert summary["areas"] <= summary["areas_at_level"], name
            if summary["comparison"]:
                assert summary["ft"] is None and summary["scv"] is None, name
                assert summary["reading"]["nb"].startswith("For få publiserte områder"), name
                assert summary["reading"]["nn"].startswith("For få publiserte område "), name
                assert summary["reading"]["en"].startswith("Too few published areas"), name
