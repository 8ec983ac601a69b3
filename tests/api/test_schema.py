"""The OpenAPI schema is valid and describes every endpoint of the API."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


def _api_routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _api_routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name and "format" not in str(p.pattern):
            yield prefix + str(p.pattern)


def _openapi_path(route: str) -> str:
    # "^api/^problems/(?P<pk>[^/.]+)/$" -> "/api/problems/{id}/"
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<pk>[^)]*\)", "{id}", route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return "/" + route


def test_schema_validates_without_warnings(settings):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)  # the OpenAPI 3.0 JSON schema drf-spectacular ships
    assert not GENERATOR_STATS._warn_cache, sorted(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, sorted(GENERATOR_STATS._error_cache)


def test_every_api_endpoint_is_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    routes = {
        _openapi_path(r)
        for r in _api_routes(get_resolver().url_patterns)
        if r.startswith("api/") and r not in ("api/schema/", "api/docs/", "api/")
    }
    assert routes, "no API routes found"
    missing = sorted(routes - set(schema["paths"]))
    assert not missing, missing
    for path in ("/api/situation-reports/{id}/", "/api/indicators/{id}/values/"):
        assert path in schema["paths"]
    assert "post" in schema["paths"]["/api/indicators/{id}/values/"]


def test_every_list_documents_its_filters():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    expected = {
        "/api/incidents/": {"area", "category", "source", "status", "from", "to"},
        "/api/situation-reports/": {"area", "status", "audience", "period_type"},
        "/api/problems/": {"partnership", "status", "area"},
        "/api/indicator-values/": {"indicator", "period_from", "period_before"},
        "/api/resource-entries/": {"partnership", "organisation", "area", "kind", "month_from"},
    }
    for path, names in expected.items():
        documented = {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}
        assert names <= documented, (path, names - documented)


def test_the_description_names_only_what_exists(settings):
    """Every "METHOD /path/" the schema's description promises is an operation of the
    schema, and every resource of the router is named in it."""
    from samverkan.api.urls import router

    description = settings.SPECTACULAR_SETTINGS["DESCRIPTION"]
    schema = SchemaGenerator().get_schema(request=None, public=True)
    promised = re.findall(r"\b(GET|POST|PUT|PATCH|DELETE) (/[\w/{}-]+/)", description)
    assert promised
    for method, path in promised:
        assert method.lower() in schema["paths"].get(path, {}), (method, path)
    for path in re.findall(r"(/arenden/api/)", description):
        assert any(p.startswith(path) for p in schema["paths"]), path
    words = {
        "areas": "areas",
        "organisations": "organisations",
        "incidents": "incidents",
        "situation-reports": "situation reports",
        "problems": "problems",
        "action-plans": "action plans",
        "measures": "measures",
        "promises": "citizen promises",
        "agreements": "collaboration agreements",
        "indicators": "indicators",
        "indicator-values": "their values",
        "effect-goals": "effect goals",
        "evaluations": "evaluations",
        "meetings": "weekly meetings",
        "meeting-actions": "short-term actions",
        "resource-entries": "resource rows",
        "tertial-reports": "tertial reports",
        "experience-entries": "experience bank",
        "communication-activities": "communication activities",
        "county-overview": "county board's overview",
        "county-digests": "county network digests",
        "county-network-meetings": "the network's meetings",
        "county-digest-subscriptions": "own subscriptions",
        "observations": "safety-walk observations",
    }
    prefixes = {prefix for prefix, _viewset, _basename in router.registry}
    assert prefixes == set(words), "a new resource: name it in SPECTACULAR_SETTINGS too"
    for prefix in prefixes:
        assert words[prefix] in description, prefix
