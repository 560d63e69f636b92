"""Media on S3-compatible storage (django-storages), against moto's S3 server on 127.0.0.1.

The server answers real HTTP on an OS-chosen port; boto3 talks to it as to any S3 endpoint.
"""

import urllib.request
import xml.etree.ElementTree as ET

import pytest

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

from tests.factories import image_upload, make_episode, make_show  # noqa: E402

pytestmark = pytest.mark.django_db
BUCKET = "podcast-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_media(s3_endpoint, settings):
    credentials = {
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "region_name": "us-east-1",
    }
    client = boto3.client("s3", endpoint_url=s3_endpoint, **credentials)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "access_key": "testing",
                "secret_key": "testing",
                "region_name": "us-east-1",
                "addressing_style": "path",
                "querystring_auth": False,
                "file_overwrite": False,
                # Unsigned URLs (feeds embed them): the objects are public, as the README says.
                "default_acl": "public-read",
            },
        },
    }
    yield client
    listing = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listing:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def fetch(url, method="GET", **headers):
    request = urllib.request.Request(url, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_uploaded_audio_is_stored_in_the_bucket(s3_media):
    episode = make_episode(make_show(), audio=3)

    stored = s3_media.get_object(Bucket=BUCKET, Key=episode.audio.name)["Body"].read()

    assert episode.audio.name.startswith(f"shows/{episode.show.slug}/episodes/audio/")
    assert len(stored) == episode.audio_size
    assert episode.duration == 3


def test_enclosure_redirects_to_the_object_which_answers_byte_ranges(client, s3_media):
    episode = make_episode(make_show(), audio=3)
    original = s3_media.get_object(Bucket=BUCKET, Key=episode.audio.name)["Body"].read()

    response = client.get(episode.enclosure_url)
    location = response["Location"]
    ranged = fetch(location, Range="bytes=100-199")
    tail = fetch(location, Range="bytes=-50")
    head = fetch(location, method="HEAD")

    assert response.status_code == 302
    assert location == f"{s3_media.meta.endpoint_url}/{BUCKET}/{episode.audio.name}"
    assert (ranged[0], ranged[1]["Content-Range"], ranged[2]) == (
        206,
        f"bytes 100-199/{len(original)}",
        original[100:200],
    )
    assert (tail[0], tail[2]) == (206, original[-50:])
    assert (head[0], int(head[1]["Content-Length"])) == (200, episode.audio_size)
    assert (head[1]["Content-Type"], head[1]["Accept-Ranges"]) == ("audio/mpeg", "bytes")


def test_feed_carries_our_enclosure_url_and_unsigned_artwork_urls(client, s3_media):
    show = make_show(slug="on-s3", artwork=image_upload())
    episode = make_episode(show, audio=3)

    channel = ET.fromstring(client.get("/shows/on-s3/feed.xml").content).find("channel")
    enclosure = channel.find("item/enclosure")
    artwork = channel.find("{http://www.itunes.com/dtds/podcast-1.0.dtd}image").get("href")

    assert enclosure.get("url") == f"http://localhost:8000{episode.enclosure_url}"
    assert enclosure.get("length") == str(episode.audio_size)
    assert artwork == f"{s3_media.meta.endpoint_url}/{BUCKET}/{show.artwork.name}"
    assert fetch(artwork)[0] == 200
