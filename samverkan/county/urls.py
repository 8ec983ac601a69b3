from django.urls import path

from samverkan.county import views

urlpatterns = [
    path("", views.OverviewView.as_view(), name="county-overview"),
    path("export/", views.ExportView.as_view(), name="county-export"),
]
