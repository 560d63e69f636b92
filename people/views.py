from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from episodes.models import Episode
from episodes.structured_data import person_data

from .models import Credit, Person, PersonSlugHistory

# Appearances per page: a host on thousands of episodes gets a page of this many, not all of them.
APPEARANCES_PER_PAGE = 50


def person_detail(request, slug):
    # Someone credited only on drafts, scheduled episodes or private shows has no public page.
    person = Person.objects.public().prefetch_related("links").filter(slug=slug).first()
    if person is None:
        # A merged or renamed record: its old address answers 301 to the page kept.
        old = PersonSlugHistory.objects.filter(old_slug=slug, person__in=Person.objects.public()).first()
        if old is None:
            raise Http404("No such person.")
        return redirect(old.person, permanent=True)
    episodes = (
        Episode.objects.published()
        .filter(pk__in=Credit.objects.filter(person=person).values("episode_id"))
        .select_related("show")
        .order_by("show__title", "show_id", "-published_at", "-pk")
    )
    page = Paginator(episodes, APPEARANCES_PER_PAGE).get_page(request.GET.get("page"))
    roles = {}
    credits = Credit.objects.filter(person=person, episode__in=[episode.pk for episode in page]).order_by(
        "order", "pk"
    )
    for credit in credits:
        roles.setdefault(credit.episode_id, []).append(credit.get_role_display())
    hosted_shows = [
        role.show for role in person.show_roles.filter(show__is_public=True).select_related("show")
    ]
    # [(show, [(episode, [role, …]), …]), …]: the page's episodes grouped by show, newest first.
    appearances = {}
    for episode in page:
        appearances.setdefault(episode.show, []).append((episode, roles.get(episode.pk, [])))
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "hosted_shows": list(dict.fromkeys(hosted_shows)),
            "appearances": list(appearances.items()),
            "appearance_count": page.paginator.count,
            "page": page,
            "structured_data": person_data(request, person, full=True),
        },
    )
