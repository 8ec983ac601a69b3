"""Incidents in the REST API: the list and details the caller may see, and new reports.

The same scope as the incident pages (:func:`~samverkan.core.permissions.scope`); a POST
files a report like the reporter form does, through :func:`incidents.reports.report_row`
and :func:`incidents.services.report_incident`, which writes the audit event. Mounted by
``samverkan/api/urls.py``. ``/api/incidents/<id>/photos/`` lists a report's photos and
lets its reporter add photos after filing, through :func:`incidents.photos.add_photos`
with the page's checks (decoded, re-encoded without metadata, at most three).
``PUT /api/incidents/<id>/tags/`` sets the caller's partnership's tags through
:func:`incidents.triage.set_tags`, as the triage page does, and ``POST
/api/incidents/<id>/actions/`` makes the page's other changes (feedback, status,
duplicate, category, assignment) through :func:`incidents.actions.perform`.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse

from samverkan.core.api import CodeFilter, IsoDateTimeFilter, ScopedViewSetMixin
from samverkan.incidents import actions, services, triage, workflow
from samverkan.incidents.models import Category, Incident, IncidentArea, Status
from samverkan.incidents.permissions import count_visible
from samverkan.incidents.photos import MAX_PHOTOS, PhotoError, add_photos, photo_response
from samverkan.incidents.points import category_ids
from samverkan.incidents.report_scope import report_area, visibility_problem
from samverkan.incidents.reports import report_row
from samverkan.incidents.triage_forms import AddPhotosForm
from samverkan.incidents.triage_models import ReportPhoto, Tag
from samverkan.incidents.validation import point_problem, time_problem


class IncidentSerializer(serializers.ModelSerializer):
    """Incidents in the API. Coordinates of centroid-placed incidents are left out: they
    mark a municipality's centre, not the event."""

    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), help_text="Kategorikod"
    )
    organisation = serializers.CharField(source="organisation.name", read_only=True, default="")
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    tags = serializers.SerializerMethodField(
        help_text="Etiketter som din samverkans samordnare satt (bara för samordnare)"
    )
    area = serializers.CharField(
        required=False,
        write_only=True,
        max_length=40,
        help_text="Områdeskod, när platsen inte är en punkt (ett område i din samverkansgrupp)",
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "source",
            "external_id",
            "occurred_from",
            "occurred_to",
            "reported_at",
            "category",
            "place_type",
            "place_name",
            "description",
            "perceived_insecurity",
            "lon",
            "lat",
            "precision",
            "status",
            "visibility",
            "organisation",
            "feedback",
            "tags",
            "area",
        ]
        read_only_fields = ["id", "source", "reported_at", "precision", "status", "feedback"]

    def get_tags(self, instance) -> list[str]:
        # Prefetched by the view with only the caller's partnerships' tags; another
        # partnership's words stay its own, and reporters get none.
        return [tag.name for tag in getattr(instance, "caller_tags", ())]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not instance.is_point:
            data["lon"] = data["lat"] = None
        return data

    def validate_area(self, code):
        # The same areas the reporter form offers; codes repeat across levels and countries.
        try:
            return report_area(self.context["request"].user, code)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate_visibility(self, value):
        if problem := visibility_problem(value):
            raise serializers.ValidationError(problem)
        return value

    def validate(self, attrs):
        has_point = attrs.get("lon") is not None and attrs.get("lat") is not None
        if not has_point and not attrs.get("area"):
            raise serializers.ValidationError("Ange lon och lat, eller en områdeskod (area).")
        if has_point and (problem := point_problem(attrs["lon"], attrs["lat"])):
            raise serializers.ValidationError({"lon": problem, "lat": problem})
        for field in ("occurred_from", "occurred_to"):
            if problem := time_problem(attrs.get(field)):
                raise serializers.ValidationError({field: problem})
        end = attrs.get("occurred_to")
        if end and end <= attrs["occurred_from"]:
            raise serializers.ValidationError({"occurred_to": "Måste vara efter occurred_from."})
        if attrs.get("perceived_insecurity") not in (None, 1, 2, 3, 4, 5):
            raise serializers.ValidationError({"perceived_insecurity": "Ett värde 1–5."})
        return attrs


def caller_tags(user):
    """The tags the caller sees on incidents: their partnerships' own, for coordinators."""
    if not user.has_perm("incidents.triage"):
        return Tag.objects.none()
    return triage.visible_tags(user)


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Fotot (JPEG utan metadata)")

    class Meta:
        model = ReportPhoto
        fields = ["id", "width", "height", "created_at", "url"]
        read_only_fields = fields

    def get_url(self, photo) -> str:
        args = [photo.incident_id, photo.pk]
        return reverse("api-incident-photo", args=args, request=self.context.get("request"))


# Tags have their own resource, /tags/, which takes a list (one way to set them here).
API_ACTIONS = sorted(set(actions.ACTIONS) - {"tags"})


class ActionBodySerializer(serializers.Serializer):
    """What each action reads; checked by the page's own forms (incidents.actions)."""

    action = serializers.ChoiceField(choices=API_ACTIONS)
    # Blank passes here: the page's form answers it in the page's words.
    feedback = serializers.CharField(
        required=False, allow_blank=True, help_text="feedback: texten till rapportören"
    )
    status = serializers.ChoiceField(
        choices=workflow.settable(Status.choices),
        required=False,
        help_text="status: den nya statusen (dubblett: action duplicate med of)",
    )
    of = serializers.IntegerField(
        required=False, help_text="duplicate: händelsen som detta är en dubblett av"
    )
    category = serializers.CharField(
        required=False, allow_blank=True, help_text="category: kategorikoden"
    )
    organisation = serializers.IntegerField(
        required=False, allow_null=True, help_text="assign: organisationens id eller null"
    )
    person = serializers.IntegerField(
        required=False, allow_null=True, help_text="assign: personens id eller null"
    )


class TagsBodySerializer(serializers.Serializer):
    tags = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=200),
        allow_empty=True,
        help_text="Etiketternas namn; en tom lista tar bort den egna samverkans etiketter",
    )


PHOTO_UPLOAD = inline_serializer(
    "PhotoUpload",
    {
        "photos": serializers.ListField(
            child=serializers.FileField(),
            max_length=MAX_PHOTOS,
            help_text="En till tre bilder (JPEG, PNG eller HEIC), fältet upprepat per bild",
        )
    },
)


class IncidentFilter(django_filters.FilterSet):
    area = CodeFilter(
        method="filter_area", help_text="Områdeskod (alla områden som innehåller händelsen)"
    )
    category = CodeFilter(
        method="filter_category", help_text="Kategorikod, inklusive underkategorier"
    )
    source = CodeFilter(help_text="Källa, t.ex. polisen eller rapport")
    status = CodeFilter(help_text="new, reviewed, duplicate eller closed")
    tag = CodeFilter(
        method="filter_tag",
        max_length=60,
        help_text="Etikett (namn) som din samverkans samordnare satt",
    )
    # "from" is a Python keyword: declared through the dict below.

    class Meta:
        model = Incident
        fields = ["area", "category", "source", "status", "tag"]

    def filter_tag(self, qs, name, value):
        # Only the caller's own tags: a name of another partnership finds nothing.
        tags = caller_tags(self.request.user).filter(name__iexact=value)
        links = Incident.tags.through.objects.filter(tag__in=tags)
        return qs.filter(pk__in=links.values("incident_id"))

    def filter_area(self, qs, name, code):
        # Through the join table: an incident lies in its area and in every area above it.
        return qs.filter(pk__in=IncidentArea.objects.filter(area__code=code).values("incident_id"))

    def filter_category(self, qs, name, code):
        try:
            return qs.filter(category_id__in=category_ids(code))
        except Category.DoesNotExist:
            return qs.none()


IncidentFilter.base_filters["from"] = IsoDateTimeFilter(
    field_name="occurred_from", lookup_expr="gte", help_text="Inträffade från (ISO 8601)"
)
IncidentFilter.base_filters["to"] = IsoDateTimeFilter(
    field_name="occurred_from", lookup_expr="lt", help_text="Inträffade före (ISO 8601)"
)


class IncidentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Incidents the caller may see; POST files a report like the reporter form does."""

    queryset = Incident.objects.select_related("category", "organisation").order_by(
        "-occurred_from", "-id"
    )
    serializer_class = IncidentSerializer
    permission_required = "incidents.view_incident"
    filterset_class = IncidentFilter

    def get_queryset(self):
        tags = Prefetch("tags", queryset=caller_tags(self.request.user), to_attr="caller_tags")
        return super().get_queryset().prefetch_related(tags)

    def paginate_queryset(self, queryset):
        # The total is counted as on the incident list page: the same filters before the
        # scope, the scope's arms as a UNION that each index can answer.
        unscoped = self.filter_queryset(Incident.objects.all())
        user = self.request.user
        if self.paginator is not None:
            self.paginator.count_source = lambda: count_visible(unscoped, user)
        return super().paginate_queryset(queryset)

    def perform_create(self, serializer):
        user = self.request.user
        if not user.has_perm("incidents.add_incident"):
            raise PermissionDenied("Din roll får inte rapportera händelser.")
        try:
            row = report_row(serializer.validated_data)
            serializer.instance = services.report_incident(user, row, request=self.request)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    @extend_schema(
        methods=["GET"],
        responses=PhotoSerializer(many=True),
        filters=False,
        request=None,
        description="Rapportens foton, för den som ser rapporten.",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": PHOTO_UPLOAD},
        responses={201: PhotoSerializer(many=True)},
        filters=False,
        description=(
            "Lägg till foton i en egen rapport som inte är stängd (som knappen på sidan): "
            "alla eller inga, högst tre per rapport."
        ),
    )
    # Three photos at most: one unpaginated list (pagination_class=None keeps the schema
    # from promising limit and offset).
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="photos",
        url_name="photos",
        pagination_class=None,
    )
    def photos(self, request, pk=None):
        # get_object answers 404 for a report outside the caller's scope, so nobody
        # learns that it exists; one they see but may not add to is a 403.
        incident = self.get_object()
        if request.method == "GET":
            photos = incident.photos.defer("data").order_by("id")
            return Response(self._photo_data(photos))
        if not request.user.has_perm("incidents.add_photo", incident):
            raise PermissionDenied(
                "Bara den som rapporterade kan lägga till foton, och bara "
                "så länge rapporten inte är stängd."
            )
        form = AddPhotosForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError({"photos": form.errors.get("photos", [])})
        try:
            added = add_photos(incident, form.cleaned_data["photos"], request.user, request=request)
        except PhotoError as exc:
            raise ValidationError({"photos": [str(exc)]}) from exc
        return Response(self._photo_data(added), status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY},
        filters=False,
        request=None,
        description="Ett foto (JPEG utan metadata), för den som ser rapporten.",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"photos/(?P<photo_id>[0-9]{1,18})",
        url_name="photo",
    )
    def photo(self, request, pk=None, photo_id=None):
        incident = self.get_object()
        # One 404 for a photo of another report and a missing one.
        item = get_object_or_404(ReportPhoto, pk=photo_id, incident=incident)
        return photo_response(item)

    @extend_schema(
        request=ActionBodySerializer,
        responses={200: IncidentSerializer},
        filters=False,
        description=(
            "Ändra händelsen som knapparna på sidan gör, med samma kontroller: återkoppling "
            "till rapportören, status (bara tillåtna övergångar), dubblett av en händelse du "
            "ser, kategori eller tilldelning inom din samverkan (etiketter sätts med "
            "PUT .../tags/). Varje ändring skrivs i loggen. Fel ger 400 med orsaken i detail "
            "och fältens fel per fält."
        ),
    )
    @action(detail=True, methods=["post"], url_path="actions", url_name="actions")
    def change(self, request, pk=None):
        incident = self.get_object()
        if not request.user.has_perm("incidents.change_incident", incident):
            raise PermissionDenied("Bara samordnare kan ändra händelser.")
        # The types first (a JSON list where text belongs is a 400, not a stringified list);
        # the page's forms then check the values.
        ActionBodySerializer(data=request.data).is_valid(raise_exception=True)
        name = request.data.get("action")
        try:
            actions.perform(incident, name, request.data, request.user, request=request)
        except actions.UnknownAction as exc:
            raise ValidationError({"action": [str(exc)]}) from exc
        except actions.ActionError as exc:
            raise ValidationError({"detail": str(exc), **exc.errors}) from exc
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=TagsBodySerializer,
        responses={200: TagsBodySerializer},
        filters=False,
        description=(
            "Sätt den egna samverkans etiketter på händelsen (som fältet Etiketter på sidan): "
            "listan ersätter de tidigare, andra samverkans etiketter lämnas orörda. Svaret är "
            "de etiketter som du ser på händelsen."
        ),
    )
    @action(detail=True, methods=["put"], url_path="tags", url_name="tags", pagination_class=None)
    def set_tags(self, request, pk=None):
        incident = self.get_object()
        if not request.user.has_perm("incidents.change_incident", incident):
            raise PermissionDenied("Bara samordnare kan sätta etiketter.")
        body = TagsBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # The page's rule for names (triage.parse_tags): trimmed, spaces collapsed, one of
        # each regardless of case, cut at the page's length; a comma separates names there too.
        names = triage.parse_tags(",".join(body.validated_data["tags"]))
        try:
            triage.set_tags(incident, names, request.user, request=request)
        except ValueError as exc:
            raise ValidationError({"tags": [str(exc)]}) from exc
        visible = caller_tags(request.user).filter(incidents=incident)
        return Response({"tags": [tag.name for tag in visible]})

    def _photo_data(self, photos):
        return PhotoSerializer(photos, many=True, context=self.get_serializer_context()).data
