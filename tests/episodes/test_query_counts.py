"""Public pages run a fixed number of queries, whatever the number of items on them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import credit, default_host, make_episode, make_full_episode, make_person, make_show

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

# network, shows, latest episodes
HOME_QUERIES = 3
# network, show, its hosts, its listen-on links, episode count, the page of episodes
SHOW_QUERIES = 6
# network, episode with show, credits, guests' links, picks, reads, links, chapters, transcripts,
# listen-on links, announcements
EPISODE_QUERIES = 11
# network, person, their links, the appearance count, the page of episodes, their credits, hosted shows
PERSON_QUERIES = 7
# the index: shows with their public episode counts, the count of public people
SITEMAP_INDEX_QUERIES = 2
# a show's episodes: the show, the content stamp, the paginator's count, the page of rows
SITEMAP_SECTION_QUERIES = 4


@pytest.fixture(params=[1, 50], ids=["1-item", "50-items"])
def items(request):
    return request.param


def test_home_query_count_is_fixed(client, django_assert_num_queries, items):
    for _ in range(items):
        show = make_show()
        make_episode(show)

    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")

    assert response.content.decode().count('class="show-card"') == items


def test_show_page_query_count_is_fixed(client, django_assert_num_queries, items):
    show = make_show(slug="counted")
    for n in range(items):
        default_host(show, make_person())
        make_episode(show, published_at=timezone.now() - timedelta(hours=n + 1))

    with django_assert_num_queries(SHOW_QUERIES):
        response = client.get("/shows/counted/")

    html = response.content.decode()
    assert (html.count('class="episode-card"'), html.count('class="person-chip"')) == (min(items, 20), items)


def test_episode_page_query_count_is_fixed(client, django_assert_num_queries, items):
    episode = make_full_episode(items=items)

    with django_assert_num_queries(EPISODE_QUERIES):
        response = client.get(episode.get_absolute_url())

    html = response.content.decode()
    counts = [html.count(f"{kind} {n}<") for n in range(items) for kind in ("Sponsor read", "Announcement")]
    assert counts == [1] * 2 * items
    assert html.count("pick</a>") == items
    assert html.count("contact link</a>") == items


def test_person_page_query_count_is_fixed(client, django_assert_num_queries, items):
    person = make_person(slug="counted-person")
    for _ in range(items):
        show = make_show()
        default_host(show, person)
        credit(make_episode(show), person, "host")

    with django_assert_num_queries(PERSON_QUERIES):
        response = client.get("/people/counted-person/")

    assert response.content.decode().count('class="appearance"') == items


def test_sitemap_query_count_is_fixed(client, django_assert_num_queries, items):
    for _ in range(items):
        credit(make_episode(make_show()), make_person())

    with django_assert_num_queries(SITEMAP_INDEX_QUERIES):
        response = client.get("/sitemap.xml")

    # pages, people, and one per show
    assert response.content.decode().count("<sitemap>") == 2 + items


def test_embed_player_and_oembed_query_counts_are_fixed(client, django_assert_num_queries, items):
    from episodes.models import Chapter

    episode = make_episode(make_show(slug="embedded"), slug="played")
    for n in range(items):
        Chapter.objects.create(episode=episode, start_time=n * 60, title=f"Chapter {n}")

    # episode with show, its chapters
    with django_assert_num_queries(2):
        embed = client.get("/shows/embedded/played/embed/")
    # episode with show, its chapters, the network
    with django_assert_num_queries(3):
        oembed = client.get("/oembed/", {"url": "http://testserver/shows/embedded/played/"})

    assert (embed.content.decode().count('class="chapter"'), oembed.status_code) == (items, 200)


def test_sitemap_section_query_count_and_size_are_fixed(client, django_assert_num_queries, items):
    show = make_show(slug="sectioned")
    for n in range(items):
        make_episode(
            show, slug=f"episode-number-{n:03}", published_at=timezone.now() - timedelta(hours=n + 1)
        )

    with django_assert_num_queries(SITEMAP_SECTION_QUERIES):
        response = client.get("/sitemap-show-sectioned.xml")

    assert response.content.decode().count("<url>") == items
    # The page grows with the URLs on it (at most the page size), nothing else: every URL
    # here is as long as <url><loc>http://testserver/shows/sectioned/episode-number-000/</loc>
    # <lastmod>YYYY-MM-DD</lastmod><changefreq>monthly</changefreq><priority>0.6</priority></url>.
    assert len(response.content) == 154 + 160 * items
