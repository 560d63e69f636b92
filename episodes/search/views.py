from django.shortcuts import render

from episodes.models import Show
from people.models import Person

from .query import search


def search_page(request):
    """``/search/?q=…[&show=<slug>][&person=<slug>]``: the network's public episodes, people and shows."""
    text = request.GET.get("q", "").strip()[:200]
    shows = list(Show.objects.public().only("pk", "slug", "title"))
    show = next((s for s in shows if s.slug == request.GET.get("show")), None)
    person = None
    if request.GET.get("person"):
        person = Person.objects.public().filter(slug=request.GET["person"]).only("pk", "slug", "name").first()
    hits = search(text, show=show, person=person) if text else []
    return render(
        request,
        "episodes/search.html",
        {
            "query": text,
            "hits": hits,
            "shows": shows,
            "selected_show": show,
            "selected_person": person,
        },
    )
