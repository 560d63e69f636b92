import django_filters

from episodes.models import Episode


class EpisodeFilter(django_filters.FilterSet):
    """Filters within the episodes the request may see; an unknown show or person finds nothing."""

    show = django_filters.CharFilter(field_name="show__slug", help_text="A show's slug.")
    status = django_filters.ChoiceFilter(choices=Episode.STATUS_CHOICES)
    published_after = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="Publication time at or after (ISO 8601)."
    )
    published_before = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="Publication time before (ISO 8601)."
    )
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after (ISO 8601)."
    )
    person = django_filters.CharFilter(
        field_name="credits__person__slug", distinct=True, help_text="Credits a person (their slug)."
    )
    guid = django_filters.CharFilter(field_name="guid")

    class Meta:
        model = Episode
        fields = ["show", "status", "published_after", "published_before", "updated_after", "person", "guid"]
