"""API tokens in the admin: each user creates and revokes their own; the key is shown once."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from episodes.access import can, is_network_admin, shows_for

from .models import ApiToken


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "access", "all_shows", "shows", "expires_at"]

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("all_shows") and not cleaned_data.get("shows"):
            self.add_error("shows", "Choose the shows this token may reach, or tick “all shows”.")
        return cleaned_data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Your tokens (network admins see everyone's, to revoke a leaked one)."""

    form = ApiTokenForm
    list_display = ["name", "key_prefix", "user", "access", "scope", "created_at", "last_used_at", "state"]
    list_filter = ["access"]
    search_fields = ["name", "key_prefix"]
    filter_horizontal = ["shows"]
    readonly_fields = ["key_prefix", "user", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_module_permission(self, request):
        return can(request.user, "view")

    def has_view_permission(self, request, obj=None):
        return can(request.user, "view") and (obj is None or self.owns(request, obj))

    def has_add_permission(self, request):
        return can(request.user, "view")

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def owns(self, request, obj):
        return obj.user_id == request.user.pk or is_network_admin(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user").prefetch_related("shows")
        if is_network_admin(request.user):
            return queryset
        return queryset.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["key_prefix", "created_at", "last_used_at", "revoked_at"]
        # A token's reach is fixed when it is made: make a new one for another scope.
        return self.readonly_fields + ["access", "all_shows", "shows", "expires_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "access", "all_shows", "shows", "expires_at"]
        return [
            "name",
            "key_prefix",
            "user",
            "access",
            "all_shows",
            "shows",
            "expires_at",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "shows":
            kwargs["queryset"] = shows_for(request.user, "view")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="shows")
    def scope(self, obj):
        if obj.all_shows:
            return "All shows"
        return ", ".join(show.title for show in obj.shows.all())

    @admin.display(description="state")
    def state(self, obj):
        if obj.revoked_at:
            return "Revoked"
        if obj.expires_at and obj.expires_at <= timezone.now():
            return "Expired"
        return "Active"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.user = request.user
            key = obj.issue_key()
            super().save_model(request, obj, form, change)
            self.message_user(
                request,
                f"Your new token is {key} — copy it now: it is stored only as a hash and never shown again.",
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()
            count += 1
        self.message_user(request, f"Revoked {count} token{'s' if count != 1 else ''}.", messages.SUCCESS)
