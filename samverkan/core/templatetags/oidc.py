"""The sign-in page's single sign-on button: shown only when OIDC is configured."""

from django import template
from django.conf import settings

from samverkan.core import oidc

register = template.Library()


@register.simple_tag
def oidc_provider_name() -> str:
    """The identity provider's name, or "" when single sign-on is off."""
    return settings.OIDC_PROVIDER_NAME if oidc.enabled() else ""
