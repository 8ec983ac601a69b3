from django.apps import AppConfig


class CitizensConfig(AppConfig):
    """Residents' digital safety walk (trygghetsvandring): public form, moderation, map."""

    name = "samverkan.citizens"
    verbose_name = "Trygghetsvandring"

    def ready(self):
        # Registers the observation and concern scopes and the moderation permissions.
        from django.utils.translation import gettext_lazy as _

        from samverkan.citizens import permissions  # noqa: F401
        from samverkan.citizens.models import Observation
        from samverkan.core import masked_text, navigation

        # Masked when stored (submit, _decide): masked again by remask_texts.
        masked_text.register(Observation, "text", "public_note")

        navigation.register(_("Trygghetsvandring"), "citizens-queue", "citizens.moderate", 25)
