"""Import SKDE's 23 atlas documents into variatlas's atlas format (docs/documents.md).

Reads ``results/mongts-atlas-text/<atlas>.json`` of ../shared/reference/skde (see its README)
and writes ``src/variatlas/documents/atlases/<atlas>/``: ``atlas.yaml`` and one file per
chapter in ``chapters/``. SKDE's texts are kept as written, with one change: each picture
(``![alt](path "caption")``) becomes ``{{ figure ID }}`` and a figure of the chapter that
keeps its alt text, caption and path.

A result box of the second-generation atlases is bound to the catalogue's SKDE indicators of
its data file (the indicator's ``conformance.source`` names the file): each of SKDE's bar
charts, maps and tables whose national value is an indicator's becomes a figure of that
indicator (a chart of several series: one figure of several indicators). A box none of whose
charts is shipped says ``data: not shipped`` and why. The pictures of the first-generation
atlases that show a figure of the catalogue (the child, elderly and quality atlases) are bound
by the tables below; the other pictures are marked not shipped.

    python tools/import_skde_documents.py ../shared/reference/skde [ATLAS ...]
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
from collections import Counter
from importlib.resources import files
from pathlib import Path
from typing import Any

from skde_pictures import PICTURES, STACKED
from skde_reasons import (
    NONE_DRAWN,
    PICTURE,
    box_not_shipped,
    missing_file,
    no_indicators,
    partly,
)

from variatlas.documents.loading import published_cells
from variatlas.documents.writing import dump
from variatlas.indicators import load_catalogue

OUT = Path(__file__).parents[1] / "src/variatlas/documents/atlases"
MONGTS = "mong/mongts@e9db421b2eeccbdb84a94c15dd4d1a09dbf66966"
TEXTS = "results/mongts-atlas-text"
DATA = "results/mongts-atlas-data"
IMAGE = re.compile(r'!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"([^"]*)")?\s*\)')
NATION = {"Norge", "Noreg", "Norway"}
HEADER = (
    "SKDE's atlas {name}, imported by tools/import_skde_documents.py from\n"
    "{source}:\n"
    "re-run the tool rather than edit. Texts © SKDE, GPL-3.0 (see {up}SOURCE.md).\n"
    "yaml-language-server: $schema={up}../{schema}"
)

KIND = {"barchart": "bars", "map": "map", "table": "table"}


def slug(text: str, joiner: str = "-") -> str:
    text = text.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a"}))
    return re.sub(r"[^a-z0-9]+", joiner, text).strip(joiner)[:48].strip(joiner)


def period_of(indicator: str) -> str:
    """The indicator's period of SKDE's average (the longest of its periods)."""
    periods = published_cells()[indicator]["nation"]
    return max(periods, key=lambda p: (len(p), p))


class Atlas:
    """One SKDE document being imported."""

    def __init__(self, reference: Path, name: str, catalogue: dict[str, Any]) -> None:
        self.reference, self.name, self.catalogue = reference, name, catalogue
        self.doc = json.loads((reference / TEXTS / f"{name}.json").read_text(encoding="utf-8"))
        self.lang = self.doc["lang"]
        self.used: set[str] = set()
        self.chapter_figures: list[dict[str, Any]] = []
        self.pictures: dict[str, str] = {}
        self.count: Counter[str] = Counter()
        self.nation = self._national_values()

    def _national_values(self) -> dict[str, dict[str, float]]:
        """The national values of the catalogue's SKDE indicators, by indicator and period."""
        values: dict[str, dict[str, float]] = {
            i: {} for i in self.catalogue if i.startswith("skde_")
        }
        shipped = files("variatlas.indicators") / "data" / "skde_atlases.csv"
        with shipped.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["indicator"] in values and row["level"] == "nation":
                    values[row["indicator"]][row["period"]] = float(row["value"])
        return values

    def text(self, value: str | None) -> dict[str, str] | None:
        return None if value is None else {self.lang: value}

    def unique(self, wanted: str) -> str:
        found, n = wanted, 1
        while found in self.used:
            n += 1
            found = f"{wanted}-{n}"
        self.used.add(found)
        return found

    def figures_in(self, markdown: str | None) -> dict[str, str] | None:
        """A text with each picture replaced by ``{{ figure ID }}`` and declared a figure."""
        if markdown is None:
            return None

        def figure(match: re.Match[str]) -> str:
            alt, path, caption = match.groups()
            if path in self.pictures:
                return "{{ figure " + self.pictures[path] + " }}"
            stem = Path(path).stem
            bound = PICTURES.get(self.name, {}).get(stem)
            ident = self.unique(slug(stem, "_") or "figur")
            self.pictures[path] = ident
            item: dict[str, Any] = {"id": ident}
            if alt:
                item["title"] = self.text(alt)
            if caption:
                item["caption"] = self.text(caption)
            self.count["pictures"] += 1
            if bound:
                self.count["pictures bound"] += 1
                item |= {"kind": "bars", "indicator": bound[0]}
                item |= {"also": list(bound[1:])} if len(bound) > 1 else {}
                item |= {"stacked": True} if stem in STACKED else {}
                item |= {"level": "referral_area", "period": period_of(bound[0])}
            else:
                item |= {"data": "not shipped", "reason": self.reason(PICTURE)}
            item["origin"] = {"image": path}
            self.chapter_figures.append(item)
            return "{{ figure " + ident + " }}"

        return {self.lang: IMAGE.sub(figure, markdown)}

    def reason(self, words: dict[str, str]) -> dict[str, str]:
        """A reason in English and the atlas's language (nb, nn: both written standards)."""
        return {lang: words[lang] for lang in ("nb", "nn", "en")}

    def candidates(self, data: str, atlas: str | None = None) -> dict[str, str]:
        """The catalogue's indicators of a data file of ``atlas`` (default: this one), with
        their level (SKDE's county boxes: county; psyk2's DPS boxes: dps)."""
        found = {}
        for indicator, body in self.catalogue.items():
            if indicator in self.nation and indicator.startswith(f"skde_{atlas or self.name}_"):
                source = body.conformance.source
                named = re.escape(data) + r"(?![\w.-])"
                if re.search("data file " + named, source):
                    levels = published_cells()[indicator]
                    found[indicator] = "county" if "county" in levels else "referral_area"
                if re.search("DPS areas from " + named, source):
                    found[indicator] = "dps"
        return found

    def shared(self, data: str, spec: list[dict[str, Any]]) -> dict[str, str]:
        """The indicators of another atlas's data file of the same name and the same data
        (psyk2-1's polyklinikk_18.json is psyk2's with one more table)."""
        blocks = [b for b in spec if b["type"] == "data"]
        for other in sorted(p.name for p in (self.reference / DATA).iterdir()):
            path = self.reference / DATA / other / data
            if other == self.name or not path.exists():
                continue
            theirs = json.loads(path.read_text(encoding="utf-8"))["innhold"]
            if [b for b in theirs if b["type"] == "data"] == blocks:
                self.count["boxes bound to another atlas's data"] += 1
                return self.candidates(data, other)
        return {}

    def match(
        self, value: object, candidates: dict[str, str], column: str | None = None
    ) -> str | None:
        """The indicator of ``candidates`` whose national value is ``value``; where two are
        (hjarteinfarkt's LMS and training series are both 6 %), the one of ``column``."""
        if not isinstance(value, int | float):
            return None
        hits = [
            i
            for i in candidates
            if any(math.isclose(value, v, rel_tol=1e-9) for v in self.nation[i].values())
        ]
        if len(hits) > 1 and column is not None:
            named = f"(column {column})"
            hits = [i for i in hits if named in self.catalogue[i].conformance.source]
        return hits[0] if len(hits) == 1 else None

    def trend(
        self, block: dict[str, Any], chart: dict[str, Any], candidates: dict[str, str]
    ) -> str | None:
        """The indicator whose national yearly values SKDE's line chart over the years draws
        (every year of the line among the indicator's, at the same value)."""
        if chart.get("x") != ["aar"] or len(chart.get("linevars", [])) != 1:
            return None
        column = chart["linevars"][0]
        line = {
            str(r["aar"]): r[column] for r in block["data"] if str(r.get("area")).strip() in NATION
        }
        hits = [
            i
            for i in candidates
            if line
            and all(
                year in self.nation[i] and math.isclose(value, self.nation[i][year], rel_tol=1e-9)
                for year, value in line.items()
            )
        ]
        return hits[0] if len(hits) == 1 else None

    def box_figures(self, box: dict[str, Any]) -> tuple[list[dict[str, Any]], str, Any]:
        """A result box's figures bound to indicators, its ``data`` and the reason."""
        path = self.reference / DATA / self.name / box["data"]
        if not path.exists():
            return [], "not shipped", self.reason(missing_file(box["data"], MONGTS))
        spec = json.loads(path.read_text(encoding="utf-8"))["innhold"]
        candidates = self.candidates(box["data"]) or self.shared(box["data"], spec)
        blocks = {b["label"]: b for b in spec if b["type"] == "data"}
        made, missed = [], Counter[str]()
        for chart in (c for c in spec if c["type"] != "data"):
            figure = self.chart_figure(
                chart, blocks.get(chart.get("data"), {"data": []}), candidates
            )
            if figure is None:
                missed[missed_kind(chart)] += 1
            else:
                made += by_period(figure)
        if not made:
            why = NONE_DRAWN if candidates else no_indicators(self.name)
            return [], "not shipped", self.reason(box_not_shipped(box["data"], why))
        if missed:
            return (
                made,
                "partly shipped",
                self.reason(partly(missed, len(made) + sum(missed.values()))),
            )
        return made, "shipped", ""

    def chart_figure(
        self, chart: dict[str, Any], block: dict[str, Any], candidates: dict[str, str]
    ) -> dict[str, Any] | None:
        """One of SKDE's charts as a figure bound to the catalogue, or None (not shipped)."""
        if chart["type"] == "linechart":
            found = self.trend(block, chart, candidates)
            if found is None:
                return None
            return {"title": self.text(label_of(chart, self.lang)), "kind": "trend",
                    "indicator": found, "level": "nation"}  # fmt: skip
        if chart.get("y") == "borhf":
            return self.regions(chart, candidates)
        national = next((r for r in block["data"] if str(r.get("area")).strip() in NATION), {})
        if chart["type"] == "table":
            columns = [c["id"] for c in chart.get("columns", [])]
        else:
            columns = chart["x"] if isinstance(chart["x"], list) else [chart["x"]]
        bound = [self.match(national.get(c), candidates, c) for c in columns]
        shown = [i for i in bound if i is not None]
        whole = chart["type"] == "table" or (columns and len(shown) == len(columns))
        if not shown or not whole:
            return None
        figure: dict[str, Any] = {"kind": KIND[chart["type"]], "indicator": shown[0]}
        title = label_of(chart, self.lang)
        if title:
            figure = {"title": self.text(title), **figure}
        # The line SKDE draws beside the bars of its county charts (children seen in care).
        lines = [self.match(national.get(c), candidates) for c in chart.get("lollipopVar", [])]
        also = shown[1:] + [i for i in lines if i is not None]
        if also:
            figure["also"] = also
            figure |= {"stacked": True} if chart["type"] == "barchart" and len(shown) > 1 else {}
        figure |= {"level": candidates[shown[0]], "period": period_of(shown[0])}
        if chart["type"] == "barchart" and len(columns) == 1:
            figure |= {"intervals": True} if chart.get("errorBars") else {}
            figure |= {"years": True} if chart.get("annualVar") else {}
        return figure

    def regions(self, chart: dict[str, Any], candidates: dict[str, str]) -> dict[str, Any] | None:
        """SKDE's bars by region (the lab atlas): the figure whose region rows come from
        the chart's block (tools/make_skde_atlases.py names it in the figure's source)."""
        named = f"regions from the block {chart['data']}"
        hits = [
            i
            for i in candidates
            if named in self.catalogue[i].conformance.source and "region" in published_cells()[i]
        ]
        if len(hits) != 1:
            return None
        figure = {
            "title": self.text(label_of(chart, self.lang)),
            "kind": "bars",
            "indicator": hits[0],
        }
        figure |= {"level": "region", "period": period_of(hits[0])}
        return figure | ({"years": True} if chart.get("annualVar") else {})

    def block(self, item: dict[str, Any]) -> dict[str, Any]:
        kind = item.get("type")
        text = self.figures_in
        if kind == "faktaboks":
            block = {"type": "fact", "title": self.text(item["overskrift"])}
            block |= {"text": text(item["tekst"]), "summary": text(item.get("ingress"))}
            return block | {"assessment": text(item.get("resultat"))}
        if kind == "resultatboks":
            self.count["boxes"] += 1
            ident = self.unique(slug(Path(item["data"]).stem, "_"))
            box = {"type": "result", "id": ident, "title": self.text(item["overskrift"])}
            box |= {"summary": text(item["ingress"]), "selection": text(item.get("utvalg"))}
            box |= {"assessment": text(item.get("resultat")), "text": text(item.get("tekst"))}
            made, data, reason = self.box_figures(item)
            self.count[f"boxes {data}"] += 1
            box |= {"figures": made, "data": data, "reason": reason}
            origin = {"data": item["data"], "map": item.get("kart")}
            return box | {"origin": origin | {k[0]: item.get(k[1]) for k in DATES}}
        block = {"type": "text", "label": self.text(item.get("beskrivelse"))}
        block |= {"text": text(item.get("tekst")), "summary": text(item.get("ingress"))}
        block |= {"assessment": text(item.get("resultat"))}
        origin = {"updated": item.get("oppdatert")}
        if kind is None:
            origin["note"] = "SKDE's item has no type (an ingress alone)"
        return block | {"origin": origin}

    def written(self) -> dict[str, str]:
        """The atlas's files: path within its folder → text."""
        doc, out, chapters = self.doc, {}, []
        second = any(
            b.get("type") == "resultatboks" for c in doc["kapittel"] for b in c.get("innhold", [])
        )
        for n, chapter in enumerate(doc["kapittel"], start=1):
            title = chapter.get("overskrift")
            name = f"{n:02d}-{slug(title)}.yaml" if title and slug(title) else f"{n:02d}.yaml"
            self.chapter_figures = []
            blocks = [_clean(self.block(item)) for item in chapter.get("innhold", [])]
            body = {"title": self.text(title), "blocks": blocks, "figures": self.chapter_figures}
            comment = HEADER.format(
                name=self.name, source=self.source, up="../../", schema="chapter.schema.json"
            )
            out[f"chapters/{name}"] = dump(_clean(body, keep={"blocks"}), comment)
            self.count["chapters"] += 1
            chapters.append(name)
        head = {
            "id": self.name,
            "title": self.text(doc["mainTitle"]),
            "short_title": self.text(doc.get("shortTitle")),
            "languages": [self.lang],
            "publisher": "SKDE",
            "authors": doc.get("forfatter"),
            "year": int(doc["date"][:4]),
            "date": doc["date"][:10],
            "published": bool(doc.get("publisert", True)),
            "summary": self.text(doc.get("ingress")),
            "front_page": self.text(doc.get("frontpagetext")),
            "url": f"https://apps.skde.no/helseatlas/v2/{self.name}" if second else None,
            "source": self.source,
            "licence": "GPL-3.0",
            "chapters": chapters,
            "origin": {"image": doc.get("image")},
        }
        comment = HEADER.format(
            name=self.name, source=self.source, up="../", schema="atlas.schema.json"
        )
        out["atlas.yaml"] = dump(_clean(head), comment)
        return out

    @property
    def source(self) -> str:
        return f"{MONGTS}, apps/skde/_posts/helseatlas/atlas/{self.name}.json"


DATES = (("published", "publisert"), ("updated", "oppdatert"))


def label_of(chart: dict[str, Any], lang: str) -> str | None:
    """A chart's label (its axis label, or a table's caption) in the atlas's language."""
    label = chart.get("xLabel") or chart.get("caption") or {}
    found = label.get(lang) or label.get("nb") or label.get("nn")
    return str(found) if found else None


def by_period(figure: dict[str, Any]) -> list[dict[str, Any]]:
    """A table whose columns have different periods (the lab atlas's tests 2021–2023 beside
    the share repeated 2020–2022) as one table per period, each at its columns' period."""
    if figure["kind"] != "table" or not figure.get("also"):
        return [figure]
    groups: dict[str, list[str]] = {}
    for indicator in (figure["indicator"], *figure["also"]):
        groups.setdefault(period_of(indicator), []).append(indicator)
    tables = []
    for period, members in groups.items():
        table = {k: v for k, v in figure.items() if k not in ("also", "period")}
        table |= {"indicator": members[0], "period": period}
        tables.append(table | ({"also": members[1:]} if members[1:] else {}))
    return tables


def missed_kind(chart: dict[str, Any]) -> str:
    """What a chart that is not shipped draws (a key of skde_reasons.CHARTS)."""
    if chart["type"] == "linechart":
        x = chart.get("x")
        return {("alder",): "age", ("mnd",): "month"}.get(tuple(x or ()), "years")
    return {"barchart": "bars", "map": "map", "table": "table"}[chart["type"]]


def _clean(value: Any, keep: frozenset[str] | set[str] = frozenset()) -> Any:
    """Without empty values (None, empty text), keeping the keys in ``keep`` and ``False``."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if k in keep or v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def atlas_files(reference: Path, name: str) -> tuple[dict[str, str], Counter[str]]:
    """The files of one imported atlas and what was counted (boxes, pictures, bound)."""
    atlas = Atlas(reference, name, load_catalogue())
    return atlas.written(), atlas.count


SOURCE = """# SKDE's atlases

SKDE's 23 atlas documents (Senter for klinisk dokumentasjon og evaluering, Helse Nord RHF;
the rus atlas by Helse Førde), 2015–2026, in variatlas's atlas format (docs/documents.md),
imported by `tools/import_skde_documents.py` from
`results/mongts-atlas-text/<atlas>.json` of ../shared/reference/skde, a copy of
{mongts} `apps/skde/_posts/helseatlas/atlas/<atlas>.json`.

**Licence.** SKDE's texts are published under the GNU GPL v3 (GPL-3.0; © SKDE, Helse Nord
RHF), the licence of mong/mongts; variatlas is GPL-3.0-or-later, so they are shipped under
SKDE's licence, with this note. Keep it where you copy them.

**The texts as SKDE wrote them.** Every text (chapter and box headings, Markdown text, fact
boxes, the result boxes' `ingress`, `utvalg` and `resultat`: here `summary`, `selection` and
`assessment`) is kept verbatim, in SKDE's language (bokmål or nynorsk: the English versions
are not in the repository), with one change: each picture `![alt](path "caption")` is
written `{{{{ figure ID }}}}` and declared in the chapter's `figures`, with its alt text
(`title`), caption and path (`origin.image`). SKDE's pictures are not shipped, and links to
SKDE's own pages and files (`/helseatlas/files/…`) point at SKDE's site as written.

**Figures bound to the data.** A result box of the second-generation atlases (with its data
in `results/mongts-atlas-data/`) is bound to the catalogue's SKDE indicators of its data file
(`tools/make_skde_atlases.py` names the file in each indicator's `conformance.source`): each
of SKDE's bar charts, maps and tables whose national value is one of those indicators'
becomes a figure of it, at the box's level (referral areas, or DPS areas for psyk2's DPS
boxes) and SKDE's period, with SKDE's intervals and yearly values where SKDE drew them. A box
whose other charts (line charts of trends, age and sex; tables by age) are not shipped says
`data: partly shipped`; one with no chart shipped says `data: not shipped`, and why. The
pictures of the first-generation atlases that draw a shipped figure (the child atlas 2015, the
elderly atlas and the quality atlas's cancer chapter) are bound by the importer's tables; the
others are `data: not shipped`.

| atlas | title | language | year | chapters | result boxes bound | pictures bound |
|---|---|---|---|---|---|---|
{rows}
| all | | | | {chapters} | {bound} of {boxes} | {pictures_bound} of {pictures} |

`psyk2-1` (Psykisk helsevern for eldre) and `rus` were drafts SKDE had not published:
psyk2-1's data files are not in the repository, except one it shares with psyk2 in another
version, and rus has chapter headings only.
"""


def source_md(rows: list[tuple[Atlas, Counter[str]]]) -> str:
    total: Counter[str] = Counter()
    lines = []
    for atlas, count in rows:
        total += count
        doc = atlas.doc
        bound = count["boxes shipped"] + count["boxes partly shipped"]
        boxes = f"{bound} of {count['boxes']}" if count["boxes"] else ""
        pictures = f"{count['pictures bound']} of {count['pictures']}" if count["pictures"] else ""
        lines.append(
            f"| `{atlas.name}` | {doc['mainTitle'].strip()} | {atlas.lang} | {doc['date'][:4]} "
            f"| {count['chapters']} | {boxes} | {pictures} |"
        )
    return SOURCE.format(
        mongts=MONGTS,
        rows="\n".join(lines),
        chapters=total["chapters"],
        bound=total["boxes shipped"] + total["boxes partly shipped"],
        boxes=total["boxes"],
        pictures_bound=total["pictures bound"],
        pictures=total["pictures"],
    )


def main(reference: Path, names: list[str]) -> None:
    """Import the atlases named (default: all, and write SOURCE.md)."""
    catalogue = load_catalogue()
    rows = []
    for name in names or sorted(p.stem for p in (reference / TEXTS).glob("*.json")):
        atlas = Atlas(reference, name, catalogue)
        made = atlas.written()
        folder = OUT / name
        for old in folder.glob("chapters/*.yaml"):
            old.unlink()
        for path, text in made.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text, encoding="utf-8")
        rows.append((atlas, atlas.count))
        print(name, dict(atlas.count), file=sys.stderr)
    if not names:
        (OUT / "SOURCE.md").write_text(source_md(rows), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
