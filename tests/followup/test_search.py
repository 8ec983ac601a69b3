"""Full-text search of the experience bank, with Swedish and Norwegian stemming.

Runs on whichever database the suite runs on: FTS5 on SQLite, text search configurations on
PostgreSQL (``tools/run_tests.py`` runs both)."""

from __future__ import annotations

import pytest
from django.db import connection

from samverkan.followup import search, services
from samverkan.followup.models import ExperienceEntry
from samverkan.incidents.models import Category


@pytest.fixture
def bank(world):
    coord = world.users["coordinator"]

    def entry(title, **kw):
        cats = kw.pop("categories", [])
        return services.save_entry(
            ExperienceEntry(title=title, **kw),
            coord,
            categories=[Category.objects.get(code=c) for c in cats],
        )

    return {
        "inbrott": entry(
            "Grannsamverkan mot inbrott i villaområde",
            problem_type="Bostadsinbrott",
            method="Grannsamverkan",
            effect_summary="Färre inbrott efter ett år.",
            categories=["theft.burglary"],
        ),
        "klotter": entry(
            "Snabb sanering av klotter",
            problem_type="Skadegörelse",
            method="Situationell prevention",
            categories=["vandalism.graffiti"],
        ),
        "innbrudd": entry(
            "Nabohjelp mot innbrudd",
            language="nb",
            problem_type="Bostadsinnbrudd",
            method="Grannsamverkan",
            description="Nabolaget passer på hverandres hus.",
            categories=["theft.burglary"],
        ),
        "belysning": entry(
            "Bättre belysning i gångtunnlar",
            method="Situationell prevention",
            description="Trygghetsvandringar visade mörka gångtunnlar.",
        ),
    }


def titles(text):
    hits = search.search(ExperienceEntry.objects.all(), text)
    return [e.title for e in hits]


def test_inflected_swedish_word_finds_base_form(bank):
    # Snowball Swedish: "inbrotten" and "inbrott" both stem to "inbrot".
    assert search.stem("inbrotten inbrott", "swedish") == ["inbrot", "inbrot"]
    found = titles("inbrotten")
    assert bank["inbrott"].title in found
    assert bank["klotter"].title not in found


def test_definite_forms_in_the_description(bank):
    # "gångtunnlarna" and "gångtunnlar" stem to "gångtunnl"; "trygghetsvandringen" and
    # "trygghetsvandringar" to "trygghetsvandring".
    assert titles("gångtunnlarna") == [bank["belysning"].title]
    assert titles("trygghetsvandringen") == [bank["belysning"].title]


def test_norwegian_inflection(bank):
    # Snowball Norwegian: "innbruddene" stems to "innbrudd".
    assert search.stem("innbruddene", "norwegian") == ["innbrudd"]
    assert bank["innbrudd"].title in titles("innbruddene")


def test_all_words_must_match(bank):
    assert titles("inbrott villaområdet") == [bank["inbrott"].title]
    assert titles("klotter belysning") == []


def test_category_labels_are_searchable(bank):
    # "Tagging og graffiti" is the Norwegian label of vandalism.graffiti.
    assert titles("graffiti") == [bank["klotter"].title]


def test_stopwords_and_empty_queries(bank):
    assert titles("") == [e.title for e in ExperienceEntry.objects.all()]
    assert search.ranked_ids("och") == []


def test_query_syntax_is_not_injectable(bank):
    for text in ['"', "inbrott OR", "NEAR(a b)", "a:*", "'); DROP TABLE x; --", "*"]:
        search.search(ExperienceEntry.objects.all(), text)


def test_edits_and_deletes_reach_the_index(world, bank):
    e = bank["klotter"]
    e.title = "Snabb sanering av skadegörelse"
    services.save_entry(e, world.users["coordinator"])
    assert e.title in titles("skadegörelsen")
    e.delete()
    assert titles("skadegörelsen") == []


def test_facets_count_categories_problem_types_and_methods(bank):
    f = search.facets(ExperienceEntry.objects.prefetch_related("categories"))
    assert f["category"] == [("theft.burglary", 2), ("vandalism.graffiti", 1)]
    assert f["method"] == [("Grannsamverkan", 2), ("Situationell prevention", 2)]
    assert ("Bostadsinbrott", 1) in f["problem_type"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 is SQLite's")
def test_sqlite_fts5_table_from_migration(bank):
    with connection.cursor() as cur:
        cur.execute("SELECT sql FROM sqlite_master WHERE name = %s", [search.TABLE])
        assert "fts5" in cur.fetchone()[0].lower()
        cur.execute(f"SELECT sv, nb FROM {search.TABLE} WHERE rowid = %s", [bank["inbrott"].pk])
        sv, _nb = cur.fetchone()
    assert "inbrot" in sv.split()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's text search")
def test_postgres_configurations_and_index(bank):
    with connection.cursor() as cur:
        cur.execute("SELECT to_tsvector('swedish', 'inbrotten')::text")
        assert "inbrot" in cur.fetchone()[0]
        cur.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'followup_experience_fts_idx'")
        assert cur.fetchone()
