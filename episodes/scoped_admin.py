"""The admin site and the mixins that apply per-show access (``episodes.access``) to it.

Every ModelAdmin of the project is one of three kinds:

- ``ShowScopedAdmin``: rows belong to a show (episodes, shows). Lists, forms, choices,
  actions and history only ever see the shows ``shows_for(user)`` returns; another show's
  object is simply not found.
- ``NetworkWideAdmin``: the people registry and sponsors. Everyone on a team may view them
  and choose them in autocomplete; only network admins add, change or delete them.
- ``NetworkAdminOnly``: the network itself and its teams.

Foreign-key and many-to-many choices always come from the related model's admin queryset,
so a value posted by hand for another show is refused by the form like any invalid choice.
"""

from csp.constants import UNSAFE_INLINE
from django import forms
from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.urls import path, reverse
from django.utils.text import capfirst

from episodes.access import can, is_network_admin, shows_for
from episodes.models import Show
from podcastcms.editor import rich_text_widget
from podcastcms.fields import RichTextField
from podcastcms.validators import validate_image_file


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete whose text a model admin may enrich (``autocomplete_text(obj)``)."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_text", None)
        if label is not None:
            result["text"] = label(obj)
        return result


class PodcastAdminSite(admin.AdminSite):
    site_header = "Podcast network administration"
    site_title = "Podcast network"
    index_title = "Shows, episodes, people and sponsors"
    index_template = "admin/podcastcms_index.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extensions = []  # (urls(site) -> patterns, index_link(request) -> (title, url) or None)

    def extend(self, urls, index_link=None):
        """Add pages that belong to no model (e.g. the download dashboards) and an index link."""
        self.extensions.append((urls, index_link))

    def get_urls(self):
        # Django's "view on site" shortcut redirects to any object's public URL for any
        # staff user; ours first looks the object up through its admin's scoped queryset.
        extra = [pattern for urls, _ in self.extensions for pattern in urls(self)]
        urls = extra + super().get_urls()
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[index] = path(
                    "r/<path:content_type_id>/<path:object_id>/",
                    self.admin_view(self.view_on_site),
                    name="view_on_site",
                )
        return urls

    def view_on_site(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
            model_admin = self._registry[model]
            pk = model._meta.pk.to_python(object_id)
        except (ValueError, ValidationError, ContentType.DoesNotExist, KeyError):
            raise Http404("No such object.") from None
        if not model_admin.has_view_permission(request):
            raise Http404("No such object.")
        if not model_admin.get_queryset(request).filter(pk=pk).exists():
            raise Http404("No such object.")
        return contenttype_views.shortcut(request, content_type_id, object_id)

    def index(self, request, extra_context=None):
        from episodes.admin.home import home_sections

        links = [link(request) for _, link in self.extensions if link is not None]
        extra_context = {
            **(extra_context or {}),
            "recent_actions": self.recent_actions(request),
            "home": home_sections(request),
            "extension_links": [link for link in links if link],
        }
        return super().index(request, extra_context)

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def recent_actions(self, request, limit=10):
        """The user's latest log entries about objects they may still see.

        A user who left a show's team must not read that show's episode titles here, so
        every entry is checked against the model admin's (scoped) queryset.
        """
        entries = list(
            LogEntry.objects.filter(user=request.user)
            .select_related("content_type")
            .order_by("-action_time")[: limit * 5]
        )
        ids_by_model, deleted_by_model = {}, {}
        for entry in entries:
            model = entry.content_type.model_class() if entry.content_type else None
            ids_by_model.setdefault(model, set()).add(entry.object_id)
            if entry.action_flag == DELETION:
                deleted_by_model.setdefault(model, set()).add(entry.object_id)
        visible = {}
        for model, ids in ids_by_model.items():
            model_admin = self._registry.get(model)
            if model_admin is None or not model_admin.has_view_permission(request):
                visible[model] = set()
                continue
            pks = []
            for object_id in ids:
                try:
                    pks.append(model._meta.pk.to_python(object_id))
                except ValidationError:
                    continue
            found = model_admin.get_queryset(request).filter(pk__in=pks).values_list("pk", flat=True)
            visible[model] = {str(pk) for pk in found}
            if not isinstance(model_admin, ShowScopedAdmin) or is_network_admin(request.user):
                # Deleted rows of network-wide models carry no show; scoped ones might.
                visible[model] |= deleted_by_model.get(model, set())
        shown = []
        for entry in entries:
            model = entry.content_type.model_class() if entry.content_type else None
            if entry.object_id in visible.get(model, set()):
                shown.append(entry)
            if len(shown) == limit:
                break
        return shown


def related_queryset(admin_site, db_field, request, action="edit"):
    """Choices for a relation: the shows the user may ``action`` on, else the related admin's rows."""
    if db_field.related_model is Show:
        return shows_for(request.user, action)
    related_admin = admin_site._registry.get(db_field.related_model)
    if related_admin is not None:
        return related_admin.get_queryset(request)
    return None


class CheckedImageField(forms.ImageField):
    """An image field whose refusals say why: not an image, damaged, or a decompression bomb.

    Django's own check answers every failure with one generic message; ours runs first.
    """

    def to_python(self, data):
        if data is not None and hasattr(data, "read"):
            validate_image_file(data)
        return super().to_python(data)


def configure_editor(formfield, request):
    """Point the rich-text editor's upload and browse URLs at the show being edited."""
    widget = getattr(formfield, "widget", None)
    if formfield is None or not isinstance(getattr(widget, "config", None), dict):
        return formfield
    show = getattr(request, "podcastcms_show", None)
    query = f"?show={show.pk}" if show is not None else ""
    widget.config["filebrowserUploadUrl"] = reverse("ckeditor_upload") + query
    widget.config["filebrowserBrowseUrl"] = reverse("ckeditor_browse") + query
    return formfield


class ScopedRelationsMixin:
    """Foreign-key and many-to-many choices limited by the related admins' querysets."""

    edit_action = "edit"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = related_queryset(self.admin_site, db_field, request, self.edit_action)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = related_queryset(self.admin_site, db_field, request, self.edit_action)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def lookup_allowed(self, lookup, value, request=None):
        """Only the sidebar's own filters: any other lookup could probe rows the user cannot see."""
        declared = {self.date_hierarchy} if getattr(self, "date_hierarchy", None) else set()
        list_filter = self.get_list_filter(request) if request is not None else self.list_filter
        for item in list_filter:
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                declared.add(item.parameter_name)
            elif isinstance(item, (list, tuple)):
                declared.add(item[0])
            else:
                declared.add(item)
        if lookup.split(LOOKUP_SEP)[0] not in declared:
            return False
        return super().lookup_allowed(lookup, value, request)

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(request, context, *args, **kwargs)
        if "ckeditor" in str(context.get("media", "")):
            # CKEditor 4 builds its toolbar and dialogs with on…= handlers and javascript:
            # links, which a policy without 'unsafe-inline' blocks. Only forms that carry the
            # editor allow them; every other page, in the admin too, runs files from 'self' only.
            response._csp_update = {"script-src": [UNSAFE_INLINE]}
        return response

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.ImageField):
            kwargs.setdefault("form_class", CheckedImageField)
        if isinstance(db_field, RichTextField):
            # The admin would give every TextField its plain textarea.
            kwargs.setdefault("widget", rich_text_widget())
        if isinstance(db_field, models.URLField):
            # An address typed without a scheme is taken as https, as Django 6 will.
            kwargs.setdefault("assume_scheme", "https")
        return configure_editor(super().formfield_for_dbfield(db_field, request, **kwargs), request)


def protection_reasons(objs):
    """Why ``objs`` cannot be deleted: each protecting relation, counted, with its rule."""
    if not objs:
        return []
    model = type(objs[0])
    reasons = []
    for relation in model._meta.related_objects:
        if relation.on_delete is not models.PROTECT:
            continue
        count = relation.related_model._default_manager.filter(**{f"{relation.field.name}__in": objs}).count()
        if count:
            rule = relation.field.help_text or capfirst(
                f"{model._meta.verbose_name} in use cannot be deleted."
            )
            name = relation.related_model._meta.verbose_name_plural if count != 1 else None
            name = name or relation.related_model._meta.verbose_name
            reasons.append(f"Still used by {count} {name}. {rule}")
    return reasons


class NotFoundFirstMixin:
    """An object outside the user's querysets is "not found" (404) before any permission is asked.

    Django asks permissions first in some views and looks the object up first in others, and
    answers a missing object with a redirect: a user who may not see an object could tell
    an existing one (403) from a missing one (302). Here the change, history and delete views
    look the object up in the user's queryset first and answer 404 for both, as they do for
    another show's object.
    """

    def _require_visible(self, request, object_id):
        to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
        if to_field and not self.to_field_allowed(request, to_field):
            raise Http404("No such object.")
        if self.get_object(request, unquote(object_id), to_field) is None:
            raise Http404("No such object.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._require_visible(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Reached when the object vanished between the lookup above and Django's own.
        raise Http404("No such object.")

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # Django lists the protecting rows; say first why they protect.
            protected = protection_reasons(list(objs)) + list(protected)
        return deleted, model_count, perms_needed, protected


class ShowListFilter(admin.SimpleListFilter):
    """Filter by show, offering only the shows the user may see."""

    title = "show"
    parameter_name = "show"
    show_path = None  # the ORM path to the show; by default the model admin's

    def __init__(self, request, params, model, model_admin):
        if self.show_path is None:
            self.show_path = model_admin.show_path or "pk"
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [(str(show.pk), show.title) for show in shows_for(request.user, "view")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        # A show the user may not see is not found, like a show that does not exist: listing
        # what runs on it (a shared campaign) would reveal it.
        if not value.isdigit() or not shows_for(request.user, "view").filter(pk=int(value)).exists():
            raise Http404("No such show.")
        return queryset.filter(**{self.show_path: int(value)})


class ShowScopedAdmin(NotFoundFirstMixin, ScopedRelationsMixin):
    """A ModelAdmin whose rows belong to a show, seen and changed through ``episodes.access``.

    ``show_path`` is the ORM path from the model to its show (``None`` for Show itself).
    """

    show_path = "show"
    edit_action = "edit"
    add_action = "edit"
    delete_action = "edit"

    def show_of(self, obj):
        if obj is None:
            return None
        if self.show_path is None:
            return obj
        for part in self.show_path.split("__"):
            obj = getattr(obj, part)
        return obj

    def scope(self, request, queryset, action="view"):
        lookup = f"{self.show_path}__in" if self.show_path else "pk__in"
        return queryset.filter(**{lookup: shows_for(request.user, action)})

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def has_module_permission(self, request):
        return can(request.user, "view")

    def has_view_permission(self, request, obj=None):
        return can(request.user, "view", self.show_of(obj))

    def has_change_permission(self, request, obj=None):
        return can(request.user, self.edit_action, self.show_of(obj))

    def has_add_permission(self, request):
        return can(request.user, self.add_action)

    def has_delete_permission(self, request, obj=None):
        return can(request.user, self.delete_action, self.show_of(obj))

    def delete_queryset(self, request, queryset):
        # "Delete selected" asks has_delete_permission without an object; a user who may
        # delete on one show must not delete rows of a show where they may only edit.
        super().delete_queryset(request, self.scope(request, queryset, self.delete_action))

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The show being edited: the rich-text editor stores uploads under it.
        request.podcastcms_show = self.show_of(obj) if obj is not None else self.sole_show(request)
        return super().get_form(request, obj, change, **kwargs)

    def sole_show(self, request):
        shows = list(shows_for(request.user, self.edit_action)[:2])
        return shows[0] if len(shows) == 1 and self.show_path else None

    def save_model(self, request, obj, form, change):
        if not can(request.user, self.edit_action, self.show_of(obj)):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class ShowScopedInline(ScopedRelationsMixin):
    """An inline on a show-scoped admin: allowed exactly when the parent object is."""

    parent_show_path = "show"
    edit_action = "edit"

    def parent_show(self, obj):
        if obj is None or self.parent_show_path is None:
            return obj
        return getattr(obj, self.parent_show_path)

    def has_view_permission(self, request, obj=None):
        return can(request.user, "view", self.parent_show(obj))

    def has_change_permission(self, request, obj=None):
        return can(request.user, self.edit_action, self.parent_show(obj))

    def has_add_permission(self, request, obj=None):
        return can(request.user, self.edit_action, self.parent_show(obj))

    def has_delete_permission(self, request, obj=None):
        return can(request.user, self.edit_action, self.parent_show(obj))


class NetworkWideAdmin(NotFoundFirstMixin, ScopedRelationsMixin):
    """The people registry and sponsors: every team member views, network admins change."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # Staff on no team see no row at all, so no object answers them differently.
        return queryset if can(request.user, "view") else queryset.none()

    def has_module_permission(self, request):
        return can(request.user, "view")

    def has_view_permission(self, request, obj=None):
        return can(request.user, "view")

    def has_change_permission(self, request, obj=None):
        return is_network_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return is_network_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_network_admin(request.user)


class NetworkAdminOnly(NotFoundFirstMixin, ScopedRelationsMixin):
    """The network and its teams: network admins only."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if is_network_admin(request.user) else queryset.none()

    def has_module_permission(self, request):
        return is_network_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_network_admin(request.user)

    has_change_permission = has_view_permission

    def has_add_permission(self, request, obj=None):
        return is_network_admin(request.user)

    has_delete_permission = has_view_permission
