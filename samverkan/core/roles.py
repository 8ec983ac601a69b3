"""The roles a membership can carry, as one table.

The Swedish name is what the UI shows; the code is what permissions test.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REPORTER = "reporter", _("Rapportör")
    COORDINATOR = "coordinator", _("Samordnare/analytiker")
    STEERING = "steering", _("Styrgrupp (läsare)")
    CASE_OFFICER = "case_officer", _("Handläggare")
    CASE_SUPERVISOR = "case_supervisor", _("Ärendeansvarig chef")
    ORG_ADMIN = "org_admin", _("Organisationsadministratör")
    REGIONAL_VIEWER = "regional_viewer", _("Regional läsare (endast aggregat)")
    SYSTEM_ADMIN = "system_admin", _("Systemadministratör")


# Roles that work with the partnership's incidents and situation pictures.
PARTNERSHIP_ROLES = {Role.REPORTER, Role.COORDINATOR, Role.STEERING}
# Roles that may edit partnership material (triage, plans, assessments).
EDITOR_ROLES = {Role.COORDINATOR}
