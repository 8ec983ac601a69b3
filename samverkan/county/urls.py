from django.urls import path

from samverkan.county import digest_views, views

urlpatterns = [
    path("", views.OverviewView.as_view(), name="county-overview"),
    path("export/", views.ExportView.as_view(), name="county-export"),
    path("natverksbrev/", digest_views.DigestListView.as_view(), name="county-digests"),
    path(
        "natverksbrev/nytt/", digest_views.DigestCreateView.as_view(), name="county-digest-create"
    ),
    path("natverksbrev/<int:pk>/", digest_views.DigestView.as_view(), name="county-digest"),
    path(
        "natverksbrev/<int:pk>/pdf/", digest_views.DigestPdfView.as_view(), name="county-digest-pdf"
    ),
    path(
        "natverksbrev/<int:pk>/inledning/",
        digest_views.DigestEditView.as_view(),
        name="county-digest-edit",
    ),
    path(
        "natverksbrev/<int:pk>/skicka/",
        digest_views.DigestSendView.as_view(),
        name="county-digest-send",
    ),
    path(
        "natverksbrev/prenumeration/",
        digest_views.SubscriptionsView.as_view(),
        name="county-digest-subscriptions",
    ),
    path(
        "natverksbrev/avsluta/",
        digest_views.UnsubscribeView.as_view(),
        name="county-digest-unsubscribe",
    ),
    path("natverksmoten/", digest_views.MeetingsView.as_view(), name="county-meetings"),
    path(
        "natverksmoten/<int:pk>/",
        digest_views.MeetingEditView.as_view(),
        name="county-meeting-edit",
    ),
    path(
        "natverksmoten/<int:pk>/ta-bort/",
        digest_views.MeetingDeleteView.as_view(),
        name="county-meeting-delete",
    ),
]
