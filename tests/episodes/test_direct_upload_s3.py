"""With object storage the browser sends the audio straight to the bucket (a presigned POST).

Runs against a real S3-compatible server on 127.0.0.1 (moto's server on an OS-chosen port).
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from episodes.audio import tone_mp3
from episodes.audio_uploads import StagedAudio
from episodes.models import Team
from tests.factories import make_show, make_user

pytestmark = pytest.mark.django_db

BUCKET = "podcast-media"


CREDENTIALS = {"access_key": "test-access-key", "secret_key": "test-secret-key", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_server():
    moto_server = pytest.importorskip("moto.moto_server.threaded_moto_server", reason="needs moto[server]")
    boto3 = pytest.importorskip("boto3", reason="needs boto3")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        region_name=CREDENTIALS["region_name"],
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3(s3_server, settings):
    options = {"bucket_name": BUCKET, "endpoint_url": s3_server, "addressing_style": "path", **CREDENTIALS}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    return s3_server


@pytest.fixture
def client():
    show = make_show(title="Alpha Show", slug="alpha")
    client = Client()
    client.force_login(make_user("producer", role=Team.PRODUCER, shows=[show]))
    client.show = show
    return client


def url(name, show):
    return reverse(f"admin:episodes_episode_{name}") + f"?show={show.pk}"


def test_presigned_upload_goes_to_the_bucket_and_is_checked_when_complete(s3, client):
    import requests

    audio = tone_mp3(3)
    start = client.post(url("upload_start", client.show), {"name": "Final mix.mp3", "size": len(audio)})
    answer = json.loads(start.content)
    post = answer["post"]

    sent = requests.post(
        post["url"], data=post["fields"], files={"file": ("Final mix.mp3", audio)}, timeout=10
    )
    complete = client.post(
        url("upload_complete", client.show), {"key": answer["key"], "name": "Final mix.mp3"}
    )

    assert start.status_code == 200
    assert post["url"] == f"{s3}/{BUCKET}"
    assert answer["key"].startswith("shows/alpha/episodes/audio/") and answer["key"].endswith(".mp3")
    assert sent.status_code == 204
    assert complete.status_code == 201
    staged = StagedAudio.objects.get()
    assert (staged.original_name, staged.duration, staged.size, staged.file.name) == (
        "Final mix.mp3",
        3,
        len(audio),
        answer["key"],
    )


def test_completing_an_upload_that_never_arrived_is_refused(s3, client):
    response = client.post(
        url("upload_complete", client.show),
        {"key": "shows/alpha/episodes/audio/missing.mp3", "name": "a.mp3"},
    )

    assert (response.status_code, json.loads(response.content)) == (
        400,
        {"error": "The upload did not arrive; choose the file again."},
    )


def test_completing_a_key_outside_the_shows_folder_is_refused(s3, client):
    response = client.post(url("upload_complete", client.show), {"key": "shows/bravo/episodes/audio/x.mp3"})

    assert response.status_code == 400
    assert StagedAudio.objects.count() == 0


def test_direct_upload_of_a_file_over_the_limit_is_refused_before_signing(s3, client, settings):
    settings.PODCASTCMS_MAX_AUDIO_BYTES = 1000

    response = client.post(url("upload_start", client.show), {"name": "big.mp3", "size": 5000})

    assert (response.status_code, json.loads(response.content)) == (
        413,
        {"error": "This file is 5.0 KB; the largest audio file accepted is 1.0 KB."},
    )
