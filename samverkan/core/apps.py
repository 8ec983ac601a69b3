from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samverkan.core"
    label = "core"
    verbose_name = "Samverkan: organisationer och områden"

    def ready(self):
        # Registers the rules permissions of the core models and the sign-in receivers.
        from django.utils.translation import gettext_lazy as _

        from samverkan.core import navigation, permissions, signin  # noqa: F401

        navigation.register(_("Start"), "home", order=0)
        navigation.register(_("Områden"), "area-browser", "core.view_area", order=80)
        navigation.register(_("Organisationer"), "organisation-list", order=90)
