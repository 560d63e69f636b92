from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Rss201rev2Feed

from .models import Show


class PodcastFeedGenerator(Rss201rev2Feed):
    """RSS 2.0 with the iTunes, content and Podcasting 2.0 namespaces."""

    content_type = "application/rss+xml; charset=utf-8"

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:itunes"] = "http://www.itunes.com/dtds/podcast-1.0.dtd"
        attrs["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
        attrs["xmlns:podcast"] = "https://podcastindex.org/namespace/1.0"
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("duration") is not None:
            handler.addQuickElement("itunes:duration", str(item["duration"]))


class ShowFeed(Feed):
    feed_type = PodcastFeedGenerator

    def get_object(self, request, show_slug):
        return get_object_or_404(Show.objects.public(), slug=show_slug)

    def title(self, show):
        return show.title

    def link(self, show):
        return show.get_absolute_url()

    def description(self, show):
        return show.description

    def items(self, show):
        return show.episodes.published().select_related("show")

    def item_title(self, episode):
        return episode.title

    def item_description(self, episode):
        return episode.summary

    def item_guid(self, episode):
        return episode.guid

    item_guid_is_permalink = False

    def item_extra_kwargs(self, episode):
        return {"duration": episode.duration}

    def item_pubdate(self, episode):
        return episode.published_at

    def item_enclosure_url(self, episode):
        return episode.enclosure_url

    def item_enclosure_length(self, episode):
        return episode.audio_size or 0

    def item_enclosure_mime_type(self, episode):
        return episode.audio_mime_type or "audio/mpeg"
