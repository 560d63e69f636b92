from django.http import Http404
from django.shortcuts import redirect, render

from episodes.models import Episode
from episodes.structured_data import person_data

from .models import Credit, Person, PersonSlugHistory


def person_detail(request, slug):
    # Someone credited only on drafts, scheduled episodes or private shows has no public page.
    person = Person.objects.public().prefetch_related("links").filter(slug=slug).first()
    if person is None:
        # A merged or renamed record: its old address answers 301 to the page kept.
        old = PersonSlugHistory.objects.filter(old_slug=slug, person__in=Person.objects.public()).first()
        if old is None:
            raise Http404("No such person.")
        return redirect(old.person, permanent=True)
    credits = (
        Credit.objects.filter(person=person, episode__in=Episode.objects.published())
        .select_related("episode__show")
        .order_by("episode__show__title", "-episode__published_at", "episode_id", "order")
    )
    hosted_shows = [
        role.show for role in person.show_roles.filter(show__is_public=True).select_related("show")
    ]
    # {show: {episode: [role, …]}}: one entry per episode even when the person had two roles on it.
    appearances = {}
    for credit in credits:
        roles = appearances.setdefault(credit.episode.show, {}).setdefault(credit.episode, [])
        roles.append(credit.get_role_display())
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "hosted_shows": list(dict.fromkeys(hosted_shows)),
            "appearances": [(show, list(episodes.items())) for show, episodes in appearances.items()],
            "appearance_count": sum(len(episodes) for episodes in appearances.values()),
            "structured_data": person_data(request, person, full=True),
        },
    )
