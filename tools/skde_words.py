"""Words and names for SKDE's second-generation result boxes where the published ones do not
serve: used by make_skde_atlases.py. Every entry says why; SOURCE.md lists the kinds.

Keys name the data file, the data block and the column (or the columns of a chart of several
series, joined by ``+``) as published in ``results/mongts-atlas-data/<atlas>/``.
"""

from __future__ import annotations

# A chart's label (bokmål or nynorsk as published, and English) where SKDE's is wrong,
# a placeholder, or says less than the table beside it. The replacement keeps SKDE's words
# where they are right.
LABELS: dict[tuple[str, str, str], dict[str, str]] = {
    # English "tmp" (a placeholder) in the knee box.
    ("mr_kne_rb1.json", "datasett_1", "totsnitt"): {
        "en": "Number of knee MRI per 10,000 population",
    },
    # The knee box's English says "brain MRI" (copied from the brain box).
    ("mr_kne_rb2.json", "datasett_1", "privsnitt+offsnitt"): {
        "en": "Number of public/private knee MRI per 10,000 population",
    },
    # The English of the shoulder and knee boxes of patients over 50 leaves out the unit or
    # puts it in brackets: written as the bokmål says.
    ("mr_skulder_rb3.json", "datasett_1", "rtg50_snitt+irtg50_snitt"): {
        "en": "Number of shoulder MRI with/without X-ray before MRI, per 10,000 population",
    },
    ("mr_skulder_rb3.json", "datasett_1", "art_kir50_snitt+a_kir50_snitt+i_kir50_snitt"): {
        "en": "Number of shoulder MRI, by type of later surgery, per 10,000 population",
    },
    ("mr_kne_rb3.json", "datasett_1", "rtg50_snitt+irtg50_snitt"): {
        "en": "Number of knee MRI with/without X-ray before MRI, per 10,000 population over 50",
    },
    ("mr_kne_rb3.json", "datasett_1", "art_kir50_snitt+a_kir50_snitt+i_kir50_snitt"): {
        "en": "Number of knee MRI, by type of later surgery, per 10,000 population",
    },
    ("mr_prostata_rb3.json", "datasett_1", "pfsnitt+npfsnitt"): {
        "en": "Number of prostate MRI, in a pathway or not, per 10,000 men",
    },
    ("mr_prostata_rb3.json", "datasett_1", "pfsnitt+k_f_us_rate+restrate"): {
        "en": "Number of prostate MRI, by status at the time of MRI, per 10,000 men",
    },
    # A share (bokmål "Andel", format %) that the English calls a number.
    ("mr_kol_18_rb1.json", "datasett_3", "totsnitt"): {
        "en": "Proportion of vertebral column MRI preceded by X-ray",
    },
    # fedme: the English says patients where the nynorsk says contacts; the ages (18 and
    # over) are in the table and the case definition, not in the label; "10,000" in the
    # nynorsk of the first box.
    ("l1va_pol_konrate_json.json", "qwerty", "Snittrate"): {
        "nb": "Tal polikliniske kontaktar pr. 10 000 innbyggarar (18 år og eldre)",
        "en": "Number of outpatient contacts per 10,000 inhabitants (18 years and older)",
    },
    ("l1va_kpr_konrate_json.json", "qwerty", "Snittrate"): {
        "nb": "Tal kontaktar hjå allmennlege pr. 10 000 innbyggarar (18 år og eldre)",
        "en": "Number of GP contacts per 10,000 inhabitants (18 years and older)",
    },
    ("oppdatert_samla_fedme2.json", "qwerty", "snitt_prosentdel"): {
        "nb": "Tal pasientar pr. 10 000 innbyggarar (18 år og eldre)",
        "en": "Number of patients per 10,000 inhabitants (18 years and older)",
    },
    ("oppdatert_samla_fedme2.json", "qwerty", "prosrehab+proslms+prostrening"): {
        "nb": "Tal pasientar pr. 10 000 innbyggarar (18 år og eldre)",
        "en": "Number of patients per 10,000 inhabitants (18 years and older)",
    },
    ("l1va_ope_pasrate_json.json", "qwerty", "prosentdel"): {
        "nb": "Tal pasientar i kirurgisk behandling pr. 10 000 innbyggarar (18 år og eldre)",
        "en": "Number of patients in surgical treatment per 10,000 inhabitants (18 years and "
        "older)",
    },
    ("l1va_pol_pasrate_json.json", "qwerty", "prosentdel"): {
        "nb": "Tal pasientar i poliklinisk behandling pr. 10 000 innbyggarar (18 år og eldre)",
        "en": "Number of patients in outpatient treatment per 10,000 inhabitants (18 years "
        "and older)",
    },
    ("l1va_kpr_pasrate_json.json", "qwerty", "prosentdel"): {
        "nb": "Tal pasientar hjå allmennlege pr. 10 000 innbyggarar (18 år og eldre)",
        "en": "Number of patients seen by a GP per 10,000 inhabitants (18 years and older)",
    },
    # The label names the contacts, not the measure: the table's column and the box's text
    # ("22,6 % av polikliniske kontaktar ... var e-konsultasjonar") say it is a percentage.
    ("l1va_fed_ekon_json.json", "qwerty", "Snittrate"): {
        "nb": "Prosentdel e-konsultasjonar av polikliniske kontaktar (18 år og eldre)",
        "en": "Percentage of outpatient contacts that were e-consultations (18 years and older)",
    },
    # The English leaves out "private" and whom the percentage is of (the box's definition:
    # the patients of the overall selection).
    ("l1va_fed_rehab_json.json", "qwerty", "Snittrate"): {
        "nb": "Prosentdel av pasientane med fedme i private rehabiliteringsinstitusjonar",
        "en": "Percentage of patients with obesity treated in private rehabilitation institutions",
    },
    # Spelling slips in the English ("rehabitation", "wyth physiotarapist").
    ("samla_rehab_21_1023.json", "qwerty", "snitt_prosentdel"): {
        "en": "Percentage in rehabilitation (18 years and older)",
    },
    ("samla_rehab_21_1023.json", "qwerty", "prosrehab+proslms+prostrening"): {
        "en": "Percentage in rehabilitation (18 years and older)",
    },
    ("fysioterapi_20_10.json", "qwerty", "Snittprosentdel"): {
        "en": "Percentage trained by a physiotherapist (18 years and older)",
    },
    # Kroner, which the label leaves out (the box: "339 kroner" per inhabitant).
    ("mb_rb2.json", "datasett_1", "ref_pr_innb_adj"): {
        "nb": "Refusjon i kroner pr. innbygger",
        "en": "Reimbursement in NOK per inhabitant",
    },
}

# barn2025's county boxes: the English of the drug rates ("Rate: ...", the same for every
# drug) named as the bokmål names them; the patient rate (the chart's line) as the box's
# table and case definition describe it. SKDE's captions say "diabetes" in the asthma and
# epilepsy boxes, and "main diagnosis" where the epilepsy box's definition says main or
# secondary: written as the case definitions say.
_DRUGS_EN = "number of children with {} on prescription per 1,000 children (0-18 years)"
LABELS |= {
    (f"{box}_rb1_tot_fylke.json", "datasett_1", "ratesnitt"): {
        "en": "Drug rate: " + _DRUGS_EN.format("a drug"),
    }
    for box in ("aad", "astma", "diabetes", "epilepsi")
}
LABELS |= {
    ("aad_rb1_tot_fylke.json", "datasett_1", "as_ratesnitt"): {
        "en": "Asthma drug rate: " + _DRUGS_EN.format("an asthma drug"),
    },
    ("aad_rb1_tot_fylke.json", "datasett_1", "al_ratesnitt"): {
        "en": "Allergy drug rate: " + _DRUGS_EN.format("an allergy drug"),
    },
    ("aad_rb1_tot_fylke.json", "datasett_1", "d_ratesnitt"): {
        "en": "Eczema drug rate: " + _DRUGS_EN.format("an eczema drug"),
    },
    ("aad_rb1_tot_fylke.json", "datasett_2", "unprratesnitt"): {
        "nb": "Pasientrate: Antall barn med kontakt i spesialisthelsetjenesten med astma, "
        "allergi eller eksem som hoveddiagnose pr. 1 000 barn (0-18 år)",
        "en": "Patient rate: number of children seen in specialist care with asthma, allergy "
        "or eczema as main diagnosis per 1,000 children (0-18 years)",
    },
    ("astma_rb1_tot_fylke.json", "datasett_2", "unprratesnitt"): {
        "nb": "Pasientrate: Antall barn med kontakt i spesialist- eller allmennlegetjenesten "
        "med astma som hoveddiagnose pr. 1 000 barn (0-18 år)",
        "en": "Patient rate: number of children seen in specialist or GP care with asthma "
        "as main diagnosis per 1,000 children (0-18 years)",
    },
    ("diabetes_rb1_tot_fylke.json", "datasett_2", "unprratesnitt"): {
        "nb": "Pasientrate: Antall barn med kontakt i spesialisthelsetjenesten med diabetes "
        "type 1 som hoveddiagnose pr. 1 000 barn (0-18 år)",
        "en": "Patient rate: number of children seen in specialist care with type 1 diabetes "
        "as main diagnosis per 1,000 children (0-18 years)",
    },
    ("epilepsi_rb1_tot_fylke.json", "datasett_2", "unprratesnitt"): {
        "nb": "Pasientrate: Antall barn med kontakt i spesialisthelsetjenesten med epilepsi "
        "som hoved- eller bidiagnose pr. 1 000 barn (0-18 år)",
        "en": "Patient rate: number of children seen in specialist care with epilepsy as "
        "main or secondary diagnosis per 1,000 children (0-18 years)",
    },
}

# The name of a figure within its result box (the end of its id) where a box has several,
# by (data file, block, column): the generic names (``ratesnitt`` → contacts, …) would
# mislead in these atlases.
NAMES: dict[tuple[str, str, str], str] = {
    ("mr_kol_18_rb1.json", "datasett_1", "totsnitt"): "mri",
    ("mr_kol_18_rb1.json", "datasett_3", "totsnitt"): "xray",
    ("mr_kol_68_rb1.json", "datasett_1", "totsnitt"): "mri",
    ("mr_kol_68_rb1.json", "datasett_3", "ratesnitt"): "surgery",
    ("mr_lumbosakral_tillegg.json", "datasett_1", "totsnitt"): "repeated",
    ("mr_lumbosakral_tillegg.json", "datasett_2", "totsnitt"): "xray",
    ("mr_cervikalkol_tillegg.json", "datasett_1", "totsnitt"): "shoulder",
    ("mr_cervikalkol_tillegg.json", "datasett_2", "totsnitt"): "repeated",
    ("mr_cervikalkol_tillegg.json", "datasett_3", "totsnitt"): "xray",
    ("mr_prostata_rb3.json", "datasett_1", "andel_pf"): "pathway",
    ("mr_prostata_rb3.json", "datasett_1", "psasnitt"): "psa_tests",
    ("nipt_rb1.json", "datasett_1", "totsnitt_35"): "age_35_50",
    ("nipt_rb1.json", "datasett_1", "totsnitt_18"): "age_18_33",
    ("tsh_rb1.json", "datasett_1", "andel_kun_TSH"): "without_t4",
}
COUNTY_NAMES = {
    "ratesnitt": "drugs",
    "unprratesnitt": "patients",
    "as_ratesnitt": "asthma_drugs",
    "al_ratesnitt": "allergy_drugs",
    "d_ratesnitt": "eczema_drugs",
}
"""barn2025's county boxes: children with drugs on prescription (all of the box's, and for
asthma, allergy and eczema), and children seen for the box's conditions."""
LAB_NAMES = {"totsnitt": "tests", "ratesnitt_andel_int": "repeated"}
"""The lab atlas: tests per 1,000 and the share repeated sooner than recommended."""

# A figure's period where its chart draws no years and the table's caption does not give it:
# (data file, block, column or series columns) → period.
PERIODS: dict[tuple[str, str, str], str] = {
    # The share of the tests of 2018 repeated in 2018–2023 (the box's case definition).
    ("laktose_rb1.json", "datasett_1", "ratesnitt_andel_int"): "2018",
    # The caption: "2019–2022 for røntgen, 2018-2021 ellers" (surgery within a year after).
    ("mr_skulder_rb3.json", "datasett_1", "art_kir50_snitt+a_kir50_snitt+i_kir50_snitt"): (
        "2018-2021"
    ),
    ("mr_kne_rb3.json", "datasett_1", "art_kir50_snitt+a_kir50_snitt+i_kir50_snitt"): ("2018-2021"),
}
