"""Who belongs to a county's regional network, and the signed unsubscribe token.

The network of a county is its county board (users whose regional membership reaches the
county, :func:`samverkan.county.overview.counties_for`) and every user of an organisation
that takes part in a partnership of one of the county's municipalities (or of an area
below one). Membership follows the user's current memberships: a user who leaves the
partnership's organisation stops receiving the digest even if they never unsubscribed.
"""

from __future__ import annotations

from django.core import signing
from django.db.models import Q

from samverkan.core.models import Area
from samverkan.core.permissions import partnership_ids, scoped
from samverkan.county import workflow
from samverkan.county.models import Digest, DigestSubscription, NetworkMeeting
from samverkan.county.overview import counties_for

UNSUBSCRIBE_SALT = "samverkan.county.digest.unsubscribe"
# Areas are nested county > municipality > district > smaller; a few steps more are harmless.
MAX_DEPTH = 10


def board_county_ids(user) -> set[int]:
    """Counties whose digest the user composes (the county board's regional role)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(counties_for(user).values_list("pk", flat=True))


def is_board(user, county) -> bool:
    return county is not None and county.pk in board_county_ids(user)


def _counties_above(area_ids: set[int]) -> set[int]:
    counties, frontier, seen = set(), set(area_ids), set()
    for _step in range(MAX_DEPTH):
        frontier -= seen
        if not frontier:
            break
        seen |= frontier
        rows = Area.objects.filter(pk__in=frontier).values_list("pk", "level", "parent_id")
        frontier = set()
        for pk, level, parent_id in rows:
            if level == Area.Level.COUNTY:
                counties.add(pk)
            elif parent_id:
                frontier.add(parent_id)
    return counties


def network_county_ids(user) -> set[int]:
    """The counties whose regional network the user belongs to."""
    if not getattr(user, "is_authenticated", False):
        return set()
    ids = board_county_ids(user)
    pids = partnership_ids(user)
    if pids:
        areas = set(
            Area.objects.filter(partnerships__in=pids).values_list("pk", flat=True).distinct()
        )
        ids |= _counties_above(areas)
    return ids


def is_member(user, county) -> bool:
    return county is not None and county.pk in network_county_ids(user)


def county_area_ids(county) -> set[int]:
    """The county and every area below it."""
    ids, frontier = {county.pk}, {county.pk}
    for _step in range(MAX_DEPTH):
        frontier = (
            set(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        )
        if not frontier:
            break
        ids |= frontier
    return ids


def unsubscribe_token(user, county) -> str:
    """A token that unsubscribes ``user`` from ``county``'s digest without signing in.

    Signed with the secret key, so nobody can make one for somebody else; it carries no
    expiry because the link in an old e-mail must still work.
    """
    return signing.dumps({"u": user.pk, "c": county.pk}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, int] | None:
    """``(user_id, county_id)`` of a valid token; None for anything else."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["u"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def may_read_digest(user, digest) -> bool:
    """The board reads its county's digests, drafts included; the network reads them once
    sent (frozen). Anyone else is not told that the digest exists."""
    if is_board(user, digest.county):
        return True
    return digest.status in workflow.FROZEN and is_member(user, digest.county)


@scoped(Digest)
def _scope_digests(qs, user):
    board = board_county_ids(user)
    member = network_county_ids(user)
    return qs.filter(Q(county_id__in=board) | Q(county_id__in=member, status__in=workflow.FROZEN))


def may_see_meeting(user, meeting) -> bool:
    """The network's meetings are for its members (the board included), as the digest
    announces them to the members."""
    return is_member(user, meeting.county)


@scoped(NetworkMeeting)
def _scope_network_meetings(qs, user):
    return qs.filter(county_id__in=network_county_ids(user))


def web_link(link: str) -> str:
    """``link`` if it is a web address, else empty: a stored ``javascript:`` address must
    never become a link, in the digest or in the API."""
    return link if link.lower().startswith(("https://", "http://")) else ""


@scoped(DigestSubscription)
def _scope_subscriptions(qs, user):
    # A subscription is its user's own: nobody else, the board included, lists them.
    return qs.filter(user_id=user.pk)
