"""Who may see and change communication activities: the rule of the plans app.

Coordinators of the partnership change its activities; steering-group members read them;
reporters and other partnerships are refused (403 on lists, 404 on objects). A membership
limited to areas reaches the activities of those areas only.
"""

from __future__ import annotations

import rules

from samverkan.communication.models import Activity
from samverkan.core.permissions import grant_filter, is_system_admin, is_system_admin_user, scoped
from samverkan.plans.permissions import (
    EDITOR_ROLES,
    READER_ROLES,
    can_edit,
    can_read,
    is_coordinator,
    is_reader,
)

__all__ = ["EDITOR_ROLES", "READER_ROLES"]


@scoped(Activity)
def _scope(qs, user):
    if is_system_admin_user(user):
        return qs
    return qs.filter(grant_filter(user, READER_ROLES))


rules.add_perm("communication.view", is_system_admin | is_reader)
rules.add_perm("communication.add", is_system_admin | is_coordinator)
rules.add_perm("communication.view_object", is_system_admin | can_read)
rules.add_perm("communication.change_object", is_system_admin | can_edit)
