import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from podcastcms.fields import RichTextField
from podcastcms.validators import validate_image_file


class Sponsor(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    website = models.URLField(blank=True)
    logo = models.ImageField(upload_to="sponsors/", blank=True, validators=[validate_image_file])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CampaignQuerySet(models.QuerySet):
    def in_flight(self, day=None):
        """Campaigns whose flight covers ``day`` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))

    def in_flight_first(self, day=None):
        """All campaigns, those in flight on ``day`` first, each group newest first."""
        day = day or timezone.localdate()
        covering = Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        return self.annotate(
            flying=Case(When(covering, then=Value(1)), default=Value(0), output_field=models.IntegerField())
        ).order_by("-flying", "-starts_on", "name", "pk")


class Campaign(models.Model):
    """A sponsor's flight: the copy hosts read, where it sends listeners, and on which shows."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=200)
    shows = models.ManyToManyField(
        "episodes.Show", related_name="campaigns", help_text="Shows this campaign runs on."
    )
    read_copy = RichTextField(help_text="The default copy of a read; each read may adapt it.")
    promo_url = models.URLField(max_length=1000, help_text="Where the read sends listeners.")
    promo_code = models.CharField(max_length=64, blank=True)
    starts_on = models.DateField(
        "first day", help_text="Reads may go out on episodes published from this day."
    )
    ends_on = models.DateField(
        "last day",
        null=True,
        blank=True,
        help_text="Episodes published after this day may not carry the read. Empty: no end yet.",
    )
    booked_downloads = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Downloads the sponsor bought across all reads; the report compares delivery with it.",
    )
    track_clicks = models.BooleanField(
        default=False,
        help_text="Episode pages and feeds link the read to our /go/<code>/ redirect, which counts clicks.",
    )
    click_code = models.SlugField(
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text="The <code> of the /go/<code>/ link; made from the campaign when left empty.",
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="campaign_flight_ordered",
            )
        ]

    def __str__(self):
        return f"{self.sponsor}: {self.name}"

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The campaign must end on or after its first day."})

    def save(self, *args, **kwargs):
        if self.track_clicks and not self.click_code:
            self.click_code = self.unused_click_code()
        super().save(*args, **kwargs)

    def unused_click_code(self):
        base = slugify(f"{self.sponsor.slug}-{self.name}")[:32].strip("-") or "campaign"
        code, suffix = base, 1
        while Campaign.objects.filter(click_code=code).exclude(pk=self.pk).exists():
            suffix += 1
            code = f"{base}-{suffix}"
        return code

    @property
    def promo_link(self):
        """Where reads send listeners: our counting redirect when the campaign tracks clicks."""
        if self.track_clicks and self.click_code:
            return settings.SITE_URL + reverse("sponsors:go", args=[self.click_code])
        return self.promo_url

    def in_flight_on(self, day):
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def flight_display(self):
        """“1 Jan 2019 – 31 Dec 2019”, or “from 1 Jan 2019” without an end."""
        if self.ends_on is None:
            return f"from {self.starts_on:%-d %b %Y}"
        return f"{self.starts_on:%-d %b %Y} – {self.ends_on:%-d %b %Y}"

    def flight_problem(self, day):
        """Why a read of this campaign may not go out on ``day``, or None when it may."""
        if self.in_flight_on(day):
            return None
        return (
            f"The campaign “{self}” is not in flight on {day:%-d %b %Y}, the day this episode goes out: "
            f"its flight is {self.flight_display()}. "
            "Remove the read, or choose a campaign in flight."
        )


def publication_day(published_at):
    """The day an episode published at ``published_at`` goes out, in the network's time zone."""
    return timezone.localdate(published_at) if published_at else None


class SponsorRead(models.Model):
    """A campaign placed on an episode, with the copy as it was read."""

    PRE_ROLL = "pre"
    MID_ROLL = "mid"
    POST_ROLL = "post"
    POSITION_CHOICES = [(PRE_ROLL, "Pre-roll"), (MID_ROLL, "Mid-roll"), (POST_ROLL, "Post-roll")]

    episode = models.ForeignKey("episodes.Episode", on_delete=models.CASCADE, related_name="sponsor_reads")
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="reads",
        help_text="Campaigns with reads cannot be deleted: published episodes carry them.",
    )
    position = models.CharField(max_length=8, choices=POSITION_CHOICES, default=PRE_ROLL)
    order = models.PositiveIntegerField(default=0)
    copy = RichTextField(blank=True, help_text="Leave empty to use the campaign's copy.")

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.campaign} ({self.get_position_display()})"

    def clean(self):
        if self.campaign_id and self.episode_id:
            show_id = self.episode.show_id
            if not self.campaign.shows.filter(pk=show_id).exists():
                raise ValidationError({"campaign": "This campaign does not run on this show."})
            if self.episode.status == "published":
                problem = self.campaign.flight_problem(publication_day(self.episode.published_at))
                if problem:
                    raise ValidationError({"campaign": problem})

    def save(self, *args, **kwargs):
        if not self.copy and self.campaign_id:
            self.copy = self.campaign.read_copy
        super().save(*args, **kwargs)


class PromoClick(models.Model):
    """One request of a campaign's /go/<code>/ link, hashed and classified like a download."""

    occurred_at = models.DateTimeField()
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="clicks")
    listener = models.CharField(max_length=32)
    agent_kind = models.CharField(max_length=8)
    is_bot = models.BooleanField(default=False)
    app = models.CharField(max_length=80, blank=True)
    referrer = models.CharField(max_length=300, blank=True)
    referrer_app = models.CharField(max_length=80, blank=True)

    class Meta:
        indexes = [models.Index(fields=["campaign", "occurred_at"], name="promoclick_campaign_time")]

    def __str__(self):
        return f"click on {self.campaign_id} at {self.occurred_at:%Y-%m-%d %H:%M}"


def new_link_key():
    return secrets.token_urlsafe(16)


class SponsorReportLink(models.Model):
    """A read-only link to a campaign's report for the sponsor, without an account.

    The URL carries a signed token naming this row and its key; it stops working at
    ``expires_at`` or when revoked, and a changed token is refused.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="report_links")
    label = models.CharField(max_length=200, blank=True, help_text="Who it was sent to, for your records.")
    key = models.CharField(max_length=32, default=new_link_key, editable=False, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(help_text="The link stops working at this time.")
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="Set to revoke the link at once; it then answers “not found”."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "sponsor report link"

    def __str__(self):
        return self.label or f"Report link of {self.campaign}"

    def is_valid(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at
