from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "samverkan.cases"
    label = "cases"
    verbose_name = "Förebyggande ärenden"

    def ready(self):
        # Registers the case scopes and rules permissions.
        from django.utils.translation import gettext_lazy as _

        from samverkan.cases import permissions  # noqa: F401
        from samverkan.core import navigation

        navigation.register(_("Förebyggande ärenden"), "case-list", "cases.access", 40)
        navigation.register(_("Ärendestatistik"), "case-stats", "cases.view_statistics", 41)
        navigation.register(_("Registerutdrag"), "case-access-log", "cases.access_log", 90)
