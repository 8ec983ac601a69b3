from django.conf import settings

from samverkan.core.permissions import is_system_admin_user, roles_of


def platform(request):
    user = getattr(request, "user", None)
    roles = roles_of(user) if user is not None else set()
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "user_roles": roles,
        "user_is_system_admin": bool(user) and is_system_admin_user(user),
    }
