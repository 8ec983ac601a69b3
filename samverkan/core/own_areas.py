"""Own areas: polygons a coordinator draws on the map for their partnership.

An own area (level ``custom``) is an ordinary :class:`~samverkan.core.models.Area` with an
owner: the partnership that sees it and whose coordinators change it, the organisation and
the user who drew it. Its parent is the municipality it lies in, and it never reaches
outside it: what is drawn beyond the border is clipped off and the coordinator is told how
much. The border is repaired and rounded exactly as an imported one
(:func:`samverkan.core.area_import._clean_geometry`) and its history kept the same way
(:func:`samverkan.core.area_import.end_border`), so a lägesbild frozen before an edit keeps
the border it was counted in.

Linking the incidents inside the area is left to the background worker: each create or
border change records an :class:`~samverkan.core.models.AreaLinkJob` and sends
:data:`~samverkan.core.signals.area_links_requested`; the incidents app queues the task.

Each change goes through one function here, which also writes the audit event.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

import shapely
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import ProtectedError
from django.db.models.deletion import Collector
from django.utils import timezone
from shapely.geometry import mapping, shape

from samverkan.core import audit
from samverkan.core.area_import import (
    WGS84,
    AreaImportError,
    AreaImportReport,
    _clean_geometry,
    _polygons,
    _SpatialParents,
    end_border,
)
from samverkan.core.models import Area, AreaBorder, AreaLinkJob, Membership, Partnership
from samverkan.core.permissions import acting_organisation, in_grant, partnership_ids
from samverkan.core.roles import Role
from samverkan.core.signals import area_links_requested

# A hand-drawn area has tens of corners; a pasted national border has hundreds of
# thousands and would make every point-in-area test slow.
MAX_VERTICES = 5000
# Below this share outside the municipality the drawing is taken as following its border
# (a click a pixel beyond it), not as reaching out of it.
CLIP_NOTICE_SHARE = 0.001
NAME_MAX = 200


class OwnAreaError(Exception):
    """The area cannot be saved; the message says why, in words for the coordinator."""


@dataclass
class OwnAreaResult:
    area: Area
    job: AreaLinkJob | None
    # What was done to the drawing (repaired, clipped at the municipal border).
    notes: list[str] = field(default_factory=list)


def own_areas_for(user):
    """The own areas the user may see: those of the user's partnerships."""
    return (
        Area.objects.filter(level=Area.Level.CUSTOM, owner_partnership_id__in=partnership_ids(user))
        .select_related("parent", "owner_partnership", "owner_organisation", "created_by")
        .defer("parent__geometry")
    )


def coordinator_partnerships(user) -> list[Partnership]:
    """The partnerships in which the user may draw own areas (as a coordinator)."""
    ids = partnership_ids(user, {Role.COORDINATOR})
    return list(Partnership.objects.filter(pk__in=ids).order_by("name"))


def may_edit(user, area: Area) -> bool:
    """Coordinators of the owning partnership who reach its municipality change the area."""
    if area.level != Area.Level.CUSTOM or area.owner_partnership_id is None:
        return False
    return in_grant(user, {Role.COORDINATOR}, area.owner_partnership_id, area.parent_id)


def municipalities_of(partnership: Partnership) -> list[Area]:
    """The municipalities a partnership works in: its own municipality areas, or those
    above its areas when it was given districts."""
    found: dict[int, Area] = {}
    for area in partnership.areas.all():
        for node in [area, *area.ancestors()]:
            if node.level == Area.Level.MUNICIPALITY:
                found[node.pk] = node
                break
    return sorted(found.values(), key=lambda a: a.name)


def _organisation(user, partnership: Partnership):
    return acting_organisation(user, partnership.pk, {Role.COORDINATOR})


def _check_coordinator(user, partnership: Partnership) -> None:
    if partnership.pk not in partnership_ids(user, {Role.COORDINATOR}):
        raise PermissionDenied(
            f"Bara samordnare i {partnership.name} kan rita och ändra samverkans egna områden."
        )


def _check_name(name: str, partnership: Partnership, exclude: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise OwnAreaError("Ge området ett namn.")
    if len(name) > NAME_MAX:
        raise OwnAreaError(f"Namnet är för långt (högst {NAME_MAX} tecken).")
    same = Area.objects.filter(
        level=Area.Level.CUSTOM, owner_partnership=partnership, name__iexact=name
    )
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise OwnAreaError(f"{partnership.name} har redan ett eget område som heter {name}.")
    return name


def _parse(geometry) -> shapely.Geometry:
    """The drawn GeoJSON (a geometry, a Feature or a FeatureCollection of one) as shapely."""
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except json.JSONDecodeError:
            raise OwnAreaError("Ritningen kunde inte läsas. Rita området igen.") from None
    if not isinstance(geometry, dict) or not geometry:
        raise OwnAreaError("Rita området på kartan innan du sparar.")
    if geometry.get("type") == "FeatureCollection":
        parts = [f.get("geometry") for f in geometry.get("features") or [] if f]
        if not parts:
            raise OwnAreaError("Rita området på kartan innan du sparar.")
        geoms = [_parse(p) for p in parts]
        return shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    try:
        geom = shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
        raise OwnAreaError("Ritningen kunde inte läsas. Rita området igen.") from None
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise OwnAreaError("Ett område är en yta: rita en polygon med minst tre hörn.")
    if shapely.get_num_coordinates(geom) > MAX_VERTICES:
        raise OwnAreaError(f"Området har för många hörn (högst {MAX_VERTICES}). Förenkla det.")
    lon0, lat0, lon1, lat1 = geom.bounds
    if not (-180 <= lon0 <= lon1 <= 180 and -90 <= lat0 <= lat1 <= 90):
        raise OwnAreaError("Ritningen har koordinater utanför jorden. Rita området igen.")
    return geom


def _fit(geometry, partnership: Partnership, user, notes: list[str]) -> tuple[dict, Area]:
    """The drawing repaired and clipped to the municipality holding most of it."""
    report = AreaImportReport()
    try:
        cleaned = _clean_geometry(_parse(geometry), "Området", WGS84, report)
    except AreaImportError as exc:
        raise OwnAreaError(str(exc)) from None
    if report.repaired:
        notes.append("Ritningen korsade sig själv och har lagats.")
    allowed = [
        m
        for m in municipalities_of(partnership)
        if in_grant(user, {Role.COORDINATOR}, partnership.pk, m.pk) and m.geometry
    ]
    if not allowed:
        raise OwnAreaError(
            f"Du når ingen hel kommun i {partnership.name}, så du kan inte rita egna områden där."
        )
    municipality, share = _SpatialParents(allowed, allowed[0].country).best(cleaned)
    names = " eller ".join(m.name for m in allowed)
    if municipality is None:
        raise OwnAreaError(f"Området ligger utanför {names}. Rita det inom kommunen.")
    if share < 1 - CLIP_NOTICE_SHARE:
        clipped = _polygons(
            shapely.make_valid(shape(cleaned)).intersection(shape(municipality.geometry))
        )
        try:
            cleaned = _clean_geometry(clipped, "Området", WGS84, report)
        except AreaImportError:
            raise OwnAreaError(
                f"Det som ligger inom {municipality.name} är ingen yta. Rita området inom kommunen."
            ) from None
        notes.append(
            f"Området klipptes vid kommungränsen: {1 - share:.0%} av den ritade ytan låg "
            f"utanför {municipality.name}."
        )
    return json.loads(json.dumps(mapping(shape(cleaned)))), municipality


def _bbox(geometry: dict) -> dict:
    min_lon, min_lat, max_lon, max_lat = shape(geometry).bounds
    return {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}


def _request_links(area: Area) -> AreaLinkJob:
    job = AreaLinkJob.objects.create(area=area)
    area_links_requested.send(sender=Area, job_id=job.pk)
    return job


def _source(user) -> str:
    return f"ritat av {getattr(user, 'username', '') or 'okänd'}"


def create_own_area(
    user, *, partnership: Partnership, name: str, geometry, request=None
) -> OwnAreaResult:
    """Create an own area of ``partnership`` from a drawn polygon (GeoJSON)."""
    _check_coordinator(user, partnership)
    notes: list[str] = []
    with transaction.atomic():
        name = _check_name(name, partnership)
        cleaned, municipality = _fit(geometry, partnership, user, notes)
        area = Area.objects.create(
            code=f"egen-{uuid.uuid4().hex[:12]}",
            name=name,
            level=Area.Level.CUSTOM,
            country=municipality.country,
            parent=municipality,
            geometry=cleaned,
            owner_partnership=partnership,
            owner_organisation=_organisation(user, partnership),
            created_by=user,
            **_bbox(cleaned),
        )
        AreaBorder.objects.create(
            area=area, geometry=cleaned, valid_from=timezone.now(), source=_source(user)
        )
        audit.record(
            "own_area.create",
            actor=user,
            obj=area,
            organisation=area.owner_organisation,
            request=request,
            details={
                "partnership": partnership.pk,
                "municipality": municipality.code,
                "notes": notes,
            },
        )
        job = _request_links(area)
    return OwnAreaResult(area, job, notes)


def update_own_area(user, area: Area, *, name: str, geometry=None, request=None) -> OwnAreaResult:
    """Rename an own area and, when ``geometry`` is given and differs, move its border."""
    if not may_edit(user, area):
        raise PermissionDenied("Bara samverkans samordnare kan ändra området.")
    notes: list[str] = []
    job = None
    with transaction.atomic():
        area = Area.objects.select_for_update().get(pk=area.pk)
        partnership = area.owner_partnership
        name = _check_name(name, partnership, exclude=area.pk)
        changed = []
        if name != area.name:
            changed.append("name")
            area.name = name
        if geometry:
            cleaned, municipality = _fit(geometry, partnership, user, notes)
            if cleaned != area.geometry:
                changed.append("geometry")
                now = timezone.now()
                current = area.borders.filter(valid_to__isnull=True).order_by("-pk").first()
                AreaBorder.objects.bulk_create(end_border(area, area.geometry, now, current))
                area.geometry, area.parent = cleaned, municipality
                for key, value in _bbox(cleaned).items():
                    setattr(area, key, value)
                AreaBorder.objects.create(
                    area=area, geometry=cleaned, valid_from=now, source=_source(user)
                )
        if not changed:
            return OwnAreaResult(area, None, notes)
        area.save()
        audit.record(
            "own_area.update",
            actor=user,
            obj=area,
            organisation=_organisation(user, partnership),
            request=request,
            details={"changed": changed, "notes": notes},
        )
        if "geometry" in changed:
            job = _request_links(area)
    return OwnAreaResult(area, job, notes)


def uses_of(area: Area) -> list[str]:
    """What keeps the area from being deleted, as phrases ("2 lägesbilder")."""
    counts: dict[str, int] = {}
    # Django's collector finds every PROTECT reference, whichever app holds it, without
    # core importing those apps, and deletes nothing.
    try:
        Collector(using=router.db_for_write(Area)).collect([area])
    except ProtectedError as exc:
        for obj in exc.protected_objects:
            label = str(obj._meta.verbose_name_plural)
            counts[label] = counts.get(label, 0) + 1
    # A membership limited to the area would be left limited to nothing, which reads as
    # unlimited (core/permissions.py): the area must be taken off it first.
    limited = Membership.areas.through.objects.filter(area_id=area.pk).count()
    if limited:
        counts[str(Membership._meta.verbose_name_plural)] = limited
    return [f"{n} {label}" for label, n in sorted(counts.items())]


def delete_own_area(user, area: Area, request=None) -> None:
    """Delete an own area that nothing depends on; say what uses it otherwise."""
    if not may_edit(user, area):
        raise PermissionDenied("Bara samverkans samordnare kan ta bort området.")
    used = uses_of(area)
    if used:
        raise OwnAreaError(
            f"{area.name} kan inte tas bort: det används av {', '.join(used)}. "
            "Det som räknats eller planerats för området ska gå att läsa i efterhand."
        )
    with transaction.atomic():
        audit.record(
            "own_area.delete",
            actor=user,
            obj=area,
            organisation=_organisation(user, area.owner_partnership),
            request=request,
            details={"partnership": area.owner_partnership_id, "name": area.name},
        )
        area.delete()
