from django.conf import settings

from samverkan.core.permissions import is_system_admin_user, roles_of


def platform(request):
    user = getattr(request, "user", None)
    roles = roles_of(user) if user is not None else set()
    from samverkan.core.navigation import items_for

    authenticated = bool(user) and user.is_authenticated
    return {
        "nav_items": items_for(request) if authenticated else [],
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "MAP_WMS_URL": settings.MAP_WMS_URL,
        "MAP_WMS_LAYERS": settings.MAP_WMS_LAYERS,
        "user_roles": roles,
        "user_is_system_admin": bool(user) and is_system_admin_user(user),
    }
