from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "samverkan.incidents"
    label = "incidents"
    verbose_name = "Händelser"
