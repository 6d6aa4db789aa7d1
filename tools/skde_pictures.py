"""Which of SKDE's pictures draw a figure of the catalogue: used by import_skde_documents.py.

A picture is bound where it draws one figure of the data per referral area (bars, with
intervals, yearly dots or the counts beside them): picture (its file's stem) → indicators
(the first drawn, the others beside it or stacked on it). Pictures by age and sex, over
months or years, of the whole country, or that split the bars into parts the data do not
have (public and private providers, types of surgery) are not bound: their data are not
published. Each table was written by reading the picture's caption against the figure's name
and period in SKDE's data (docs/documents.md, "SKDE's atlases").
"""

from __future__ import annotations

# Pictures of the first-generation atlases that draw a figure of the catalogue (the bars of
# the referral areas): picture → indicators. The other pictures (age and sex, years, public
# and private, deaths, shares of the population) draw figures that are not shipped.
BARN_PICTURES = (
    "prim_kons1", "spes_kons1", "totalt_innleggelser1", "totalt_poli1", "pediatri_totalt1",
    "pediatri_innleggelser1", "med_poli1", "akutt1", "omgang_innl1", "pediatri_luftvei1",
    "pediatri_bronkiolitt1", "pediatri_obstipasjon1", "ped_epilepsi1", "urologi1",
    "gastroenterologi1", "kardiologi1", "astma1", "obstipasjon_poli1", "epilepsi_poli1",
    "kirurgi_totalt1", "kirurgi_innleggelser1", "kirurgi_poliklinikk1", "mandler1", "oredren1",
    "blindtarm1",
)  # fmt: skip
"""The child atlas 2015's pictures of its 25 indicators' rates, in the indicators' order
(barnehelseatlas_01 … _25: helseatlas-data barn.csv, level3 1–25)."""
BARN = {p: (f"barnehelseatlas_{n:02d}",) for n, p in enumerate(BARN_PICTURES, start=1)}
ELDRE = {
    picture: (f"skde_eldre_{indicator}",)
    for picture, indicator in (
        ("almenn1", "fastlege"),
        ("almenn2", "legevakt"),
        ("spes1", "poliklinikk_alle"),
        ("spes2", "innleggelser_alle"),
        ("hjerteinfarkt1", "hjerteinfarkt_innlagte_pasienter"),
        ("hjerteinfarkt2", "revaskularisering_pci_og_bypass"),
        ("hjertesvikt1", "hjertesvikt_poliklinikk"),
        ("hjertesvikt2", "hjertesvikt_innleggelser"),
        ("hjertesvikt3", "hjertesvikt_reinnleggelser"),
        ("utredninghjerte1", "arbeids_ekg_poliklinisk"),
        ("utredninghjerte2", "ekkokardiografi_poliklinisk"),
        ("utredninghjerte3", "langtids_ekg_poliklinisk"),
        ("pacemaker1", "pacemaker"),
        ("lungebetennelse1", "lungebetennelse_akutte_innleggelser"),
        ("lungebetennelse2", "lungebetennelse_reinnleggelser"),
        ("kols1", "kols_akutte_innleggelser"),
        ("kols2", "kols_reinnleggelser"),
        ("hoftebrudd1", "hoftebrudd"),
        ("hoftebrudd2", "hoftebrudd_reinnleggelser"),
        ("leddproteser1", "primaere_hofteproteser"),
        ("leddproteser2", "primaere_kneproteser"),
        ("handleddsbrudd1", "handleddsbrudd_konservativ_behandling_andeler"),
        ("handleddsbrudd2", "larhalsbrudd_behandling_med_protese_andeler"),
        ("hjerneslag1", "hjerneslag_akutte_innleggelser"),
        ("hjerneslag2", "hjerneslag_pasienter_innlagt_innen_4_timer_etter_symptomdebut_andel"),
        ("hjerneslag3", "hjerneslag_pasienter_behandlet_i_slagenhet_andel"),
        ("demens1", "demens_poliklinikk"),
        ("demens2", "parkinson_sykdom_poliklinikk"),
        ("kreft2", "medikamentell_behandling_pasienter"),
        ("kreft3", "stralebehandling_pasienter"),
        ("oyesykdommer1", "gra_staer_inngrep"),
        ("oyesykdommer2", "injeksjonsbehandling_pasienter"),
        ("horeapparat1", "horeapparat_pasienter"),
        ("biologiske1", "biologisk_legemiddel_pasienter"),
    )
}
KVALITET = {
    "kvalitet_tarmkreft_1": (
        "skde_kvalitet_tykktarmskreft_laparoskopi",
        "skde_kvalitet_endetarmskreft_laparoskopi",
    ),
    "kvalitet_tarmkreft_2": ("skde_kvalitet_endetarmskreft_uten_tilbakefall",),
    "kvalitet_brystkreft_1": ("skde_kvalitet_brystkreft_primaerkirurgi",),
    "kvalitet_brystkreft_2": ("skde_kvalitet_brystkreft_brystbevarende_kirurgi",),
    "kvalitet_lungekreft_1": ("skde_kvalitet_lungekreft_kurativt_behandling",),
    "kvalitet_lungekreft_2": ("skde_kvalitet_lungekreft_overlevelse",),
    "kvalitet_prostatakreft_1": ("skde_kvalitet_prostatakreft_radikal_behandling",),
    "kvalitet_prostatakreft_2": ("skde_kvalitet_prostatakreft_fri_rand",),
    "kvalitet_hjerteinfarkt_1": ("skde_kvalitet_hjerteinfarkt_stemi_reperfusjon",),
    "kvalitet_hjerteinfarkt_2": ("skde_kvalitet_hjerteinfarkt_nstemi_utredning_72_t",),
    "kvalitet_karkirurgi_2": ("skde_kvalitet_karkirurgi_carotisstenose",),
    "kvalitet_hjerneslag_1": ("skde_kvalitet_hjerneslag_trombolyse",),
    "kvalitet_invasiv_kardio_2": ("skde_kvalitet_invasiv_kardiologi_trykkmaling",),
    "kvalitet_barnediabetes_1": ("skde_kvalitet_diabetes_barn_hba1c_53_mmol",),
    "kvalitet_voksendiabetes_1": ("skde_kvalitet_diabetes_voksne_hba1c_53_mmol",),
    "kvalitet_voksendiabetes_2": ("skde_kvalitet_diabetes_voksne_hba1c_75_mmol",),
    "kvalitet_hoftebrudd_1": ("skde_kvalitet_hoftebrudd_operasjon_innen_48_t",),
    "kvalitet_hoftebrudd_2": ("skde_kvalitet_hoftebrudd_sementert_stamme",),
    "kvalitet_nyre_1": ("skde_kvalitet_nyre_blodtrykk_130_80",),
    "kvalitet_nyre_2": ("skde_kvalitet_nyre_hemodialyse",),
}

KOLS = {
    "lege2": ("skde_kols_personer_hos_fastlege_eller_legevakt",),
    "lege3": ("skde_kols_spirometri_hos_fastlege_andeler",),
    "poliklinikk2": ("skde_kols_personer_pa_poliklinikk",),
    "poliklinikk3": ("skde_kols_spirometri_pa_poliklinikk_andeler",),
    "akutt2_0": ("skde_kols_akuttinnlagte_personer",),
    "akutt3": ("skde_kols_ventilasjonsstotte_andeler",),
    "rehab2": ("skde_kols_personer_deltatt_pa_lungerehabilitering",),
    "forekomst2": ("skde_kols_nye_tilfeller_av_lungekreft",),
}
"""The COPD atlas: the bars of each chapter (the others: age and sex, smoking since 1973)."""
GYN = {
    "bilde_1": ("skde_gyn_kolposkopi_og_eller_vevsprove_av_livmorhalsen",),
    "skjermbilde_2_0": ("skde_gyn_sterilisering",),
    "skjermbilde_1": ("skde_gyn_kirurgisk_behandling_ved_spontanabort",),
    "skjermbilde_2": ("skde_gyn_andel_kirurgisk_behandling_ved_selvbestemt_abort",),
    "proveror1": ("skde_gyn_proverorsbehandling",),
    "hysterektomi1": ("skde_gyn_hysterektomi", "skde_gyn_transcervikale_inngrep"),
    "fremfall2": ("skde_gyn_skjede_og_livmorfremfall",),
    "urininkontinens2": ("skde_gyn_urininkontinens",),
}
"""The gynaecology atlas: the bars not split by provider or by type of surgery."""
_FODSEL = "skde_fodsel_{}"
FODSEL = {
    "svangerskapsomsorg_figur1": tuple(
        _FODSEL.format(k)
        for k in (
            "kontakter_hos_jordmor",
            "kontakter_hos_fastlege_legevakt",
            "kontakter_i_spes_helsetjenesten",
        )
    ),
    "svangerskapsomsorg_figur2": (_FODSEL.format("svangerskapsdiabetes_forstegangsfodende"),),
    **{
        f"{picture}_figur{n}": tuple(_FODSEL.format(f"{who}_{figure}") for figure in figures)
        for picture, figures in (
            ("igangsetting", ("igangsetting",)),
            ("epidural", ("epidural",)),
            ("klipping", ("klipping",)),
            ("instrumentell", ("instrumentell_vaginal_fodsel",)),
            ("keisersnitt", ("keisersnitt_akutt", "keisersnitt_planlagt")),
        )
        for n, who in ((1, "forstegangsfodende"), (2, "flergangsfodende"))
    },
}
"""The obstetrics atlas: first-time (figur1) and other mothers (figur2); contacts in
pregnancy and caesarean sections stacked as SKDE stacks them."""
_ORTOPEDI = {
    "o1ho": "hofteleddsartrose_operasjonar",
    "o1kn": "kneleddsartrose_operasjonar",
    "o1me": "artroskopi_ved_degenerative_knelidingar",
    "o1ra": "handleddsbrot_operasjonar",
    "o1an": "ankelbrot_operasjonar",
    "o1pr": "prolaps_i_korsryggen_operasjonar",
    "o1ss": "spinal_stenose_i_korsryggen_operasjonar",
}
ORTOPEDI = {
    **{
        f"{code}-rplot-kaj-prosrate-medaarsrate-faktaark-1": (f"skde_ortopedi_{figure}",)
        for code, figure in _ORTOPEDI.items()
    },
    **{
        f"{code}-rplot-kaj-prosrate-samla2012-2016-medkonf95og998-faktaark-1": (
            f"skde_ortopedi_{figure}",
        )
        for code, figure in (
            ("o1cm", "tommelartrose_operasjonar"),
            ("o1ph", "skulderbrot_operasjonar"),
            ("o1cl", "kragebeinsbrot_operasjonar"),
            ("o1fr", "skade_pa_fremre_korsband_operasjonar"),
        )
    },
    **{
        f"{code}-rplot-kaj-tilstandrate-{kind}": (f"skde_ortopedi_{figure}",)
        for code, figure in (
            ("o1lu", "andre_korsryggsmerter_innleggingar"),
            ("o1co", "hjernerystelse_innleggingar"),
        )
        for kind in (
            "medaarsrate-faktaark-1",
            "2012-2016-konf95og998tilstand-sorttilstand-faktaark-1",
        )
    },
}
"""The orthopaedics atlas: the operation rates with their yearly values or intervals, and the
admission rates of low back pain and concussion. Not: the fracture rates (their data are not
published), hip fractures split into femoral neck and trochanteric, and the bars split by
provider."""

_PSYK = "skde_psyk_{}"
PSYK = {
    f"{picture}_faktaark-1": (_PSYK.format(figure),)
    for picture, figure in (
        ("p2bu_polkon", "poliklinikk_direkte_kontaktar_0_17_ar"),
        ("p2bu_polkonind", "poliklinikk_indirekte_kontaktar_0_17_ar"),
        ("p2bu_dognopph", "dognbehandling_opphald_0_17_ar"),
        ("p2va_pol_pas", "poliklinikk_pasientar_18_64_ar"),
        ("p2va_pol_kon", "poliklinikk_direkte_kontaktar_18_64_ar"),
        ("p2va_dog_opp", "dognbehandling_opphald_18_64_ar"),
        ("p2va_pol_rus_kon", "poliklinikk_direkte_kontaktar_rusliding_18_64_ar"),
        ("p2va_dog_opp_rus", "dognbehandling_opphald_rusliding_18_64_ar"),
        ("p2va_pol_alv_kon", "poliklinikk_direkte_kontaktar_alvorleg_psykisk_liding_18_64_ar"),
        ("p2va_dog_opp_alv", "dognbehandling_opphald_alvorleg_psykisk_liding_18_64_ar"),
        ("p2el_pol_pas", "poliklinikk_pasientar_65_ar"),
        ("p2el_pol_kon", "poliklinikk_direkte_kontaktar_65_ar"),
        ("p2el_dog_opp", "dognbehandling_opphald_65_ar"),
        ("p2el_pol_rus_kon", "poliklinikk_direkte_kontaktar_rusliding_65_ar"),
        ("p2el_dog_opp_rus", "dognopphald_opphaldsrate_for_pasientar_med_rus_per_buomrade_65_ar"),
        ("p2el_pol_alv_kon", "poliklinikk_direkte_kontaktar_alvorleg_psykisk_liding_65_ar"),
    )
}
PSYK |= {
    "p2el_dog_opp_alv_faktaark-1-1": (
        _PSYK.format("dognopphald_opphaldsrate_for_pasientar_med_alv_per_buomrade_65_ar"),
    ),
    "p2bu_pol_kon_aldgr_faktaark-1": tuple(
        _PSYK.format(f"poliklinikk_direkte_kontaktar_{ages}_ar")
        for ages in ("0_5", "6_12", "13_17")
    ),
}
"""The mental health atlas (2014–2018): its bars of each rate (those split by sector aside),
and the children's outpatient contacts of three age groups side by side."""

PICTURES = {
    "barn": BARN,
    "eldre": ELDRE,
    "kvalitet": KVALITET,
    "kols": KOLS,
    "gyn": GYN,
    "fodsel": FODSEL,
    "ortopedi": ORTOPEDI,
    "psyk": PSYK,
}
STACKED = {"svangerskapsomsorg_figur1", "keisersnitt_figur1", "keisersnitt_figur2"}
"""Pictures whose bars stack their figures (SKDE's legend names each part)."""
