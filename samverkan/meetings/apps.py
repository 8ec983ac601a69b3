from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "samverkan.meetings"
    label = "meetings"
    verbose_name = "Veckomöten"

    def ready(self):
        # Registers the scopes and rules permissions of the meeting models.
        from django.utils.translation import gettext_lazy as _

        from samverkan.core import navigation
        from samverkan.meetings import panels, permissions  # noqa: F401

        navigation.register(_("Veckomöten"), "meetings-home", "meetings.view", 35)
        navigation.register(_("Prioriterade platser"), "meetings-places", "meetings.places", 36)
        panels.register()
