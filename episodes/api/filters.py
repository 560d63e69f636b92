from datetime import UTC

import django_filters
from django import forms

from episodes.models import Episode


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601 with any offset, compared in UTC (PostgreSQL refuses offsets beyond ±15:59)."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is None:
            return None
        try:
            return result.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("This time is out of range.", code="invalid") from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class EpisodeFilter(django_filters.FilterSet):
    """Filters within the episodes the request may see; an unknown show or person finds nothing."""

    show = django_filters.CharFilter(field_name="show__slug", help_text="A show's slug.")
    status = django_filters.ChoiceFilter(choices=Episode.STATUS_CHOICES)
    published_after = UtcDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="Publication time at or after (ISO 8601)."
    )
    published_before = UtcDateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="Publication time before (ISO 8601)."
    )
    updated_after = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after (ISO 8601)."
    )
    person = django_filters.CharFilter(
        field_name="credits__person__slug", distinct=True, help_text="Credits a person (their slug)."
    )
    guid = django_filters.CharFilter(field_name="guid")

    class Meta:
        model = Episode
        fields = ["show", "status", "published_after", "published_before", "updated_after", "person", "guid"]
