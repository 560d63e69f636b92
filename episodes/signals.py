"""Keep old public URLs alive: remember the slugs that published episodes and public shows had."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Episode, EpisodeSlugHistory, Show, ShowSlugHistory


@receiver(pre_save, sender=Episode)
def remember_episode_address(sender, instance, raw=False, **kwargs):
    instance._address_before = None
    if raw or instance.pk is None:
        return
    before = Episode.objects.filter(pk=instance.pk).values("show_id", "slug", "status", "guid").first()
    if before is None:
        return
    # Published now, or at some time before (it may be unpublished for a fix): the public
    # may have seen it, so its guid is fixed and its old address is worth keeping.
    was_published = before["status"] == Episode.PUBLISHED or instance.publication_records.exists()
    if was_published and before["guid"] != instance.guid:
        raise ValueError("A published episode's guid never changes: podcast apps know it by it.")
    if was_published and (before["show_id"], before["slug"]) != (instance.show_id, instance.slug):
        instance._address_before = (before["show_id"], before["slug"])


@receiver(post_save, sender=Episode)
def record_episode_slug_history(sender, instance, raw=False, **kwargs):
    address = getattr(instance, "_address_before", None)
    if raw or address is None:
        return
    show_id, old_slug = address
    EpisodeSlugHistory.objects.update_or_create(
        show_id=show_id, old_slug=old_slug, defaults={"episode": instance}
    )
    instance._address_before = None


@receiver(pre_save, sender=Show)
def remember_show_slug(sender, instance, raw=False, **kwargs):
    instance._slug_before = None
    if raw or instance.pk is None:
        return
    before = Show.objects.filter(pk=instance.pk).values("slug", "is_public").first()
    if before and before["slug"] != instance.slug and before["is_public"]:
        instance._slug_before = before["slug"]


@receiver(post_save, sender=Show)
def record_show_slug_history(sender, instance, raw=False, **kwargs):
    old_slug = getattr(instance, "_slug_before", None)
    if raw or old_slug is None:
        return
    ShowSlugHistory.objects.update_or_create(old_slug=old_slug, defaults={"show": instance})
    # The show answers to its slug again: it is no longer an old address.
    ShowSlugHistory.objects.filter(old_slug=instance.slug).delete()
    instance._slug_before = None


# The search index follows what it indexes, once the change is committed.
def _index_later(function, instance):
    from django.db import transaction

    transaction.on_commit(lambda: function(instance))


@receiver(post_save, sender=Episode)
def index_episode_for_search(sender, instance, raw=False, **kwargs):
    if not raw:
        from .search.index import index_episode

        _index_later(index_episode, instance)


@receiver(post_save, sender=Show)
def index_show_for_search(sender, instance, raw=False, **kwargs):
    if not raw:
        from .search.index import index_show

        _index_later(index_show, instance)


@receiver(post_save, sender="episodes.Transcript")
@receiver(post_delete, sender="episodes.Transcript")
def index_transcript_for_search(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .search.index import index_episode

    episode_id = instance.episode_id

    def reindex():
        episode = Episode.objects.select_related("show").filter(pk=episode_id).first()
        if episode is not None:
            index_episode(episode)

    from django.db import transaction

    transaction.on_commit(reindex)


@receiver(post_save, sender="people.Person")
def index_person_for_search(sender, instance, raw=False, **kwargs):
    if not raw:
        from .search.index import index_person

        _index_later(index_person, instance)


@receiver(post_delete, sender="episodes.SearchEntry")
def forget_search_entry(sender, instance, **kwargs):
    from .search.index import forget

    forget([instance.pk])
