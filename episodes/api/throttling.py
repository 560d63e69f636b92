"""Requests per token, counted in the cache (Redis in production: shared by every worker)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """Each token has its own budget; requests without a token share one per client address."""

    scope = "token"

    def get_rate(self):
        # Read at request time, so the setting can change without a restart of the class.
        return settings.PODCASTCMS_API_RATE

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        ident = f"token-{token.pk}" if token is not None else f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
