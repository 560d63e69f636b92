"""The admin page that imports a show from its RSS feed (upload a file or give a URL)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_POST

from episodes.access import is_network_admin
from episodes.imports.feedreader import MAX_FEED_BYTES, FeedImportError, check_public_url
from episodes.imports.models import ImportJob
from episodes.imports.tasks import import_job, read_progress, request_cancel
from episodes.models import Show
from episodes.tasks import later


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
        if not self.errors and cleaned.get("feed_url"):
            try:
                check_public_url(cleaned["feed_url"])  # again, with redirects, when it is fetched
            except FeedImportError as exc:
                raise forms.ValidationError(f"{exc} Nothing was imported.") from None
        return cleaned


def import_feed_view(request):
    """The import form; a valid one queues the import and opens its progress page."""
    if not is_network_admin(request.user):
        raise PermissionDenied
    form = ImportFeedForm(request.POST, request.FILES) if request.method == "POST" else ImportFeedForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data.get("feed_file")
        job = ImportJob.objects.create(
            created_by=request.user,
            source_url=form.cleaned_data.get("feed_url") or "",
            source_name=upload.name if upload else "",
            feed_data=b"".join(upload.chunks()) if upload else b"",
            show=form.cleaned_data["show"],
            allow_locked=form.cleaned_data["allow_locked"],
        )
        later(import_job, job.pk)
        return redirect("admin:episodes_show_import_job", job.pk)
    context = {
        **admin.site.each_context(request),
        "title": "Import a show from its feed",
        "form": form,
        "recent_jobs": ImportJob.objects.order_by("-created_at", "-pk")[:10],
    }
    return render(request, "admin/episodes/import_feed.html", context)


def _job_for(request, job_id):
    # Imports are for network admins; to anyone else a job does not exist.
    if not is_network_admin(request.user):
        raise Http404
    return get_object_or_404(ImportJob.objects.select_related("show"), pk=job_id)


def progress_data(job):
    live = read_progress(job.pk)
    report = job.report or {}
    counts = report.get("counts") or live.get("counts") or {}
    return {
        "status": job.status,
        "status_display": job.get_status_display(),
        "done": live.get("done", sum(counts.values()) if job.status in ImportJob.DONE else 0),
        "total": live.get("total"),
        "current": live.get("current", ""),
        "counts": counts,
        "skipped": report.get("skipped") or live.get("skipped", []),
        "finished": job.status in ImportJob.DONE,
        "error": job.error,
    }


def import_job_view(request, job_id):
    """Live progress while the import runs; the full report once it has ended."""
    job = _job_for(request, job_id)
    report = job.report or {}
    context = {
        **admin.site.each_context(request),
        "title": f"Import of {job.source or 'a feed'}",
        "job": job,
        "progress": progress_data(job),
        "report": report,
        "item_log": report.get("items", []),
        "show_admin_url": _show_admin_url(job.show) if job.show and report else "",
        "progress_url": reverse("admin:episodes_show_import_job_progress", args=[job.pk]),
        "cancel_url": reverse("admin:episodes_show_import_job_cancel", args=[job.pk]),
    }
    return render(request, "admin/episodes/import_job.html", context)


def import_job_progress(request, job_id):
    return JsonResponse(progress_data(_job_for(request, job_id)))


@require_POST
def import_job_cancel(request, job_id):
    job = _job_for(request, job_id)
    if job.status not in ImportJob.DONE:
        request_cancel(job)
        messages.info(request, "Cancelling: nothing of this import will be kept.")
    return redirect("admin:episodes_show_import_job", job.pk)


def _show_admin_url(show):
    try:
        return reverse("admin:episodes_show_change", args=[show.pk])
    except NoReverseMatch:  # the show admin is not registered on this site
        return ""


def import_feed_urls(admin_site=admin.site):
    """URL patterns to add in ``ShowAdmin.get_urls()`` (before the model's own)."""
    view = admin_site.admin_view
    return [
        path("import-feed/", view(import_feed_view), name="episodes_show_import_feed"),
        path("import-feed/<int:job_id>/", view(import_job_view), name="episodes_show_import_job"),
        path(
            "import-feed/<int:job_id>/progress/",
            view(import_job_progress),
            name="episodes_show_import_job_progress",
        ),
        path(
            "import-feed/<int:job_id>/cancel/",
            view(import_job_cancel),
            name="episodes_show_import_job_cancel",
        ),
    ]
