"""Uploaded files as our own views serve them: never as an active page of the site.

Uploads come from producers and imports, and are served from the site's own origin unless
``MEDIA_URL`` names a separate media domain: an HTML or SVG file that a browser rendered as a
page could run script with the site's cookies. Every response carrying an upload therefore
has its real type, ``X-Content-Type-Options: nosniff`` (no guessing another type) and
``Content-Security-Policy: sandbox`` (no script, no same-origin access even if it were a
page). ``deploy/nginx/media.conf`` gives ``/media/`` the same headers in production.
"""

from django.views.static import serve

UPLOAD_POLICY = "sandbox"


def harden_upload_response(response, policy=UPLOAD_POLICY):
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def serve_media(request, path, document_root=None):
    """``django.views.static.serve`` for uploaded media (DEBUG only; production serves them elsewhere)."""
    return harden_upload_response(serve(request, path, document_root=document_root))
