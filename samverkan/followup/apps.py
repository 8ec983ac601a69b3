from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "samverkan.followup"
    label = "followup"
    verbose_name = "Uppföljning och erfarenhetsbank"

    def ready(self):
        # Registers the scopes and rules permissions of every followup model.
        from django.utils.translation import gettext_lazy as _

        from samverkan.core import navigation
        from samverkan.followup import permissions, signals  # noqa: F401

        navigation.register(_("Uppföljning"), "followup-home", "followup.view", 50)
        navigation.register(_("Erfarenhetsbank"), "followup-bank", "followup.view_bank", 55)
        from samverkan.followup import panels

        panels.register()
