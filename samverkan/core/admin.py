from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from samverkan.core import audit, memberships
from samverkan.core.audit_actions import Action
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

    # Roles change through the service, so each grant, change and removal is an audit event
    # in the same transaction.
    def save_model(self, request, obj, form, change):
        memberships.save_membership(
            obj, request.user, areas=form.cleaned_data.get("areas"), request=request
        )

    def save_related(self, request, form, formsets, change):
        # save_model has set the areas already, before writing the audit event.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        memberships.revoke_membership(obj, request.user, request=request)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for m in queryset.select_related("user", "organisation"):
                memberships.revoke_membership(m, request.user, request=request)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    """Django's user admin; superuser, staff and active flags, groups and deletions are
    audit events (a superuser may do everything, so making one is a grant)."""

    def save_model(self, request, obj, form, change):
        stored = User.objects.filter(pk=obj.pk).first() if change else None
        form.privileges_before = memberships.privileges(stored) if stored else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        memberships.record_account_change(
            form.instance, form.privileges_before, request.user, request=request
        )

    def delete_model(self, request, obj):
        memberships.delete_user(obj, request.user, request=request)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for user in queryset:
                memberships.delete_user(user, request.user, request=request)


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


def _drop_unaudited_device_admins():
    # django-otp registers its devices in the admin, where a deletion would bypass the
    # audited reset (samverkan.core.two_factor.reset) and a TOTP secret could be read.
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential

    # Passkeys likewise: removed only by their owner or the reset, both audited.
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential, WebAuthnAttestation):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_drop_unaudited_device_admins()


def _audit_admin_unlock(request, attempts) -> None:
    # Deleting failure records in the admin lifts a lockout like the organisation page's
    # "Häv spärren" (samverkan.core.signin.unlock), so it leaves the same audit event.
    by_username: dict[str, int] = {}
    for attempt in attempts:
        by_username[attempt.username or ""] = by_username.get(attempt.username or "", 0) + 1
    users = get_user_model().objects.in_bulk(list(by_username), field_name="username")
    for username, removed in by_username.items():
        audit.record(
            "user.unlock",
            actor=request.user,
            obj=users.get(username),
            request=request,
            details={"removed_attempts": removed, "via": "admin", "username": username},
        )


class AuditedAccessAttemptAdmin(AccessAttemptAdmin):
    @transaction.atomic
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _audit_admin_unlock(request, [obj])

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        attempts = list(queryset)
        super().delete_queryset(request, queryset)
        _audit_admin_unlock(request, attempts)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AuditedAccessAttemptAdmin)


def _audit_token(request, tokens, action: str) -> None:
    # The token's primary key is its secret: the event names its user, never the key.
    for token in tokens:
        audit.record(
            action,
            actor=request.user,
            obj=token.user,
            request=request,
            details={"via": "admin", "username": token.user.get_username()},
        )


def _audited_token_admin():
    # DRF registers API tokens in the admin, where creating or deleting one left no trace
    # although a token signs its holder in to the API.
    from rest_framework.authtoken.admin import TokenAdmin
    from rest_framework.authtoken.models import TokenProxy

    class AuditedTokenAdmin(TokenAdmin):
        @transaction.atomic
        def save_model(self, request, obj, form, change):
            super().save_model(request, obj, form, change)
            if not change:
                _audit_token(request, [obj], Action.API_TOKEN_CREATE)

        @transaction.atomic
        def delete_model(self, request, obj):
            _audit_token(request, [obj], Action.API_TOKEN_DELETE)
            super().delete_model(request, obj)

        @transaction.atomic
        def delete_queryset(self, request, queryset):
            _audit_token(request, list(queryset.select_related("user")), Action.API_TOKEN_DELETE)
            super().delete_queryset(request, queryset)

    if admin.site.is_registered(TokenProxy):
        admin.site.unregister(TokenProxy)
    admin.site.register(TokenProxy, AuditedTokenAdmin)


_audited_token_admin()
