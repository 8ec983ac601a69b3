"""The experience bank: entries, their search index, and importing them."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from samverkan.core import audit
from samverkan.followup import search
from samverkan.followup.importers import ImportFileError
from samverkan.followup.models import Evaluation, ExperienceEntry
from samverkan.incidents.models import Category


def reindex(entry: ExperienceEntry) -> None:
    """Refresh an entry's search text (with its category labels) and its index row."""
    labels = []
    for c in entry.categories.all():
        labels += [c.label_sv, c.label_nb]
    text = entry.build_search_text([x for x in labels if x])
    ExperienceEntry.objects.filter(pk=entry.pk).update(search_text=text)
    entry.search_text = text
    search.index_entry(entry.pk, text)


@transaction.atomic
def save_entry(entry: ExperienceEntry, user, *, categories=None, request=None) -> ExperienceEntry:
    created = entry.pk is None
    if created:
        entry.created_by = user
    entry.save()
    if categories is not None:
        entry.categories.set(categories)
    reindex(entry)
    audit.record(
        audit.Action.EXPERIENCE_CREATE if created else audit.Action.EXPERIENCE_UPDATE,
        actor=user,
        obj=entry,
        request=request,
    )
    return entry


@transaction.atomic
def entry_from_evaluation(
    ev: Evaluation, user, *, shared=True, public=False, request=None
) -> ExperienceEntry:
    """Put an evaluation in the experience bank (or refresh the entry made from it)."""
    measure = ev.measure
    problems = list(measure.problems.all())
    entry = getattr(ev, "experience", None) or ExperienceEntry(evaluation=ev)
    entry.title = ev.title
    entry.origin = ExperienceEntry.Origin.EVALUATION
    entry.partnership_id = ev.partnership_id
    entry.organisation = measure.owner
    entry.method = measure.get_target_side_display()[:120]
    entry.problem_type = (problems[0].title if problems else "")[:120]
    entry.setting = ev.treated_area.name
    entry.description = "\n\n".join(x for x in [measure.title, measure.description] if x)
    entry.effect_summary = "\n\n".join(
        x
        for x in [
            ev.results.get("summary", ""),
            ev.conclusion,
            f"Begränsningar: {ev.limitations}" if ev.limitations else "",
        ]
        if x
    )
    entry.cost = (measure.resources or "")[:200]
    entry.shared, entry.public = shared, public
    return save_entry(entry, user, categories=list(ev.categories.all()), request=request)


BANK_COLUMNS = (
    "title",
    "problem_type",
    "method",
    "setting",
    "categories",
    "description",
    "effect_summary",
    "cost",
    "contacts",
    "language",
    "external_ref",
)
BANK_ALIASES = {
    "rubrik": "title",
    "problemtyp": "problem_type",
    "metod": "method",
    "miljö": "setting",
    "kategorier": "categories",
    "beskrivning": "description",
    "effekt": "effect_summary",
    "kostnad": "cost",
    "kontakter": "contacts",
    "språk": "language",
    "referens": "external_ref",
}


@transaction.atomic
def import_entries(
    data: bytes | str, user, *, partnership=None, shared=True, public=False, request=None
) -> tuple[int, int]:
    """Import experience entries from CSV (columns in :data:`BANK_COLUMNS`, Swedish names
    accepted). A row whose ``external_ref`` (or, without one, title) is already in the bank
    is skipped, so a re-run adds nothing. Returns (created, skipped)."""
    from samverkan.followup.importers import _reader

    reader = _reader(data)
    names = {f: BANK_ALIASES.get(f.casefold(), f.casefold()) for f in reader.fieldnames}
    if "title" not in names.values():
        raise ImportFileError(
            f"Kolumnen title (rubrik) saknas; filen har {', '.join(reader.fieldnames)}."
        )
    by_code = {c.code: c for c in Category.objects.all()}
    pending = []
    for line, raw in enumerate(reader, start=2):
        row = {names[k]: (v or "").strip() for k, v in raw.items() if k in names}
        if not row.get("title"):
            raise ImportFileError(f"Rad {line}, kolumn title: rubriken saknas.")
        cats = []
        for code in filter(None, (c.strip() for c in row.get("categories", "").split(";"))):
            if code not in by_code:
                raise ImportFileError(f"Rad {line}, kolumn categories: okänd kategori '{code}'.")
            cats.append(by_code[code])
        lang = row.get("language") or "sv"
        if lang not in ExperienceEntry.Language.values:
            raise ImportFileError(f"Rad {line}, kolumn language: '{lang}' (välj sv, nb eller en).")
        pending.append((row, cats, lang))
    created = skipped = 0
    for row, cats, lang in pending:
        ref = row.get("external_ref", "")
        exists = ExperienceEntry.objects.filter(
            Q(external_ref=ref) if ref else Q(title=row["title"], origin="import")
        ).exists()
        if exists:
            skipped += 1
            continue
        entry = ExperienceEntry(
            origin=ExperienceEntry.Origin.IMPORT,
            language=lang,
            partnership=partnership,
            shared=shared,
            public=public,
            **{
                k: row.get(k, "")[: ExperienceEntry._meta.get_field(k).max_length or 100_000]
                for k in BANK_COLUMNS
                if k not in ("categories", "language")
            },
        )
        save_entry(entry, user, categories=cats, request=request)
        created += 1
    return created, skipped
