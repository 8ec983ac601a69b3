"""The default category tree and the police event-type mapping, as plain data.

The top level follows EST (Effektiv samordning för trygghet), the reporting method used by
Swedish municipalities and their partners; the police event types of polisen.se sit under
the EST group they belong to, so a count of "Skadegörelse" includes both what caretakers
reported and what the police published. The tree is loaded by a data migration and stays
editable in the admin; this table is only the starting point.
"""

from __future__ import annotations

# code, parent code, Swedish, bokmål, English, is_summary
GROUPS: list[tuple[str, str | None, str, str, str]] = [
    (
        "drugs",
        None,
        "Misstänkt narkotikahantering",
        "Mistenkt narkotikaomsetning",
        "Suspected drug activity",
    ),
    ("vandalism", None, "Skadegörelse", "Skadeverk", "Vandalism"),
    ("vandalism.graffiti", "vandalism", "Klotter", "Tagging og graffiti", "Graffiti"),
    ("vandalism.windows", "vandalism", "Krossade fönster", "Knuste vinduer", "Broken windows"),
    ("littering", None, "Nedskräpning", "Forsøpling", "Littering"),
    (
        "unsafe_place",
        None,
        "Otrygg eller mörk plats",
        "Utrygt eller mørkt sted",
        "Unsafe or dark place",
    ),
    (
        "gathering",
        None,
        "Störande samling/otrygghet",
        "Forstyrrende samling/utrygghet",
        "Gathering causing disorder or insecurity",
    ),
    (
        "rumours",
        None,
        "Rykten i sociala medier",
        "Rykter i sosiale medier",
        "Rumours on social media",
    ),
    ("fire", None, "Brand", "Brann", "Fire"),
    ("violence", None, "Våld och hot", "Vold og trusler", "Violence and threats"),
    ("theft", None, "Stöld och inbrott", "Tyveri og innbrudd", "Theft and burglary"),
    ("theft.burglary", "theft", "Inbrott", "Innbrudd", "Burglary"),
    ("traffic", None, "Vårdslös körning", "Uforsvarlig kjøring", "Reckless driving"),
    (
        "traffic.moped",
        "traffic",
        "Mopeder och A-traktorer",
        "Mopeder og A-traktorer",
        "Mopeds and A-tractors",
    ),
    ("accident", None, "Olyckor", "Ulykker", "Accidents"),
    ("police_other", None, "Övriga polisärenden", "Andre politisaker", "Other police matters"),
    ("other", None, "Övrigt", "Annet", "Other"),
    ("summary", None, "Sammanfattningar", "Sammendrag", "Summaries"),
]

# Police event type (polisen.se "type") -> parent group. Every type in the archived feed
# (97 of them) is listed; tests/incidents/test_taxonomy.py checks the file against this.
POLICE_TYPES: dict[str, str] = {
    "Narkotikabrott": "drugs",
    "Skadegörelse": "vandalism",
    "Sabotage mot blåljusverksamhet": "vandalism",
    "Brand": "fire",
    "Brand automatlarm": "fire",
    "Mordbrand": "fire",
    "Explosion": "violence",
    "Detonation": "violence",
    "Smällar": "gathering",
    "Misshandel": "violence",
    "Misshandel, grov": "violence",
    "Mord/dråp": "violence",
    "Mord/dråp, försök": "violence",
    "Olaga hot": "violence",
    "Våld/hot mot tjänsteman": "violence",
    "Bråk": "gathering",
    "Rån": "violence",
    "Rån, försök": "violence",
    "Rån övrigt": "violence",
    "Rån väpnat": "violence",
    "Skottlossning": "violence",
    "Skottlossning, misstänkt": "violence",
    "Våldtäkt": "violence",
    "Våldtäkt, försök": "violence",
    "Sexualbrott": "violence",
    "Sedlighetsbrott": "violence",
    "Olaga frihetsberövande/människorov": "violence",
    "Ofredande/förargelse": "violence",
    "Bombhot": "violence",
    "Larm Överfall": "violence",
    "Hets mot folkgrupp": "violence",
    "Knivlagen": "violence",
    "Vapenlagen": "violence",
    "Stöld": "theft",
    "Stöld, försök": "theft",
    "Stöld/inbrott": "theft.burglary",
    "Inbrott": "theft.burglary",
    "Inbrott, försök": "theft.burglary",
    "Larm Inbrott": "theft.burglary",
    "Motorfordon, stöld": "theft",
    "Motorfordon, anträffat stulet": "theft",
    "Häleri": "theft",
    "Åldringsbrott": "theft",
    "Bedrägeri": "theft",
    "Hemfridsbrott": "theft",
    "Olaga intrång": "theft",
    "Rattfylleri": "traffic",
    "Trafikbrott": "traffic",
    "Olovlig körning": "traffic",
    "Trafikkontroll": "traffic",
    "Trafikolycka": "accident",
    "Trafikolycka, personskada": "accident",
    "Trafikolycka, vilt": "accident",
    "Trafikolycka, singel": "accident",
    "Trafikolycka, smitning från": "accident",
    "Trafikhinder": "accident",
    "Arbetsplatsolycka": "accident",
    "Vållande till kroppsskada": "accident",
    "Sjukdom/olycksfall": "accident",
    "Fjällräddning": "accident",
    "Räddningsinsats": "accident",
    "Varningslarm/haveri": "accident",
    "Spridning smitta/kemikalier": "accident",
    "Fylleri/LOB": "gathering",
    "Fylleri": "gathering",
    "Ordningslagen": "gathering",
    "Alkohollagen": "gathering",
    "Försvunnen person": "police_other",
    "Anträffad död": "police_other",
    "Farligt föremål, misstänkt": "police_other",
    "Kontroll person/fordon": "police_other",
    "Kontroll": "police_other",
    "Djur": "police_other",
    "Lagen om hundar och katter": "police_other",
    "Polisinsats/kommendering": "police_other",
    "Anträffat gods": "police_other",
    "Upphittat föremål": "police_other",
    "Efterlyst person": "police_other",
    "Skyddslagen": "police_other",
    "Sjölagen": "police_other",
    "Luftfartslagen": "police_other",
    "Utlänningslagen": "police_other",
    "Miljöbrott": "police_other",
    "Missbruk av urkund": "police_other",
    "Ekobrott": "police_other",
    "Förfalskningsbrott": "police_other",
    "Information": "police_other",
    "Övrigt": "police_other",
    "Uppdatering": "police_other",
    "Sammanfattning natt": "summary",
    "Sammanfattning kväll och natt": "summary",
    "Sammanfattning dag": "summary",
    "Sammanfattning kväll": "summary",
    "Sammanfattning eftermiddag": "summary",
    "Sammanfattning helg": "summary",
    "Sammanfattning vecka": "summary",
    "Sammanfattning dygn": "summary",
}

# Types that are notices rather than incidents; kept, but left out of counts like summaries.
NON_INCIDENT_TYPES = {"Information", "Övrigt", "Uppdatering"}

# Categories whose events cluster in space and time (near-repeat alert zones apply).
BURGLARY_LIKE = {"theft.burglary"}


def police_code(event_type: str) -> str:
    """Category code of a police event type, e.g. ``"polis.stold-inbrott"``."""
    import re
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", event_type.strip()).encode("ascii", "ignore")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.decode().lower()).strip("-")
    return f"polis.{slug}"


def default_categories() -> list[dict]:
    """The whole default tree as rows: groups first, then one child per police type."""
    rows = [
        {
            "code": code,
            "parent": parent,
            "label_sv": sv,
            "label_nb": nb,
            "label_en": en,
            "is_summary": code == "summary",
            "sort_order": i,
        }
        for i, (code, parent, sv, nb, en) in enumerate(GROUPS)
    ]
    for i, (event_type, parent) in enumerate(sorted(POLICE_TYPES.items()), start=100):
        rows.append(
            {
                "code": police_code(event_type),
                "parent": parent,
                "label_sv": event_type,
                "label_nb": event_type,
                "label_en": event_type,
                "is_summary": parent == "summary" or event_type in NON_INCIDENT_TYPES,
                "sort_order": i,
            }
        )
    return rows


def load_default(category_model, mapping_model) -> None:
    """Create or update the default tree and the police mappings (idempotent).

    Takes the models as arguments so that the data migration can pass its historical models.
    """
    by_code = {}
    for row in default_categories():
        parent = by_code.get(row.pop("parent"))
        cat, _ = category_model.objects.update_or_create(
            code=row["code"], defaults={**row, "parent": parent}
        )
        by_code[cat.code] = cat
    for event_type in POLICE_TYPES:
        mapping_model.objects.update_or_create(
            source="polisen",
            value=event_type,
            defaults={"category": by_code[police_code(event_type)]},
        )
    # Reporters pick from the EST groups; police types are for imports.
    category_model.objects.filter(code__startswith="polis.").update(reportable=False)
    category_model.objects.filter(code__in=["summary", "police_other", "accident"]).update(
        reportable=False
    )
