from django.contrib import admin

from episodes.scoped_admin import NetworkWideAdmin

from .models import Person, PersonLink


class PersonLinkInline(NetworkWideAdmin, admin.TabularInline):
    model = PersonLink
    extra = 0
    fields = ["title", "url", "order"]


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
    view_on_site = True
