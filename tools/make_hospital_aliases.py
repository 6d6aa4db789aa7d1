"""Write src/variatlas/geography/data/hospital_aliases.csv from SKDE's organisation tables.

    python tools/make_hospital_aliases.py ../shared/reference/skde/mapping

Every organisation number and name of a health trust, and of each of its hospitals, becomes
an alias of the trust's code in health_trusts.csv; private providers become ``private``. A
name that two trusts share is left out. Common names that the tables lack are added by hand
(``COMMON`` below). The keys are ``variatlas.geography.placement.alias_key``.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

from variatlas.geography.placement import alias_key

DATA = Path(__file__).resolve().parents[1] / "src" / "variatlas" / "geography" / "data"
COMMON = {
    # Names in everyday and registry use that the organisation tables do not spell out.
    "ahus": "ahus",
    "a hus": "ahus",
    "akershus universitetssykehus": "ahus",
    "ous": "ous",
    "rikshospitalet": "ous",
    "ullevål": "ous",
    "ulleval": "ous",
    "radiumhospitalet": "ous",
    "aker sykehus": "ous",
    "unn": "unn",
    "st olav": "st-olav",
    "st olavs hospital": "st-olav",
    "st olavs": "st-olav",
    "haukeland": "bergen",
    "haukeland universitetssjukehus": "bergen",
    "haukeland universitetssykehus": "bergen",
    "sus": "stavanger",
    "stavanger universitetssjukehus": "stavanger",
    "sykehuset innlandet": "innlandet",
    "siv": "vestfold",
    "sthf": "telemark",
    "sørlandet sykehus": "sorlandet",
    "ssk": "sorlandet",
    "sykehuset østfold": "ostfold",
    "kalnes": "ostfold",
    "helse nord trøndelag": "nord-trondelag",
    "hnt": "nord-trondelag",
    "helse møre og romsdal": "more-romsdal",
    "lds": "lovisenberg",
}


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def main(mapping: Path) -> None:
    trusts = _rows(DATA / "health_trusts.csv")
    by_orgnr = {t["orgnr"]: t["code"] for t in trusts if t["orgnr"]}
    names: dict[str, set[str]] = defaultdict(set)
    numbers: dict[str, str] = {}

    def add(value: str, trust: str | None, kind: str) -> None:
        if not value or not trust:
            return
        if kind == "organisation number":
            numbers[value.strip()] = trust
        else:
            names[alias_key(value)].add(trust)

    for t in trusts:
        for value in (t["name"], t["short_name"]):
            add(value, t["code"], "name")
    structure = mapping / "imongr" / "hospital_structure.csv"
    rows = {r["OrgNr"]: r for r in _rows(structure, ";")}

    def owner(orgnr: str) -> str | None:
        """The trust of a level-2 organisation (a trust, else a private provider) or of the
        level-2 parent of a hospital."""
        row = rows.get(orgnr)
        if orgnr in by_orgnr:
            return by_orgnr[orgnr]
        if row is None or row["Nivaa"] in ("0", "1"):
            return None
        return "private" if row["Nivaa"] == "2" else owner(row["NivaaOpp"])

    for orgnr, row in rows.items():
        if row["Nivaa"] in ("2", "3"):
            add(orgnr, owner(orgnr), "organisation number")
            add(row["OrgNavnEnhetsreg"], owner(orgnr), "name")
    names_file = mapping / "qmongrdata" / "SykehusNavnStruktur.csv"
    for row in _rows(names_file, ";"):
        trust = by_orgnr.get(row["OrgNrHF"]) or owner(row["OrgNrHF"]) or "private"
        add(row["OrgNrShus"], trust, "organisation number")
        add(row["OrgNrHF"], trust, "organisation number")
        for value in (
            row["OrgNavnEnhetsreg"],
            row["SykehusnavnLang"],
            row["HF"],
            row["Hfkortnavn"],
        ):
            add(value, trust, "name")
    found = {number: (trust, "organisation number") for number, trust in numbers.items()}
    for key, owners in names.items():
        if len(owners) == 1 and key:
            found[key] = (owners.pop(), "name")
    for name, trust in COMMON.items():
        found[alias_key(name)] = (trust, "name")
    with open(DATA / "hospital_aliases.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["alias", "trust", "kind"])
        for key in sorted(found):
            writer.writerow([key, *found[key]])
    print(f"{len(found)} aliases written")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
