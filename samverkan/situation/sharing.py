"""Whom a shared lägesbild is sent to, and the e-mail that tells them.

The coordinator chooses recipient groups when sharing: the partnership (everyone with a
partnership role in its member organisations), its steering group, and the county board
(regional viewers whose region holds the area; only for shared or public pictures, the
ones regional viewers may open). Each person is mailed a link, never the content, and only
if they may open the picture once shared, so a mail never points at a page that refuses.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Membership
from samverkan.core.roles import PARTNERSHIP_ROLES, Role
from samverkan.situation.permissions import REGIONAL_AUDIENCES

PARTNERSHIP, STEERING, COUNTY = "partnership", "steering", "county"
GROUPS = (
    (PARTNERSHIP, _("Samverkansgruppen")),
    (STEERING, _("Styrgruppen")),
    (COUNTY, _("Länsstyrelsen (regionala läsare)")),
)


def groups_for(report) -> list[tuple[str, str]]:
    """The recipient groups that make sense for ``report``."""
    out = []
    for key, label in GROUPS:
        if key in (PARTNERSHIP, STEERING) and report.partnership_id is None:
            continue
        if key == COUNTY and report.audience not in REGIONAL_AUDIENCES:
            continue
        out.append((key, label))
    return out


def _members(report, roles) -> set[int]:
    return set(
        Membership.objects.filter(
            organisation__partnerships=report.partnership_id, role__in=[str(r) for r in roles]
        ).values_list("user_id", flat=True)
    )


def recipients(report, groups) -> list:
    """Active users with an e-mail address in ``groups`` who may open ``report``."""
    valid = {k for k, _label in groups_for(report)}
    unknown = set(groups) - {k for k, _label in GROUPS}
    if unknown:
        raise ValueError(f"Okänd mottagargrupp: {', '.join(sorted(unknown))}.")
    ids: set[int] = set()
    if PARTNERSHIP in groups and PARTNERSHIP in valid:
        ids |= _members(report, PARTNERSHIP_ROLES)
    if STEERING in groups and STEERING in valid:
        ids |= _members(report, {Role.STEERING})
    if COUNTY in groups and COUNTY in valid:
        ids |= set(
            Membership.objects.filter(role=Role.REGIONAL_VIEWER).values_list("user_id", flat=True)
        )
    users = get_user_model().objects.filter(pk__in=ids, is_active=True).exclude(email="")
    return [u for u in users.order_by("pk") if u.has_perm("situation.view_report", report)]


def notify(report, users, *, request=None) -> int:
    """Mail each user a link to ``report``; returns how many were mailed."""
    if not users:
        return 0
    base = getattr(settings, "PUBLIC_BASE_URL", "") or (
        request.build_absolute_uri("/").rstrip("/") if request is not None else ""
    )
    link = f"{base}{reverse('situation-detail', args=[report.pk])}"
    subject = f"Lägesbild delad: {report.area.name} {report.period_label}"
    body = render_to_string("situation/share_mail.txt", {"report": report, "link": link})
    for user in users:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return len(users)
