"""What the API reads and writes, validated by the models' own rules (``full_clean``).

Nested lists (credits, picks, links, sponsor reads, chapters, soundbites; a show's hosts, a
person's links) are replaced as a whole when given and left alone when absent. Every row is
checked with its model's ``full_clean`` before it is saved, inside the request's transaction, so
an error anywhere saves nothing and names its place: ``sponsor_reads.0.campaign``.
"""

import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from episodes import services
from episodes.models import Chapter, Episode, EpisodeLink, Network, Show, Soundbite, Team, Transcript
from people.models import Credit, Person, PersonLink, Pick, ShowHost
from people.taxonomy import group_for_role
from sponsors.models import Campaign, Sponsor, SponsorRead

from . import access
from .errors import django_errors


def clean(instance, exclude=None, prefix=None):
    """The model's full validation, raised as the API's field errors (``prefix.field``)."""
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as error:
        errors = _with_unique_fields(error)
        if prefix is not None:
            errors = {f"{prefix}.{field}": messages for field, messages in errors.items()}
        raise serializers.ValidationError(errors) from None


def _with_unique_fields(error):
    """Django reports a unique-together clash as a form-wide error; name the field that clashes."""
    if not hasattr(error, "error_dict"):
        return django_errors(error)
    moved = {}
    remaining = []
    for item in error.error_dict.get(NON_FIELD_ERRORS, []):
        check = (item.params or {}).get("unique_check") if item.code == "unique_together" else None
        if check:
            moved.setdefault(check[-1], []).extend(item.messages)
        else:
            remaining.append(item)
    error_dict = {k: v for k, v in error.error_dict.items() if k != NON_FIELD_ERRORS}
    if remaining:
        error_dict[NON_FIELD_ERRORS] = remaining
    errors = django_errors(DjangoValidationError(error_dict)) if error_dict else {}
    for field, messages in moved.items():
        errors.setdefault(field, []).extend(messages)
    return errors


class UploadField(serializers.FileField):
    """A file upload checked by the model field's own validators (artwork, audio), not DRF's."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_empty_file", False)
        super().__init__(**kwargs)


class ScopedSlugField(serializers.SlugRelatedField):
    """A show named by its slug, chosen among the shows the request may ``action`` on."""

    def __init__(self, action="edit", **kwargs):
        self.action = action
        kwargs.setdefault("slug_field", "slug")
        super().__init__(**kwargs)

    def get_queryset(self):
        return access.shows_for(self.context["request"], self.action)


class CampaignChoiceField(serializers.PrimaryKeyRelatedField):
    """Campaigns the user may choose: those running on their shows, as the admin's campaign list."""

    def get_queryset(self):
        return access.campaigns_for(self.context["request"], Campaign.objects.select_related("sponsor"))


ROLE_CHOICES = sorted(group_for_role())


class CreditSerializer(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="slug", queryset=Person.objects.all())
    role = serializers.ChoiceField(choices=ROLE_CHOICES, default="host")

    class Meta:
        model = Credit
        fields = ["person", "role", "group", "order"]
        read_only_fields = ["group"]


class HostSerializer(CreditSerializer):
    class Meta(CreditSerializer.Meta):
        model = ShowHost


class PickSerializer(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="slug", queryset=Person.objects.all())

    class Meta:
        model = Pick
        fields = ["person", "title", "url", "order"]


class LinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = EpisodeLink
        fields = ["title", "url", "order"]


class SponsorReadSerializer(serializers.ModelSerializer):
    campaign = CampaignChoiceField()
    sponsor = serializers.CharField(source="campaign.sponsor.name", read_only=True)

    class Meta:
        model = SponsorRead
        fields = ["campaign", "sponsor", "position", "order", "copy"]


class ChapterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Chapter
        fields = ["start_time", "title", "url"]


class SoundbiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Soundbite
        fields = ["start_time", "duration", "title"]


class TranscriptSerializer(serializers.ModelSerializer):
    file = UploadField(write_only=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Transcript
        fields = ["id", "file", "file_url", "url", "mime_type", "language", "is_captions"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_file_url(self, obj):
        if not obj.file:
            return None
        return self.context["request"].build_absolute_uri(obj.file.url)

    def create(self, validated_data):
        transcript = Transcript(episode=self.context["episode"], **validated_data)
        clean(transcript, exclude=["episode"])
        transcript.save()
        return transcript


def replace_rows(parent, relation, model, rows, prefix, build):
    """Delete ``parent``'s rows of ``relation`` and create ``rows``, each checked by full_clean."""
    getattr(parent, relation).all().delete()
    for index, data in enumerate(rows):
        row = build(dict(data))
        clean(row, prefix=f"{prefix}.{index}")
        row.save()


class NestedRowsMixin:
    """Writes the declared nested lists of ``nested`` = {field: (relation, parent attribute)}."""

    nested = {}

    def pop_nested(self, validated_data):
        return {name: validated_data.pop(name) for name in list(self.nested) if name in validated_data}

    def write_nested(self, parent, rows_by_name):
        for name, rows in rows_by_name.items():
            relation, parent_attribute = self.nested[name]
            model = getattr(type(parent), relation).rel.related_model
            replace_rows(
                parent,
                relation,
                model,
                rows,
                name,
                lambda data, model=model, attr=parent_attribute: model(**{attr: parent}, **data),
            )


class CleanModelSerializer(NestedRowsMixin, serializers.ModelSerializer):
    """Create and update through the model: ``full_clean`` decides what is valid, then save.

    Many-to-many fields (``m2m``) are set after the row is saved; nested lists are replaced.
    """

    m2m = ()

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            # Uniqueness is the model's to check (full_clean), with its own messages.
            field.validators = [v for v in field.validators if "Unique" not in type(v).__name__]
        return fields

    def get_validators(self):
        return []

    def create(self, validated_data):
        nested = self.pop_nested(validated_data)
        relations = {name: validated_data.pop(name) for name in self.m2m if name in validated_data}
        instance = self.Meta.model(**validated_data)
        clean(instance)
        instance.save()
        for name, values in relations.items():
            getattr(instance, name).set(values)
        self.write_nested(instance, nested)
        return instance

    def update(self, instance, validated_data):
        nested = self.pop_nested(validated_data)
        relations = {name: validated_data.pop(name) for name in self.m2m if name in validated_data}
        for name, value in validated_data.items():
            setattr(instance, name, value)
        clean(instance)
        instance.save()
        for name, values in relations.items():
            getattr(instance, name).set(values)
        self.write_nested(instance, nested)
        return instance


class EpisodeSerializer(CleanModelSerializer):
    show = ScopedSlugField(action="edit", help_text="The show's slug; a show you may edit.")
    guid = serializers.CharField(
        max_length=255,
        required=False,
        help_text="Given once at creation (or by the by-guid address); never changed after.",
    )
    audio = UploadField(write_only=True, help_text="The audio file (multipart upload).")
    artwork = UploadField(help_text="Episode artwork (multipart upload); the show's is used otherwise.")
    enclosure_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    is_public = serializers.BooleanField(read_only=True)
    credits = CreditSerializer(many=True, required=False)
    picks = PickSerializer(many=True, required=False)
    links = LinkSerializer(many=True, required=False)
    sponsor_reads = SponsorReadSerializer(many=True, required=False)
    chapters = ChapterSerializer(many=True, required=False)
    soundbites = SoundbiteSerializer(many=True, required=False)
    transcripts = TranscriptSerializer(many=True, read_only=True)

    nested = {
        "credits": ("credits", "episode"),
        "picks": ("picks", "episode"),
        "links": ("links", "episode"),
        "sponsor_reads": ("sponsor_reads", "episode"),
        "chapters": ("chapters", "episode"),
        "soundbites": ("soundbites", "episode"),
    }

    class Meta:
        model = Episode
        fields = [
            "id",
            "guid",
            "show",
            "title",
            "slug",
            "number",
            "season",
            "episode_type",
            "summary",
            "show_notes",
            "interview_topic",
            "audio",
            "external_audio_url",
            "enclosure_url",
            "audio_size",
            "audio_mime_type",
            "duration",
            "artwork",
            "artwork_url",
            "explicit",
            "link",
            "chapters_url",
            "status",
            "published_at",
            "published_by",
            "is_public",
            "page_url",
            "created_at",
            "updated_at",
            "credits",
            "picks",
            "links",
            "sponsor_reads",
            "chapters",
            "soundbites",
            "transcripts",
        ]
        read_only_fields = ["audio_size", "audio_mime_type", "duration", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["guid"].read_only = True
        return fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_enclosure_url(self, obj):
        url = obj.enclosure_url
        if not url:
            return None
        return self.context["request"].build_absolute_uri(url) if url.startswith("/") else url

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, obj):
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    def validate(self, attrs):
        """The admin's rules for a change of state: who may publish, and what goes with what."""
        request = self.context["request"]
        instance = self.instance
        stored_status = instance.status if instance else Episode.DRAFT
        stored_time = instance.published_at if instance else None
        stored_show = instance.show if instance else None
        show = attrs.get("show", stored_show)
        status = attrs.get("status", stored_status)
        time_given = "published_at" in attrs and attrs["published_at"] != stored_time
        if status != Episode.PUBLISHED and time_given and attrs["published_at"] is not None:
            raise serializers.ValidationError(
                {"published_at": "A publication time applies to published episodes: choose Published."}
            )
        if stored_status == Episode.PUBLISHED and status == Episode.REVIEW:
            raise serializers.ValidationError(
                {"status": "This episode is published: choose Draft to unpublish it before a review."}
            )
        publishing = (status != stored_status and Episode.PUBLISHED in (status, stored_status)) or (
            status == Episode.PUBLISHED and time_given
        )
        moved = stored_show is not None and show is not None and show.pk != stored_show.pk
        if (publishing or (moved and stored_status == Episode.PUBLISHED)) and not all(
            access.can(request, "publish", s) for s in {show, stored_show} - {None}
        ):
            raise PermissionDenied(f"Only editors of {show} may publish, schedule or unpublish its episodes.")
        return attrs

    def create(self, validated_data):
        request = self.context["request"]
        nested = self.pop_nested(validated_data)
        status = validated_data.pop("status", Episode.DRAFT)
        when = validated_data.pop("published_at", None)
        guid = validated_data.pop("guid", None) or self.context.get("guid") or str(uuid.uuid4())
        episode = Episode(guid=guid, status=Episode.DRAFT, **validated_data)
        clean(episode)
        episode.save()
        self.write_nested(episode, nested)
        services.credit_default_hosts(episode)
        self.change_state(episode, request.user, status, when)
        return episode

    def update(self, instance, validated_data):
        request = self.context["request"]
        nested = self.pop_nested(validated_data)
        status = validated_data.pop("status", instance.status)
        when = validated_data.pop("published_at", instance.published_at)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        clean(instance)
        instance.save()
        self.write_nested(instance, nested)
        self.change_state(instance, request.user, status, when, check_reads="sponsor_reads" in nested)
        return instance

    def change_state(self, episode, user, status, when, check_reads=False):
        """Through the workflow service, which checks the role again and records publications."""
        when = when if status == Episode.PUBLISHED else None
        if (status, when) != (episode.status, episode.published_at) and not (
            status == episode.status == Episode.PUBLISHED and when is None
        ):
            services.set_status(episode, user, status, when)
            check_reads = True
        if check_reads:
            # The reads' own rules again, now that the episode's publication time is known.
            for index, read in enumerate(episode.sponsor_reads.select_related("campaign")):
                read.episode = episode
                clean(read, prefix=f"sponsor_reads.{index}")


class NetworkSerializer(CleanModelSerializer):
    class Meta:
        model = Network
        fields = ["name", "tagline", "description", "website", "owner_name", "owner_email", "podcast_guid"]
        read_only_fields = ["podcast_guid"]


class ShowSerializer(CleanModelSerializer):
    artwork = UploadField(help_text="Square JPEG or PNG, 1400–3000 px (multipart upload).")
    hosts = HostSerializer(many=True, required=False)
    feed_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    nested = {"hosts": ("hosts", "show")}

    class Meta:
        model = Show
        exclude = ["content_changed_at"]
        read_only_fields = ["podcast_guid", "created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_feed_url(self, obj):
        return self.context["request"].build_absolute_uri(obj.get_feed_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, obj):
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class PersonLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonLink
        fields = ["title", "url", "order"]


class PersonSerializer(CleanModelSerializer):
    photo = UploadField(help_text="Square, at least 400 px (multipart upload).")
    links = PersonLinkSerializer(many=True, required=False)
    page_url = serializers.SerializerMethodField()

    nested = {"links": ("links", "person")}

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "slug",
            "bio",
            "photo",
            "website",
            "links",
            "page_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, obj):
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class SponsorSerializer(CleanModelSerializer):
    logo = UploadField(help_text="The sponsor's logo (multipart upload).")

    class Meta:
        model = Sponsor
        fields = ["id", "name", "slug", "website", "logo"]


class CampaignSerializer(CleanModelSerializer):
    sponsor = serializers.SlugRelatedField(slug_field="slug", queryset=Sponsor.objects.all())
    shows = ScopedSlugField(action="manage", many=True, required=False)

    m2m = ("shows",)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "sponsor",
            "name",
            "shows",
            "read_copy",
            "promo_url",
            "promo_code",
            "starts_on",
            "ends_on",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not access.sees_whole_network(self.context["request"]):
            # A campaign may also run on shows this user must not know of (a private show).
            data.pop("shows", None)
        return data


class TeamSerializer(CleanModelSerializer):
    shows = serializers.SlugRelatedField(
        slug_field="slug", queryset=Show.objects.all(), many=True, required=False
    )
    members = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), many=True, required=False
    )

    m2m = ("shows", "members")

    class Meta:
        model = Team
        fields = ["id", "name", "role", "all_shows", "shows", "members"]
