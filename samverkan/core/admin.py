from django.contrib import admin

from samverkan.core.models import Area, AuditEvent, Membership, Organisation, Partnership


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "org_number"]
    list_filter = ["kind"]
    search_fields = ["name", "org_number"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "country", "parent"]
    list_filter = ["level", "country"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    exclude = ["geometry"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["organisations", "areas"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    raw_id_fields = ["user"]
    filter_horizontal = ["areas"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the audit log is append-only."""

    list_display = ["at", "actor_name", "action", "object_repr", "organisation", "purpose", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_name", "action", "object_repr"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
