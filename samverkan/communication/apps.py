from django.apps import AppConfig


class CommunicationConfig(AppConfig):
    name = "samverkan.communication"
    label = "communication"
    verbose_name = "Kommunikationsplan"

    def ready(self):
        # Registers the scope and rules permissions, the navigation entry and the
        # activities' places in the action plan (timeline, page, PDF, DOCX, XLSX).
        from django.utils.translation import gettext_lazy as _

        from samverkan.communication import hooks, permissions  # noqa: F401
        from samverkan.core import navigation

        navigation.register(_("Kommunikation"), "communication-home", "communication.view", 42)
        hooks.register()
