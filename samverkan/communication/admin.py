from django.contrib import admin

from samverkan.communication.models import Channel


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    """The short list of channels the communication plan offers."""

    list_display = ("name", "sort_order", "active")
    list_editable = ("sort_order", "active")
