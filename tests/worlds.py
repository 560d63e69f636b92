"""Two shows side by side, for the access tests of the admin and the API: show A's team may see
show A; everything of show B carries ``MARKER_B``, so a page or an answer that shows any of it
to show A's team is found by looking for the marker."""

from episodes.models import Episode, EpisodeLink, Network, Team
from tests.factories import (
    credit,
    make_campaign,
    make_episode,
    make_person,
    make_show,
    make_user,
    sponsor_read,
)

MARKER_B = "ZEBRA-MARKER-B"


def two_show_world():
    """A public show A and a private show B, each with a person, a campaign and a draft that is
    credited, sponsored and linked; show A's producer and editor, a network admin, and B's team."""
    network = Network.objects.create(name="The Network")
    show_a = make_show(title="Alpha Show", slug="alpha")
    show_b = make_show(title=f"Bravo Show {MARKER_B}", slug="bravo", is_public=False)
    person_a = make_person(name="Alice Guest", slug="alice")
    person_b = make_person(name="Bob Guest", slug="bob")
    campaign_a = make_campaign(show_a, name="Alpha Flight")
    campaign_b = make_campaign(show_b, name=f"Bravo Flight {MARKER_B}")
    episodes = {}
    for key, show, person, campaign in [
        ("a", show_a, person_a, campaign_a),
        ("b", show_b, person_b, campaign_b),
    ]:
        marker = MARKER_B if key == "b" else "alpha"
        episode = make_episode(
            show,
            title=f"Draft of {show.slug} {marker}",
            slug=f"draft-{key}",
            summary=f"Summary {marker}",
            status=Episode.DRAFT,
        )
        credit(episode, person, role="guest")
        sponsor_read(episode, campaign, copy=f"<p>Read {marker}</p>")
        EpisodeLink.objects.create(episode=episode, title=f"Link {marker}", url="https://example.com/")
        episodes[key] = episode
    users = {
        "producer_a": make_user("producer_a", role=Team.PRODUCER, shows=[show_a]),
        "editor_a": make_user("editor_a", role=Team.EDITOR, shows=[show_a]),
        "network_admin": make_user("netadmin", role=Team.NETWORK_ADMIN, all_shows=True),
    }
    team_b = Team.objects.create(name=f"Bravo team {MARKER_B}", role=Team.EDITOR)
    team_b.shows.add(show_b)
    return {
        "network": network,
        "show_a": show_a,
        "show_b": show_b,
        "episode_a": episodes["a"],
        "episode_b": episodes["b"],
        "person_a": person_a,
        "person_b": person_b,
        "sponsor_a": campaign_a.sponsor,
        "sponsor_b": campaign_b.sponsor,
        "campaign_a": campaign_a,
        "campaign_b": campaign_b,
        "team_a": Team.objects.get(members=users["producer_a"]),
        "team_b": team_b,
        "users": users,
    }
