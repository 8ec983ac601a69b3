from django.contrib import admin

from samverkan.meetings.models import Meeting, MeetingAction, MeetingSeries, PrioritisedPlace


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ("name", "partnership", "weekday", "time")
    list_filter = ("partnership",)


class PlaceInline(admin.TabularInline):
    model = PrioritisedPlace
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("series", "starts_at", "status", "closed_at")
    list_filter = ("status", "series")
    # The minutes are frozen: the admin shows them, never edits them.
    readonly_fields = ("minutes", "minutes_html", "closed_at", "closed_by", "agenda")
    inlines = [PlaceInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_closed:
            return False
        return super().has_change_permission(request, obj)


@admin.register(MeetingAction)
class MeetingActionAdmin(admin.ModelAdmin):
    list_display = ("title", "owner_organisation", "due_date", "status")
    list_filter = ("status",)
