"""Personal API tokens: created and revoked by their owner in the admin; only a hash is stored."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "pcms_"


def hash_token(key):
    """SHA-256 of the whole token: tokens are long random strings, so a fast hash is enough."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A user's key to the API, narrowed to some shows (or all) and to reading or writing.

    A token never grants more than its owner's roles (``episodes.access``): it only narrows them.
    """

    READ = "read"
    READ_WRITE = "read_write"
    ACCESS_CHOICES = [(READ, "Read only"), (READ_WRITE, "Read and write")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “recording pipeline”.")
    access = models.CharField(max_length=16, choices=ACCESS_CHOICES, default=READ)
    all_shows = models.BooleanField(
        default=False,
        help_text="Valid for every show you may see, including shows added later. Network-wide changes "
        "(the network, teams, new shows, people, sponsors, campaigns) need this and read-write access.",
    )
    shows = models.ManyToManyField(
        "episodes.Show", blank=True, related_name="+", help_text="The shows this token may reach."
    )
    key_prefix = models.CharField(
        max_length=16, editable=False, help_text="The token's first characters, to recognise it."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Leave empty for no expiry.")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def writable(self):
        return self.access == self.READ_WRITE

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def issue_key(self):
        """A new secret for this token: sets the hash and prefix and returns the key, once."""
        key = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.key_hash = hash_token(key)
        self.key_prefix = key[: len(TOKEN_PREFIX) + 6]
        return key

    @classmethod
    def create_for(cls, user, name, *, access=READ, shows=(), all_shows=False, expires_at=None):
        """A saved token and its key (the only time the key is known)."""
        token = cls(user=user, name=name, access=access, all_shows=all_shows, expires_at=expires_at)
        key = token.issue_key()
        token.save()
        if shows:
            token.shows.set(shows)
        return token, key

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
