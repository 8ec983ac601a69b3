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

        from samverkan.county import network

        @rules.predicate
        def in_a_network(user) -> bool:
            return bool(network.network_county_ids(user))

        # The digest: the county board composes it; the regional network (the board and the
        # users of the county's partnerships' organisations) subscribes and reads it.
        rules.add_perm("county.compose_digest", has_role(Role.REGIONAL_VIEWER))
        rules.add_perm("county.network_member", in_a_network)
        rules.add_perm("county.read_digest", rules.predicate(network.may_read_digest))
        rules.add_perm("county.view_network_meeting", rules.predicate(network.may_see_meeting))
        rules.add_perm(
            "county.own_subscription",
            rules.predicate(lambda user, sub: sub is not None and sub.user_id == user.pk),
        )
        navigation.register(_("Nätverksbrev"), "county-digests", "county.compose_digest", 36)

        from samverkan.core import account_sections

        def account_section(request) -> dict:
            # Members find their subscription from their account page; others see nothing.
            return {
                "template": "county/_account_digest.html",
                "member": bool(network.network_county_ids(request.user)),
            }

        account_sections.register(account_section)

        from samverkan.county import panels

        panels.register()
