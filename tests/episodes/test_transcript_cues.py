"""Transcripts of every accepted format read into the same timed cues."""

import json

from episodes.player.transcripts import match_speakers, parse_transcript


class Named:
    def __init__(self, name):
        self.name = name


def test_webvtt_cues_carry_times_and_voice_tag_speakers():
    vtt = (
        "WEBVTT\n\nNOTE made for a test\n\n"
        "intro\n00:00:01.500 --> 00:00:04.000 align:start\n"
        "<v.loud Tobias Macey>Hello &amp; <i>welcome</i>\n\n"
        "01:02.000 --> 01:05.000\n<v Adam Paszke>Two lines\nof text</v>\n"
    )

    assert parse_transcript(vtt, "text/vtt") == [
        {"start": 1.5, "end": 4.0, "speaker": "Tobias Macey", "text": "Hello & welcome"},
        {"start": 62.0, "end": 65.0, "speaker": "Adam Paszke", "text": "Two lines of text"},
    ]


def test_srt_cues_take_speaker_prefixes():
    srt = (
        "1\r\n00:00:01,000 --> 00:00:02,000\r\nAda: Hi there\r\n\r\n"
        "2\r\n00:00:03,250 --> 00:00:04,000\r\nNo speaker\r\n"
    )

    assert parse_transcript(srt, "application/x-subrip") == [
        {"start": 1.0, "end": 2.0, "speaker": "Ada", "text": "Hi there"},
        {"start": 3.25, "end": 4.0, "speaker": "", "text": "No speaker"},
    ]


def test_json_segments_of_one_speaker_join_into_a_cue():
    data = {
        "version": "1.0.0",
        "segments": [
            {"speaker": "Ada", "startTime": 0, "endTime": 0.5, "body": "Hello"},
            {"speaker": "Ada", "startTime": 0.5, "endTime": 1, "body": "world"},
            {"speaker": "Bo", "startTime": 1, "endTime": 2, "body": "Hi"},
            {"startTime": "bad", "body": ""},
        ],
    }

    assert parse_transcript(json.dumps(data), "application/json") == [
        {"start": 0.0, "end": 1.0, "speaker": "Ada", "text": "Hello world"},
        {"start": 1.0, "end": 2.0, "speaker": "Bo", "text": "Hi"},
    ]


def test_plain_text_and_html_give_untimed_paragraphs():
    html = "<p>Ada: Hello <b>there</b></p><p>Closing words<script>x</script></p>"

    assert parse_transcript("Ada: One\n\nTwo", "text/plain") == [
        {"start": None, "end": None, "speaker": "Ada", "text": "One"},
        {"start": None, "end": None, "speaker": "", "text": "Two"},
    ]
    assert parse_transcript(html, "text/html") == [
        {"start": None, "end": None, "speaker": "Ada", "text": "Hello there"},
        {"start": None, "end": None, "speaker": "", "text": "Closing words"},
    ]


def test_unreadable_transcripts_give_no_cues_instead_of_an_error():
    assert (
        parse_transcript("{not json", "application/json"),
        parse_transcript("WEBVTT\n\nnothing", "text/vtt"),
    ) == (
        [],
        [],
    )


def test_speakers_match_credited_people_by_name_ignoring_case_and_spacing():
    ada = Named("Ada  Lovelace")
    cues = [{"speaker": "ada lovelace"}, {"speaker": "Someone Else"}, {"speaker": ""}]

    assert [cue["person"] for cue in match_speakers(cues, [ada])] == [ada, None, None]
