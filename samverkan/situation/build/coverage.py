"""Notable single events and the coverage (which sources the picture rests on, and how
complete they are).
"""

from __future__ import annotations

from collections import Counter

from samverkan.core import periods
from samverkan.core.models import Organisation
from samverkan.incidents.taxonomy import police_code
from samverkan.situation.build.common import MAX_NOTABLE, NOTABLE_POLICE_TYPES, PUBLIC_SOURCE_KIND


class CoverageMixin:
    """Notable events and coverage."""

    def notable(self) -> list[dict]:
        codes = {police_code(t) for t in NOTABLE_POLICE_TYPES}
        ids = self.cats.descendants(codes)
        rows = (
            self.current_rows()
            .filter(category_id__in=ids)
            .order_by("-occurred_from")
            .values_list(
                "occurred_from",
                "category_id",
                "incident__place_name",
                "incident__source",
                "incident__url",
            )[:MAX_NOTABLE]
        )
        zone = periods.local_zone()
        return [
            {
                "date": when.astimezone(zone).replace(microsecond=0).isoformat(),
                "category": self.cats.by_id[cat]["code"],
                "label": self.cats.by_id[cat]["label_sv"],
                "group": self.cats.by_id[self.cats.group_of[cat]]["code"],
                "place": place,
                "source": source,
                "url": url,
            }
            for when, cat, place, source, url in rows
        ]

    def coverage(self) -> dict:
        cur = self.current()
        ids, orgs_of, sources = cur["id"], cur["organisation"].tolist(), cur["source"].tolist()
        counts: Counter = Counter()
        seen: set[int] = set()
        for pk, oid, source in zip(ids.tolist(), orgs_of, sources):
            if self.distinct:
                # Composed views count an incident once even if it lies in two children.
                if pk in seen:
                    continue
                seen.add(pk)
            # Reports are grouped by organisation, public sources (no organisation) by name.
            counts[(oid, "" if oid else source)] += 1
        expected = (
            list(self.partnership.organisations.values_list("id", flat=True))
            if self.partnership
            else []
        )
        org_ids = {oid for oid, _ in counts} - {None}
        orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=org_ids | set(expected))}
        by_org = []
        for oid in expected:
            counts.setdefault((oid, ""), 0)
        for (oid, source), n in sorted(
            counts.items(), key=lambda kv: (-kv[1], orgs[kv[0][0]].name if kv[0][0] else kv[0][1])
        ):
            org = orgs.get(oid)
            by_org.append(
                {
                    "organisation": org.name if org else None,
                    "source": source or None,
                    "kind": org.kind if org else PUBLIC_SOURCE_KIND,
                    "count": n,
                }
            )
        by_kind: Counter = Counter()
        for r in by_org:
            by_kind[r["kind"]] += r["count"]
        reporters = len(set(cur["reporter"].tolist()) - {None})
        silent = [r["organisation"] for r in by_org if r["organisation"] and r["count"] == 0]
        names = {
            o.pk: o.name
            for o in Organisation.objects.filter(
                pk__in={s.organisation_id for s in self.sources()} - {None}
            )
        }
        lagging = set(self.lagging(self.period))
        sources = [
            {
                "source": self.source_label(s, names),
                "organisation": names.get(s.organisation_id),
                "data_through": s.data_through.isoformat(),
                "first_day": s.first_day.isoformat(),
                "complete": s not in lagging,
            }
            for s in sorted(self.sources(), key=lambda s: (s.data_through, s.source))
        ]
        return {
            "by_organisation": by_org,
            "by_kind": [{"kind": k, "count": n} for k, n in by_kind.most_common()],
            "reporters": reporters or 0,
            "silent_organisations": silent,
            "sources": sources,
            # The picture is as complete as its least complete source, and never before
            # the period is over.
            "complete": not lagging,
            "data_through": min((s["data_through"] for s in sources), default=None),
        }
