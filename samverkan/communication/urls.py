from django.urls import path

from samverkan.communication import views

urlpatterns = [
    path("", views.ActivityListView.as_view(), name="communication-home"),
    path("ny/", views.ActivityCreateView.as_view(), name="communication-create"),
    path("<int:pk>/", views.ActivityDetailView.as_view(), name="communication-detail"),
    path("<int:pk>/redigera/", views.ActivityEditView.as_view(), name="communication-edit"),
    path("<int:pk>/status/", views.ActivityStatusView.as_view(), name="communication-status"),
]
