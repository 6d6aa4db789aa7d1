"""Write the municipality classifications under src/variatlas/geography/data/ from SSB's files.

    python tools/make_classifications.py ../shared/reference/ssb/classifications

Reads the copies described in that folder's README and writes, for the 357 municipalities of
2024 (the geography package's reference structure):

- ``centrality_2024.csv``: SSB's centrality index 2023 and its class (1 most central … 6 least)
  on 2024 borders, from SSB's published Excel file, checked against the Klass 128 export
  (the one known disagreement, Smøla's index, is printed; SSB's Excel file wins);
- ``kostra_groups_2024.csv``: SSB's KOSTRA groups per 2020 (Klass 112, 356 municipalities on
  2020–2023 borders) carried to 2024 codes through the municipality history the geography
  package ships (``forny_komnr.csv``). A 2024 municipality gets the group of the one 2020
  municipality its code descends from. It gets no group, with the reason, when it descends
  from none (a municipality split off after 2020) or from several in different groups (a
  merger). A municipality that lost part of itself to a new one keeps its group, with a note;
- ``kostra_group_names.csv``: the 17 groups' criteria as SSB states them;
- ``commuting_regions_2024.csv``: the 160 commuting regions (bo- og arbeidsmarkedsregioner
  2020), old codes in the copy carried forward through the same history.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

from variatlas.geography import load_geography

DATA = Path(__file__).resolve().parents[1] / "src" / "variatlas" / "geography" / "data"
HISTORY = DATA / "forny_komnr.csv"

# The criteria of each KOSTRA group per 2020 (population; bound costs; free disposable
# income), from SSB's page "KOSTRA-gruppene" (ssb.no, Om KOSTRA) and Kringlebotten M,
# Langørgen A, Gruppering av kommuner etter folkemengde og økonomiske rammebetingelser 2020,
# SSB Rapporter 2020/48.
SMALL, TEN, LOW, HIGH = "2 000–9 999 innbyggere", "10 000–19 999 innbyggere", "lave", "høye"
GROUP_NAMES = {
    1: (SMALL, LOW, "lave"),
    2: (SMALL, LOW, "middels"),
    3: (SMALL, LOW, "høye"),
    4: (SMALL, HIGH, "lave"),
    5: (SMALL, HIGH, "middels"),
    6: (SMALL, HIGH, "høye"),
    7: (TEN, LOW, "lave"),
    8: (TEN, LOW, "middels eller høye"),
    9: ("20 000–29 999 innbyggere", LOW, "lave eller middels"),
    10: ("30 000–44 999 innbyggere", LOW, "lave"),
    11: ("45 000–74 999 innbyggere", LOW, "lave"),
    12: ("75 000–300 000 innbyggere", LOW, "lave eller middels"),
    13: ("Oslo kommune", "", ""),
    14: ("600–1 999 innbyggere", "middels", "lave eller middels"),
    15: ("600–1 999 innbyggere", "middels", "høye"),
    16: ("0–599 innbyggere", "middels", "lave, middels eller høye"),
    17: ("De åtte kommunene med høyest skatteinntekter per innbygger", "middels", "høye"),
}

# What SSB says elsewhere about a municipality the history leaves without a group: shown as a
# note, never used as the group (the 2024 overview it mentions is not among the copies read).
ELSEWHERE = {
    "1580": "SSB's page «KOSTRA-gruppene» says its overview with 2024 codes places Haram in "
    "group 1 (that overview is not among the sources read here)",
}


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with open(DATA / name, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def centrality(source: Path, municipalities: list[str]) -> None:
    excel = {r["knr 2024"]: r for r in _rows(source / "centrality_2023_2024.csv")}
    klass = {r["code"]: r for r in _rows(source / "centrality_klass128_codes.csv")}
    if sorted(excel) != municipalities:
        raise SystemExit("centrality_2023_2024.csv does not cover the 357 municipalities of 2024")
    rows = []
    for code in municipalities:
        row = excel[code]
        other = klass.get(code)
        if other and (other["notes"], int(other["parentCode"])) != (
            row["Indeks 2023"],
            int(row["Klasse 2023"]),
        ):
            print(
                f"  {code} {row['Kommune 2024']}: Klass 128 has index {other['notes']} class "
                f"{int(other['parentCode'])}; SSB's Excel file {row['Indeks 2023']} class "
                f"{row['Klasse 2023']} (kept)"
            )
        rows.append([code, int(row["Klasse 2023"]), int(row["Indeks 2023"])])
    _write("centrality_2024.csv", ["municipality", "centrality_class", "centrality_index"], rows)


def kostra(source: Path, municipalities: list[str]) -> None:
    geography = load_geography()
    frame = geography.municipalities
    names = dict(zip(frame["municipality"], frame["name"], strict=True))
    grouping = _rows(source / "kostra_groups_2020_borders.csv")
    parents: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for row in grouping:
        current = geography.current_municipality(row["komnr"])
        if current is None:
            raise SystemExit(f"2020 municipality {row['komnr']} has no 2024 successor")
        parents[current].append((row["komnr"], row["komnavn"], int(row["kostragr"])))
    history = _rows(HISTORY, ";")
    notes: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for code in municipalities:
        if code in parents:
            continue
        # A municipality new since 2020: the history row that names it tells where it came from.
        told = [
            r
            for r in history
            if r["aar"].isdigit() and int(r["aar"]) > 2020 and names[code] in r["kommentar"]
        ]
        origin = [
            (r, geography.current_municipality(r["gml_komnr"])) for r in told if r["gml_komnr"]
        ]
        said = "; ".join(sorted({f"{r['aar']}: {r['kommentar'].strip()}" for r in told}))
        if origin:
            first, successor = origin[0]
            reasons[code] = (
                f"split off from {first['gml_komnr'].zfill(4)} {first['gml_navn']} in "
                f"{first['aar']} ({said}); SSB's grouping per 2020 covers the undivided "
                "municipality only"
            )
            if successor is not None and successor != code:
                notes[successor] = (
                    f"{code} {names[code]} was split off in {first['aar']}; the group is that "
                    f"of the undivided {first['gml_komnr'].zfill(4)} {first['gml_navn']}"
                )
        else:
            reasons[code] = "not in SSB's grouping per 2020 and no predecessor in the history"
    rows: list[list[object]] = []
    for code in municipalities:
        found = parents.get(code, [])
        groups = {group for _, _, group in found}
        codes_2020 = " ".join(sorted(c for c, _, _ in found))
        if len(groups) == 1:
            rows.append([code, groups.pop(), codes_2020, "", notes.get(code, "")])
        elif groups:
            members = ", ".join(f"{c} {n} (group {g})" for c, n, g in sorted(found))
            reason = f"formed from 2020 municipalities in different KOSTRA groups: {members}"
            rows.append([code, "", codes_2020, reason, ""])
        else:
            rows.append([code, "", "", reasons[code], ELSEWHERE.get(code, "")])
    _write(
        "kostra_groups_2024.csv",
        ["municipality", "kostra_group", "codes_2020", "reason", "note"],
        rows,
    )
    _write(
        "kostra_group_names.csv",
        ["kostra_group", "name", "population", "bound_costs", "free_income"],
        [[g, _group_name(g, *c), *c] for g, c in GROUP_NAMES.items()],
    )


def _group_name(group: int, population: str, bound: str, income: str) -> str:
    if group in (13, 17):
        return population
    return f"{population}, {bound} bundne kostnader, {income} frie disponible inntekter"


def commuting(source: Path, municipalities: list[str]) -> None:
    geography = load_geography()
    rows: dict[str, list[object]] = {}
    for row in _rows(source / "commuting_regions_2024.csv"):
        code = geography.current_municipality(row["knr"])
        if code is None or code in rows:
            raise SystemExit(f"commuting region row {row['knr']} does not map to one municipality")
        if code != row["knr"]:
            print(f"  {row['knr']} {row['kommune']} → {code} (municipality history)")
        rows[code] = [code, row["ba_nr"], row["ba_navn"], row["inkluderingsgrunnlag"]]
    if sorted(rows) != municipalities:
        raise SystemExit("the commuting regions do not cover the 357 municipalities of 2024")
    _write(
        "commuting_regions_2024.csv",
        ["municipality", "commuting_region", "commuting_region_name", "basis"],
        [rows[code] for code in municipalities],
    )


def main(source: Path) -> None:
    municipalities = sorted(load_geography().municipalities["municipality"])
    centrality(source, municipalities)
    kostra(source, municipalities)
    commuting(source, municipalities)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
