from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samverkan.core"
    label = "core"
    verbose_name = "Samverkan: organisationer och områden"

    def ready(self):
        # Registers the rules permissions of the core models.
        from samverkan.core import permissions  # noqa: F401
