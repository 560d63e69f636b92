"""Revisions of episodes in the admin: the history with who and when, a readable diff, restore.

django-reversion keeps the revisions (``episodes/history.py`` says what one holds); its
``VersionAdmin`` gives the history list and the restore form. This mixin puts both behind the
episode admin's scoped queryset (``episodes.access``): another show's episode, or a revision
of it, is not found. Restoring deleted episodes (reversion's "recover") is for network admins.
"""

from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.admin import VersionAdmin
from reversion.models import Version

from episodes.access import is_network_admin
from podcastcms.sanitize import html_to_text

HIDDEN_FIELDS = {"id", "guid", "updated_at", "created_at", "content_changed_at", "audio_revision"}


class ScopedVersionAdmin:
    object_history_template = "admin/episodes/episode/object_history.html"
    change_list_template = "admin/episodes/episode/change_list.html"

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        # reversion looks the version up by id and object id only: it must be this episode's.
        get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        return super().revision_view(request, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # reversion wraps the whole list in one revision; bulk actions keep one per episode.
        context = {
            "has_change_permission": self.has_change_permission(request),
            "may_recover": is_network_admin(request.user),
            **(extra_context or {}),
        }
        return super(VersionAdmin, self).changelist_view(request, context)

    def recoverlist_view(self, request, extra_context=None):
        if not is_network_admin(request.user):
            raise Http404("No deleted episodes to restore.")
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not is_network_admin(request.user):
            raise Http404("No such deleted episode.")
        return super().recover_view(request, version_id, extra_context)

    def changes_view(self, request, object_id, version_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        version = get_object_or_404(versions, pk=version_id)
        previous = versions.filter(revision__date_created__lt=version.revision.date_created).first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"Changes to “{obj}”",
            "version": version,
            "previous": previous,
            "field_changes": field_changes(self.model, previous, version),
            "row_changes": row_changes(previous, version),
        }
        return TemplateResponse(request, "admin/episodes/episode/revision_changes.html", context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        action_list = [
            {
                "revision": version.revision,
                "version": version,
                "url": reverse(f"admin:{self.url_name('revision')}", args=[quote(obj.pk), version.pk]),
                "changes_url": reverse(f"admin:{self.url_name('changes')}", args=[quote(obj.pk), version.pk]),
            }
            for version in versions
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Change history: {obj}",
            "subtitle": None,
            "action_list": action_list,
            "module_name": str(self.opts.verbose_name_plural).capitalize(),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def url_name(self, view):
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"


def revision_urls(model_admin):
    return [
        path(
            "<path:object_id>/history/<int:version_id>/changes/",
            model_admin.admin_site.admin_view(model_admin.changes_view),
            name=model_admin.url_name("changes"),
        )
    ]


def display(field, value):
    """A stored value as a producer reads it."""
    if value in (None, ""):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"(deleted #{value})"
    if field.get_internal_type() == "BooleanField":
        return "yes" if value else "no"
    text = str(value)
    if "<" in text and ">" in text:
        text = html_to_text(text)
    return text if len(text) <= 400 else text[:400] + " …"


def field_changes(model, previous, version):
    """[(label, before, after)] for each field that differs between two versions."""
    before = previous.field_dict if previous is not None else {}
    after = version.field_dict
    changes = []
    for field in model._meta.concrete_fields:
        name = field.attname
        if field.name in HIDDEN_FIELDS or name not in after:
            continue
        old, new = before.get(name), after.get(name)
        if previous is not None and old == new:
            continue
        if previous is None and new in (None, "", False):
            continue
        changes.append((field.verbose_name, display(field, old) if previous else "", display(field, new)))
    return changes


def row_changes(previous, version):
    """[(kind, added, removed, changed)] of the inline rows kept with each version."""

    def rows(v):
        if v is None:
            return {}
        found = {}
        others = v.revision.version_set.exclude(content_type_id=v.content_type_id)
        for other in others.select_related("content_type"):
            found[(other.content_type_id, other.object_id)] = other
        return found

    old_rows, new_rows = rows(previous), rows(version)
    kinds = {}
    for key in old_rows.keys() | new_rows.keys():
        content_type = ContentType.objects.get_for_id(key[0])
        kinds.setdefault(content_type, {"added": [], "removed": [], "changed": []})
        if key not in old_rows:
            kinds[content_type]["added"].append(new_rows[key].object_repr)
        elif key not in new_rows:
            kinds[content_type]["removed"].append(old_rows[key].object_repr)
        elif old_rows[key].serialized_data != new_rows[key].serialized_data:
            kinds[content_type]["changed"].append(new_rows[key].object_repr)
    return [
        (
            content_type.model_class()._meta.verbose_name_plural,
            sorted(c["added"]),
            sorted(c["removed"]),
            sorted(c["changed"]),
        )
        for content_type, c in sorted(kinds.items(), key=lambda item: item[0].model)
        if c["added"] or c["removed"] or c["changed"]
    ]
