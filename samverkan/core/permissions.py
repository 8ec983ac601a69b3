"""Who may see and change what: rules predicates and the one queryset-scoping helper.

Two mechanisms, used everywhere:

* ``rules`` permissions (``user.has_perm("core.view_organisation", obj)``) for single
  objects; every view and API endpoint declares which one it needs.
* :func:`scope` filters any queryset to what a user may see. Each model registers its own
  scoping function with :func:`scoped`, so list views never filter by hand (the Open Zaak
  pattern: one mixin, one place to get it right).

A membership may be limited to areas (``Membership.areas``): it then reaches only those
areas and the areas below them. :func:`membership_area_ids`, :func:`area_ids`,
:func:`grant_filter` and :func:`in_grant` are the one place that rule is applied; every
scope that works per area and partnership goes through them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import rules
from django.db.models import Model, Prefetch, Q, QuerySet

from samverkan.core.models import Area, AuditEvent, Membership, Organisation, Partnership
from samverkan.core.roles import Role

_SCOPES: dict[type[Model], Callable[[QuerySet, object], QuerySet]] = {}


def memberships(user) -> list[Membership]:
    """The user's memberships, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_samverkan_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user)
            .select_related("organisation")
            # Only the areas' ids and names are read; a real border is megabytes.
            .prefetch_related(Prefetch("areas", queryset=Area.objects.defer("geometry")))
        )
        user._samverkan_memberships = cached
    return cached


def roles_of(user) -> set[str]:
    return {m.role for m in memberships(user)}


def org_ids(user, roles: Iterable[str] | None = None) -> set[int]:
    """Organisations in which the user holds one of ``roles`` (any role when None)."""
    # Role members hash by name, not value: compare plain strings.
    wanted = {str(r) for r in roles} if roles is not None else None
    return {m.organisation_id for m in memberships(user) if wanted is None or m.role in wanted}


def partnership_ids(user, roles: Iterable[str] | None = None) -> set[int]:
    """Partnerships of the organisations in which the user holds one of ``roles``."""
    orgs = org_ids(user, roles)
    if not orgs:
        return set()
    cache_key = ("_samverkan_partnerships", frozenset(orgs))
    cache = getattr(user, "_samverkan_pcache", {})
    if cache_key not in cache:
        cache[cache_key] = set(
            Partnership.objects.filter(organisations__in=orgs).values_list("id", flat=True)
        )
        user._samverkan_pcache = cache
    return cache[cache_key]


def descendant_ids(root_ids: Iterable[int]) -> set[int]:
    """``root_ids`` and every area below them in their hierarchies."""
    found = set(root_ids)
    frontier = set(found)
    # Level by level: hierarchies are a handful of levels deep.
    while frontier:
        frontier = set(Area.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier -= found
        found |= frontier
    return found


def area_choices(area_ids: Iterable[int]) -> QuerySet[Area]:
    """The areas ``area_ids`` as choices: by level and name, their borders left unread (a
    full-resolution border is megabytes, and a choice shows only the name)."""
    return Area.objects.filter(pk__in=area_ids).defer("geometry").order_by("level", "name")


def partnership_area_ids(partnership_ids_: Iterable[int]) -> set[int]:
    """The areas of the partnerships and every area below them, as each partnership sees them.

    Below a municipality hang other partnerships' own drawn areas too; they are that
    partnership's working material (:func:`_scope_areas`), so each partnership's reach
    keeps only the own areas it owns. Pickers, lists and imports of a partnership use this
    one rule, so a second partnership covering the same municipality never learns the
    first one's own area names.
    """
    wanted = set(partnership_ids_)
    roots: dict[int, set[int]] = {}
    for pid, area_id in Partnership.areas.through.objects.filter(
        partnership_id__in=wanted
    ).values_list("partnership_id", "area_id"):
        roots.setdefault(pid, set()).add(area_id)
    found: set[int] = set()
    for pid, root_ids in roots.items():
        reach = descendant_ids(root_ids)
        foreign = (
            Area.objects.filter(pk__in=reach, owner_partnership__isnull=False)
            .exclude(owner_partnership_id=pid)
            .values_list("id", flat=True)
        )
        found |= reach - descendant_ids(foreign)
    return found


def membership_area_ids(membership: Membership) -> frozenset[int] | None:
    """Areas a membership reaches (its areas and all below them); None when unlimited."""
    cached = getattr(membership, "_samverkan_area_ids", False)
    if cached is False:
        roots = [a.pk for a in membership.areas.all()]
        cached = frozenset(descendant_ids(roots)) if roots else None
        membership._samverkan_area_ids = cached
    return cached


def _wanted(roles: Iterable[str] | None) -> set[str] | None:
    return {str(r) for r in roles} if roles is not None else None


def area_ids(user, roles: Iterable[str] | None = None) -> set[int] | None:
    """Areas the user reaches through memberships with one of ``roles``.

    None when one of those memberships is unlimited; an empty set when the user holds none
    of the roles.
    """
    wanted = _wanted(roles)
    found: set[int] = set()
    for m in memberships(user):
        if wanted is not None and m.role not in wanted:
            continue
        limit = membership_area_ids(m)
        if limit is None:
            return None
        found |= limit
    return found


def partnership_grants(user, roles: Iterable[str] | None = None) -> dict[int, frozenset | None]:
    """Partnership id -> the areas the user reaches in it (None: all its areas).

    A partnership is reached through every membership (with one of ``roles``) of one of
    its organisations; an unlimited membership opens all of it.
    """
    wanted = _wanted(roles)
    relevant = [m for m in memberships(user) if wanted is None or m.role in wanted]
    if not relevant:
        return {}
    cache = getattr(user, "_samverkan_gcache", {})
    key = frozenset(m.pk for m in relevant)
    if key not in cache:
        cache[key] = _grants(relevant)
        user._samverkan_gcache = cache
    return dict(cache[key])


def _grants(relevant: list[Membership]) -> dict[int, frozenset | None]:
    links = Partnership.organisations.through.objects.filter(
        organisation_id__in={m.organisation_id for m in relevant}
    ).values_list("organisation_id", "partnership_id")
    by_org: dict[int, set[int]] = {}
    for org, pid in links:
        by_org.setdefault(org, set()).add(pid)
    grants: dict[int, frozenset | None] = {}
    for m in relevant:
        limit = membership_area_ids(m)
        for pid in by_org.get(m.organisation_id, ()):
            if pid in grants and grants[pid] is None:
                continue
            grants[pid] = None if limit is None else (grants.get(pid) or frozenset()) | limit
    return grants


def grant_filter(
    user,
    roles: Iterable[str] | None = None,
    *,
    partnership_field: str = "partnership_id",
    area_field: str = "area_id",
) -> Q:
    """Q for rows of the user's partnerships whose area the user's membership reaches."""
    open_, limited = [], []
    for pid, limit in partnership_grants(user, roles).items():
        if limit is None:
            open_.append(pid)
        else:
            limited.append((pid, limit))
    q = Q(**{f"{partnership_field}__in": open_})
    for pid, limit in limited:
        q |= Q(**{partnership_field: pid, f"{area_field}__in": sorted(limit)})
    return q


def in_grant(user, roles: Iterable[str] | None, partnership_id, area_id) -> bool:
    """Does the user reach ``area_id`` in ``partnership_id`` with one of ``roles``?"""
    grants = partnership_grants(user, roles)
    if partnership_id not in grants:
        return False
    limit = grants[partnership_id]
    return limit is None or area_id in limit


def is_system_admin_user(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or str(Role.SYSTEM_ADMIN) in roles_of(user)


@rules.predicate
def is_system_admin(user) -> bool:
    return is_system_admin_user(user)


def has_role(*role_codes: str):
    """Predicate: the user holds at least one of the roles in some organisation."""

    wanted = {str(r) for r in role_codes}

    @rules.predicate(name=f"has_role({','.join(sorted(wanted))})")
    def predicate(user) -> bool:
        return bool(roles_of(user) & wanted)

    return predicate


@rules.predicate
def is_member_of_organisation(user, organisation) -> bool:
    return organisation is not None and organisation.pk in org_ids(user)


@rules.predicate
def is_org_admin_of(user, organisation) -> bool:
    return organisation is not None and organisation.pk in org_ids(user, {Role.ORG_ADMIN})


@rules.predicate
def is_partnership_member(user, partnership) -> bool:
    return partnership is not None and partnership.pk in partnership_ids(user)


is_coordinator = has_role(Role.COORDINATOR)
is_reporter = has_role(Role.REPORTER)
is_org_admin = has_role(Role.ORG_ADMIN)
is_regional_viewer = has_role(Role.REGIONAL_VIEWER)

rules.add_perm("core.view_area", rules.is_authenticated)
rules.add_perm("core.view_organisation", is_member_of_organisation | is_system_admin)
rules.add_perm("core.view_partnership", is_partnership_member | is_system_admin)
rules.add_perm("core.view_auditlog", is_org_admin | is_system_admin)
rules.add_perm("core.import_areas", is_system_admin)


def scoped(model: type[Model]):
    """Register the scoping function of ``model`` for :func:`scope`."""

    def register(func: Callable[[QuerySet, object], QuerySet]):
        _SCOPES[model] = func
        return func

    return register


def scope(queryset: QuerySet, user) -> QuerySet:
    """Return ``queryset`` limited to the rows ``user`` may see.

    A model with no registered scope is refused outright: forgetting to declare who may
    see a new model must fail closed, not leak.
    """
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    try:
        func = _SCOPES[queryset.model]
    except KeyError:
        raise LookupError(f"No access scope declared for {queryset.model.__name__}") from None
    return func(queryset, user)


@scoped(Area)
def _scope_areas(qs, user):
    # Area boundaries are public geography: every signed-in user may browse them, also
    # outside a membership's areas (a reporter in one district still sees the municipality's
    # outline). What a user may build or report for is limited by area_ids/grant_filter.
    # Own areas drawn by a partnership are its working material, not public geography:
    # only its members (and system administrators) see them (core/own_areas.py).
    if is_system_admin_user(user):
        return qs
    return qs.filter(
        Q(owner_partnership__isnull=True) | Q(owner_partnership_id__in=partnership_ids(user))
    )


@scoped(Organisation)
def _scope_organisations(qs, user):
    if is_system_admin_user(user):
        return qs
    return qs.filter(pk__in=org_ids(user))


@scoped(Partnership)
def _scope_partnerships(qs, user):
    if is_system_admin_user(user):
        return qs
    return qs.filter(pk__in=partnership_ids(user))


@scoped(Membership)
def _scope_memberships(qs, user):
    if is_system_admin_user(user):
        return qs
    return qs.filter(organisation_id__in=org_ids(user))


@scoped(AuditEvent)
def _scope_audit(qs, user):
    if is_system_admin_user(user):
        return qs
    return qs.filter(organisation_id__in=org_ids(user, {Role.ORG_ADMIN}))


def acting_organisation(
    user, partnership_id: int | None, roles: Iterable[str] | None = None
) -> Organisation | None:
    """The organisation on whose behalf ``user`` acts in a partnership, for the audit log.

    The user's membership in one of the partnership's organisations (holding one of
    ``roles`` when given); with several, the lowest organisation id, so that the same
    person is always recorded for the same organisation. None without such a membership.
    """
    if partnership_id is None:
        return None
    wanted = {str(r) for r in roles} if roles is not None else None
    members = set(
        Partnership.organisations.through.objects.filter(partnership_id=partnership_id).values_list(
            "organisation_id", flat=True
        )
    )
    mine = [
        m
        for m in memberships(user)
        if m.organisation_id in members and (wanted is None or m.role in wanted)
    ]
    return min(mine, key=lambda m: m.organisation_id).organisation if mine else None


def coordinators_to_notify(partnership: Partnership):
    """Active coordinators of the partnership's organisations who have an e-mail address.

    Whom a scheduled lägesbild draft and an agreement's follow-up reminder are mailed to.
    """
    from django.contrib.auth import get_user_model

    user_ids = Membership.objects.filter(
        organisation_id__in=partnership.organisations.values("id"), role=str(Role.COORDINATOR)
    ).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .order_by("username")
    )
