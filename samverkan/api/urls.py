"""The REST API: each app's ``api.py`` registered on one router, with the OpenAPI schema.

The apps own their resources (serializers, filters, viewsets); this module only mounts
them, so it depends on the apps and never the other way round.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from samverkan.api import views
from samverkan.citizens import api as citizens_api
from samverkan.communication import api as communication_api
from samverkan.core import api as core_api
from samverkan.county import api as county_api
from samverkan.followup import api as followup_api
from samverkan.incidents import api as incidents_api
from samverkan.meetings import api as meetings_api
from samverkan.plans import api as plans_api
from samverkan.resources import api as resources_api
from samverkan.situation import api as situation_api

router = DefaultRouter()
router.register("areas", core_api.AreaViewSet, basename="api-area")
router.register("organisations", core_api.OrganisationViewSet, basename="api-organisation")
router.register("incidents", incidents_api.IncidentViewSet, basename="api-incident")
router.register(
    "situation-reports", situation_api.SituationReportViewSet, basename="api-situation-report"
)
router.register("problems", plans_api.ProblemViewSet, basename="api-problem")
router.register("action-plans", plans_api.ActionPlanViewSet, basename="api-action-plan")
router.register("measures", plans_api.MeasureViewSet, basename="api-measure")
router.register("promises", plans_api.CitizenPromiseViewSet, basename="api-promise")
router.register("agreements", plans_api.AgreementViewSet, basename="api-agreement")
router.register(
    "communication-activities",
    communication_api.ActivityViewSet,
    basename="api-communication-activity",
)
router.register("indicators", followup_api.IndicatorViewSet, basename="api-indicator")
router.register(
    "indicator-values", followup_api.IndicatorValueViewSet, basename="api-indicator-value"
)
router.register("effect-goals", followup_api.EffectGoalViewSet, basename="api-effect-goal")
router.register("evaluations", followup_api.EvaluationViewSet, basename="api-evaluation")
router.register(
    "experience-entries", followup_api.ExperienceEntryViewSet, basename="api-experience-entry"
)
router.register("tertial-reports", followup_api.TertialReportViewSet, basename="api-tertial-report")
router.register(
    "resource-entries", resources_api.ResourceEntryViewSet, basename="api-resource-entry"
)
router.register("county-overview", county_api.CountyOverviewViewSet, basename="api-county-overview")
router.register("county-digests", county_api.DigestViewSet, basename="api-county-digest")
router.register(
    "county-digest-subscriptions",
    county_api.SubscriptionViewSet,
    basename="api-county-digest-subscription",
)
router.register(
    "county-network-meetings",
    county_api.NetworkMeetingViewSet,
    basename="api-county-network-meeting",
)
router.register("observations", citizens_api.ObservationViewSet, basename="api-observation")
router.register("meetings", meetings_api.MeetingViewSet, basename="api-meeting")
router.register("meeting-actions", meetings_api.MeetingActionViewSet, basename="api-meeting-action")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", views.ApiDocsView.as_view(), name="api-docs"),
    path("", include(router.urls)),
]
