"""The admin index as each role's home: what waits for the user on their shows.

Editors see the episodes ready for review; everyone sees what is scheduled this week, drafts
that could not be published yet (feed-lint errors or sponsor reads outside their flight) and
the latest publications. Every list is limited to ``shows_for(user)``; the number of queries
does not grow with the number of episodes.
"""

from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone

from episodes import services
from episodes.access import can, shows_for
from episodes.feeds.lint import LINT_PREFETCH
from episodes.models import Episode
from sponsors.models import SponsorRead

LIST_LENGTH = 10
# Drafts are linted one by one (lint reads artwork files): only the most recently edited.
DRAFTS_CHECKED = 30


def home_sections(request):
    user = request.user
    if not can(user, "view"):
        return None
    now = timezone.now()
    visible = Episode.objects.filter(show__in=shows_for(user, "view")).select_related("show")
    sections = {}
    if can(user, "publish"):
        sections["ready_for_review"] = list(
            Episode.objects.filter(show__in=shows_for(user, "publish"), status=Episode.REVIEW)
            .select_related("show")
            .order_by("updated_at")[:LIST_LENGTH]
        )
    sections["scheduled_this_week"] = list(
        visible.filter(
            status=Episode.PUBLISHED, published_at__gt=now, published_at__lte=now + timedelta(days=7)
        ).order_by("published_at")[:LIST_LENGTH]
    )
    drafts = (
        visible.filter(show__in=shows_for(user, "edit"))
        .exclude(status=Episode.PUBLISHED)
        .prefetch_related(
            Prefetch("sponsor_reads", queryset=SponsorRead.objects.select_related("campaign__sponsor")),
            *LINT_PREFETCH,
        )
        .order_by("-updated_at")[:DRAFTS_CHECKED]
    )
    blocked = []
    for draft in drafts:
        problems = services.publication_problems(
            draft, draft.published_at or now, reads=list(draft.sponsor_reads.all())
        )
        if problems:
            blocked.append((draft, problems))
    sections["drafts_with_errors"] = blocked[:LIST_LENGTH]
    sections["recent_publications"] = list(
        visible.filter(status=Episode.PUBLISHED, published_at__lte=now).order_by("-published_at")[
            :LIST_LENGTH
        ]
    )
    return sections
