"""Residents' safety-walk observations in the REST API, for the coordinators who moderate.

The same access as the moderation pages (:mod:`samverkan.citizens.permissions`): a
coordinator reads the observations of the areas a partnership of theirs reaches, and
decides on them through the same dispatch table as the page
(:func:`samverkan.citizens.moderation.moderate`), each decision written to the audit log
by its service function. Others are refused the list (403); an observation outside the
caller's reach answers 404.

What a resident sent is personal data, so the API gives exactly what the moderation page
shows and nothing more: the text as stored (names, phone numbers and e-mail addresses
already masked at submission; removed when rejected), the photo cleaned of its metadata,
and ``has_contact`` instead of the e-mail address, which is only ever used to send the
answer. The keyed hashes of the address and device and the proof-of-work answer are never
given out.
"""

from __future__ import annotations

import django_filters
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse

from samverkan.citizens import moderation, services
from samverkan.citizens.models import ContactAddress, Observation
from samverkan.core.api import CodeFilter, IsoDateFilter, ScopedViewSetMixin


class ObservationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Observation.Status.choices)
    area = CodeFilter(
        method="filter_area", help_text="Kommunens eller stadsdelens kod (SCB:s kommunkod)"
    )
    submitted_from = IsoDateFilter(
        field_name="submitted_at",
        lookup_expr="date__gte",
        help_text="Inkomna från och med dagen",
    )
    submitted_before = IsoDateFilter(
        field_name="submitted_at", lookup_expr="date__lt", help_text="Inkomna före dagen"
    )

    class Meta:
        model = Observation
        fields = ["status"]

    def filter_area(self, qs, name, code):
        return qs.filter(Q(municipality__code=code) | Q(district__code=code))


class ObservationSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.code", read_only=True)
    district = serializers.CharField(source="district.code", read_only=True, default=None)
    concerns = serializers.SerializerMethodField(help_text="Vad invånaren valde, i kommunens ord")
    photo = serializers.SerializerMethodField(help_text="Fotot (JPEG utan metadata) eller null")
    has_contact = serializers.SerializerMethodField(
        help_text="Invånaren vill ha svar och adressen finns kvar (adressen lämnas aldrig ut)"
    )

    class Meta:
        model = Observation
        fields = [
            "id",
            "municipality",
            "district",
            "lon",
            "lat",
            "concerns",
            "text",
            "photo",
            "submitted_at",
            "status",
            "decided_at",
            "public_note",
            "incident",
            "has_contact",
            "answered_at",
        ]
        read_only_fields = fields

    def get_concerns(self, obs) -> list[str]:
        return [c.label for c in obs.concerns.all()]

    def get_photo(self, obs) -> str | None:
        if not obs.has_photo:
            return None
        return reverse("api-observation-photo", args=[obs.pk], request=self.context.get("request"))

    def get_has_contact(self, obs) -> bool:
        return obs.has_contact


class DecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=sorted(moderation.ACTIONS),
        help_text="accept: godta som händelse; merge: sammanför med rapporten incident; "
        "reject: avvisa (text och foto raderas); answer: mejla text till invånaren",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="Vad som görs (visas på den offentliga kartan)"
    )
    incident = serializers.IntegerField(
        required=False, min_value=1, help_text="Rapporten att sammanföra med (merge)"
    )
    text = serializers.CharField(
        required=False, allow_blank=True, help_text="Svaret till invånaren (answer)"
    )


class ObservationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Residents' observations in the caller's areas, newest first."""

    queryset = Observation.objects.select_related("municipality", "district").order_by(
        "-submitted_at", "-id"
    )
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter
    list_permission = "citizens.moderate"
    permission_required = "citizens.moderate_object"

    def get_queryset(self):
        # The photo and the address are asked about, never read, for a list.
        return (
            super()
            .get_queryset()
            .defer("photo")
            .prefetch_related("concerns")
            .annotate(
                has_photo=ExpressionWrapper(Q(photo__isnull=False), output_field=BooleanField()),
                has_contact=Exists(ContactAddress.objects.filter(observation=OuterRef("pk"))),
            )
        )

    @extend_schema(
        request=DecisionSerializer,
        responses={200: ObservationSerializer},
        filters=False,
        summary="Granska observationen",
        description="Granska en observation som på sidan: godta, sammanför, avvisa eller "
        "svara invånaren. Beslutet skrivs i loggen; ett beslut som inte går att fatta "
        "(redan granskad, okänd rapport, ingen adress) ger 400 med orsaken i detail.",
    )
    @action(detail=True, methods=["post"], url_path="decision", url_name="decision")
    def decision(self, request, pk=None):
        obs = self.get_object()
        incoming = DecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            moderation.moderate(
                obs, moderation.Decision(**incoming.validated_data), request.user, request=request
            )
        except moderation.ModerationError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY},
        filters=False,
        request=None,
        summary="Invånarens foto",
        description="Invånarens foto (JPEG utan metadata), för den som granskar observationen.",
    )
    @action(detail=True, methods=["get"], url_path="photo", url_name="photo")
    def photo(self, request, pk=None):
        return services.photo_response(self.get_object())
