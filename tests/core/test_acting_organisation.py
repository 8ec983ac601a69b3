"""Rules that several apps shared as copies, now one each in core.permissions: the
organisation an audit event names (acting_organisation) and whom a notice is mailed to.

Plans, meetings, the lägesbild and the partnership's own areas each had a copy of it; the
copies picked the first membership in whatever order the database returned it, so a person
in two organisations of one partnership could be recorded for either.
"""

from __future__ import annotations

from samverkan.core.models import Membership
from samverkan.core.permissions import acting_organisation
from samverkan.core.roles import Role
from samverkan.meetings import services as meeting_services
from samverkan.situation import services as situation_services


def _fresh(user):
    # memberships() caches on the user object.
    user.__dict__.pop("_samverkan_memberships", None)
    return user


def test_the_membership_within_the_partnership(world):
    user = world.users["police_coordinator"]
    assert acting_organisation(user, world.p1.pk) == world.polis
    assert acting_organisation(user, world.p2.pk) is None
    assert acting_organisation(user, None) is None


def test_with_two_organisations_of_the_partnership_always_the_lowest_id(world):
    user = world.users["police_coordinator"]
    # Created after the police membership, so a first-found rule would keep the police.
    Membership.objects.create(user=user, organisation=world.kommun, role=Role.COORDINATOR)
    first = min([world.kommun, world.polis], key=lambda o: o.pk)
    assert acting_organisation(_fresh(user), world.p1.pk) == first


def test_roles_narrow_the_memberships(world):
    user = world.users["steering"]
    assert acting_organisation(user, world.p1.pk) == world.kommun
    assert acting_organisation(user, world.p1.pk, {Role.COORDINATOR}) is None


def test_the_lagesbild_falls_back_to_the_users_own_organisation(world):
    user = world.users["coordinator"]
    assert situation_services.acting_organisation(user, None) == world.kommun
    assert situation_services.acting_organisation(user, world.p2) == world.kommun
    assert situation_services.acting_organisation(None, world.p1) is None


def test_a_meeting_event_names_the_organisation_by_the_one_rule(world):
    from samverkan.core.models import AuditEvent

    user = world.users["police_coordinator"]
    Membership.objects.create(user=user, organisation=world.kommun, role=Role.COORDINATOR)
    meeting_services._record(
        "meeting_series.create", world.p1, world.p1, _fresh(user), request=None
    )
    event = AuditEvent.objects.latest("pk")
    assert event.organisation == min([world.kommun, world.polis], key=lambda o: o.pk)


def test_coordinators_to_notify_are_the_partnerships_active_coordinators_with_mail(world):
    from samverkan.core.permissions import coordinators_to_notify

    for key, mail in [
        ("coordinator", "k@example.org"),
        ("police_coordinator", ""),
        ("steering", "s@example.org"),
        ("other_coordinator", "o@example.org"),
    ]:
        world.users[key].email = mail
        world.users[key].save()
    assert list(coordinators_to_notify(world.p1)) == [world.users["coordinator"]]
    world.users["coordinator"].is_active = False
    world.users["coordinator"].save()
    assert list(coordinators_to_notify(world.p1)) == []
