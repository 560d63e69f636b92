"""Bulk changes on the selected episodes: credits, season, episode type.

Each action first asks what to do on a small form, then changes every selected episode the
user may edit (``episodes.access``) in one transaction, keeping one revision per episode
(``services.revision``) so each change can be read and restored from that episode's history.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.template.response import TemplateResponse

from episodes import services
from episodes.access import shows_for
from episodes.models import Episode
from people.models import Credit, Person
from people.taxonomy import role_choices

ANY_ROLE = ""


class CreditForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.all(), label="person")
    role = forms.ChoiceField(choices=role_choices(), initial="guest")


class ReplaceCreditForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.all(), label="replace")
    replacement = forms.ModelChoiceField(queryset=Person.objects.all(), label="with")
    role = forms.ChoiceField(
        choices=[(ANY_ROLE, "in any role"), *role_choices()], required=False, label="credited as"
    )

    def clean(self):
        data = super().clean()
        if data.get("person") and data.get("person") == data.get("replacement"):
            self.add_error("replacement", "Choose someone else than the person replaced.")
        return data


class RemoveCreditForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.all(), label="person")
    role = forms.ChoiceField(
        choices=[(ANY_ROLE, "in any role"), *role_choices()], required=False, label="credited as"
    )


class SeasonForm(forms.Form):
    season = forms.IntegerField(min_value=1, required=False, help_text="Leave empty to clear the season.")


class EpisodeTypeForm(forms.Form):
    episode_type = forms.ChoiceField(choices=Episode.TYPE_CHOICES, label="type")


def ask(modeladmin, request, queryset, form, title, action):
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "opts": modeladmin.model._meta,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/episodes/episode/bulk_form.html", context)


def run_bulk(modeladmin, request, queryset, form_class, title, action, change, describe):
    """Ask with ``form_class``; once answered, ``change(episode, data)`` on each editable episode.

    ``change`` returns True when it changed the episode. All or nothing: one transaction.
    """
    form = form_class(request.POST if "apply" in request.POST else None)
    episodes = list(queryset.filter(show__in=shows_for(request.user, "edit")).select_related("show"))
    if not form.is_bound or not form.is_valid():
        return ask(modeladmin, request, episodes, form, title, action)
    data = form.cleaned_data
    changed = []
    with transaction.atomic():
        for episode in episodes:
            with services.revision(request.user, describe(data), episode):
                if change(episode, data):
                    changed.append(episode)
    if changed:
        titles = ", ".join(f"“{episode}”" for episode in changed)
        modeladmin.message_user(request, f"{describe(data)} Changed: {titles}.", messages.SUCCESS)
    else:
        modeladmin.message_user(request, "No selected episode needed this change.", messages.INFO)
    return None


def role_label(role):
    return dict(choice for _, choices in role_choices() for choice in choices).get(role, "any role")


@admin.action(description="Add a credit to selected episodes")
def add_credit(modeladmin, request, queryset):
    def change(episode, data):
        _, created = Credit.objects.get_or_create(
            episode=episode,
            person=data["person"],
            role=data["role"],
            defaults={"order": episode.credits.count()},
        )
        return created

    return run_bulk(
        modeladmin,
        request,
        queryset,
        CreditForm,
        "Add a credit to the selected episodes",
        "add_credit",
        change,
        lambda data: f"Credited {data['person']} as {role_label(data['role'])}.",
    )


@admin.action(description="Replace a credited person on selected episodes")
def replace_credit(modeladmin, request, queryset):
    def change(episode, data):
        credits = Credit.objects.filter(episode=episode, person=data["person"])
        if data["role"]:
            credits = credits.filter(role=data["role"])
        done = False
        for credit in credits:
            if Credit.objects.filter(episode=episode, person=data["replacement"], role=credit.role).exists():
                credit.delete()  # the replacement already has this part
            else:
                credit.person = data["replacement"]
                credit.save()
            done = True
        return done

    return run_bulk(
        modeladmin,
        request,
        queryset,
        ReplaceCreditForm,
        "Replace a credited person on the selected episodes",
        "replace_credit",
        change,
        lambda data: f"Replaced {data['person']} with {data['replacement']} ({role_label(data['role'])}).",
    )


@admin.action(description="Remove a credit from selected episodes")
def remove_credit(modeladmin, request, queryset):
    def change(episode, data):
        credits = Credit.objects.filter(episode=episode, person=data["person"])
        if data["role"]:
            credits = credits.filter(role=data["role"])
        deleted, _ = credits.delete()
        return bool(deleted)

    return run_bulk(
        modeladmin,
        request,
        queryset,
        RemoveCreditForm,
        "Remove a credit from the selected episodes",
        "remove_credit",
        change,
        lambda data: f"Removed the credit of {data['person']} ({role_label(data['role'])}).",
    )


@admin.action(description="Set the season of selected episodes")
def set_season(modeladmin, request, queryset):
    def change(episode, data):
        if episode.season == data["season"]:
            return False
        episode.season = data["season"]
        episode.save(update_fields=["season", "updated_at"])
        return True

    return run_bulk(
        modeladmin,
        request,
        queryset,
        SeasonForm,
        "Set the season of the selected episodes",
        "set_season",
        change,
        lambda data: f"Set the season to {data['season']}." if data["season"] else "Cleared the season.",
    )


@admin.action(description="Set the type of selected episodes")
def set_episode_type(modeladmin, request, queryset):
    def change(episode, data):
        if episode.episode_type == data["episode_type"]:
            return False
        episode.episode_type = data["episode_type"]
        episode.save(update_fields=["episode_type", "updated_at"])
        return True

    return run_bulk(
        modeladmin,
        request,
        queryset,
        EpisodeTypeForm,
        "Set the type of the selected episodes",
        "set_episode_type",
        change,
        lambda data: f"Set the type to {dict(Episode.TYPE_CHOICES)[data['episode_type']]}.",
    )


EPISODE_ACTIONS = [add_credit, replace_credit, remove_credit, set_season, set_episode_type]
