"""Deliveries (pings and webhooks) per show, webhook endpoints, and the task results."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from episodes.access import is_network_admin, shows_for
from episodes.scoped_admin import NetworkAdminOnly, ShowListFilter, ShowScopedAdmin

from .delivery import redeliver
from .models import Delivery, WebhookEndpoint


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=1000,
        assume_scheme="https",
        help_text=WebhookEndpoint._meta.get_field("url").help_text,
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEndpoint.EVENT_CHOICES, widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "all_shows", "shows", "is_active", "secret"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_shows") and not cleaned.get("shows"):
            raise forms.ValidationError("Choose the shows whose events this endpoint receives, or all shows.")
        return cleaned


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(NetworkAdminOnly, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "all_shows", "is_active", "created_at"]
    list_filter = ["is_active", "all_shows"]
    search_fields = ["url", "description"]
    filter_horizontal = ["shows"]


@admin.action(description="Deliver the selected again")
def redeliver_selected(modeladmin, request, queryset):
    count = 0
    for delivery in modeladmin.get_queryset(request).filter(pk__in=queryset.values("pk")):
        redeliver(delivery)
        count += 1
    messages.success(request, f"{count} queued for delivery again.")


@admin.register(Delivery)
class DeliveryAdmin(ShowScopedAdmin, admin.ModelAdmin):
    """The delivery log. A show's team sees its show's pings; network admins see everything."""

    list_display = [
        "created_at",
        "kind",
        "event",
        "show",
        "target_url",
        "status",
        "attempts",
        "last_status_code",
    ]
    list_filter = ["kind", "status", ShowListFilter]
    search_fields = ["target_url", "feed_url", "event", "message_id"]
    actions = [redeliver_selected]
    readonly_fields = [
        "kind",
        "show",
        "endpoint",
        "event",
        "feed_url",
        "target_url",
        "method",
        "body",
        "message_id",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_status_code",
        "last_error",
        "last_response",
        "created_at",
        "delivered_at",
    ]
    fields = readonly_fields
    change_form_template = "admin/episodes/delivery_change_form.html"

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request).select_related("show", "endpoint")
        if is_network_admin(request.user):
            return queryset
        # Webhooks are the network's; the network feeds' pings (no show) too.
        return queryset.filter(show__in=shows_for(request.user, "view")).exclude(kind=Delivery.WEBHOOK)

    def has_view_permission(self, request, obj=None):
        if obj is not None and (obj.show_id is None or obj.kind == Delivery.WEBHOOK):
            return is_network_admin(request.user)
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_network_admin(request.user):
            actions.pop("redeliver_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_redeliver": is_network_admin(request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:delivery_id>/redeliver/",
                self.admin_site.admin_view(self.redeliver_view),
                name="episodes_delivery_redeliver",
            )
        ] + super().get_urls()

    def redeliver_view(self, request, delivery_id):
        if request.method != "POST" or not is_network_admin(request.user):
            raise Http404
        delivery = get_object_or_404(self.get_queryset(request), pk=delivery_id)
        redeliver(delivery)
        messages.success(request, f"Delivery {delivery.pk} is queued to be sent again.")
        return redirect("admin:episodes_delivery_change", delivery.pk)


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """Background tasks and their errors (database backend): network admins only."""

    list_display = ["task_name", "status", "enqueued_at", "started_at", "finished_at", "error_line"]
    search_fields = ["task_path", "exception_class_path"]

    def has_module_permission(self, request):
        return is_network_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_network_admin(request.user)

    @admin.display(description="error")
    def error_line(self, obj):
        return obj.exception_class_path.rpartition(".")[2] if obj.exception_class_path else ""


def show_delivery_log_link(show):
    """The show's delivery log, with its counts by status, for the show's change page."""
    counts = dict(
        Delivery.objects.filter(show=show)
        .exclude(kind=Delivery.WEBHOOK)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    summary = ", ".join(
        f"{counts[value]} {label.lower()}" for value, label in Delivery.STATUS_CHOICES if value in counts
    )
    url = reverse("admin:episodes_delivery_changelist") + f"?show={show.pk}"
    return format_html(
        '<a href="{}">The log of the pings sent for this show</a> ({})', url, summary or "none yet"
    )


__all__ = ["DeliveryAdmin", "TaskResultAdmin", "WebhookEndpointAdmin", "show_delivery_log_link"]
