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
from functools import lru_cache

from django.db import connection
from django.db.models import BooleanField, Count, F, FloatField, Func, Value
from django.db.models.expressions import RawSQL

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
    """Ids of all the entries matching ``text``, best first. Empty text matches nothing.

    For a look at the index itself; lists use :func:`search`, which filters and ranks in
    the same query as the scope and pages.
    """
    from samverkan.followup.models import ExperienceEntry

    if not words(text):
        return []
    return list(search(ExperienceEntry.objects.all(), text).values_list("pk", flat=True))


class _Bm25(Func):
    """SQLite: ``-bm25`` of the entry (higher is better) for an FTS5 query.

    The hits are read once, in a subquery that ``LIMIT -1`` keeps SQLite from flattening
    into the correlated look-up: flattened, FTS5 runs the whole query again for every row
    (minutes for 30,000 hits); kept apart, SQLite reads it once and looks rows up through
    an automatic index (milliseconds).
    """

    template = (
        f"(SELECT -r FROM (SELECT rowid AS k, bm25({TABLE}) AS r FROM {TABLE} "
        f"WHERE {TABLE} MATCH %(expressions)s LIMIT -1) WHERE k = %(pk)s)"
    )
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        query, pk = self.source_expressions
        query_sql, query_params = compiler.compile(query)
        pk_sql, pk_params = compiler.compile(pk)
        return self.template % {"expressions": query_sql, "pk": pk_sql}, (
            *query_params,
            *pk_params,
        )


class _PgText(Func):
    """PostgreSQL: the indexed vector of ``search_text`` @@ (or ranked against) a tsquery.

    Written as :data:`PG_VECTOR` so that the planner matches the GIN index of migration
    0002; the column is compiled by Django, so the expression holds in subqueries too.
    """

    def __init__(self, column, terms, *, rank=False):
        self.terms, self.rank = terms, rank
        super().__init__(column, output_field=FloatField() if rank else BooleanField())

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        vector = PG_VECTOR.replace("search_text", column)
        query = " && ".join(
            "(to_tsquery('swedish'::regconfig, %s) || to_tsquery('norwegian'::regconfig, %s))"
            for _ in self.terms
        )
        terms = [p for t in self.terms for p in (f"{t}:*", f"{t}:*")]
        sql = f"ts_rank({vector}, {query})" if self.rank else f"{vector} @@ ({query})"
        return sql, (*params, *params, *terms)


def search(queryset, text: str):
    """``queryset`` (already scoped) narrowed to ``text``, best match first.

    Filtering and ranking happen in the database, in the query that also applies the
    scope and the page, so a list of any length costs one query of one page. The queryset
    gains ``rank`` (higher is better; ties newest first). Empty text returns ``queryset``
    unchanged; text of only stopwords matches nothing.
    """
    if not (text or "").strip():
        return queryset
    terms = words(text)
    if not terms:
        return queryset.none()
    if is_sqlite():
        query = _fts5_query(text)
        hits = RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [query])
        rank = _Bm25(Value(query), F("pk"))
        return queryset.filter(pk__in=hits).annotate(rank=rank).order_by("-rank", "-pk")
    if is_postgres():
        return (
            queryset.filter(_PgText(F("search_text"), terms))
            .annotate(rank=_PgText(F("search_text"), terms, rank=True))
            .order_by("-rank", "-pk")
        )
    # Any other database: plain substring search on the words, unranked.
    for w in terms:
        queryset = queryset.filter(search_text__icontains=w)
    return queryset.annotate(rank=Value(0.0)).order_by("-pk")


def facets(entries) -> dict[str, list[tuple[str, int]]]:
    """Counts per category, problem type and method of the queryset ``entries``, largest
    first, counted in the database (a bank of any size costs three small queries)."""
    from samverkan.followup.models import ExperienceEntry

    ids = entries.order_by().values("pk")
    chosen = ExperienceEntry.objects.filter(pk__in=ids)
    through = ExperienceEntry.categories.through.objects.filter(experienceentry__in=ids)

    def counted(rows, field):
        pairs = rows.exclude(**{field: ""}).values_list(field).annotate(n=Count("*"))
        return sorted(pairs.order_by(), key=lambda kv: (-kv[1], kv[0]))

    return {
        "category": counted(through, "category__code"),
        "problem_type": counted(chosen, "problem_type"),
        "method": counted(chosen, "method"),
    }
