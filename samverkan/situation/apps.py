from django.apps import AppConfig


class SituationConfig(AppConfig):
    name = "samverkan.situation"
    label = "situation"
    verbose_name = "Lägesbild"

    def ready(self):
        # Registers the situation-report scope and rules permissions.
        import rules
        from django.utils.translation import gettext_lazy as _

        from samverkan.core import masked_text, navigation
        from samverkan.core.permissions import has_role, is_system_admin
        from samverkan.core.roles import Role
        from samverkan.situation import permissions, scheduling  # noqa: F401

        # Page-level permissions of the menu and the list and build pages; single reports
        # are checked with situation.view_report and friends (permissions.py).
        rules.add_perm(
            "situation.view",
            is_system_admin
            | has_role(Role.REPORTER, Role.COORDINATOR, Role.STEERING, Role.REGIONAL_VIEWER),
        )
        rules.add_perm(
            "situation.add", is_system_admin | has_role(Role.COORDINATOR, Role.REGIONAL_VIEWER)
        )
        navigation.register(_("Lägesbild"), "situation-list", "situation.view", 30)
        from django.db.models import Q

        from samverkan.situation import workflow
        from samverkan.situation.models import SituationReport

        # Masked when stored (save_assessment): masked again by remask_texts in drafts;
        # an approved version is frozen, and "Räkna om" makes a new one from the draft.
        masked_text.register(SituationReport, "assessments", where=~Q(status__in=workflow.FROZEN))
        from samverkan.situation import panels

        panels.register()
        from django.db.models.signals import post_migrate

        from samverkan.situation import reprotection

        # An upgrade that improves the protection of small counts reaches the pictures
        # shared before it.
        post_migrate.connect(
            reprotection.reprotect_after_upgrade, sender=self, dispatch_uid="situation.reprotect"
        )
