"""Which atlases a publication draws: an optional atlas its results cannot draw is left out.

SKDE's atlases are drawn whatever the results hold: a figure whose indicator is not published
says so on the page. An atlas written over computed indicators is different: its texts print
numbers from the results (placeholders), so a user's data that lack one of its indicators or
periods, or hide a cell it prints, would stop every publication. Such an atlas says
``optional: true`` (the demo's does): where the results cannot draw it whole, it is left out
and the publication says why in one sentence. An atlas that says ``synthetic: true`` speaks
of synthetic Norway, so it is drawn only from results computed from synthetic data (their
provenance's ``synthetic``, recorded by ``compute`` where the input was made by ``variatlas
synth``): left out if optional, refused with a sentence if not. Any other atlas is drawn as
before, and a number it cannot print stops the publication (``publish.documents``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import pandas as pd
from pydantic import BaseModel

from variatlas.disclosure import DisclosedResults
from variatlas.documents import Bindings, DocumentError, Fault, PlaceholderError
from variatlas.documents.loading import Document, Source, field_name, figures, texts
from variatlas.documents.model import Figure
from variatlas.indicators.model import Indicator

View = tuple[str, str, str, str]
"""(indicator, level, period, sex) of the results."""


def choose_documents(
    documents: Sequence[Document],
    disclosed: DisclosedResults,
    catalogue: Mapping[str, Indicator],
) -> tuple[list[Document], list[str]]:
    """The atlases to draw from ``disclosed``, and for each optional one left out the
    sentence why; ``DocumentError`` for an atlas about synthetic data that is not optional,
    where the results are not synthetic."""
    _distinct(documents)
    synthetic = bool(disclosed.provenance.get("synthetic"))
    optional = [d for d in documents if d.atlas.optional]
    present = _views(disclosed.results, {i for d in optional for i in _indicators(d)})
    bindings = Bindings(disclosed.results, disclosed.variation, catalogue)
    chosen, left_out = [], []
    for document in documents:
        if document.atlas.optional:
            why = _why_not(document, synthetic, present, bindings)
            if why is not None:
                left_out.append(f"The atlas {document.atlas.id} is left out: {why}.")
                continue
        elif document.atlas.synthetic and not synthetic:
            raise DocumentError([_not_synthetic(document)])
        chosen.append(document)
    return chosen, left_out


def _distinct(documents: Sequence[Document]) -> None:
    """Each atlas its own id: two with one id would write the same pages."""
    seen: dict[str, Document] = {}
    for document in documents:
        first = seen.setdefault(document.atlas.id, document)
        if first is not document:
            path = document.folder / "atlas.yaml"
            line = Source(path, path.read_text(encoding="utf-8")).line(("id",))
            message = f"the id {document.atlas.id} is the id of the atlas in {first.folder} too"
            raise DocumentError([Fault(path, line, "id", message)])


NOT_SYNTHETIC = (
    "it is written about synthetic Norway (synthetic: true), and these results are not "
    "computed from synthetic data (their provenance.json has no synthetic)"
)


def _not_synthetic(document: Document) -> Fault:
    path = document.folder / "atlas.yaml"
    line = Source(path, path.read_text(encoding="utf-8")).line(("synthetic",))
    return Fault(path, line, "synthetic", NOT_SYNTHETIC)


def _why_not(
    document: Document, synthetic: bool, present: set[View], bindings: Bindings
) -> str | None:
    """Why the results cannot draw an optional atlas whole, in words; None if they can."""
    if document.atlas.synthetic and not synthetic:
        return NOT_SYNTHETIC
    for name, chapter in document.chapters.items():
        for _, figure in figures(chapter):
            missing = _missing_view(figure, present)
            if missing:
                return f"chapters/{name} shows {missing}, which these results do not hold"
    for where, text, lang in _texts(document):
        try:
            bindings.fill(text, lang, where=where, figure=lambda _: "")
        except PlaceholderError as error:
            return str(error)
    return None


def _missing_view(figure: Figure, present: set[View]) -> str | None:
    """The first of a figure's indicators whose view the results lack, named; or None."""
    for indicator in (figure.indicator, *figure.also):
        if indicator is None:
            continue
        view = (indicator, figure.level, figure.period, figure.sex)
        held = (
            view in present
            if figure.period is not None
            else any(v[:2] == view[:2] and v[3] == figure.sex for v in present)
        )
        if not held:
            period = f" for {figure.period}" if figure.period else ""
            return f"{indicator} at the level {figure.level}{period} (sex {figure.sex})"
    return None


def _texts(document: Document) -> Iterator[tuple[str, str, str]]:
    """Every text of an atlas in every language: (where, as ``publish.documents`` names it;
    the Markdown; the language)."""
    atlas_id = document.atlas.id
    models: list[tuple[str, BaseModel]] = [(f"{atlas_id}/atlas.yaml", document.atlas)]
    models += [(f"{atlas_id}/chapters/{name}", c) for name, c in document.chapters.items()]
    for where, model in models:
        for location, text in texts(model):
            for lang, markdown in text.items():
                yield f"{where}: {field_name(location)}.{lang}", markdown, lang


def _indicators(document: Document) -> Iterator[str]:
    for chapter in document.chapters.values():
        for _, figure in figures(chapter):
            yield from (i for i in (figure.indicator, *figure.also) if i)


def _views(results: pd.DataFrame, indicators: set[str]) -> set[View]:
    keys = ["indicator", "level", "period", "sex"]
    found = results.loc[results["indicator"].isin(indicators), keys].drop_duplicates()
    return {(str(i), str(lv), str(p), str(s)) for i, lv, p, s in found.itertuples(index=False)}
