"""Transcripts read into timed cues for the page: WebVTT, SRT, Podcasting 2.0 JSON, HTML and plain text.

Whatever format a transcript was uploaded in, the page and the search index see the same thing:
a list of cues ``{"start": seconds or None, "end": …, "speaker": name or "", "text": …}``.
Reading is tolerant: a cue that cannot be understood is skipped, never the whole transcript.
"""

import html
import json
import re

import nh3
from django.core.cache import cache

# 00:01:02.500, 01:02.500, 00:01:02,500 (SRT)
_TIMESTAMP = r"(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TIMING = re.compile(rf"^\s*({_TIMESTAMP})\s*-->\s*({_TIMESTAMP})")
_VOICE = re.compile(r"<v(?:\.[^ >\t]*)?[ \t]+([^>]+)>")
_TAG = re.compile(r"<[^>]+>")
# “Speaker: text” at the start of a plain-text or HTML paragraph.
_SPEAKER_PREFIX = re.compile(r"^([A-Z][\w .'’-]{0,40}):\s+(.+)$", re.DOTALL)


def parse_timestamp(value):
    """Seconds (float) from ``HH:MM:SS.mmm``, ``MM:SS.mmm`` or SRT's ``HH:MM:SS,mmm``."""
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return round(seconds, 3)


def _cue(start, end, speaker, text):
    text = " ".join(text.split())
    return {"start": start, "end": end, "speaker": speaker.strip(), "text": text} if text else None


def parse_timed_text(content):
    """WebVTT or SRT: cues with their times; ``<v Name>`` voice tags give the speaker."""
    cues = []
    for block in re.split(r"\n\s*\n", content.replace("\r\n", "\n").replace("\r", "\n")):
        lines = block.strip("\n").split("\n")
        timing = next(((i, _TIMING.match(line)) for i, line in enumerate(lines) if _TIMING.match(line)), None)
        if timing is None:
            continue  # the WEBVTT header, NOTE and STYLE blocks, or something unreadable
        index, match = timing
        start, end = parse_timestamp(match.group(1)), parse_timestamp(match.group(2))
        raw = "\n".join(lines[index + 1 :])
        voice = _VOICE.search(raw)
        speaker = voice.group(1) if voice else ""
        text = html.unescape(_TAG.sub("", raw))
        if not speaker:
            prefix = _SPEAKER_PREFIX.match(text.strip())
            if prefix:
                speaker, text = prefix.groups()
        cue = _cue(start, end, speaker, text)
        if cue:
            cues.append(cue)
    return cues


def parse_json(content):
    """The Podcasting 2.0 JSON transcript: ``{"segments": [{"speaker", "startTime", "endTime", "body"}]}``."""
    try:
        data = json.loads(content)
    except ValueError:
        return []
    segments = data.get("segments", []) if isinstance(data, dict) else data
    cues = []
    for segment in segments if isinstance(segments, list) else []:
        if not isinstance(segment, dict):
            continue
        try:
            start = float(segment["startTime"]) if "startTime" in segment else None
            end = float(segment["endTime"]) if "endTime" in segment else None
        except (TypeError, ValueError):
            start = end = None
        cue = _cue(start, end, str(segment.get("speaker") or ""), str(segment.get("body") or ""))
        if cue:
            cues.append(cue)
    # Some tools write one word a segment: join a speaker's consecutive words into one cue.
    merged = []
    for cue in cues:
        previous = merged[-1] if merged else None
        if previous and previous["speaker"] == cue["speaker"] and len(previous["text"]) < 200:
            previous["text"] += " " + cue["text"]
            previous["end"] = cue["end"]
        else:
            merged.append(cue)
    return merged


def parse_paragraphs(content, is_html=False):
    """Plain text or HTML: one untimed cue a paragraph, “Name: …” giving the speaker."""
    if is_html:
        content = re.sub(r"(?i)</p\s*>|<br\s*/?>", "\n\n", content)
        content = html.unescape(nh3.clean(content, tags=set()))
    cues = []
    for paragraph in re.split(r"\n\s*\n", content.replace("\r\n", "\n")):
        paragraph = paragraph.strip()
        prefix = _SPEAKER_PREFIX.match(paragraph)
        speaker, text = prefix.groups() if prefix else ("", paragraph)
        cue = _cue(None, None, speaker, text)
        if cue:
            cues.append(cue)
    return cues


def parse_transcript(content, mime_type):
    if mime_type in ("text/vtt", "application/x-subrip", "application/srt"):
        return parse_timed_text(content)
    if mime_type == "application/json":
        return parse_json(content)
    if "-->" in content[:2000]:
        return parse_timed_text(content)
    return parse_paragraphs(content, is_html=mime_type == "text/html")


def transcript_cues(transcript):
    """The cues of an uploaded transcript, cached by its file name (a new upload gets a new name)."""
    if transcript is None or not transcript.file:
        return []
    key = f"transcript-cues:{transcript.pk}:{transcript.file.name}:{transcript.mime_type}"
    cues = cache.get(key)
    if cues is None:
        try:
            with transcript.file.open("rb") as file:
                content = file.read().decode("utf-8", "replace")
        except OSError:
            return []
        cues = parse_transcript(content.lstrip("\ufeff"), transcript.mime_type)
        cache.set(key, cues, 24 * 3600)
    return cues


def best_transcript(transcripts):
    """The transcript to show: timed formats first (they follow playback), then the others."""
    order = {"text/vtt": 0, "application/json": 1, "application/x-subrip": 2, "text/html": 3, "text/plain": 4}
    uploaded = [t for t in transcripts if t.file]
    return min(uploaded, key=lambda t: (order.get(t.mime_type, 9), t.pk), default=None)


def match_speakers(cues, people):
    """Attach the credited person to each cue whose speaker name is theirs (case and spacing aside)."""
    by_name = {" ".join(person.name.lower().split()): person for person in people}
    for cue in cues:
        cue["person"] = by_name.get(" ".join(cue["speaker"].lower().split()))
    return cues
