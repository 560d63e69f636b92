"""Preview links: a signed, expiring URL that shows a guest an episode page before it is public.

The token carries the episode's pk, guid and preview key, signed with the secret key under a
salt of its own, and stamped with the time it was made; it expires after
``PODCASTCMS_PREVIEW_MAX_AGE`` seconds. The preview key is replaced when the episode is
published or unpublished and by the admin's "revoke preview links" action: every link made
before then stops working, so a link shared for one draft never shows a later state.

No account is needed to open a link, so everything a preview shows is exactly what the public
page will show, and nothing else.
"""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from .models import Episode
from .views import audio_file_response, episode_page_context, render_for_show

SALT = "podcastcms.episodes.preview"


def _signer():
    return signing.TimestampSigner(salt=SALT)


def preview_token(episode):
    return _signer().sign_object({"pk": episode.pk, "guid": episode.guid, "key": episode.preview_key})


def preview_path(episode):
    return reverse("episodes:preview", kwargs={"token": preview_token(episode)})


def episode_for_token(token):
    """The episode a valid, unexpired token names; 404 for anything else."""
    try:
        data = _signer().unsign_object(token, max_age=settings.PODCASTCMS_PREVIEW_MAX_AGE)
        pk, guid, key = data["pk"], data["guid"], data["key"]
    except (signing.BadSignature, TypeError, KeyError):
        # SignatureExpired is a BadSignature: an old link looks like no link at all.
        raise Http404("This preview link is not valid.") from None
    # A revoked link (its key replaced) looks like no link at all, too.
    episode = Episode.objects.select_related("show").filter(pk=pk, guid=guid, preview_key=key).first()
    if episode is None:
        raise Http404("This preview link is not valid.")
    return episode


def _keep_private(response):
    """Not cached anywhere, not indexed, and the token never leaves in a Referer header."""
    patch_cache_control(response, no_store=True, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def episode_preview(request, token):
    episode = episode_for_token(token)
    if episode.is_public:
        # A link made while the episode was scheduled has done its job once its time comes:
        # from now on the public page is the one to share.
        return redirect(episode)
    scheduled_for = episode.published_at if episode.status == Episode.PUBLISHED else None
    if episode.status != Episode.PUBLISHED:
        # Laid out with the announcements of today; never saved. The page says it is not published.
        episode.published_at = timezone.now()
    context = episode_page_context(episode)
    context["is_preview"] = True
    context["preview_scheduled_for"] = scheduled_for
    context["audio_url"] = (
        reverse(
            "episodes:preview-audio",
            kwargs={"token": token, "extension": episode.audio_extension.lstrip(".")},
        )
        if episode.audio
        else episode.external_audio_url
    )
    return _keep_private(render_for_show(request, episode.show, "episodes/episode_detail.html", context))


def episode_preview_audio(request, token, extension):
    """A draft's uploaded audio, for the preview's player (the enclosure URL serves public episodes only)."""
    episode = episode_for_token(token)
    if not episode.audio or episode.audio_extension != f".{extension}":
        raise Http404("No such audio file.")
    return _keep_private(audio_file_response(request, episode))
