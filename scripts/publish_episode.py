"""Publish an episode from the command line through the API, with a personal token.

    export PODCASTCMS_API_TOKEN=pcms_…            # Admin → API tokens → Add (read and write)
    python scripts/publish_episode.py --api http://127.0.0.1:8000/api \\
        --show podcast-init --guid urn:ci:episode-203 --title "Episode 203" \\
        --slug episode-203 --summary "What we talk about." --audio mastered.mp3 [--at 2026-12-24T09:00:00Z]

Creates the episode or updates it (the guid identifies it: running twice changes nothing more),
uploads the audio, then publishes it now or schedules it with --at (an editor's token; a
producer's token may use --ready to mark it ready for review instead). Each step sends the ETag
it read as If-Match, so a change made meanwhile by someone else is never overwritten: the script
stops with the API's message instead. Only Python's standard library is used.
"""

import argparse
import json
import mimetypes
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid


class ApiError(Exception):
    pass


def call(method, url, token, *, body=None, content_type="application/json", etag=None):
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = content_type
    if etag:
        headers["If-Match"] = etag
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read() or b"null"), response.headers.get("ETag")
    except urllib.error.HTTPError as error:
        try:
            payload = json.loads(error.read())
        except ValueError:
            payload = {"detail": error.reason}
        problems = "; ".join(
            f"{field}: {' '.join(msgs)}" for field, msgs in payload.get("errors", {}).items()
        )
        raise ApiError(
            f"{method} {url} answered {error.code}: {payload.get('detail')} {problems}".strip()
        ) from None


def multipart(field, path):
    boundary = uuid.uuid4().hex
    name = os.path.basename(path)
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    with open(path, "rb") as file:
        content = file.read()
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            f"Content-Type: {kind}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def publish(args, token):
    api = args.api.rstrip("/")
    fields = {"show": args.show, "title": args.title, "slug": args.slug, "summary": args.summary}
    if args.notes:
        fields["show_notes"] = args.notes
    address = f"{api}/episodes/by-guid/{urllib.parse.quote(args.guid, safe='')}/"
    episode, etag = call("PUT", address, token, body=json.dumps(fields).encode())
    print(f"saved “{episode['title']}” (id {episode['id']}, {episode['status']})")
    detail = f"{api}/episodes/{episode['id']}/"
    if args.audio:
        body, content_type = multipart("audio", args.audio)
        episode, etag = call("PATCH", detail, token, body=body, content_type=content_type, etag=etag)
        size, kind = episode["audio_size"], episode["audio_mime_type"]
        print(f"uploaded audio: {episode['duration']} s, {size} bytes, {kind}")
    if args.ready:
        change = {"status": "review"}
    else:
        change = {"status": "published"}
        if args.at:
            change["published_at"] = args.at
    if episode["status"] != change["status"] or args.at:
        episode, etag = call("PATCH", detail, token, body=json.dumps(change).encode(), etag=etag)
    print(f"{episode['status']} at {episode['published_at'] or '-'}: {episode['page_url']}")
    print(f"enclosure: {episode['enclosure_url']}")
    return episode


def main(argv=None):
    parser = argparse.ArgumentParser(description="Publish an episode through the API.")
    parser.add_argument("--api", default=os.environ.get("PODCASTCMS_API_URL", "http://127.0.0.1:8000/api"))
    parser.add_argument("--show", required=True, help="the show's slug")
    parser.add_argument(
        "--guid", required=True, help="the episode's guid: the same guid updates the same episode"
    )
    parser.add_argument("--title", required=True)
    parser.add_argument("--slug", required=True)
    parser.add_argument("--summary", required=True)
    parser.add_argument("--notes", help="show notes (HTML)")
    parser.add_argument("--audio", help="the audio file to upload")
    parser.add_argument("--at", help="publication time (ISO 8601); in the future, it schedules the episode")
    parser.add_argument("--ready", action="store_true", help="mark ready for review instead of publishing")
    args = parser.parse_args(argv)
    token = os.environ.get("PODCASTCMS_API_TOKEN")
    if not token:
        parser.error("set PODCASTCMS_API_TOKEN to a personal API token (Admin → API tokens)")
    try:
        publish(args, token)
    except ApiError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
