"""The regional network digest: meetings of the network, digests and subscriptions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Area
from samverkan.county import workflow


class NetworkMeeting(models.Model):
    """A meeting of a county's regional crime-prevention network, kept by the county board."""

    county = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="+", verbose_name=_("län")
    )
    starts_at = models.DateTimeField(_("tid"))
    topic = models.CharField(_("ämne"), max_length=200)
    place = models.CharField(_("plats"), max_length=200, blank=True)
    link = models.URLField(_("länk"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("nätverksmöte")
        verbose_name_plural = _("nätverksmöten")

    def __str__(self) -> str:
        return self.topic


class PeriodType(models.TextChoices):
    MONTH = "month", _("Månad")
    TERTIAL = "tertial", _("Tertial")


class Digest(models.Model):
    """One issue of the network digest (nätverksbrev) of a county for one period.

    While a draft its content is gathered afresh for every preview; when the board sends it
    the content is frozen in ``content`` (plain JSON, rendered autoescaped) and that frozen
    version is what the e-mail and the web version show ever after.
    """

    county = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("län")
    )
    period_type = models.CharField(_("periodtyp"), max_length=10, choices=PeriodType.choices)
    period_label = models.CharField(_("period"), max_length=20)
    intro = models.TextField(_("inledning"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=workflow.STATUSES, default=workflow.DRAFT
    )
    content = models.JSONField(_("innehåll"), default=dict, blank=True)
    recipients = models.PositiveIntegerField(_("mottagare"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    send_requested_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("nätverksbrev")
        verbose_name_plural = _("nätverksbrev")

    def __str__(self) -> str:
        return f"{self.county.name} {self.period_label}"


class DigestSubscription(models.Model):
    """A network member's own subscription to a county's digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "county"], name="county_digest_subscription")
        ]
        verbose_name = _("prenumeration på nätverksbrev")
        verbose_name_plural = _("prenumerationer på nätverksbrev")

    def __str__(self) -> str:
        return f"{self.user} – {self.county}"


class DigestDelivery(models.Model):
    """One digest sent to one subscriber, committed with the sending.

    A worker that fails half-way (the mail server goes away) is retried; the recipients
    already reached have their row and are not sent the digest a second time.
    """

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["digest", "user"], name="county_digest_delivery")
        ]
        verbose_name = _("utskick av nätverksbrev")
        verbose_name_plural = _("utskick av nätverksbrev")

    def __str__(self) -> str:
        return f"{self.digest_id} – {self.user}"
