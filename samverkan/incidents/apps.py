from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "samverkan.incidents"
    label = "incidents"
    verbose_name = "Händelser"

    def ready(self):
        # Registers the incident scope and rules permissions.
        from samverkan.incidents import permissions  # noqa: F401
