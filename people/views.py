from django.http import Http404
from django.shortcuts import get_object_or_404, render

from episodes.models import Episode

from .models import Credit, Person


def person_detail(request, slug):
    person = get_object_or_404(Person.objects.prefetch_related("links"), slug=slug)
    public_episodes = Episode.objects.published().select_related("show")
    credits = (
        Credit.objects.filter(person=person, episode__in=public_episodes)
        .select_related("episode__show")
        .order_by("-episode__published_at", "order")
    )
    if not credits and not person.show_roles.filter(show__is_public=True).exists():
        # Someone credited only on drafts or private shows has no public page yet.
        raise Http404("No such person.")
    appearances = {}
    for credit in credits:
        appearances.setdefault(credit.episode, []).append(credit.get_role_display())
    return render(
        request,
        "people/person_detail.html",
        {"person": person, "appearances": list(appearances.items())},
    )
