"""Uploaded media as the dev server serves it (DEBUG only; production serves media elsewhere)."""

from django.views.static import serve


def serve_media(request, path, document_root=None):
    """``django.views.static.serve`` with headers that keep uploads from acting as pages.

    Media is served from the site's own origin, so an uploaded HTML file (a transcript, say)
    could otherwise run script with the site's cookies, even in the local demo.
    """
    response = serve(request, path, document_root=document_root)
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
