from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "samverkan.incidents"
    label = "incidents"
    verbose_name = "Händelser"

    def ready(self):
        # Registers the incident scope and rules permissions.
        from django.utils.translation import gettext_lazy as _

        from samverkan.core import masked_text, navigation
        from samverkan.core.signals import area_borders_changed
        from samverkan.incidents import permissions  # noqa: F401
        from samverkan.incidents.area_links import on_borders_changed
        from samverkan.incidents.models import Incident

        # Masked when stored (ingest, give_feedback): masked again by remask_texts. The
        # place is typed by the reporter too ("utanför Anna Lindbergs port").
        masked_text.register(Incident, "description", "place_name", "feedback")

        # Area links are computed at ingestion: a new or moved border relinks them.
        area_borders_changed.connect(on_borders_changed, dispatch_uid="incidents-relink-areas")
        # An own area drawn on the map is linked by the worker, so its save returns at once.
        from samverkan.core.signals import area_links_requested
        from samverkan.incidents.tasks import on_area_links_requested

        area_links_requested.connect(on_area_links_requested, dispatch_uid="incidents-link-own")

        from samverkan.core import account_sections
        from samverkan.incidents.triage_views import account_section

        account_sections.register(account_section)
        navigation.register(_("Rapportera"), "incident-report", "incidents.add_incident", 10)
        navigation.register(_("Mina rapporter"), "incident-mine", "incidents.add_incident", 11)
        navigation.register(_("Händelser"), "incident-triage", "incidents.triage", 20)
        # Registers the import's permission rule.
        from samverkan.incidents import web_import  # noqa: F401

        navigation.register(_("Importera"), "incident-import", "incidents.import", 21)
        from samverkan.incidents import panels

        panels.register()
