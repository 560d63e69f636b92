"""Per-show access across every admin URL: a status matrix, and no trace of show B for show A's team."""

import json
from urllib.parse import urlencode

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from episodes.models import Announcement, Episode, EpisodeLink, Network, Show, Team
from people.models import Credit, Person
from sponsors.models import Campaign, Sponsor, SponsorRead
from tests.factories import (
    EPISODE_TAG_PREFIXES,
    make_campaign,
    make_show,
    make_user,
)
from tests.worlds import MARKER_B, two_show_world

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"

ROLES = ["anonymous", "producer_a", "editor_a", "network_admin"]


@pytest.fixture
def world():
    """Two shows, each with a draft carrying everything an episode can; B's all carry the marker."""
    world = two_show_world()
    for key, marker in (("a", "alpha"), ("b", MARKER_B)):
        episode = world[f"episode_{key}"]
        episode.show_notes = f"<p>Notes {marker}</p>"
        episode.save()
        Announcement.objects.create(show=episode.show, text=f"<p>News {marker}</p>", starts_on="2020-01-01")
    world["shared_campaign"] = make_campaign(
        world["show_a"], world["show_b"], name="Shared Flight", sponsor=world["sponsor_a"]
    )
    world["users"] = {"anonymous": None, **world["users"]}
    return world


def client_for(world, role):
    client = Client()
    if world["users"][role] is not None:
        client.force_login(world["users"][role])
    return client


def admin_url(view, model, obj=None, popup=False):
    app_label = model._meta.app_label
    name = model._meta.model_name
    args = [obj.pk] if obj is not None else []
    url = reverse(f"admin:{app_label}_{name}_{view}", args=args)
    return url + ("?_popup=1" if popup else "")


def autocomplete_url(app_label, model_name, field_name, term=""):
    query = urlencode(
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term}
    )
    return f"{reverse('admin:autocomplete')}?{query}"


def revision_url(view, episode):
    """The URL of a revision of ``episode`` (one is kept first, as a save would)."""
    import reversion
    from reversion.models import Version

    with reversion.create_revision():
        reversion.add_to_revision(episode)
    version = Version.objects.get_for_object(episode).first()
    return reverse(f"admin:episodes_episode_{view}", args=[episode.pk, version.pk])


def view_on_site_url(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


# Expected status per role: anonymous, producer of A, editor of A, network admin.
# 302 for anonymous is the login redirect (checked below). An object the user may not see
# (another show's, a team, the network) is not found (404), exactly as a missing one is,
# never forbidden by title; pages that are no object (lists, add forms) answer 403.
LOGIN_ONLY = (302, 200, 200, 200)
SCOPED_OTHER = (302, 404, 404, 200)
NETWORK_ADMIN_ONLY = (302, 403, 403, 200)
NETWORK_ADMIN_OBJECT = (302, 404, 404, 200)
EDITOR_UP = (302, 403, 200, 200)
MATRIX = [
    # Episodes: scoped to the team's shows.
    ("episode changelist", lambda w: admin_url("changelist", Episode), LOGIN_ONLY),
    ("episode add", lambda w: admin_url("add", Episode), LOGIN_ONLY),
    ("episode add popup", lambda w: admin_url("add", Episode, popup=True), LOGIN_ONLY),
    ("episode A change", lambda w: admin_url("change", Episode, w["episode_a"]), LOGIN_ONLY),
    ("episode A change popup", lambda w: admin_url("change", Episode, w["episode_a"], True), LOGIN_ONLY),
    ("episode A history", lambda w: admin_url("history", Episode, w["episode_a"]), LOGIN_ONLY),
    ("episode A delete", lambda w: admin_url("delete", Episode, w["episode_a"]), EDITOR_UP),
    ("episode B change", lambda w: admin_url("change", Episode, w["episode_b"]), SCOPED_OTHER),
    ("episode B change popup", lambda w: admin_url("change", Episode, w["episode_b"], True), SCOPED_OTHER),
    ("episode B history", lambda w: admin_url("history", Episode, w["episode_b"]), SCOPED_OTHER),
    ("episode B delete", lambda w: admin_url("delete", Episode, w["episode_b"]), SCOPED_OTHER),
    # Shows: teams view their own; network admins manage.
    ("show changelist", lambda w: admin_url("changelist", Show), LOGIN_ONLY),
    ("show add", lambda w: admin_url("add", Show), NETWORK_ADMIN_ONLY),
    ("show A change", lambda w: admin_url("change", Show, w["show_a"]), LOGIN_ONLY),
    ("show A history", lambda w: admin_url("history", Show, w["show_a"]), LOGIN_ONLY),
    ("show A delete", lambda w: admin_url("delete", Show, w["show_a"]), NETWORK_ADMIN_ONLY),
    ("show B change", lambda w: admin_url("change", Show, w["show_b"]), SCOPED_OTHER),
    ("show B change popup", lambda w: admin_url("change", Show, w["show_b"], True), SCOPED_OTHER),
    ("show B history", lambda w: admin_url("history", Show, w["show_b"]), SCOPED_OTHER),
    ("show B delete", lambda w: admin_url("delete", Show, w["show_b"]), SCOPED_OTHER),
    # Teams and the network: network admins only.
    ("team changelist", lambda w: admin_url("changelist", Team), NETWORK_ADMIN_ONLY),
    ("team add", lambda w: admin_url("add", Team), NETWORK_ADMIN_ONLY),
    ("team A change", lambda w: admin_url("change", Team, w["team_a"]), NETWORK_ADMIN_OBJECT),
    ("team B change", lambda w: admin_url("change", Team, w["team_b"]), NETWORK_ADMIN_OBJECT),
    ("team B history", lambda w: admin_url("history", Team, w["team_b"]), NETWORK_ADMIN_OBJECT),
    ("team B delete", lambda w: admin_url("delete", Team, w["team_b"]), NETWORK_ADMIN_OBJECT),
    ("network changelist", lambda w: admin_url("changelist", Network), NETWORK_ADMIN_ONLY),
    ("network change", lambda w: admin_url("change", Network, w["network"]), NETWORK_ADMIN_OBJECT),
    ("network history", lambda w: admin_url("history", Network, w["network"]), NETWORK_ADMIN_OBJECT),
    # People and sponsors: network-wide, viewed by every team, changed by network admins.
    ("person changelist", lambda w: admin_url("changelist", Person), LOGIN_ONLY),
    ("person add", lambda w: admin_url("add", Person), NETWORK_ADMIN_ONLY),
    ("person B change", lambda w: admin_url("change", Person, w["person_b"]), LOGIN_ONLY),
    ("person B history", lambda w: admin_url("history", Person, w["person_b"]), LOGIN_ONLY),
    (
        "person B delete",
        lambda w: admin_url("delete", Person, w["person_b"]),
        NETWORK_ADMIN_ONLY,
    ),
    ("sponsor changelist", lambda w: admin_url("changelist", Sponsor), LOGIN_ONLY),
    ("sponsor add", lambda w: admin_url("add", Sponsor), NETWORK_ADMIN_ONLY),
    ("sponsor B change", lambda w: admin_url("change", Sponsor, w["sponsor_b"]), LOGIN_ONLY),
    ("sponsor B delete", lambda w: admin_url("delete", Sponsor, w["sponsor_b"]), NETWORK_ADMIN_ONLY),
    ("campaign changelist", lambda w: admin_url("changelist", Campaign), LOGIN_ONLY),
    ("campaign add", lambda w: admin_url("add", Campaign), NETWORK_ADMIN_ONLY),
    ("campaign A change", lambda w: admin_url("change", Campaign, w["campaign_a"]), LOGIN_ONLY),
    ("campaign A delete", lambda w: admin_url("delete", Campaign, w["campaign_a"]), NETWORK_ADMIN_ONLY),
    ("campaign B change", lambda w: admin_url("change", Campaign, w["campaign_b"]), SCOPED_OTHER),
    ("campaign B history", lambda w: admin_url("history", Campaign, w["campaign_b"]), SCOPED_OTHER),
    ("campaign B delete", lambda w: admin_url("delete", Campaign, w["campaign_b"]), SCOPED_OTHER),
    # Autocomplete endpoints behind every autocomplete field.
    ("credit person autocomplete", lambda w: autocomplete_url("people", "credit", "person"), LOGIN_ONLY),
    ("pick person autocomplete", lambda w: autocomplete_url("people", "pick", "person"), LOGIN_ONLY),
    ("host person autocomplete", lambda w: autocomplete_url("people", "showhost", "person"), LOGIN_ONLY),
    (
        "read campaign autocomplete",
        lambda w: autocomplete_url("sponsors", "sponsorread", "campaign"),
        LOGIN_ONLY,
    ),
    (
        "campaign sponsor autocomplete",
        lambda w: autocomplete_url("sponsors", "campaign", "sponsor"),
        LOGIN_ONLY,
    ),
    # Related-object popups opened from the forms' widgets.
    (
        "person changelist popup",
        lambda w: admin_url("changelist", Person) + "?_to_field=id&_popup=1",
        LOGIN_ONLY,
    ),
    ("show changelist popup", lambda w: admin_url("changelist", Show) + "?_to_field=id&_popup=1", LOGIN_ONLY),
    ("campaign B view popup", lambda w: admin_url("change", Campaign, w["campaign_b"], True), SCOPED_OTHER),
    ("sponsor add popup", lambda w: admin_url("add", Sponsor, popup=True), NETWORK_ADMIN_ONLY),
    ("team A history", lambda w: admin_url("history", Team, w["team_a"]), NETWORK_ADMIN_OBJECT),
    ("sponsor B history", lambda w: admin_url("history", Sponsor, w["sponsor_b"]), LOGIN_ONLY),
    ("campaign A history", lambda w: admin_url("history", Campaign, w["campaign_a"]), LOGIN_ONLY),
    ("show episode autocomplete", lambda w: autocomplete_url("people", "credit", "episode"), LOGIN_ONLY),
    ("episode show autocomplete", lambda w: autocomplete_url("episodes", "episode", "show"), LOGIN_ONLY),
    # "View on site" redirects: never to another show's URL.
    ("episode A view on site", lambda w: view_on_site_url(w["episode_a"]), (302, 302, 302, 302)),
    ("episode B view on site", lambda w: view_on_site_url(w["episode_b"]), (302, 404, 404, 302)),
    ("show B view on site", lambda w: view_on_site_url(w["show_b"]), (302, 404, 404, 302)),
    # The editorial calendar, revisions, restoring deleted episodes, audio uploads.
    ("episode calendar", lambda w: reverse("admin:episodes_episode_calendar"), LOGIN_ONLY),
    (
        "episode calendar month",
        lambda w: reverse("admin:episodes_episode_calendar") + "?view=month&date=2026-02-01",
        LOGIN_ONLY,
    ),
    (
        "episode calendar of show B",
        lambda w: reverse("admin:episodes_episode_calendar") + f"?show={w['show_b'].pk}",
        (302, 404, 404, 200),
    ),
    ("episode A revision", lambda w: revision_url("revision", w["episode_a"]), LOGIN_ONLY),
    ("episode A revision changes", lambda w: revision_url("changes", w["episode_a"]), LOGIN_ONLY),
    ("episode B revision", lambda w: revision_url("revision", w["episode_b"]), SCOPED_OTHER),
    ("episode B revision changes", lambda w: revision_url("changes", w["episode_b"]), SCOPED_OTHER),
    ("episode recover list", lambda w: reverse("admin:episodes_episode_recoverlist"), (302, 404, 404, 200)),
    # Uploads take POST only (their scoping is tested in test_audio_staging); all need a login.
    ("episode audio upload", lambda w: reverse("admin:episodes_episode_upload_audio"), (302, 405, 405, 405)),
    (
        "episode direct upload start",
        lambda w: reverse("admin:episodes_episode_upload_start"),
        (302, 405, 405, 405),
    ),
    (
        "episode direct upload complete",
        lambda w: reverse("admin:episodes_episode_upload_complete"),
        (302, 405, 405, 405),
    ),
    # Each user's own notification settings: the list redirects to the user's own row.
    (
        "own notification settings",
        lambda w: reverse("admin:episodes_notificationsettings_changelist"),
        (302, 302, 302, 302),
    ),
    # The index and the editor's image browser.
    ("admin index", lambda w: reverse("admin:index"), LOGIN_ONLY),
    ("editor browse", lambda w: reverse("ckeditor_browse"), LOGIN_ONLY),
]


@pytest.mark.parametrize("name,url,expected", MATRIX, ids=[row[0] for row in MATRIX])
def test_admin_url_answers_expected_status_for_each_role(world, name, url, expected):
    path = url(world)
    statuses = tuple(client_for(world, role).get(path).status_code for role in ROLES)

    assert statuses == expected


@pytest.mark.parametrize("name,url,expected", MATRIX, ids=[row[0] for row in MATRIX])
def test_admin_redirects_go_to_login_or_say_not_found(world, name, url, expected):
    path = url(world)
    anonymous = client_for(world, "anonymous").get(path)
    assert anonymous["Location"].startswith(LOGIN)
    for role, status in zip(ROLES[1:], expected[1:], strict=True):
        if status == 302:
            assert "view on site" in name or name == "own notification settings", (name, role)


def test_notification_settings_redirect_each_user_to_their_own_row(world):
    from episodes.models import NotificationSettings

    for role in ROLES[1:]:
        response = client_for(world, role).get(reverse("admin:episodes_notificationsettings_changelist"))
        own = NotificationSettings.objects.get(user=world["users"][role])
        assert response["Location"] == reverse("admin:episodes_notificationsettings_change", args=[own.pk])


def test_view_on_site_redirects_to_own_show_episode(world):
    response = client_for(world, "producer_a").get(view_on_site_url(world["episode_a"]))

    assert response["Location"] == "http://testserver/shows/alpha/draft-a/"


@pytest.mark.parametrize("role", ["producer_a", "editor_a"])
def test_show_a_team_never_sees_show_b_marker(world, role):
    client = client_for(world, role)
    extra = [
        admin_url("changelist", Episode) + "?q=bravo",
        admin_url("changelist", Episode) + f"?show={world['show_b'].pk}",
        admin_url("changelist", Campaign) + "?q=Bravo",
        autocomplete_url("people", "credit", "person", term="Bob"),
        autocomplete_url("sponsors", "sponsorread", "campaign", term="Bravo"),
        admin_url("change", Person, world["person_b"]),
        admin_url("change", Sponsor, world["sponsor_b"]),
        admin_url("change", Sponsor, world["sponsor_a"]),
        admin_url("change", Campaign, world["shared_campaign"]),
    ]
    paths = [row[1](world) for row in MATRIX] + extra
    for path in paths:
        response = client.get(path, follow=True)
        assert MARKER_B not in response.content.decode(), path


def test_network_admin_sees_show_b_marker(world):
    """The marker test above can fail: the same pages do carry it for someone allowed."""
    response = client_for(world, "network_admin").get(admin_url("changelist", Episode))

    assert list(response.context["cl"].result_list) == [world["episode_b"], world["episode_a"]]
    assert MARKER_B in response.content.decode()


def test_episode_changelist_lists_only_own_show(world):
    response = client_for(world, "producer_a").get(admin_url("changelist", Episode))

    assert list(response.context["cl"].result_list) == [world["episode_a"]]


def test_show_filter_offers_only_own_shows(world):
    make_show(title="Charlie Show", slug="charlie")
    response = client_for(world, "producer_a").get(admin_url("changelist", Episode))
    show_filter = next(f for f in response.context["cl"].filter_specs if f.title == "show")

    assert show_filter.lookup_choices == [(str(world["show_a"].pk), "Alpha Show")]


def test_campaign_autocomplete_offers_only_campaigns_on_own_shows(world):
    response = client_for(world, "producer_a").get(autocomplete_url("sponsors", "sponsorread", "campaign"))

    results = [r["id"] for r in json.loads(response.content)["results"]]
    assert results == [str(world["campaign_a"].pk), str(world["shared_campaign"].pk)]


def test_person_autocomplete_does_not_search_credits(world):
    """People are network-wide, but searching by another show's draft title finds no one."""
    client = client_for(world, "producer_a")
    by_name = client.get(autocomplete_url("people", "credit", "person", term="Bob"))
    by_episode = client.get(autocomplete_url("people", "credit", "person", term="Draft of bravo"))

    assert [r["text"] for r in json.loads(by_name.content)["results"]] == ["Bob Guest"]
    assert json.loads(by_episode.content)["results"] == []


def test_producer_cannot_choose_published_status(world):
    response = client_for(world, "producer_a").get(admin_url("change", Episode, world["episode_a"]))
    form = response.context["adminform"].form

    assert [value for value, _ in form.fields["status"].choices] == [Episode.DRAFT, Episode.REVIEW]
    assert "published_at" not in form.fields


def test_editor_may_choose_published_status(world):
    response = client_for(world, "editor_a").get(admin_url("change", Episode, world["episode_a"]))
    form = response.context["adminform"].form

    assert [value for value, _ in form.fields["status"].choices] == [
        Episode.DRAFT,
        Episode.REVIEW,
        Episode.PUBLISHED,
    ]
    assert "published_at" in form.fields


def test_recent_actions_hide_entries_about_shows_left(world):
    """A user who edited show B and then left its team no longer reads B's titles on the index."""
    editor = world["users"]["editor_a"]
    world["team_b"].members.add(editor)
    client = client_for(world, "editor_a")
    for episode in (world["episode_a"], world["episode_b"]):
        client.post(admin_url("change", Episode, episode), episode_post_data(episode))
    assert LogEntry.objects.filter(user=editor).count() == 2
    world["team_b"].members.remove(editor)

    response = client_for(world, "editor_a").get(reverse("admin:index"))

    assert [entry.object_repr for entry in response.context["recent_actions"]] == ["Draft of alpha alpha"]
    assert MARKER_B not in response.content.decode()


def episode_post_data(episode, **changes):
    """The change form of ``episode`` as the browser posts it, with no inline rows changed."""
    data = {
        "show": episode.show_id,
        "title": episode.title,
        "slug": episode.slug,
        "number": episode.number or "",
        "season": episode.season or "",
        "episode_type": episode.episode_type,
        "summary": episode.summary,
        "show_notes": episode.show_notes,
        "external_audio_url": episode.external_audio_url,
        "status": episode.status,
        "link": "",
        "chapters_url": "",
    }
    prefixes = [
        "credits",
        "picks",
        "links",
        "sponsor_reads",
        "chapters",
        "transcripts",
        "soundbites",
        "publication_records",
        "slug_history",
        *EPISODE_TAG_PREFIXES,
    ]
    for prefix in prefixes:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data["credits-INITIAL_FORMS"] = 0
    data.update(changes)
    return data


def snapshot(*querysets):
    return [list(qs.order_by("pk").values()) for qs in querysets]


def show_b_rows(world):
    episode_b = world["episode_b"]
    return snapshot(
        Episode.objects.filter(show=world["show_b"]),
        Credit.objects.filter(episode=episode_b),
        SponsorRead.objects.filter(episode=episode_b),
        EpisodeLink.objects.filter(episode=episode_b),
        Show.objects.filter(pk=world["show_b"].pk),
    )


def test_posting_show_b_into_episode_a_form_is_refused(world):
    before = show_b_rows(world)
    episode_a = world["episode_a"]
    data = episode_post_data(episode_a, show=world["show_b"].pk, title="Moved away")

    response = client_for(world, "producer_a").post(admin_url("change", Episode, episode_a), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["show"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    episode_a.refresh_from_db()
    assert (episode_a.show, episode_a.title) == (world["show_a"], "Draft of alpha alpha")
    assert show_b_rows(world) == before


def test_adding_episode_to_show_b_is_refused(world):
    count = Episode.objects.count()
    data = episode_post_data(world["episode_a"], slug="new-one", title="New")

    response = client_for(world, "producer_a").post(
        admin_url("add", Episode), {**data, "show": world["show_b"].pk}
    )

    assert response.context["adminform"].form.errors["show"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Episode.objects.count() == count


def test_posting_show_b_campaign_into_sponsor_read_is_refused(world):
    episode_a = world["episode_a"]
    reads = SponsorRead.objects.count()
    data = episode_post_data(
        episode_a,
        **{
            "sponsor_reads-TOTAL_FORMS": 1,
            "sponsor_reads-0-campaign": world["campaign_b"].pk,
            "sponsor_reads-0-position": "pre",
            "sponsor_reads-0-order": 0,
            "sponsor_reads-0-copy": "",
        },
    )

    response = client_for(world, "editor_a").post(admin_url("change", Episode, episode_a), data)

    errors = response.context["inline_admin_formsets"][3].formset.errors
    assert errors == [
        {"campaign": ["Select a valid choice. That choice is not one of the available choices."]}
    ]
    assert SponsorRead.objects.count() == reads


def test_posting_show_b_credit_row_into_episode_a_is_refused(world):
    before = show_b_rows(world)
    episode_a = world["episode_a"]
    credit_b = Credit.objects.get(episode=world["episode_b"])
    data = episode_post_data(
        episode_a,
        **{
            "credits-TOTAL_FORMS": 1,
            "credits-INITIAL_FORMS": 1,
            "credits-0-id": credit_b.pk,
            "credits-0-episode": episode_a.pk,
            "credits-0-person": world["person_a"].pk,
            "credits-0-role": "host",
            "credits-0-order": 0,
            "credits-0-DELETE": "on",
        },
    )

    client_for(world, "editor_a").post(admin_url("change", Episode, episode_a), data)

    assert show_b_rows(world) == before
    assert Credit.objects.get(pk=credit_b.pk).episode == world["episode_b"]


def test_posting_to_show_b_change_url_changes_nothing(world):
    before = show_b_rows(world)
    data = episode_post_data(world["episode_b"], title="Hijacked")

    response = client_for(world, "editor_a").post(admin_url("change", Episode, world["episode_b"]), data)

    assert response.status_code == 404
    assert show_b_rows(world) == before


@pytest.mark.parametrize("action", ["publish_now", "unpublish", "delete_selected"])
@pytest.mark.parametrize("select_across", ["0", "1"])
def test_actions_with_show_b_ids_change_no_row_of_show_b(world, action, select_across):
    world["episode_b"].status = Episode.PUBLISHED
    world["episode_b"].published_at = world["episode_b"].created_at
    world["episode_b"].save()
    before = show_b_rows(world)
    data = {
        "action": action,
        "_selected_action": [world["episode_b"].pk],
        "select_across": select_across,
        "index": 0,
        "post": "yes",
    }

    response = client_for(world, "editor_a").post(admin_url("changelist", Episode), data, follow=True)

    assert show_b_rows(world) == before
    assert MARKER_B not in response.content.decode()


def test_delete_selected_confirmation_lists_no_show_b_episode(world):
    data = {"action": "delete_selected", "_selected_action": [world["episode_b"].pk], "index": 0}

    response = client_for(world, "editor_a").post(admin_url("changelist", Episode), data)

    assert list(response.context["queryset"]) == []
    assert MARKER_B not in response.content.decode()


def test_publish_action_with_select_across_publishes_only_own_show(world):
    data = {
        "action": "publish_now",
        "_selected_action": [world["episode_a"].pk],
        "select_across": "1",
        "index": 0,
    }

    client_for(world, "editor_a").post(admin_url("changelist", Episode), data)

    statuses = dict(Episode.objects.values_list("slug", "status"))
    assert statuses == {"draft-a": Episode.PUBLISHED, "draft-b": Episode.DRAFT}
    assert Episode.objects.get(slug="draft-a").published_by == world["users"]["editor_a"]


def test_producer_has_no_publish_actions(world):
    response = client_for(world, "producer_a").get(admin_url("changelist", Episode))

    choices = [value for value, _ in response.context["action_form"].fields["action"].choices]
    assert choices == [
        "",
        "mark_ready_for_review",
        "duplicate",
        "revoke_preview_links",
        "add_credit",
        "replace_credit",
        "remove_credit",
        "set_season",
        "set_episode_type",
    ]


def test_producer_posting_publish_action_changes_nothing(world):
    data = {"action": "publish_now", "_selected_action": [world["episode_a"].pk], "index": 0}

    client_for(world, "producer_a").post(admin_url("changelist", Episode), data)

    assert Episode.objects.get(slug="draft-a").status == Episode.DRAFT


def test_producer_posting_published_status_is_refused(world):
    episode_a = world["episode_a"]
    data = episode_post_data(
        episode_a, status=Episode.PUBLISHED, published_at_0="2020-01-01", published_at_1="10:00"
    )

    response = client_for(world, "producer_a").post(admin_url("change", Episode, episode_a), data)

    assert response.context["adminform"].form.errors["status"] == [
        "Select a valid choice. published is not one of the available choices."
    ]
    episode_a.refresh_from_db()
    assert (episode_a.status, episode_a.published_at) == (Episode.DRAFT, None)


def test_editor_publishing_in_form_records_time_and_publisher(world):
    episode_a = world["episode_a"]
    data = episode_post_data(episode_a, status=Episode.PUBLISHED, published_at_0="", published_at_1="")

    response = client_for(world, "editor_a").post(admin_url("change", Episode, episode_a), data)

    assert response.status_code == 302
    episode_a.refresh_from_db()
    assert (episode_a.status, episode_a.published_by) == (Episode.PUBLISHED, world["users"]["editor_a"])
    assert episode_a.published_at is not None


def test_editor_of_other_show_cannot_publish_where_only_producer(world):
    """The add form offers "published" to an editor of C; choosing show A (producer only) is refused."""
    show_c = make_show(title="Charlie", slug="charlie")
    user = world["users"]["producer_a"]
    Team.objects.create(name="Charlie editors", role=Team.EDITOR).members.add(user)
    Team.objects.get(name="Charlie editors").shows.add(show_c)
    data = episode_post_data(
        world["episode_a"],
        slug="sneaky",
        status=Episode.PUBLISHED,
        published_at_0="2020-01-01",
        published_at_1="10:00",
    )

    response = client_for(world, "producer_a").post(admin_url("add", Episode), data)

    assert response.context["adminform"].form.errors == {
        "status": ["Only editors of Alpha Show may publish its episodes."],
        "published_at": ["Only editors of Alpha Show may set the publication time."],
    }
    assert Episode.objects.filter(slug="sneaky").count() == 0


def test_staff_without_team_sees_no_app_and_no_object(world):
    client = Client()
    client.force_login(make_user("loner"))

    index = client.get(reverse("admin:index"))
    statuses = [
        client.get(admin_url("changelist", model)).status_code
        for model in (Episode, Show, Team, Network, Person, Sponsor, Campaign)
    ]

    assert index.context["app_list"] == []
    assert statuses == [403, 403, 403, 403, 403, 403, 403]
    assert client.get(autocomplete_url("people", "credit", "person")).status_code == 403


def test_producer_editing_published_episode_cannot_change_its_status(world):
    episode_a = world["episode_a"]
    episode_a.status, episode_a.published_at = Episode.PUBLISHED, episode_a.created_at
    episode_a.save()
    client = client_for(world, "producer_a")
    url = admin_url("change", Episode, episode_a)

    form = client.get(url).context["adminform"].form
    response = client.post(url, episode_post_data(episode_a, status=Episode.DRAFT, title="Retitled"))

    assert ("status" in form.fields, "published_at" in form.fields) == (False, False)
    assert response.status_code == 302
    episode_a.refresh_from_db()
    assert (episode_a.title, episode_a.status) == ("Retitled", Episode.PUBLISHED)


# Objects by kind, with a pk that exists and one that does not.
OBJECT_VIEWS = [
    (Episode, "episode_b"),
    (Show, "show_b"),
    (Team, "team_b"),
    (Network, "network"),
    (Person, "person_b"),
    (Sponsor, "sponsor_b"),
    (Campaign, "campaign_b"),
]


def object_urls(world, model, key, view):
    missing = model.objects.order_by("-pk").first().pk + 1000
    existing = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=[world[key].pk])
    return existing, existing.replace(f"/{world[key].pk}/", f"/{missing}/")


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_staff_without_team_get_404_for_every_object_existing_or_not(world, view):
    client = Client()
    client.force_login(make_user("loner"))

    statuses = {
        model._meta.model_name: tuple(
            client.get(url).status_code for url in object_urls(world, model, key, view)
        )
        for model, key in OBJECT_VIEWS
    }

    assert statuses == {model._meta.model_name: (404, 404) for model, _ in OBJECT_VIEWS}


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_producer_gets_the_same_answer_for_hidden_and_missing_objects(world, view):
    client = client_for(world, "producer_a")
    hidden = [
        (Episode, "episode_b"),
        (Show, "show_b"),
        (Team, "team_b"),
        (Network, "network"),
        (Campaign, "campaign_b"),
    ]

    statuses = [
        tuple(client.get(url).status_code for url in object_urls(world, m, k, view)) for m, k in hidden
    ]

    assert statuses == [(404, 404)] * len(hidden)


def test_network_admin_gets_404_for_a_missing_object(world):
    client = client_for(world, "network_admin")

    statuses = [client.get(object_urls(world, m, k, "change")[1]).status_code for m, k in OBJECT_VIEWS]

    assert statuses == [404] * len(OBJECT_VIEWS)


def test_campaign_filter_by_hidden_show_answers_404_like_a_missing_show(world):
    client = client_for(world, "producer_a")
    changelist = admin_url("changelist", Campaign)
    missing = Show.objects.order_by("-pk").first().pk + 1000

    hidden = client.get(f"{changelist}?show={world['show_b'].pk}")
    absent = client.get(f"{changelist}?show={missing}")
    garbage = client.get(f"{changelist}?show=x")
    own = client.get(f"{changelist}?show={world['show_a'].pk}")

    assert (hidden.status_code, absent.status_code, garbage.status_code) == (404, 404, 404)
    assert "Shared Flight" not in hidden.content.decode()
    assert list(own.context["cl"].result_list) == [world["campaign_a"], world["shared_campaign"]]


def test_campaign_filter_by_show_b_works_for_network_admin(world):
    response = client_for(world, "network_admin").get(
        admin_url("changelist", Campaign) + f"?show={world['show_b'].pk}"
    )

    assert sorted(c.pk for c in response.context["cl"].result_list) == sorted(
        [world["campaign_b"].pk, world["shared_campaign"].pk]
    )


def test_episode_filter_by_hidden_show_answers_404(world):
    response = client_for(world, "producer_a").get(
        admin_url("changelist", Episode) + f"?show={world['show_b'].pk}"
    )

    assert response.status_code == 404
