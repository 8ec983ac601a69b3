"""The e-mail that tells a reporter that feedback has arrived, and their choice about it.

The mail carries a link and nothing else: not the feedback, not the report, not who wrote
it, so that a mailbox read by others learns nothing of other people.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from samverkan.core import audit
from samverkan.incidents.triage_models import ReporterPreference


def wants_feedback_mail(user) -> bool:
    """Whether ``user`` gets the mail: yes unless they said no on their account page."""
    return not ReporterPreference.objects.filter(user=user, feedback_mail=False).exists()


@transaction.atomic
def set_feedback_mail(user, wanted: bool, *, request=None) -> ReporterPreference:
    """Record the user's choice (the opt-out) with its audit event."""
    pref, _created = ReporterPreference.objects.update_or_create(
        user=user, defaults={"feedback_mail": wanted}
    )
    audit.record(
        "user.set_feedback_mail",
        actor=user,
        obj=user,
        request=request,
        details={"feedback_mail": wanted},
    )
    return pref


def will_mail(incident, author) -> bool:
    """Whether feedback on ``incident`` by ``author`` is announced to its reporter."""
    reporter = incident.reporter
    return bool(
        reporter is not None
        and reporter.is_active
        and reporter.email
        and reporter.pk != getattr(author, "pk", None)
        and wants_feedback_mail(reporter)
    )


def absolute(path: str, request=None) -> str:
    """Absolute address of ``path`` (PUBLIC_BASE_URL when set, else the request's host)."""
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    if base:
        return f"{base}{path}"
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def send_feedback_mail(incident, request=None) -> None:
    """Send the notice; called after the feedback's transaction has committed."""
    link = absolute(reverse("incident-detail", args=[incident.pk]), request)
    account = absolute(reverse("two-factor-account"), request)
    subject = _("Återkoppling på din rapport")
    body = _(
        "Hej!\n\nDu har fått återkoppling på en rapport som du har skickat in. "
        "Logga in och läs den här:\n\n%(link)s\n\n"
        "Vill du inte få dessa meddelanden kan du stänga av dem på ditt konto:\n%(account)s\n"
    ) % {"link": link, "account": account}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [incident.reporter.email])
