"""schema.org JSON-LD for the public pages: PodcastSeries, PodcastEpisode and Person."""

from episodes.templatetags.public_site import iso_duration, rendition_url, safe_href


def _image(request, obj, field, renditions, url_field=None):
    image = getattr(obj, field, None)
    if image:
        return request.build_absolute_uri(rendition_url(image, getattr(obj, renditions, None)))
    return safe_href(getattr(obj, url_field, "")) if url_field else ""


def person_data(request, person, *, full=False):
    data = {
        "@type": "Person",
        "name": person.name,
        "url": request.build_absolute_uri(person.get_absolute_url()),
    }
    if full:
        data["@context"] = "https://schema.org"
        if person.bio:
            data["description"] = person.bio
        same_as = [
            safe_href(link.url) for link in person.links.all() if safe_href(link.url).startswith("http")
        ]
        if safe_href(person.website).startswith("http"):
            same_as.insert(0, person.website)
        if same_as:
            data["sameAs"] = same_as
    image = _image(request, person, "photo", "photo_renditions")
    if image:
        data["image"] = image
    return data


def series_data(request, show, network, *, hosts=()):
    data = {
        "@context": "https://schema.org",
        "@type": "PodcastSeries",
        "name": show.title,
        "description": show.description,
        "url": request.build_absolute_uri(show.get_absolute_url()),
        "webFeed": request.build_absolute_uri(show.get_feed_url()),
        "inLanguage": show.language,
        "publisher": {"@type": "Organization", "name": network.name},
    }
    image = _image(request, show, "artwork", "artwork_renditions", "artwork_url")
    if image:
        data["image"] = image
    if hosts:
        data["author"] = [person_data(request, person) for person in hosts]
    elif show.author:
        data["author"] = {"@type": "Person", "name": show.author}
    return data


def episode_data(request, episode, network, *, people=()):
    show = episode.show
    data = {
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": episode.title,
        "description": episode.summary,
        "url": request.build_absolute_uri(episode.get_absolute_url()),
        "inLanguage": show.language,
        "partOfSeries": {
            "@type": "PodcastSeries",
            "name": show.title,
            "url": request.build_absolute_uri(show.get_absolute_url()),
        },
    }
    if episode.number:
        data["episodeNumber"] = episode.number
    if episode.published_at:
        data["datePublished"] = episode.published_at.date().isoformat()
    if episode.duration:
        data["timeRequired"] = iso_duration(episode.duration)
    audio = safe_href(episode.enclosure_url)
    if audio:
        media = {"@type": "AudioObject", "contentUrl": request.build_absolute_uri(audio)}
        if episode.audio_mime_type:
            media["encodingFormat"] = episode.audio_mime_type
        if episode.duration:
            media["duration"] = iso_duration(episode.duration)
        data["associatedMedia"] = media
    image = _image(request, episode, "artwork", "artwork_renditions", "artwork_url") or _image(
        request, show, "artwork", "artwork_renditions", "artwork_url"
    )
    if image:
        data["image"] = image
    if people:
        data["actor"] = [person_data(request, person) for person in people]
    return data
