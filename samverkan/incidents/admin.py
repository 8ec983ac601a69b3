from django.contrib import admin
from django.db import models

from samverkan.incidents.models import Category, Incident, SourceMapping


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "label_sv",
        "label_nb",
        "label_en",
        "parent",
        "is_summary",
        "reportable",
    ]
    list_filter = ["is_summary", "reportable", "parent"]
    search_fields = ["code", "label_sv", "label_nb", "label_en"]
    list_editable = ["label_sv", "label_nb", "label_en", "reportable"]


@admin.register(SourceMapping)
class SourceMappingAdmin(admin.ModelAdmin):
    list_display = ["source", "value", "category"]
    list_filter = ["source"]
    search_fields = ["value"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["occurred_from", "category", "source", "organisation", "status", "precision"]
    list_filter = ["source", "status", "precision", "visibility"]
    raw_id_fields = ["reporter", "duplicate_of", "category", "organisation", "feedback_by"]
    readonly_fields = ["created_at"]
    date_hierarchy = "occurred_from"
    # A link typed without a scheme is https, as Django 6 will assume (and warns until then).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The counts read copies on the area links; an edit here must reach them too.
        obj.sync_area_links()
