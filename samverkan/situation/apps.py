from django.apps import AppConfig


class SituationConfig(AppConfig):
    name = "samverkan.situation"
    label = "situation"
    verbose_name = "Lägesbild"

    def ready(self):
        # Registers the situation-report scope and rules permissions.
        from samverkan.situation import permissions  # noqa: F401
