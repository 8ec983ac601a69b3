from rest_framework import serializers

from samverkan.core.models import Area, Organisation
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.report_scope import report_area, visibility_problem
from samverkan.incidents.validation import point_problem, time_problem


class AreaSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = Area
        fields = ["id", "code", "name", "level", "country", "parent", "parent_code", "population"]


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "org_number"]


class IncidentSerializer(serializers.ModelSerializer):
    """Incidents in the API. Coordinates of centroid-placed incidents are left out: they
    mark a municipality's centre, not the event."""

    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), help_text="Kategorikod"
    )
    organisation = serializers.CharField(source="organisation.name", read_only=True, default="")
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
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
            "area",
        ]
        read_only_fields = ["id", "source", "reported_at", "precision", "status", "feedback"]

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
