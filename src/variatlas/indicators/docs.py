"""``docs/indicators.md`` and ``indicator.schema.json``, generated from the catalogue.

Run ``python -m variatlas.indicators.docs`` after changing an indicator file; a test fails
while the committed files are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from variatlas.indicators.model import THEMES, Indicator, YearRule, json_schema, load_catalogue

THEME_TITLES = {
    "children": "Children and youth",
    "cancer": "Cancer",
    "mental_health": "Adult mental health and substance-use care",
    "municipal": "Municipal care and hand-offs to hospitals",
}


def _condition(name: str, rule: object) -> str:
    data = {k: v for k, v in rule.model_dump().items() if v is not None}  # type: ignore[attr-defined]
    ((form, value),) = data.items()
    if form == "range":
        low, high = value
        text = f"{low:g}–{high:g}" if high is not None else f"≥ {low:g}"
        return f"{name} {text}"
    if form == "missing":
        return f"{name} {'empty' if value else 'present'}"
    words = {"values": "in", "not_values": "not in", "codes": "codes", "not_codes": "not codes"}
    return f"{name} {words[form]} {', '.join(str(v) for v in value)}"


def _year_rule(rule: YearRule) -> str:
    first, last = rule.years
    years = f"{first or ''}–{last or ''}"
    conditions = ", ".join(_condition(n, r) for n, r in rule.where.items())
    return f"in {years}: {conditions}"


def indicator_section(indicator: Indicator) -> str:
    lines = [
        f'<a id="{indicator.id}"></a>',
        "",
        f"### {indicator.title.en}",
        "",
        f"`{indicator.id}` — {indicator.title.nb}",
        "",
    ]
    lines.append(indicator.description.en)
    lines.append("")
    facts = [
        ("kind", indicator.kind),
        ("source", indicator.source),
        ("unit", f"{indicator.unit.en} (× {indicator.multiplier:g})"),
        ("attribution", indicator.attribution.replace("_", " ")),
        ("standardisation", indicator.standardisation.method),
        ("direction", indicator.direction.replace("_", " ")),
        ("minimum count", str(indicator.minimum_count)),
    ]
    if indicator.target:
        facts.append(
            (
                "target",
                f"{indicator.target.comparison} {indicator.target.value:g} "
                f"({indicator.target.source})",
            )
        )
    selections = [("counted", indicator.numerator)]
    if indicator.denominator is not None:
        selections = [("eligible", indicator.denominator), ("counted", indicator.numerator)]
    for label, selection in selections:
        parts = [_condition(n, r) for n, r in selection.where.items()]
        parts += [_year_rule(rule) for rule in selection.when]
        parts += selection.require
        if selection.by_end_of_period:
            parts.append(f"{selection.by_end_of_period} by the end of the period's year")
        if selection.first_of:
            parts.append(f"the first row of each {', '.join(selection.first_of)}")
        if selection.within:
            within = selection.within
            limit = "the lead-time table" if within.lead_time_table else f"{within.days} days"
            parts.append(
                f"{within.start} → {within.end} {'beyond' if within.beyond else 'within'} {limit}"
            )
        if selection.sum_days:
            parts.append(f"days {selection.sum_days.start} → {selection.sum_days.end} summed")
        if parts or selection.count == "persons":
            facts.append((label, f"{selection.count}; " + "; ".join(parts)))
    if indicator.kind == "duration":
        facts.append(("statistic", indicator.statistic))
    if indicator.score_range:
        low, high = indicator.score_range
        facts.append(("score", f"answers {low}–{high} shown as 0–100"))
    if indicator.population:
        age = indicator.population.age
        text = f"ages {age[0]}–{age[1]}" if age else "all ages"
        rules = [_year_rule(rule) for rule in indicator.population.when]
        facts.append(("population", "; ".join([text, *rules])))
    for name, link in indicator.links.items():
        window = (
            f", {link.window_from} → {link.window_to} {link.days[0]}–{link.days[1]} days"
            if (link.days)
            else ""
        )
        facts.append(
            (
                f"link `{name}`",
                f"{link.table} on {link.on}{window}" + (", same year" if link.same_year else ""),
            )
        )
    if indicator.need_covariate:
        facts.append(("need covariate", indicator.need_covariate))
    if indicator.published_by:
        facts.append(("published by", indicator.published_by))
    lines += ["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in facts] + [""]
    lines += [indicator.documentation.en, ""]
    conformance = indicator.conformance
    lines += [
        f"**Definition: {CONFORMANCE[conformance.status]}.** Source: {conformance.source}.",
        "",
    ]
    if conformance.differs:
        lines += [f"What differs: {conformance.differs}", ""]
    if indicator.unverified:
        lines += ["**Unverified:** " + " ".join(indicator.unverified), ""]
    if indicator.references:
        lines += ["References: " + " ".join(indicator.references), ""]
    return "\n".join(lines)


CONFORMANCE = {
    "official": "official",
    "variant": "a variant of the official definition",
    "own": "our own (no official definition found)",
}


def render() -> str:
    catalogue = load_catalogue()
    lines = [
        "# Indicator catalogue",
        "",
        "Generated from `src/variatlas/indicators/catalogue/` by "
        "`python -m variatlas.indicators.docs`; do not edit by hand.",
        "",
        f"{len(catalogue)} indicators. Each is one YAML file checked against "
        "`src/variatlas/indicators/indicator.schema.json`.",
        "",
        "Each says where its definition comes from (`conformance`): **official** (as the "
        "source defines it), **a variant** (what differs from the source, and why) or **our "
        "own** (no official definition was found). Readers compare our figures with "
        "Helsedirektoratet's, FHI's, SSB's and SKDE's: where they differ, the reason is here. "
        + ", ".join(
            f"{sum(i.conformance.status == s for i in catalogue.values())} {s}"
            for s in ("official", "variant", "own")
        )
        + ".",
        "",
    ]
    for theme in THEMES:
        members = [i for i in catalogue.values() if i.theme == theme]
        lines += [f"## {THEME_TITLES[theme]} ({len(members)})", ""]
        lines += [f"- [{i.title.en}](#{i.id}) (`{i.id}`)" for i in members] + [""]
        lines += [indicator_section(i) for i in members]
    return "\n".join(lines).rstrip() + "\n"


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(root: Path = Path(".")) -> None:
    (root / "docs" / "indicators.md").write_text(render(), encoding="utf-8")
    schema = Path(__file__).parent / "indicator.schema.json"
    schema.write_text(schema_text(), encoding="utf-8")
    print(f"wrote docs/indicators.md and {schema}", file=sys.stderr)


if __name__ == "__main__":
    main()
