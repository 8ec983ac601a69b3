from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "samverkan.plans"
    label = "plans"
    verbose_name = "Problem och planer"

    def ready(self):
        # Registers the scopes and rules permissions of every plans model.
        from django.utils.translation import gettext_lazy as _

        from samverkan.core import navigation
        from samverkan.plans import (
            permissions,  # noqa: F401
            sharing,  # noqa: F401
        )

        navigation.register(_("Problem och planer"), "plans-home", "plans.view", 40)
        from samverkan.plans import panels

        panels.register()
