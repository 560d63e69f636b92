"""The rich-text editor's image upload and browse views, scoped to the user's shows.

They replace ``ckeditor_uploader``'s views (same URL names, so the editor widget finds
them): uploads must be images (``validate_image_file``), are stored under
``editor-uploads/<show-slug>/`` and a user browses only the folders of shows they may edit.
Network admins also have a ``network`` folder for copy that belongs to no show (campaigns).
"""

import json
import os
import uuid
from datetime import date

from ckeditor_uploader import utils as ckeditor_utils
from ckeditor_uploader.backends import get_backend
from ckeditor_uploader.forms import SearchForm
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.urls import path
from django.utils.crypto import constant_time_compare
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from PIL import Image

from episodes.access import can, is_network_admin, shows_for
from episodes.models import Show
from podcastcms.validators import validate_image_file

NETWORK_FOLDER = "network"
IMAGE_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}


def show_folder(show):
    return os.path.join(settings.CKEDITOR_UPLOAD_PATH, show.slug)


def upload_folder(request):
    """The folder this request may upload to, or 404 when it names no show the user edits."""
    show_id = request.GET.get("show", "")
    if show_id:
        show = Show.objects.filter(pk=int(show_id)).first() if show_id.isdigit() else None
        if show is None or not can(request.user, "edit", show):
            raise Http404("No such show.")
        return show_folder(show)
    if is_network_admin(request.user):
        return os.path.join(settings.CKEDITOR_UPLOAD_PATH, NETWORK_FOLDER)
    shows = list(shows_for(request.user, "edit")[:2])
    if len(shows) != 1:
        raise Http404("Say which show the image belongs to.")
    return show_folder(shows[0])


def browse_folders(request):
    folders = [show_folder(show) for show in shows_for(request.user, "edit")]
    if is_network_admin(request.user):
        folders.append(os.path.join(settings.CKEDITOR_UPLOAD_PATH, NETWORK_FOLDER))
    return folders


def csrf_failure(request):
    """None when the request carries a valid CSRF token, else a reason.

    CKEditor 4 does not send Django's token; it protects its uploads with a double-submit
    token instead (the ``ckCsrfToken`` cookie it sets, repeated as a form field), which we
    accept together with a same-origin check. Django's own token is accepted as well.
    """
    cookie = request.COOKIES.get("ckCsrfToken", "")
    posted = request.POST.get("ckCsrfToken", "")
    if len(cookie) >= 32 and constant_time_compare(cookie, posted):
        origin = request.META.get("HTTP_ORIGIN")
        if origin is None or origin == f"{request.scheme}://{request.get_host()}":
            return None
        return "Origin does not match."
    rejected = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
    return None if rejected is None else "CSRF token missing or incorrect."


def upload_response(request, url="", error=""):
    func_num = request.GET.get("CKEditorFuncNum")
    if func_num:
        # The image dialog posts into a frame and expects a script calling back the editor.
        arguments = ", ".join(json.dumps(value) for value in (escape(func_num), url, error))
        script = f"window.parent.CKEDITOR.tools.callFunction({arguments});"
        # The one inline script of the site: allowed by this response's CSP nonce alone.
        nonce = escape(request.csp_nonce)
        return HttpResponse(f'<script nonce="{nonce}">{script}</script>', status=400 if error else 200)
    if error:
        return JsonResponse({"uploaded": 0, "error": {"message": error}}, status=400)
    return JsonResponse({"uploaded": 1, "url": url, "fileName": os.path.basename(url)})


@csrf_exempt  # checked by csrf_failure, which also knows CKEditor's own token
@xframe_options_sameorigin  # the image dialog reads the answer in a frame of the admin page
@staff_member_required
@require_POST
def upload(request):
    folder = upload_folder(request)
    if csrf_failure(request):
        return upload_response(request, error="The upload was refused (CSRF check failed). Reload the page.")
    uploaded = request.FILES.get("upload")
    if uploaded is None:
        return upload_response(request, error="Choose an image to upload.")
    try:
        validate_image_file(uploaded)
    except ValidationError as exc:
        return upload_response(request, error=" ".join(exc.messages))
    # The stored name ends in the image's real format: a PNG named page.html must not
    # come back from the media server as HTML.
    with Image.open(uploaded) as image:
        extension = IMAGE_EXTENSIONS[image.format]
    uploaded.seek(0)
    # Media URLs are public: an image for a draft must not be found by guessing its name.
    name = uuid.uuid4().hex + extension
    filepath = ckeditor_utils.storage.get_available_name(
        os.path.join(folder, date.today().strftime("%Y/%m"), name)
    )
    saved_path = get_backend()(ckeditor_utils.storage, uploaded).save_as(filepath)
    return upload_response(request, url=ckeditor_utils.get_media_url(saved_path))


def files_in(folder):
    try:
        directories, files = ckeditor_utils.storage.listdir(folder)
    except (OSError, NotImplementedError):
        return
    for filename in sorted(files):
        if filename.startswith(".") or os.path.splitext(filename)[0].endswith("_thumb"):
            continue
        yield os.path.join(folder, filename)
    for directory in sorted(directories):
        if not directory.startswith("."):
            yield from files_in(os.path.join(folder, directory))


@never_cache
@staff_member_required
def browse(request):
    if not can(request.user, "edit"):
        raise Http404("No show to browse.")
    files = []
    for folder in browse_folders(request):
        for filename in files_in(folder):
            src = ckeditor_utils.get_media_url(filename)
            files.append(
                {
                    "thumb": ckeditor_utils.get_media_url(ckeditor_utils.get_thumb_filename(filename)),
                    "src": src,
                    "is_image": True,
                    "visible_filename": os.path.basename(filename),
                }
            )
    form = SearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data.get("q", "").lower()
        files = [f for f in files if query in f["visible_filename"].lower()]
    context = {"show_dirs": False, "dirs": [], "files": files, "form": form}
    return render(request, "ckeditor/browse.html", context)


urlpatterns = [
    path("upload/", upload, name="ckeditor_upload"),
    path("browse/", browse, name="ckeditor_browse"),
]
