from django.urls import path

from samverkan.meetings import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="meetings-home"),
    path("platser/", views.PlacesView.as_view(), name="meetings-places"),
    path("serie/ny/", views.SeriesCreateView.as_view(), name="meeting-series-create"),
    path("serie/<int:pk>/andra/", views.SeriesEditView.as_view(), name="meeting-series-edit"),
    path("serie/<int:pk>/nytt-mote/", views.MeetingCreateView.as_view(), name="meeting-create"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("<int:pk>/dagordning/", views.AgendaRebuildView.as_view(), name="meeting-agenda"),
    path("<int:pk>/anteckningar/", views.NotesView.as_view(), name="meeting-notes"),
    path("<int:pk>/plats/", views.PlaceAddView.as_view(), name="meeting-place-add"),
    path(
        "plats/<int:pk>/ta-bort/",
        views.PlaceRemoveView.as_view(),
        name="meeting-place-remove",
    ),
    path("<int:pk>/atgard/", views.ActionAddView.as_view(), name="meeting-action-add"),
    path(
        "atgard/<int:pk>/uppfoljning/",
        views.ActionUpdateView.as_view(),
        name="meeting-action-update",
    ),
    path("<int:pk>/avsluta/", views.CloseView.as_view(), name="meeting-close"),
    path("<int:pk>/protokoll/", views.MinutesView.as_view(), name="meeting-minutes"),
    path("<int:pk>/protokoll.pdf", views.MinutesPdfView.as_view(), name="meeting-minutes-pdf"),
    path("<int:pk>/protokoll.docx", views.MinutesDocxView.as_view(), name="meeting-minutes-docx"),
]
