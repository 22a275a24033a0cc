from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AuditEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Clean Break", {"fields": ("role",)}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Clean Break", {"fields": ("role", "first_name", "last_name", "email")}),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log cannot be edited or deleted, here or anywhere."""

    list_display = ("created_at", "actor_name", "action", "summary", "client_id", "case_id")
    list_filter = ("action",)
    search_fields = ("summary", "actor_name")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
