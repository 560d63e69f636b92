"""“Listen on” links: where a show can be followed besides its RSS feed, entered in the show's admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListenLink(models.Model):
    PLATFORM_CHOICES = [
        ("apple", "Apple Podcasts"),
        ("spotify", "Spotify"),
        ("youtube-music", "YouTube Music"),
        ("overcast", "Overcast"),
        ("pocket-casts", "Pocket Casts"),
        ("antennapod", "AntennaPod"),
        ("castro", "Castro"),
        ("podcast-addict", "Podcast Addict"),
        ("podcast-index", "Podcast Index"),
        ("amazon-music", "Amazon Music"),
        ("deezer", "Deezer"),
        ("other", "Other"),
    ]

    show = models.ForeignKey("episodes.Show", on_delete=models.CASCADE, related_name="listen_links")
    platform = models.CharField(max_length=32, choices=PLATFORM_CHOICES)
    label = models.CharField(
        max_length=64, blank=True, help_text="Shown instead of the platform's name; required for “Other”."
    )
    url = models.URLField("URL", max_length=1000, help_text="The show's page on that platform.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("“listen on” link")
        constraints = [models.UniqueConstraint(fields=["show", "platform", "url"], name="listen_link_unique")]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.label or self.get_platform_display()

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.platform == "other" and not self.label:
            raise ValidationError({"label": "Give the name of the app or site."})
