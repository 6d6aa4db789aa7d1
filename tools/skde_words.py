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


# The atlases: theme, title (as published, and in English), period of the averages.
ATLASES = {
    "barn2025": ("children", "Helseatlas barn 2025", "Child health atlas 2025", "2022-2024"),
    "bup": (
        "children",
        "Psykisk helsevern for barn og unge",
        "Mental health care for children and adolescents",
        "2019-2023",
    ),
    "psyk2": (
        "mental_health",
        "Psykisk helsevern for vaksne",
        "Mental health care for adults",
        "2020-2024",
    ),
    "kronikere": (
        "municipal",
        "Helseatlas for kroniske sykdommer",
        "Health atlas for chronic diseases",
        "2019-2021",
    ),
    "lab": (
        "municipal",
        "Helseatlas medisinsk biokjemi",
        "Health atlas of medical biochemistry",
        "2021-2023",
    ),
    "radiologi": (
        "municipal",
        "Helseatlas radiologi første del, MR",
        "Health atlas of radiology, part one: MRI",
        "2018-2022",
    ),
    "radiologi2": (
        "municipal",
        "Helseatlas radiologi andre del, MR",
        "Health atlas of radiology, part two: MRI of the spine",
        "2018-2022",
    ),
    "fedme": ("municipal", "Helseatlas fedme", "Health atlas of obesity", "2018-2022"),
    "hjarteinfarkt": (
        "municipal",
        "Helseatlas hjarteinfarkt",
        "Health atlas of myocardial infarction",
        "2018-2022",
    ),
    "endometriose": (
        "municipal",
        "Kirurgiske inngrep for endometriose",
        "Surgery for endometriosis",
        "2019-2021",
    ),
    "eldre": ("municipal", "Eldrehelseatlas for Norge", "Elderly health atlas", "2013-2015"),
    "kvalitet": ("cancer", "Helseatlas for kvalitet", "Quality atlas", "2017-2019"),
}
MEASURES: dict[object, str] = {
    ("opphold_18", "Snittrate"): "stays",
    "ratesnitt": "contacts",
    "pasratesnitt": "patients",
    "Snitt_rate": "patients",
    "Snittrate": "contact_days",
    "Opph_snittrate": "stays",
    "Ligge_snittrate": "bed_days",
    "Snittrate1": "bed_days",
}


KVALITET_DIRECTION = {
    "Hjerteinfarkt STEMI, reperfusjon": "higher_is_better",
    "Hjerteinfarkt NSTEMI, utredning 72 t.": "higher_is_better",
    "Karkirurgi, carotisstenose": "higher_is_better",
    "Hjerneslag, trombolyse": "higher_is_better",
    "Invasiv kardiologi, trykkmåling": "higher_is_better",
    "Diabetes barn, HbA1c < 53 mmol": "higher_is_better",
    "Diabetes barn, HbA1c < 75 mmol": "higher_is_better",
    "Diabetes voksne, HbA1c <= 53 mmol": "higher_is_better",
    "Diabetes voksne, HbA1c < 75 mmol": "higher_is_better",
    "Hoftebrudd, sementert stamme": "higher_is_better",
    "Hoftebrudd, operasjon innen 48 t.": "higher_is_better",
    "Nyre, blodtrykk < 130/80": "higher_is_better",
    "Nyre, hemodialyse": "higher_is_better",
    "Nyre, hjemmedialyse": "neutral",
    "Tykktarmskreft, laparoskopi": "higher_is_better",
    "Endetarmskreft, laparoskopi": "higher_is_better",
    "Endetarmskreft, uten tilbakefall": "higher_is_better",
    "Tykktarmskreft, overlevelse": "higher_is_better",
    "Brystkreft, primærkirurgi": "higher_is_better",
    "Brystkreft, brystbevarende kirurgi": "higher_is_better",
    "Lungekreft, kurativt behandling": "higher_is_better",
    "Lungekreft, overlevelse": "higher_is_better",
    "Prostatakreft, radikal behandling": "higher_is_better",
    "Prostatakreft, fri rand": "higher_is_better",
}
KVALITET_CHAPTER = {
    "Hjerteinfarkt STEMI, reperfusjon": "Hjerteinfarkt",
    "Hjerteinfarkt NSTEMI, utredning 72 t.": "Hjerteinfarkt",
    "Karkirurgi, carotisstenose": "Karkirurgi",
    "Hjerneslag, trombolyse": "Hjerneslag",
    "Invasiv kardiologi, trykkmåling": "Invasiv kardiologi",
    "Diab": "Diabetes type 1 hos voksne",
    "Diabetes barn, HbA1c < 53 mmol": "Diabetes type 1 hos barn og unge",
    "Diabetes barn, HbA1c < 75 mmol": "Diabetes type 1 hos barn og unge",
    "Hoft": "Hoftebrudd",
    "Nyre": "Alvorlig nyresykdom",
    "Tykk": "Tykk- og endetarmskreft",
    "Ende": "Tykk- og endetarmskreft",
    "Brys": "Brystkreft",
    "Lung": "Lungekreft",
    "Pros": "Prostatakreft",
}
KVALITET_EN = {
    "Hjerteinfarkt STEMI, reperfusjon": "Myocardial infarction (STEMI), reperfusion in time",
    "Hjerteinfarkt NSTEMI, utredning 72 t.": "Myocardial infarction (NSTEMI), invasive "
    "assessment within 72 hours",
    "Karkirurgi, carotisstenose": "Symptomatic carotid stenosis, surgery within 14 days",
    "Hjerneslag, trombolyse": "Stroke (cerebral infarction), thrombolysis",
    "Invasiv kardiologi, trykkmåling": "Stable coronary disease, pressure measurement",
    "Diabetes barn, HbA1c < 53 mmol": "Type 1 diabetes in children, HbA1c under 53 mmol/mol",
    "Diabetes barn, HbA1c < 75 mmol": "Type 1 diabetes in children, HbA1c under 75 mmol/mol",
    "Diabetes voksne, HbA1c <= 53 mmol": "Type 1 diabetes in adults, HbA1c at most 53 mmol/mol",
    "Diabetes voksne, HbA1c < 75 mmol": "Type 1 diabetes in adults, HbA1c under 75 mmol/mol",
    "Hoftebrudd, sementert stamme": "Hip fracture, prosthesis with a cemented stem",
    "Hoftebrudd, operasjon innen 48 t.": "Hip fracture, surgery within 48 hours",
    "Nyre, blodtrykk < 130/80": "Kidney transplant, blood pressure under 130/80 mmHg",
    "Nyre, hemodialyse": "Kidney failure, satisfactory haemodialysis",
    "Nyre, hjemmedialyse": "Kidney failure, home dialysis",
    "Tykktarmskreft, laparoskopi": "Colon cancer, laparoscopic surgery",
    "Endetarmskreft, laparoskopi": "Rectal cancer, laparoscopic surgery",
    "Endetarmskreft, uten tilbakefall": "Rectal cancer, no local recurrence after 5 years",
    "Tykktarmskreft, overlevelse": "Colon cancer, survival",
    "Brystkreft, primærkirurgi": "Breast cancer, one operation on the primary tumour",
    "Brystkreft, brystbevarende kirurgi": "Breast cancer, breast-conserving surgery (< 30 mm)",
    "Lungekreft, kurativt behandling": "Lung cancer, curative treatment",
    "Lungekreft, overlevelse": "Lung cancer, median survival",
    "Prostatakreft, radikal behandling": "Prostate cancer, radical treatment (high risk)",
    "Prostatakreft, fri rand": "Prostate cancer, free margins after surgery",
}

# Where the workbook's heading is all SKDE says of an indicator.
KVALITET_NOTE = {
    "Tykktarmskreft, overlevelse": (
        " SKDEs regneark kaller indikatoren «Tykktarmskreft, overlevelse» "
        "(last_ned_data_kvalitet.xlsx, arket «data», rad 2) og sier ikke over hvor lang tid "
        "eller fra hvilket tidspunkt; atlasets tekst omtaler den ikke.",
        " SKDE's workbook names the indicator «Tykktarmskreft, overlevelse» (colon cancer, "
        "survival; last_ned_data_kvalitet.xlsx, sheet «data», row 2) and does not say over "
        "what time or from when; the atlas's text does not describe it.",
    ),
}


# The series of SKDE's charts of several columns, by their legend (bokmål or nynorsk as
# published, lower case): the name of the series in the figure's id, and its words. The
# legend, not the column, names a series: barn2025's charts reuse the columns
# ``privratesnitt``/``offratesnitt`` for specialist/GP and telephone-video/ordinary
# consultations (see SOURCE.md).
SERIES = {
    "private": ("privat", "Private avtalespesialister", "Private specialists under contract"),
    "offentlig": ("offentlig", "Offentlig", "Public"),
    "spesialist": ("spesialist", "Spesialist", "Specialist"),
    "allmenn": ("allmennlege", "Allmennlege", "General practitioner"),
    "allmennlege": ("allmennlege", "Allmennlege", "General practitioner"),
    "tlf/video konsultasjon": (
        "tlf_video",
        "Tlf/video-konsultasjon",
        "Telephone/video consultations",
    ),
    "ordinære konsultasjoner": ("ordinaer", "Ordinære konsultasjoner", "Ordinary consultations"),
    "pasientar hos allmennlege": (
        "allmennlege",
        "Pasientar hos allmennlege",
        "Patients in primary care",
    ),
    "pasientar hos både allmennlege og i poliklinikk": (
        "begge",
        "Pasientar hos både allmennlege og i poliklinikk",
        "Patients in both primary care and outpatient treatment",
    ),
    "pasientar i poliklinikk": (
        "poliklinikk",
        "Pasientar i poliklinikk",
        "Patients in outpatient treatment",
    ),
    "benadling i somatikk": (
        "somatikk",
        "Behandling i somatikk",
        "Treatment in the somatic sector",
    ),
    "behandling i somatisk sektor": (
        "somatikk",
        "Behandling i somatisk sektor",
        "Treatment in the somatic sector",
    ),
    "behandling i psykisk helsevern": (
        "psykisk_helsevern",
        "Behandling i psykisk helsevern",
        "Treatment in mental health care",
    ),
    "benadling i psykisk helsevern": (
        "psykisk_helsevern",
        "Behandling i psykisk helsevern",
        "Treatment in mental health care",
    ),
    "behandling i avtalespesialister": (
        "avtalespesialist",
        "Behandling hos avtalespesialistar",
        "Treatment by private specialists under contract",
    ),
    "kun spes.helsetj.": ("kun_spesialist", "Kun spesialisthelsetjenesten", "Specialist care only"),
    "allmennlege og spes.helsetj.": (
        "begge",
        "Allmennlege og spesialisthelsetjenesten",
        "GP and specialist care",
    ),
    "spes. og allmennlegetj.": (
        "begge",
        "Allmennlege og spesialisthelsetjenesten",
        "GP and specialist care",
    ),
    "kun allmennlegetj.": ("kun_allmennlege", "Kun allmennlegetjenesten", "GP only"),
    "sykehus": ("sykehus", "Sykehus", "Hospital"),
    "avtalespesialist": (
        "avtalespesialist",
        "Avtalespesialist",
        "Private specialist under contract",
    ),
    "fastlege": ("fastlege", "Fastlege", "Regular GP"),
    "legevakt": ("legevakt", "Legevakt", "Out-of-hours service"),
    "fastlege/legevakt": ("allmennlege", "Fastlege/legevakt", "Regular GP or out-of-hours service"),
    "private røntgeninstitutt": ("privat", "Private røntgeninstitutt", "Private imaging clinics"),
    "bilateralt": ("bilateralt", "Bilateralt (begge sider)", "Bilateral (both sides)"),
    "unilateralt": ("unilateralt", "Unilateralt (én side)", "Unilateral (one side)"),
    "røntgen": ("rontgen", "Med røntgen i forkant", "With an X-ray before the MRI"),
    "ikke røntgen": ("uten_rontgen", "Uten røntgen i forkant", "Without an X-ray before the MRI"),
    "artrose": ("artrosekirurgi", "Fulgt av artrosekirurgi", "Followed by osteoarthritis surgery"),
    "annen": ("annen_kirurgi", "Fulgt av annen kirurgi", "Followed by other surgery"),
    "ikke": ("uten_kirurgi", "Ikke fulgt av kirurgi", "Not followed by surgery"),
    "pakkeforløp": ("pakkeforlop", "I pakkeforløp", "In a cancer patient pathway"),
    "i pakkeforløp": ("pakkeforlop", "I pakkeforløp", "In a cancer patient pathway"),
    "ikke pakkeforløp": (
        "ikke_pakkeforlop",
        "Ikke i pakkeforløp",
        "Not in a cancer patient pathway",
    ),
    "med kreftdiagnose": (
        "kreftdiagnose",
        "Med kreftdiagnose (ikke i pakkeforløp)",
        "With a cancer diagnosis (not in a pathway)",
    ),
    "uten": (
        "verken",
        "Verken i pakkeforløp eller med kreftdiagnose",
        "Neither in a pathway nor with a cancer diagnosis",
    ),
    "berre spesialisthelsetenesta": (
        "kun_spesialist",
        "Berre spesialisthelsetenesta",
        "Specialist care only",
    ),
    "begge": (
        "begge",
        "Både spesialisthelsetenesta og allmennlegetenesta",
        "Both specialist care and GPs",
    ),
    "berre allmennlegetenesta": ("kun_allmennlege", "Berre allmennlegetenesta", "GPs only"),
    "standard rehabilitering": (
        "standard",
        "Standard rehabilitering",
        "Standard rehabilitation (Z50 codes)",
    ),
    "lms": (
        "lms",
        "Lærings- og meistringskurs (LMS)",
        "Learning and coping course (LMS)",
    ),
    "trening": ("trening", "Trening (berre)", "Exercise training (only)"),
}
