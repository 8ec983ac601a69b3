from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    """What the partners put in per area and month, set against the problem burden."""

    name = "samverkan.resources"
    label = "resources"
    verbose_name = "Resurser"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from samverkan.core import navigation
        from samverkan.resources import permissions

        permissions.register()
        navigation.register(_("Resurser"), "resources-list", "resources.view", 32)
