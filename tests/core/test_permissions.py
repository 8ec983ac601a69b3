"""The one scoping helper: each model's rows limited to what the user may see."""

import pytest
from django.contrib.auth.models import Group

from samverkan.core.models import AuditEvent, Membership, Organisation, Partnership
from samverkan.core.permissions import partnership_ids, scope


def test_unregistered_model_fails_closed(world):
    with pytest.raises(LookupError):
        scope(Group.objects.all(), world.users["coordinator"])


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not scope(Organisation.objects.all(), AnonymousUser()).exists()


def test_organisations_scoped_to_memberships(world):
    names = set(
        scope(Organisation.objects.all(), world.users["coordinator"]).values_list("name", flat=True)
    )
    assert names == {"Norrby kommun"}


def test_partnerships_scoped(world):
    assert list(scope(Partnership.objects.all(), world.users["reporter"])) == [world.p1]
    assert list(scope(Partnership.objects.all(), world.users["other_coordinator"])) == [world.p2]
    assert partnership_ids(world.users["regional"]) == set()


def test_system_admin_sees_all(world):
    assert scope(Organisation.objects.all(), world.users["sysadmin"]).count() == 5


def test_memberships_scoped(world):
    orgs = set(
        scope(Membership.objects.all(), world.users["other_coordinator"]).values_list(
            "organisation__name", flat=True
        )
    )
    assert orgs == {"Söderby kommun"}


def test_audit_scoped_to_org_admins(world):
    from samverkan.core import audit

    audit.record("incident.create", organisation=world.kommun)
    assert scope(AuditEvent.objects.all(), world.users["org_admin"]).count() == 1
    assert scope(AuditEvent.objects.all(), world.users["coordinator"]).count() == 0


def test_rules_object_permissions(world):
    coord, other = world.users["coordinator"], world.users["other_coordinator"]
    assert coord.has_perm("core.view_organisation", world.kommun)
    assert not other.has_perm("core.view_organisation", world.kommun)
    assert coord.has_perm("core.view_partnership", world.p1)
    assert not other.has_perm("core.view_partnership", world.p1)
