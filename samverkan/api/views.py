"""The API's own page: its documentation, rendered from the OpenAPI schema."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class ApiDocsView(LoginRequiredMixin, TemplateView):
    """API documentation rendered from the OpenAPI schema, without any CDN."""

    template_name = "api/docs.html"
    permission_required = "authenticated"
