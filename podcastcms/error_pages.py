"""The site's own 404 and 500 pages in debug mode too (the demo runs with DEBUG on).

Django answers a debug-mode error with its technical page, which is right for a developer and
wrong for a demo shown to producers and listeners. With ``PODCASTCMS_OWN_ERROR_PAGES`` on (the
default), public URLs answer with ``404.html`` and ``500.html`` as in production; the exception
is still logged with its traceback. The admin keeps Django's technical pages.
"""

import logging

from django.conf import settings
from django.views.defaults import page_not_found, server_error

logger = logging.getLogger("django.request")


class OwnErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def active(self, request):
        return (
            settings.DEBUG
            and getattr(settings, "PODCASTCMS_OWN_ERROR_PAGES", True)
            and not request.path.startswith("/admin/")
        )

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and self.active(request) and response.get("X-Own-Error-Page") != "1":
            response = page_not_found(request, None)
            response["X-Own-Error-Page"] = "1"
        return response

    def process_exception(self, request, exception):
        from django.http import Http404

        if not self.active(request):
            return None
        if isinstance(exception, Http404):
            response = page_not_found(request, exception)
        else:
            logger.error("Internal Server Error: %s", request.path, exc_info=exception)
            response = server_error(request)
        response["X-Own-Error-Page"] = "1"
        return response
