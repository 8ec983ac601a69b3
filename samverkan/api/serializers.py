from rest_framework import serializers

from samverkan.core.models import Area, Organisation


class AreaSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = Area
        fields = ["id", "code", "name", "level", "country", "parent", "parent_code", "population"]


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "org_number"]
