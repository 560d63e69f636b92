import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.template.response import TemplateResponse

from episodes.models import Episode
from episodes.scoped_admin import NetworkWideAdmin

from .merge import merge_people
from .models import Person, PersonLink


class PersonLinkInline(NetworkWideAdmin, admin.TabularInline):
    model = PersonLink
    extra = 0
    fields = ["title", "url", "order"]


class MergeForm(forms.Form):
    keep = forms.ChoiceField(widget=forms.RadioSelect, label="keep the record of")

    def __init__(self, people, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(str(p.pk), f"{p.name} (/people/{p.slug}/)") for p in people]


@admin.action(description="Merge two selected people into one", permissions=["change"])
def merge_selected_people(modeladmin, request, queryset):
    """Two records of one human become one: credits, picks, links and host roles move over."""
    people = list(queryset.order_by("pk")[:3])
    if len(people) != 2:
        modeladmin.message_user(request, "Select exactly two people to merge.", messages.WARNING)
        return None
    form = MergeForm(people, request.POST if "apply" in request.POST else None)
    if not form.is_bound or not form.is_valid():
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": "Merge two people",
            "form": form,
            "people": people,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/people/person/merge.html", context)
    kept = next(p for p in people if str(p.pk) == form.cleaned_data["keep"])
    old = next(p for p in people if p.pk != kept.pk)
    with transaction.atomic():
        episode_ids = merge_people(old, kept)
        for episode in Episode.objects.filter(pk__in=episode_ids):
            # One revision per episode whose credits or picks changed.
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(f"Merged {old.name} into {kept.name}.")
                reversion.add_to_revision(episode)
    modeladmin.message_user(
        request,
        f"Merged “{old.name}” into “{kept.name}”: {len(episode_ids)} episode(s) moved over; "
        f"/people/{old.slug}/ now redirects to /people/{kept.slug}/.",
        messages.SUCCESS,
    )
    return None


@admin.register(Person)
class PersonAdmin(NetworkWideAdmin, admin.ModelAdmin):
    """The registry is network-wide; credits are edited on episodes, never listed here.

    Listing a person's credits would show every show's unpublished episodes to anyone on
    any team, so this page carries only what the public person page shows about the person.
    """

    list_display = ["name", "slug", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "bio", "photo", "photo_url", "website"]
    inlines = [PersonLinkInline]
    actions = [merge_selected_people]
    view_on_site = True
