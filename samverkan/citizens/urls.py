"""Residents' safety walk, mounted at /tryggvandring/: public pages take a municipality's
or district's code; the moderation pages are for coordinators."""

from django.urls import path

from samverkan.citizens import views

urlpatterns = [
    path("granska/", views.QueueView.as_view(), name="citizens-queue"),
    path("granska/<int:pk>/", views.ObservationView.as_view(), name="citizens-observation"),
    path("granska/<int:pk>/foto/", views.PhotoView.as_view(), name="citizens-photo"),
    path("granska/orsaker/<str:code>/", views.ConcernsView.as_view(), name="citizens-concerns"),
    path("<str:code>/", views.FormView.as_view(), name="citizens-form"),
    path("<str:code>/tack/", views.thanks, name="citizens-thanks"),
    path("<str:code>/omrade.geojson", views.outline, name="citizens-outline"),
    path("<str:code>/karta/", views.public_map, name="citizens-map"),
    path("<str:code>/karta.geojson", views.public_map_geojson, name="citizens-map-geojson"),
]
