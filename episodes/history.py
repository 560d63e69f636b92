"""Which models keep revisions (django-reversion), and what an episode's revision holds.

An episode's revision carries the episode and every inline row the admin edits on it
(credits, picks, links, sponsor reads, chapters, transcripts, soundbites), so a revision
restores all of them together. Registered here, not by the admin, so the workflow services
and bulk changes record revisions too.
"""

import reversion

EPISODE_FOLLOWS = ("credits", "picks", "links", "sponsor_reads", "chapters", "transcripts", "soundbites")


def register():
    from people.models import Credit, Pick
    from sponsors.models import SponsorRead

    from .models import Chapter, Episode, EpisodeLink, Soundbite, Transcript

    for model in (Credit, Pick, EpisodeLink, SponsorRead, Chapter, Transcript, Soundbite):
        if not reversion.is_registered(model):
            reversion.register(model)
    if not reversion.is_registered(Episode):
        reversion.register(Episode, follow=EPISODE_FOLLOWS)
