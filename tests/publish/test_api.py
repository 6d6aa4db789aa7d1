"""Publication (open data, atomic swap) and the read-only API, end to end on synthetic Norway."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from variatlas.indicators import load_catalogue
from variatlas.pipeline import publish
from variatlas.publish.api import create_app


@pytest.fixture(scope="module")
def client(site: Path) -> TestClient:
    return TestClient(create_app(site))


def test_open_data_files_per_indicator(site: Path) -> None:
    catalogue = json.loads((site / "catalogue.json").read_text())
    assert {i["id"] for i in catalogue["indicators"]} == set(load_catalogue())
    for entry in catalogue["indicators"]:
        for path in entry["downloads"].values():
            assert (site / path).stat().st_size > 0
    package = json.loads((site / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "NLOD-2.0"
    for resource in package["resources"]:
        assert (site / resource["path"]).exists()
    first = next(r for r in package["resources"] if "dcat" in r)
    for field in (
        "title",
        "description",
        "publisher",
        "license",
        "temporal",
        "spatial",
        "method",
        "provenance",
    ):
        assert first["dcat"][field]


def test_json_stat_is_well_formed_and_matches_the_csv(site: Path) -> None:
    stat = json.loads((site / "data" / "tonsillectomy_children.jsonstat.json").read_text())
    assert stat["version"] == "2.0" and stat["class"] == "dataset"
    size = 1
    for dimension, n in zip(stat["id"], stat["size"], strict=True):
        assert len(stat["dimension"][dimension]["category"]["index"]) == n
        size *= n
    assert all(0 <= int(k) < size for k in stat["value"])
    csv = pd.read_csv(site / "data" / "tonsillectomy_children.csv", dtype={"area": str})
    row = csv[(csv["level"] == "referral_area") & csv["value"].notna()].iloc[0]
    index = stat["dimension"]
    flat = (
        (
            index["area"]["category"]["index"][f"referral_area:{row['area']}"] * stat["size"][1]
            + index["period"]["category"]["index"][str(row["period"])]
        )
        * stat["size"][2]
        + index["sex"]["category"]["index"][row["sex"]]
    ) * stat["size"][3]
    assert stat["value"][str(flat)] == pytest.approx(row["value"])
    assert "suppressed" in stat["status"].values()


def test_the_publication_holds_no_person_keys_nor_input(site: Path, norway_folder: Path) -> None:
    episodes = pd.read_parquet(
        norway_folder / "input" / "episodes.parquet", columns=["patient_id", "episode_id"]
    )
    keys = set(episodes["patient_id"].head(5000)) | set(episodes["episode_id"].head(5000))
    pattern = re.compile(r"\bP[0-9a-f]{16}\b|\bE20\d\d-\d+\b")
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".json"):
            text = path.read_text(encoding="utf-8")
            assert not pattern.search(text), path
            assert not any(k in text for k in list(keys)[:200]), path
    names = {p.name for p in site.rglob("*")}
    assert not names & {"episodes.parquet", "population.parquet", "truth.json"}
    assert not any("set_aside" in str(p) for p in site.rglob("*"))


def test_a_failed_publication_leaves_the_previous_one_whole(few_disclosed, tmp_path) -> None:
    disclosed = few_disclosed
    site = tmp_path / "site"
    first = publish(disclosed, site)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))

    def crash(folder: Path) -> None:
        (folder / "half-written.html").write_text("<html>")
        raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space left"):
        publish(disclosed, site, extra=crash)
    assert site.resolve() == first.resolve()
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert not list(site.parent.glob(".site.releases/*.building"))
    served = TestClient(create_app(site))
    assert served.get("/marker.txt").status_code == 404
    second = publish(disclosed, site, extra=lambda f: (f / "marker.txt").write_text("second"))
    assert site.resolve() == second.resolve() != first.resolve()
    # The running server follows the swap: new files, and the API loads the new version.
    assert served.get("/marker.txt").text == "second"
    assert served.get("/api/indicators/tonsillectomy_children").status_code == 200


def test_publish_refuses_anything_but_disclosed_results(tmp_path) -> None:
    with pytest.raises(TypeError, match="DisclosedResults"):
        publish(pd.DataFrame(), tmp_path / "site")  # type: ignore[arg-type]


def test_api_lists_filters_and_explains_errors(client: TestClient) -> None:
    themes = client.get("/api/themes").json()
    assert {t["id"] for t in themes} == {"children", "cancer", "mental_health", "municipal"}
    cancer = client.get("/api/indicators", params={"theme": "cancer"}).json()
    assert cancer and all(i["theme"] == "cancer" for i in cancer)
    one = client.get("/api/indicators/tonsillectomy_children").json()
    assert one["documentation"]["en"] and one["downloads"]["csv"]
    rows = client.get(
        "/api/indicators/tonsillectomy_children/results",
        params={"level": "referral_area", "period": "2022-2024", "sex": "all"},
    )
    assert rows.status_code == 200 and rows.json()["count"] == 21
    missing = client.get("/api/indicators/no_such_thing")
    assert missing.status_code == 404
    assert "no indicator 'no_such_thing'" in missing.json()["error"]["message"]
    area = client.get("/api/indicators/tonsillectomy_children/results", params={"area": "99"})
    assert area.status_code == 404 and "/api/areas" in area.json()["error"]["message"]
    bad = client.get("/api/indicators/tonsillectomy_children/results", params={"level": "moon"})
    assert bad.status_code == 400 and bad.json()["error"]["status"] == 400
    variation = client.get(
        "/api/indicators/tonsillectomy_children/variation", params={"level": "referral_area"}
    ).json()
    assert variation["rows"] and variation["rows"][0]["ft"] is not None
    assert client.get("/api/indicators/hpv_vaccination/downloads").json()["jsonstat"]
    assert client.get("/api/provenance").json()["disclosure"]["thresholds"]
    front = client.get("/")
    assert front.status_code == 200 and "Fjerning av mandler, barn 0–16 år" in front.text
    assert "Tonsillectomy, children 0–16" in client.get("/en/").text
    assert client.get("/data/tonsillectomy_children.csv").status_code == 200


def test_no_route_returns_a_count_below_the_threshold(client: TestClient) -> None:
    catalogue = load_catalogue()
    for indicator in client.get("/api/indicators").json():
        threshold = catalogue[indicator["id"]].minimum_count
        rows = client.get(f"/api/indicators/{indicator['id']}/results").json()["rows"]
        for row in rows:
            for count in (row["numerator"], row["denominator"]):
                assert count is None or count == 0 or count >= threshold, (indicator, row)


def test_api_conforms_to_its_openapi_spec(site: Path) -> None:
    """schemathesis generates requests for every operation from the OpenAPI spec and checks
    each response: no server error, status and body as documented."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(site, static=False))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate()

        check()


def test_a_wrong_method_is_answered_with_what_is_allowed(client: TestClient) -> None:
    for path in ("/api/indicators", "/api/indicators/hpv_vaccination/results", "/index.html"):
        answer = client.post(path)
        assert answer.status_code == 405, path
        assert answer.headers["allow"] == "GET, HEAD", path
        assert answer.json()["error"]["status"] == 405


def test_the_openapi_document_names_every_indicator_id(client: TestClient, site: Path) -> None:
    published = {i["id"] for i in json.loads((site / "catalogue.json").read_text())["indicators"]}
    paths = client.get("/api/openapi.json").json()["paths"]
    routes = [p for p in paths if "{indicator_id}" in p]
    assert len(routes) == 5
    for route in routes:
        (parameter,) = [p for p in paths[route]["get"]["parameters"] if p["in"] == "path"]
        assert set(parameter["schema"]["enum"]) == published, route


def test_the_answers_are_the_published_rows(client: TestClient, site: Path) -> None:
    from variatlas.publish.api import Results

    published = pd.read_parquet(site / "data" / "results.parquet")
    for params in (
        {"level": "municipality"},
        {"level": "referral_area", "sex": "F", "period": "2022-2024"},
        {"area": "0301"},
        {},
    ):
        for _ in range(2):  # the second answer comes from the kept bytes
            answer = client.get("/api/indicators/hpv_vaccination/results", params=params)
            assert answer.status_code == 200 and answer.headers["content-type"].startswith(
                "application/json"
            )
            body = Results.model_validate(answer.json())
        expected = published[published["indicator"] == "hpv_vaccination"]
        for column, value in params.items():
            expected = expected[expected[column] == value]
        assert body.count == len(expected) > 0, params
        got = pd.DataFrame(answer.json()["rows"])
        want = expected.drop(columns=["indicator"]).reset_index(drop=True)
        key = ["level", "area", "period", "sex"]
        got = got.sort_values(key).reset_index(drop=True)[list(want.columns)]
        for column in want.columns:
            if pd.api.types.is_numeric_dtype(want[column]):
                got[column] = pd.to_numeric(got[column])
        want = want.sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_the_api_and_the_atlas_say_where_each_definition_comes_from(
    client: TestClient, site: Path
) -> None:
    summaries = {i["id"]: i for i in client.get("/api/indicators").json()}
    assert summaries["tonsillectomy_children"]["conformance"]["status"] == "variant"
    assert "K02a" in summaries["tonsillectomy_children"]["conformance"]["differs"]
    assert summaries["hospital_admissions_children"]["conformance"]["status"] == "official"
    page = (site / "en" / "tonsillectomy_children.html").read_text(encoding="utf-8")
    assert 'class="conformance conformance-variant"' in page
    assert "A variant of the official definition" in page
    norsk = (site / "nb" / "cancer_surgery_survival_30d.html").read_text(encoding="utf-8")
    assert "Vår egen definisjon" in norsk


def test_compare_returns_each_areas_comparators_with_their_values(
    client: TestClient, site: Path
) -> None:
    """Bodø (1804) against its KOSTRA group and region: the comparator's published row is
    the value given, and the comparison follows from the area's interval."""
    answer = client.get(
        "/api/indicators/hpv_vaccination/results",
        params=[
            ("level", "municipality"),
            ("area", "1804"),
            ("period", "2022-2024"),
            ("compare", "kostra_group,region"),
            ("compare", "previous"),
        ],
    )
    assert answer.status_code == 200
    body = answer.json()
    found = {c["comparator"]: c for c in body["comparisons"]}
    assert set(found) == {"kostra_group", "region", "previous"}
    published = pd.read_parquet(site / "data" / "results.parquet")
    published = published[published["indicator"] == "hpv_vaccination"].set_index(
        ["level", "area", "period", "sex"]
    )
    (row,) = body["rows"]
    for name, level, area in (("kostra_group", "kostra_group", "11"), ("region", "region", "1")):
        compared = found[name]
        assert (compared["comparator_level"], compared["comparator_area"]) == (level, area)
        other = published.loc[(level, area, "2022-2024", "all")]
        if compared["comparison"] == "not compared":
            assert compared["reason"]
            continue
        assert compared["comparator_value"] == pytest.approx(other["value"])
        assert compared["method"] == "interval"
        if row["lower"] > other["value"]:
            assert compared["comparison"] in ("higher", "better")
        elif row["upper"] < other["value"]:
            assert compared["comparison"] in ("lower", "worse")
        else:
            assert compared["comparison"] == "similar"
    assert found["previous"]["comparator_period"] == "2019-2021"
    assert found["previous"]["method"] == "difference"
    plain = client.get("/api/indicators/hpv_vaccination/results", params={"area": "1804"}).json()
    assert "comparisons" not in plain


def test_an_unknown_comparator_is_one_sentence_naming_the_known_ones(client: TestClient) -> None:
    answer = client.get(
        "/api/indicators/hpv_vaccination/results", params={"compare": "kostra,region"}
    )
    assert answer.status_code == 400
    message = answer.json()["error"]["message"]
    assert "'kostra'" in message and "kostra_group" in message and "centrality" in message
    assert message.count(".") == 1 and message.endswith(".")


def test_the_inequality_endpoint_gives_the_centrality_slope_and_the_groups(
    client: TestClient, site: Path
) -> None:
    body = client.get(
        "/api/indicators/hpv_vaccination/inequality", params={"period": "2022-2024"}
    ).json()
    (slope,) = body["rows"]
    assert slope["grouping"] == "centrality" and slope["sex"] == "all"
    assert slope["reason"] or slope["sii_lower"] <= slope["sii"] <= slope["sii_upper"]
    levels = {g["level"] for g in body["groups"]}
    assert levels == {"centrality", "kostra_group"}
    written = pd.read_csv(site / "data" / "inequality.csv", dtype={"period": str})
    assert "hpv_vaccination" in set(written["indicator"])
