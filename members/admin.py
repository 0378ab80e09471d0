"""Django admin for platform admins (User.is_staff is true only for them).

The webhook secret and the password hash are never shown here: neither is a field of these
forms, and a new user gets an unusable password until someone sets one.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Agency, User
from members.services import user_end_access


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country", "timezone", "is_active", "webhook_enabled"]
    list_filter = ["is_active", "country"]
    search_fields = ["code", "name"]
    fields = [
        "code",
        "name",
        "country",
        "timezone",
        "is_active",
        "contact_email",
        "webhook_url",
        "webhook_enabled",
        "secret_state",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["secret_state", "created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("webhook secret"))
    def secret_state(self, obj: Agency) -> str:
        return str(_("A secret is set.") if obj.has_webhook_secret else _("No secret is set."))


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "agency", "role", "is_platform_admin", "is_active", "last_login"]
    list_filter = ["is_active", "is_platform_admin", "role", "agency"]
    list_select_related = ["agency"]
    search_fields = ["email", "full_name"]
    fields = [
        "email",
        "full_name",
        "agency",
        "role",
        "is_platform_admin",
        "is_active",
        "language",
        "timezone",
        "require_otp",
        "last_login",
        "date_joined",
        "security_stamp",
    ]
    readonly_fields = ["last_login", "date_joined", "security_stamp"]

    def save_model(self, request, obj: User, form, change: bool) -> None:
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        # A role change or a deactivation ends the user's sessions and tokens at once.
        if change and ({"role", "is_platform_admin", "agency"} & set(form.changed_data) or not obj.is_active):
            user_end_access(user=obj)
