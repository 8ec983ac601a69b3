"""API permissions: the same rules predicates as the pages, checked per object.

The classes live in :mod:`samverkan.core.api`, where every app's ``api.py`` can reach
them without importing this package (which mounts those modules).
"""

from samverkan.core.api import RulesPermission, ScopedViewSetMixin

__all__ = ["RulesPermission", "ScopedViewSetMixin"]
