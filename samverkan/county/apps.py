from django.apps import AppConfig


class CountyConfig(AppConfig):
    name = "samverkan.county"
    label = "county"
    verbose_name = "Län"

    def ready(self):
        import rules
        from django.utils.translation import gettext_lazy as _

        from samverkan.core import navigation
        from samverkan.core.permissions import has_role
        from samverkan.core.roles import Role

        # The county board (länsstyrelsen) holds the regional role; nobody else has a
        # county to follow up, so a system administrator gets no overview either.
        rules.add_perm("county.view", has_role(Role.REGIONAL_VIEWER))
        navigation.register(_("Länet"), "county-overview", "county.view", 35)
