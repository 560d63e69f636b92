from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from podcastcms.renditions import refresh_renditions
from podcastcms.validators import validate_image_file

from .taxonomy import group_for_role, role_choices


def person_photo_path(person, filename):
    return f"people/{person.slug}/{filename}"


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People with a public appearance: credited on a public episode, or hosting a public show."""
        from episodes.models import Episode

        credited = Credit.objects.filter(episode__in=Episode.objects.published()).values("person_id")
        hosting = ShowHost.objects.filter(show__is_public=True).values("person_id")
        return self.filter(models.Q(pk__in=credited) | models.Q(pk__in=hosting))


class Person(models.Model):
    """One human across every show of the network: hosts, guests, producers."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, help_text="Part of the person's page URL.")
    bio = models.TextField(blank=True, help_text="Plain text shown on the person's page.")
    photo = models.ImageField(
        upload_to=person_photo_path,
        blank=True,
        validators=[validate_image_file],
        help_text="Square, at least 400 px; used as podcast:person img.",
    )
    photo_url = models.URLField(
        "photo URL",
        max_length=1000,
        blank=True,
        help_text="For imported people: their photo where it is hosted (podcast:person img); an upload wins.",
    )
    website = models.URLField(blank=True, help_text="The person's own page; used as podcast:person href.")
    photo_renditions = models.JSONField(
        default=dict, blank=True, editable=False, help_text="Smaller copies of the photo (WebP and JPEG)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("people:person", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_renditions(self, "photo", "photo_renditions")


class PersonLink(models.Model):
    """An entry of the person's “Keep In Touch” list, shown on every episode they appear on."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=200, help_text="e.g. “@apaszke on Twitter”.")
    url = models.URLField(max_length=1000)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class RoleFields(models.Model):
    """A Podcasting 2.0 role, with its group kept in step with the taxonomy."""

    role = models.CharField(max_length=64, choices=role_choices(), default="host")
    group = models.CharField(max_length=64, editable=False, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def clean(self):
        if self.role not in group_for_role():
            raise ValidationError({"role": "Choose a role from the Podcasting 2.0 taxonomy."})

    def save(self, *args, **kwargs):
        self.group = group_for_role()[self.role]
        super().save(*args, **kwargs)


class ShowHost(RoleFields):
    """A show's regular cast, credited on each new episode and listed at channel level."""

    show = models.ForeignKey("episodes.Show", on_delete=models.CASCADE, related_name="hosts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="show_roles")

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "default host"
        constraints = [models.UniqueConstraint(fields=["show", "person", "role"], name="show_host_unique")]

    def __str__(self):
        return f"{self.person} ({self.role})"


class Credit(RoleFields):
    """A person's part in one episode: host, guest, producer …"""

    episode = models.ForeignKey("episodes.Episode", on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="credits",
        help_text="Credited people cannot be deleted: the episode's history depends on them.",
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["episode", "person", "role"], name="credit_unique")]

    def __str__(self):
        return f"{self.person} ({self.role})"


class Pick(models.Model):
    """Something a person recommends at the end of an episode."""

    episode = models.ForeignKey("episodes.Episode", on_delete=models.CASCADE, related_name="picks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="picks")
    title = models.CharField(max_length=255)
    url = models.URLField(max_length=1000, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class PersonSlugHistory(models.Model):
    """An address a person's page answered to before it was merged into another record or renamed.

    ``/people/<old_slug>/`` answers 301 to the person's current page.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="slug_history")
    old_slug = models.SlugField(max_length=100, unique=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = "old person address"
        verbose_name_plural = "old person addresses"

    def __str__(self):
        return self.old_slug
