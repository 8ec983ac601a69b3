"""Full-text search of the experience bank in Swedish and Norwegian, on SQLite and PostgreSQL.

A searcher types "inbrotten" and expects the entry about "inbrott": words must be reduced
to their stems on both sides. Both backends use the Snowball stemmers for Swedish and
Norwegian (Porter 2001), so they stem alike:

* SQLite: an FTS5 virtual table ``followup_experience_fts`` (created by migration 0002
  on SQLite only) holds, per entry, its text stemmed in Python with ``snowballstemmer``
  twice, once in the Swedish column ``sv`` and once in the Norwegian column ``nb``. A query
  is stemmed the same way; each word must match its Swedish or its Norwegian stem as a
  prefix (so "inbrott" also finds "inbrottet", whose stem is longer). Ranked by BM25.
* PostgreSQL: ``to_tsvector('swedish', text) || to_tsvector('norwegian', text)`` against
  ``to_tsquery('swedish', 'word:*') || to_tsquery('norwegian', 'word:*')`` per word,
  ANDed; ranked by ``ts_rank``. Migration 0002 adds a GIN index on that expression.

Indexing both languages for every entry lets a Norwegian searcher find Swedish lessons and
the other way round, which is the point of a shared bank.

References
----------
Porter, M. F. (2001). Snowball: A language for stemming algorithms.
https://snowballstem.org/ (Swedish and Norwegian stemmers).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from django.db import connection

TABLE = "followup_experience_fts"
ENTRY_TABLE = "followup_experienceentry"
PG_VECTOR = (
    "(to_tsvector('swedish'::regconfig, coalesce(search_text, '')) || "
    "to_tsvector('norwegian'::regconfig, coalesce(search_text, '')))"
)
_WORD = re.compile(r"\w+", re.UNICODE)
# The few function words both PostgreSQL configurations drop, dropped on SQLite too so
# that "inbrott och skadegörelse" means the same on both.
STOPWORDS = frozenset(
    [
        "och",
        "i",
        "att",
        "det",
        "som",
        "en",
        "på",
        "är",
        "av",
        "för",
        "med",
        "till",
        "den",
        "har",
        "de",
        "inte",
        "om",
        "ett",
        "men",
        "var",
        "jag",
        "så",
        "vid",
        "från",
        "kan",
        "eller",
        "hade",
        "efter",
        "under",
        "mot",
        "när",
        "ska",
        "skulle",
        "sig",
        "också",
        "og",
        "er",
        "en",
        "et",
        "på",
        "av",
        "for",
        "med",
        "til",
        "den",
        "har",
        "de",
        "ikke",
        "om",
        "men",
        "var",
        "jeg",
        "så",
        "ved",
        "fra",
        "kan",
        "eller",
        "hadde",
        "etter",
        "under",
        "mot",
        "når",
        "skal",
        "skulle",
        "seg",
        "også",
    ]
)


@lru_cache(maxsize=2)
def _stemmer(language: str):
    import snowballstemmer

    return snowballstemmer.stemmer(language)


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall((text or "").casefold()) if w not in STOPWORDS]


def stem(text: str, language: str) -> list[str]:
    """Stems of the words of ``text`` ("swedish" or "norwegian")."""
    return _stemmer(language).stemWords(words(text))


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


CREATE_SQLITE = f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(sv, nb)"
DROP_SQLITE = f"DROP TABLE IF EXISTS {TABLE}"
CREATE_PG_INDEX = (
    f"CREATE INDEX IF NOT EXISTS followup_experience_fts_idx ON {ENTRY_TABLE} "
    f"USING GIN ({PG_VECTOR})"
)
DROP_PG_INDEX = "DROP INDEX IF EXISTS followup_experience_fts_idx"


def index_entry(entry_id: int, text: str) -> None:
    """Put (or replace) one entry's text in the SQLite index; PostgreSQL needs nothing."""
    if not is_sqlite():
        return
    sv = " ".join(stem(text, "swedish"))
    nb = " ".join(stem(text, "norwegian"))
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [entry_id])
        cur.execute(f"INSERT INTO {TABLE} (rowid, sv, nb) VALUES (%s, %s, %s)", [entry_id, sv, nb])


def remove_entry(entry_id: int) -> None:
    if not is_sqlite():
        return
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [entry_id])


def _fts5_query(text: str) -> str | None:
    clauses = []
    for word in words(text):
        sv = _stemmer("swedish").stemWord(word)
        nb = _stemmer("norwegian").stemWord(word)
        # Stems are \w+ only, so quoting them cannot break the FTS5 syntax.
        clauses.append(f'(sv : "{sv}"* OR nb : "{nb}"*)')
    return " AND ".join(clauses) or None


def ranked_ids(text: str) -> list[int]:
    """Ids of the entries matching ``text``, best first. Empty text matches nothing."""
    if not words(text):
        return []
    with connection.cursor() as cur:
        if is_sqlite():
            query = _fts5_query(text)
            cur.execute(
                f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY bm25({TABLE})",
                [query],
            )
            return [row[0] for row in cur.fetchall()]
        if is_postgres():
            terms = words(text)
            tsquery = " && ".join(
                "(to_tsquery('swedish'::regconfig, %s) || to_tsquery('norwegian'::regconfig, %s))"
                for _ in terms
            )
            params = [p for t in terms for p in (f"{t}:*", f"{t}:*")]
            cur.execute(
                f"SELECT id FROM (SELECT id, ts_rank({PG_VECTOR}, q) AS rank "
                f"FROM {ENTRY_TABLE}, ({'SELECT ' + tsquery + ' AS q'}) AS query "
                f"WHERE {PG_VECTOR} @@ q) AS hits ORDER BY rank DESC, id DESC",
                params,
            )
            return [row[0] for row in cur.fetchall()]
    # Any other database: plain substring search on the words, unranked.
    from samverkan.followup.models import ExperienceEntry

    qs = ExperienceEntry.objects.all()
    for w in words(text):
        qs = qs.filter(search_text__icontains=w)
    return list(qs.values_list("id", flat=True))


def search(queryset, text: str):
    """``queryset`` (already scoped) narrowed to ``text`` and ordered by relevance.

    Returns a list when text is given (relevance order), else the queryset unchanged.
    """
    if not (text or "").strip():
        return queryset
    ids = ranked_ids(text)
    order = {pk: i for i, pk in enumerate(ids)}
    hits = list(queryset.filter(pk__in=ids))
    hits.sort(key=lambda e: order[e.pk])
    return hits


def facets(entries) -> dict[str, list[tuple[str, int]]]:
    """Counts per category, problem type and method of ``entries``, largest first."""
    entries = list(entries)
    categories: Counter = Counter()
    problem_types: Counter = Counter()
    methods: Counter = Counter()
    for e in entries:
        for c in e.categories.all():
            categories[c.code] += 1
        if e.problem_type:
            problem_types[e.problem_type] += 1
        if e.method:
            methods[e.method] += 1

    def ordered(counter: Counter):
        return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))

    return {
        "category": ordered(categories),
        "problem_type": ordered(problem_types),
        "method": ordered(methods),
    }
