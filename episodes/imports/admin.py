"""The admin page that imports a show from its RSS feed (upload a file or give a URL)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse

from episodes.access import is_network_admin
from episodes.imports.feedreader import MAX_FEED_BYTES, FeedImportError
from episodes.imports.paging import import_source
from episodes.models import Show


class ImportFeedForm(forms.Form):
    feed_file = forms.FileField(
        label="Feed file", required=False, help_text="An RSS file saved from the show's current host."
    )
    feed_url = forms.URLField(
        label="Feed URL",
        required=False,
        assume_scheme="https",
        help_text="Or the address of the feed; it is fetched once, now.",
    )
    show = forms.ModelChoiceField(
        queryset=Show.objects.all(),
        required=False,
        empty_label="(the show this feed was imported into before, or a new one)",
        help_text="Choose a show to import into it; its slug and public flag stay as they are.",
    )
    allow_locked = forms.BooleanField(
        label="I own this feed",
        required=False,
        help_text="Needed for feeds marked podcast:locked yes: their owner forbids imports by others.",
    )

    def clean_feed_file(self):
        upload = self.cleaned_data.get("feed_file")
        if upload and upload.size > MAX_FEED_BYTES:
            raise forms.ValidationError(
                f"This file is {upload.size / (1024 * 1024):.1f} MB; at most "
                f"{MAX_FEED_BYTES // (1024 * 1024)} MB are accepted."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.errors and bool(cleaned.get("feed_file")) == bool(cleaned.get("feed_url")):
            raise forms.ValidationError("Upload a feed file or give a feed URL (one of the two).")
        return cleaned

    def feed_bytes(self):
        """The uploaded file's bytes, or None: a URL is read (page by page) by import_source."""
        upload = self.cleaned_data.get("feed_file")
        if upload:
            return b"".join(upload.chunks())
        return None


def import_feed_view(request):
    """Import a feed and show what happened; only network admins may bring in shows."""
    if not is_network_admin(request.user):
        raise PermissionDenied
    result = None
    item_log = []  # (position, outcome, title) of every item, in feed order
    form = ImportFeedForm(request.POST, request.FILES) if request.method == "POST" else ImportFeedForm()
    if form.is_bound and form.is_valid():
        try:
            show = form.cleaned_data["show"]
            result = import_source(
                form.cleaned_data.get("feed_url") or "",
                data=form.feed_bytes(),
                show_slug=show.slug if show else None,
                allow_locked=form.cleaned_data["allow_locked"],
                public_only=True,
                progress=lambda index, total, outcome, title: item_log.append(
                    (f"{index}/{total}", outcome, title)
                ),
            )
        except FeedImportError as exc:
            form.add_error(None, f"{exc} Nothing was imported.")
    context = {
        **admin.site.each_context(request),
        "title": "Import a show from its feed",
        "form": form,
        "result": result,
        "item_log": item_log if result else [],
        "show_admin_url": _show_admin_url(result.show) if result else "",
    }
    return render(request, "admin/episodes/import_feed.html", context)


def _show_admin_url(show):
    try:
        return reverse("admin:episodes_show_change", args=[show.pk])
    except NoReverseMatch:  # the show admin is not registered on this site
        return ""


def import_feed_urls(admin_site=admin.site):
    """URL patterns to add in ``ShowAdmin.get_urls()`` (before the model's own)."""
    return [path("import-feed/", admin_site.admin_view(import_feed_view), name="episodes_show_import_feed")]
