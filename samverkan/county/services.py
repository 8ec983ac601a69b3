"""State changes of the network digest, its meetings and subscriptions, each audited."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from samverkan.core import audit
from samverkan.county import network, workflow
from samverkan.county.digest import gather, period_of
from samverkan.county.models import Digest, DigestDelivery, DigestSubscription, NetworkMeeting


class NotAllowed(PermissionError):
    """The user is not the county board of the county, or not in its network."""


def _require_board(user, county) -> None:
    if not network.is_board(user, county):
        raise NotAllowed


@transaction.atomic
def create_digest(
    user, county, period_type: str, period_label: str, intro: str = "", *, request=None
):
    _require_board(user, county)
    digest = Digest(county=county, period_type=period_type, period_label=period_label, intro=intro)
    digest.created_by = user
    period_of(digest)  # raises PeriodError for a label that is no period of the type
    digest.save()
    audit.record(
        audit.Action.COUNTY_DIGEST_CREATE,
        actor=user,
        request=request,
        obj=digest,
        details={"county": county.code, "period": period_label},
    )
    return digest


@transaction.atomic
def update_digest(user, digest: Digest, intro: str, *, request=None) -> Digest:
    _require_board(user, digest.county)
    digest = Digest.objects.select_for_update().get(pk=digest.pk)
    if digest.status != workflow.DRAFT:
        raise workflow.TransitionError("Ett skickat nätverksbrev kan inte ändras.")
    digest.intro = intro
    digest.save(update_fields=["intro"])
    audit.record(audit.Action.COUNTY_DIGEST_UPDATE, actor=user, request=request, obj=digest)
    return digest


@transaction.atomic
def request_send(user, digest: Digest, *, request=None) -> Digest:
    """Freeze the digest's content and leave the e-mails to the background worker.

    The content is frozen here, not in the worker, so that what goes out is exactly what
    the board previewed when it pressed the button.
    """
    from samverkan.county.tasks import send_digest

    _require_board(user, digest.county)
    digest = Digest.objects.select_for_update().select_related("county").get(pk=digest.pk)
    workflow.DIGEST.check(digest.status, workflow.SENDING)
    digest.content = gather(digest, user)
    digest.status = workflow.SENDING
    digest.send_requested_at = timezone.now()
    digest.save(update_fields=["content", "status", "send_requested_at"])
    audit.record(
        audit.Action.COUNTY_DIGEST_QUEUE,
        actor=user,
        request=request,
        obj=digest,
        details={"county": digest.county.code, "period": digest.period_label},
    )
    pk = digest.pk
    transaction.on_commit(lambda: send_digest.enqueue(pk))
    return digest


def recipients(county) -> list:
    """Subscribers of ``county`` who are in its network today and have an e-mail address."""
    users = (
        get_user_model()
        .objects.filter(
            pk__in=DigestSubscription.objects.filter(county=county).values("user_id"),
            is_active=True,
        )
        .exclude(email="")
    )
    return [u for u in users.order_by("pk") if network.is_member(u, county)]


def _base_url() -> str:
    return getattr(settings, "PUBLIC_BASE_URL", "") or ""


def unsubscribe_url(user, county) -> str:
    token = urlencode({"token": network.unsubscribe_token(user, county)})
    return f"{_base_url()}{reverse('county-digest-unsubscribe')}?{token}"


def _message(digest: Digest, user) -> EmailMultiAlternatives:
    base = _base_url()
    context = {
        "content": digest.content,
        "web_url": base + reverse("county-digest", args=[digest.pk]),
        "unsubscribe_url": unsubscribe_url(user, digest.county),
        "subscriptions_url": base + reverse("county-digest-subscriptions"),
    }
    subject = f"Nätverksbrev {digest.content.get('county', '')}, {digest.content.get('period', '')}"
    text = render_to_string("county/digest_mail.txt", context)
    html = render_to_string("county/digest_mail.html", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()), text, settings.DEFAULT_FROM_EMAIL, [user.email]
    )
    message.attach_alternative(html, "text/html")
    message.extra_headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    return message


def deliver(digest_id: int) -> int:
    """Send a queued digest to its subscribers (run by the worker). Returns the number sent.

    Each e-mail is sent in a transaction of its own that records the delivery, so a run
    that fails half-way (the mail server goes away) leaves the recipients reached recorded:
    the retried task sends only to the others, and nobody gets the digest twice. A digest
    that is not waiting to be sent (sent already by an earlier run) is left alone.
    """
    digest = Digest.objects.select_related("county").get(pk=digest_id)
    if digest.status != workflow.SENDING:
        return 0
    to = recipients(digest.county)
    for user in to:
        with transaction.atomic():
            # Under the digest's row lock: two runs of the task never send to one person twice.
            locked = Digest.objects.select_for_update().get(pk=digest_id)
            if locked.status != workflow.SENDING:
                return 0
            _delivery, created = DigestDelivery.objects.get_or_create(digest=locked, user=user)
            if created:
                _message(digest, user).send()
    with transaction.atomic():
        digest = Digest.objects.select_for_update().select_related("county").get(pk=digest_id)
        if digest.status != workflow.SENDING:
            return 0
        workflow.DIGEST.check(digest.status, workflow.SENT)
        reached = digest.deliveries.count()
        digest.status = workflow.SENT
        digest.sent_at = timezone.now()
        digest.recipients = reached
        digest.save(update_fields=["status", "sent_at", "recipients"])
        audit.record(
            audit.Action.COUNTY_DIGEST_SEND,
            actor=None,
            obj=digest,
            details={
                "county": digest.county.code,
                "period": digest.period_label,
                "recipients": reached,
            },
        )
    return reached


@transaction.atomic
def subscribe(user, county, *, request=None) -> DigestSubscription:
    if not network.is_member(user, county):
        raise NotAllowed
    sub, created = DigestSubscription.objects.get_or_create(user=user, county=county)
    if created:
        audit.record(
            audit.Action.COUNTY_DIGEST_SUBSCRIBE,
            actor=user,
            request=request,
            obj=county,
            details={"county": county.code},
        )
    return sub


@transaction.atomic
def unsubscribe(user, county, *, request=None, by_link: bool = False) -> bool:
    """Remove the subscription; True when there was one. No membership is needed to leave."""
    deleted, _rows = DigestSubscription.objects.filter(user=user, county=county).delete()
    if deleted:
        audit.record(
            audit.Action.COUNTY_DIGEST_UNSUBSCRIBE,
            actor=user,
            request=request,
            obj=county,
            details={"county": county.code, "by_link": by_link},
        )
    return bool(deleted)


@transaction.atomic
def save_meeting(user, meeting: NetworkMeeting, *, request=None) -> NetworkMeeting:
    _require_board(user, meeting.county)
    created = meeting.pk is None
    if created:
        meeting.created_by = user
    meeting.save()
    audit.record(
        audit.Action.NETWORK_MEETING_SAVE,
        actor=user,
        request=request,
        obj=meeting,
        details={"county": meeting.county.code, "created": created},
    )
    return meeting


@transaction.atomic
def delete_meeting(user, meeting: NetworkMeeting, *, request=None) -> None:
    _require_board(user, meeting.county)
    audit.record(
        audit.Action.NETWORK_MEETING_DELETE,
        actor=user,
        request=request,
        obj=meeting,
        details={"county": meeting.county.code},
    )
    meeting.delete()
