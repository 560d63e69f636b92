"""The site-wide Content-Security-Policy, with frame-ancestors following X-Frame-Options.

Django decides per response whether a page may be framed: ``X-Frame-Options: DENY`` by
default, ``SAMEORIGIN`` from ``xframe_options_sameorigin`` and no header at all from
``xframe_options_exempt``. Browsers that know CSP ignore X-Frame-Options when the policy has
``frame-ancestors``, so the policy must say the same thing, decided in the same place.
"""

from axes.backends import AxesStandaloneBackend
from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware


def frame_ancestors(response):
    """``frame-ancestors`` for ``response``, from Django's clickjacking decision."""
    if getattr(response, "xframe_options_exempt", False):
        return ["*"]
    if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
        return [SELF]
    return [NONE]


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only:
            parts.replace = {**(parts.replace or {}), "frame-ancestors": frame_ancestors(response)}
        return parts


class LoginThrottlingBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for every login that comes with a request.

    ``authenticate()`` without a request (the test client's ``login()``, a shell) has no address
    to throttle by; axes would refuse it with an error, so it is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
