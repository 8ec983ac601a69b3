from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samverkan.core"
    label = "core"
    verbose_name = "Samverkan: organisationer och områden"

    def ready(self):
        # Registers the rules permissions of the core models and the sign-in receivers.
        from django.db.models.signals import post_migrate
        from django.utils.translation import gettext_lazy as _

        from samverkan.core import masked_text, navigation, permissions, signin  # noqa: F401

        # An upgrade that improves the masking reaches the texts stored before it.
        post_migrate.connect(
            masked_text.remask_after_upgrade, sender=self, dispatch_uid="core.remask"
        )

        navigation.register(_("Start"), "home", order=0)
        navigation.register(_("Områden"), "area-browser", "core.view_area", order=80)
        navigation.register(_("Organisationer"), "organisation-list", order=90)
