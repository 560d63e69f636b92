"""Merging two records of one human: everything the old one carried moves to the one kept."""

from django.db import transaction

from .models import Credit, Person, PersonLink, PersonSlugHistory, Pick, ShowHost


def merge_people(old, kept):
    """Move ``old``'s credits, picks, links and default-host roles to ``kept``, then delete ``old``.

    Credits and host roles ``kept`` already has are not doubled. ``old``'s page address and the
    addresses it had before answer 301 to ``kept``'s page from now on. Returns the episode ids
    whose credits or picks changed. One transaction: nothing half-merged.
    """
    if old.pk == kept.pk:
        raise ValueError("Choose two different people to merge.")
    with transaction.atomic():
        old = Person.objects.select_for_update().get(pk=old.pk)
        kept = Person.objects.select_for_update().get(pk=kept.pk)
        episode_ids = set(Credit.objects.filter(person=old).values_list("episode_id", flat=True))
        episode_ids |= set(Pick.objects.filter(person=old).values_list("episode_id", flat=True))
        existing = set(Credit.objects.filter(person=kept).values_list("episode_id", "role"))
        for credit in Credit.objects.filter(person=old):
            if (credit.episode_id, credit.role) in existing:
                credit.delete()
            else:
                Credit.objects.filter(pk=credit.pk).update(person=kept)
        hosting = set(ShowHost.objects.filter(person=kept).values_list("show_id", "role"))
        for host in ShowHost.objects.filter(person=old):
            if (host.show_id, host.role) in hosting:
                host.delete()
            else:
                ShowHost.objects.filter(pk=host.pk).update(person=kept)
        Pick.objects.filter(person=old).update(person=kept)
        kept_urls = set(kept.links.values_list("url", flat=True))
        PersonLink.objects.filter(person=old, url__in=kept_urls).delete()
        PersonLink.objects.filter(person=old).update(person=kept)
        PersonSlugHistory.objects.filter(person=old).update(person=kept)
        old_slug = old.slug
        old.delete()
        PersonSlugHistory.objects.create(person=kept, old_slug=old_slug)
    return sorted(episode_ids)
