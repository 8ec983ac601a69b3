from django.apps import AppConfig


class CitizensConfig(AppConfig):
    """Residents' digital safety walk (trygghetsvandring): public form, moderation, map."""

    name = "samverkan.citizens"
    verbose_name = "Trygghetsvandring"
