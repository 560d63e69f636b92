"""Audio is recognised by its frames, start to end, in one bounded pass; garbage is refused.

Real encoders make the accepted files: lameenc for MP3 (as the demo does) and FFmpeg's, through
PyAV, for AAC (ADTS and MP4/M4A/MOV), Opus in Ogg, FLAC and WAV.
"""

import io
import random
import struct

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from episodes.audio import tone_mp3
from podcastcms.audiocheck import inspect_audio
from podcastcms.validators import read_audio_metadata

av = pytest.importorskip("av", reason="PyAV (requirements-dev.txt) encodes the non-MP3 test files")

# (container, codec, sample rate) per extension.
ENCODINGS = {
    ".m4a": ("ipod", "aac", 44100),
    ".mp4": ("mp4", "aac", 44100),
    ".mov": ("mov", "aac", 44100),
    ".aac": ("adts", "aac", 44100),
    ".opus": ("ogg", "libopus", 48000),
    ".ogg": ("ogg", "libopus", 48000),
    ".flac": ("flac", "flac", 44100),
    ".wav": ("wav", "pcm_s16le", 8000),
}


def encode(extension, seconds=3):
    """``seconds`` of a quiet tone, encoded by FFmpeg in the format ``extension`` names."""
    if extension == ".mp3":
        return tone_mp3(seconds)
    container, codec, rate = ENCODINGS[extension]
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as output:
        stream = output.add_stream(codec, rate=rate)
        stream.layout = "mono"
        total = seconds * rate
        for start in range(0, total, 1024):
            count = min(1024, total - start)
            frame = av.AudioFrame(format="s16", layout="mono", samples=count)
            frame.planes[0].update(
                struct.pack(f"<{count}h", *(((start + i) % 64 - 32) * 40 for i in range(count)))
            )
            frame.sample_rate, frame.pts = rate, start
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    return buffer.getvalue()


def noise(size, seed=8):
    return random.Random(seed).randbytes(size)


def metadata(data, name):
    return read_audio_metadata(SimpleUploadedFile(name, data))


def refusal(data, name):
    with pytest.raises(ValidationError) as caught:
        metadata(data, name)
    return caught.value.messages


class CountingFile(io.BytesIO):
    """A file that counts the bytes read from it."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


EXTENSIONS = [".mp3", *ENCODINGS]


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_audio_encoded_by_a_real_encoder_is_accepted_with_its_duration(extension):
    data = encode(extension, seconds=3)

    found = metadata(data, f"episode{extension}")

    assert (found["duration"], found["size"]) == (3, len(data))


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_random_bytes_named_as_audio_are_refused(extension):
    [message] = refusal(noise(200_000), f"episode{extension}")

    assert message.startswith(f"This file is not {extension[1:].upper()} audio: ")


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_audio_with_garbage_after_its_frames_is_refused(extension):
    [message] = refusal(encode(extension) + noise(20_000), f"episode{extension}")

    assert message.startswith(f"This file is not {extension[1:].upper()} audio: ")


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_audio_whose_start_is_followed_by_garbage_is_refused(extension):
    data = encode(extension)

    [message] = refusal(data[:300] + noise(len(data)), f"episode{extension}")

    assert message.startswith(f"This file is not {extension[1:].upper()} audio: ")


def test_random_mp3_messages_say_where_the_frames_stop():
    real = tone_mp3(3)

    assert refusal(noise(1000), "a.mp3") == [
        "This file is not MP3 audio: no MPEG audio frame starts at byte 0."
    ]
    assert refusal(real + noise(5000), "a.mp3") == [
        f"This file is not MP3 audio: the MPEG audio frames stop at byte {len(real)} (after 44 frames); "
        "the rest is not audio."
    ]


def test_fifty_megabytes_of_random_bytes_are_refused_after_reading_one_chunk():
    file = CountingFile(noise(50 * 1024 * 1024))

    with pytest.raises(Exception, match="no MPEG audio frame starts at byte 0"):
        inspect_audio(file, ".mp3", 50 * 1024 * 1024)

    assert file.bytes_read == 1024 * 1024


def test_audio_is_read_once_for_validation_hash_and_duration():
    data = tone_mp3(20)
    upload = SimpleUploadedFile("episode.mp3", b"")
    upload.file = CountingFile(data)
    upload.size = len(data)

    first = read_audio_metadata(upload)
    second = read_audio_metadata(upload)

    assert upload.file.bytes_read == len(data)
    assert first == second
    assert first["duration"] == 20


def test_mp3_with_id3_tag_and_id3v1_trailer_is_accepted():
    frames = tone_mp3(2)
    id3v2 = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10
    id3v1 = b"TAG" + b"\x00" * 125

    assert metadata(id3v2 + frames + id3v1, "a.mp3")["duration"] == 2


def test_audio_size_limit_is_a_setting(settings):
    settings.PODCASTCMS_MAX_AUDIO_BYTES = 10 * 1024 * 1024
    data = b"\x00" * (11 * 1024 * 1024)

    assert refusal(data, "a.mp3") == ["This file is 11 MB; the largest audio file accepted is 10 MB."]
