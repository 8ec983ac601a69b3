from django.urls import path

from samverkan.resources import views

urlpatterns = [
    path("", views.ListEntriesView.as_view(), name="resources-list"),
    path("ny/", views.EntryFormView.as_view(), name="resources-create"),
    path("<int:pk>/", views.EntryFormView.as_view(), name="resources-edit"),
    path("<int:pk>/ta-bort/", views.DeleteEntryView.as_view(), name="resources-delete"),
    path("export/", views.ExportView.as_view(), name="resources-export"),
]
