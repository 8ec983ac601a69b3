"""The county board's overview in the REST API (read only), for a county's own reporting.

``GET /api/county-overview/`` lists the counties the caller's regional membership reaches;
``GET /api/county-overview/<county code>/`` answers the overview of one, built by
:func:`samverkan.county.overview.build` exactly as the page and its exports are: only
what each municipality released (shared lägesbilder with their protected counts, adopted
action plans, published citizen promises), never a draft, an internal picture or a live
count. A county outside the caller's reach is 404; other roles get 403, as on the page.
Reading one overview is logged as its export is (``county.export``, format ``api``).

``/api/county-digests/`` answers the network digests (nätverksbrev) the caller may read
on the web: those of the counties whose regional network they belong to, once sent, with
the content exactly as it was frozen when the board sent it.

``/api/county-network-meetings/`` answers the meetings of the same networks, for the
members' calendars, read only (the board plans them on its pages).

``/api/county-digest-subscriptions/`` is the caller's own subscriptions to those digests:
listed, added (a county whose network the caller belongs to) and removed through the
same service functions as the subscription page, each audited.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from samverkan.core import audit
from samverkan.core.api import CodeFilter, IsoDateFilter, ScopedViewSetMixin
from samverkan.core.models import Area
from samverkan.county import network, overview, services, workflow
from samverkan.county.models import Digest, DigestSubscription, NetworkMeeting, PeriodType

# A stored shared count: a number, or "<3" / ".." where the picture protects it.
COUNT_HELP = 'Antal, eller "<3" / ".." där den delade lägesbilden skyddar det'
extend_schema_count = extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string", "example": "<3"}], "nullable": True}
)


class CountySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class OverviewRowSerializer(serializers.Serializer):
    code = serializers.CharField(source="municipality.code", read_only=True)
    name = serializers.CharField(source="municipality.name", read_only=True)
    population = serializers.IntegerField(source="municipality.population", read_only=True)
    situation_report = serializers.IntegerField(
        source="report.pk",
        read_only=True,
        default=None,
        help_text="Den senast delade lägesbilden av översiktens periodtyp",
    )
    period = serializers.CharField(source="period_label", read_only=True)
    report_approved_at = serializers.DateTimeField(read_only=True)
    count = serializers.SerializerMethodField(help_text=COUNT_HELP)
    previous = serializers.SerializerMethodField(help_text=COUNT_HELP)
    last_year = serializers.SerializerMethodField(help_text=COUNT_HELP)
    rate_per_100k = serializers.FloatField(
        source="rate",
        read_only=True,
        help_text="Händelser per 100 000 invånare; null när antalet är dolt",
    )
    incidents_per_1000 = serializers.FloatField(read_only=True)
    hours_per_1000 = serializers.FloatField(read_only=True)
    action_plan = serializers.IntegerField(source="plan.pk", read_only=True, default=None)
    plan_adopted_on = serializers.DateField(read_only=True)
    promises_published = serializers.BooleanField(read_only=True)
    promise_published_at = serializers.DateTimeField(read_only=True)

    @extend_schema_count
    def get_count(self, row):
        return row.figures.get("count")

    @extend_schema_count
    def get_previous(self, row):
        return row.figures.get("previous")

    @extend_schema_count
    def get_last_year(self, row):
        return row.figures.get("last_year")


class OverviewSerializer(serializers.Serializer):
    county = CountySerializer(read_only=True)
    period_type = serializers.ChoiceField(
        choices=PeriodType.choices,
        read_only=True,
        allow_null=True,
        help_text="Periodtypen som jämförs (den som flest kommuner delat om inget anges)",
    )
    period_types = serializers.ListField(child=serializers.CharField(), read_only=True)
    rows = OverviewRowSerializer(many=True, read_only=True)


class CountyOverviewViewSet(viewsets.ViewSet):
    """The county board's overview: one row per municipality of what it released."""

    permission_required = "county.view"
    lookup_field = "code"
    lookup_value_regex = r"[\w-]{1,40}"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied

    @extend_schema(responses=CountySerializer(many=True))
    def list(self, request):
        counties = overview.counties_for(request.user)
        return Response(CountySerializer(counties, many=True).data)

    @extend_schema(
        responses=OverviewSerializer,
        parameters=[
            OpenApiParameter(
                "period_type",
                OpenApiTypes.STR,
                enum=PeriodType.values,
                description="Vilken periodtyp som jämförs",
            )
        ],
    )
    def retrieve(self, request, code=None):
        county = overview.counties_for(request.user).filter(code=code).first()
        if county is None:
            # A county outside the caller's reach is not told apart from a missing one.
            raise NotFound
        ov = overview.build(request.user, county, request.query_params.get("period_type"))
        audit.record(
            audit.Action.COUNTY_EXPORT,
            request=request,
            obj=county,
            details={"county": county.code, "period_type": ov.period_type, "format": "api"},
        )
        return Response(OverviewSerializer(ov).data)


class DigestFilter(django_filters.FilterSet):
    county = CodeFilter(field_name="county__code", help_text="Länets kod")
    period_type = django_filters.ChoiceFilter(choices=PeriodType.choices)

    class Meta:
        model = Digest
        fields = ["county", "period_type"]


class DigestSerializer(serializers.ModelSerializer):
    county = CountySerializer(read_only=True)

    class Meta:
        model = Digest
        fields = ["id", "county", "period_type", "period_label", "intro", "status", "sent_at"]
        read_only_fields = fields


class DigestDetailSerializer(DigestSerializer):
    content = serializers.JSONField(
        read_only=True,
        help_text="Innehållet som det frystes när länsstyrelsen skickade brevet",
    )

    class Meta(DigestSerializer.Meta):
        fields = [*DigestSerializer.Meta.fields, "content"]
        read_only_fields = fields


class DigestViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Sent network digests of the caller's regional networks, newest first."""

    # Drafts are composed, previewed and sent on the pages; their content is not frozen.
    queryset = (
        Digest.objects.filter(status__in=workflow.FROZEN)
        .select_related("county")
        .order_by("-sent_at", "-send_requested_at", "-pk")
    )
    filterset_class = DigestFilter
    list_permission = "county.network_member"
    permission_required = "county.read_digest"

    def get_serializer_class(self):
        return DigestDetailSerializer if self.action == "retrieve" else DigestSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        return qs if self.action == "retrieve" else qs.defer("content")


class NetworkMeetingFilter(django_filters.FilterSet):
    county = CodeFilter(field_name="county__code", help_text="Länets kod")
    starts_from = IsoDateFilter(
        field_name="starts_at", lookup_expr="date__gte", help_text="Möten från och med dagen"
    )
    starts_before = IsoDateFilter(
        field_name="starts_at", lookup_expr="date__lt", help_text="Möten före dagen"
    )

    class Meta:
        model = NetworkMeeting
        fields = ["county"]


class NetworkMeetingSerializer(serializers.ModelSerializer):
    county = CountySerializer(read_only=True)
    link = serializers.SerializerMethodField(help_text="Länk till mötet (bara webbadresser)")

    class Meta:
        model = NetworkMeeting
        fields = ["id", "county", "starts_at", "topic", "place", "link", "updated_at"]
        read_only_fields = fields

    def get_link(self, meeting) -> str:
        return network.web_link(meeting.link)


class NetworkMeetingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings of the caller's regional networks, earliest first; held by the county board
    on its pages."""

    queryset = NetworkMeeting.objects.select_related("county").order_by("starts_at", "pk")
    serializer_class = NetworkMeetingSerializer
    filterset_class = NetworkMeetingFilter
    list_permission = "county.network_member"
    permission_required = "county.view_network_meeting"


class SubscriptionSerializer(serializers.ModelSerializer):
    county = CountySerializer(read_only=True)
    county_code = serializers.CharField(
        write_only=True, max_length=40, help_text="Länets kod, t.ex. 18"
    )

    class Meta:
        model = DigestSubscription
        fields = ["id", "county", "county_code", "created_at"]
        read_only_fields = ["id", "county", "created_at"]


class SubscriptionViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own subscriptions to the network digests of their counties."""

    queryset = DigestSubscription.objects.select_related("county").order_by("county__name", "pk")
    serializer_class = SubscriptionSerializer
    list_permission = "county.network_member"
    permission_required = "county.own_subscription"

    def create(self, request, *args, **kwargs):
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        code = incoming.validated_data["county_code"]
        county = Area.objects.filter(level=Area.Level.COUNTY, code=code).first()
        # One answer for a county outside the caller's networks and for one that does not exist.
        if county is None or not network.is_member(request.user, county):
            raise ValidationError(
                {"county_code": ["Du ingår inte i det länets nätverk, eller länet finns inte."]}
            )
        sub = services.subscribe(request.user, county, request=request)
        return Response(self.get_serializer(sub).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.unsubscribe(self.request.user, instance.county, request=self.request)
