from django.contrib import admin

from samverkan.citizens.models import Concern


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    """The municipality's own list of what can make a place feel unsafe."""

    list_display = ("label", "municipality", "category", "sort_order", "active")
    list_filter = ("active", "municipality")
    list_editable = ("sort_order", "active")
    raw_id_fields = ("municipality",)
