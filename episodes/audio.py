"""Audio made by the project itself: the demo's episodes and the tests' fixtures."""

import math
from array import array

import lameenc

SAMPLE_RATE = 8000


def tone_mp3(seconds, *, bitrate=8, frequency=220.0, volume=0.02):
    """An MP3 of a quiet sine tone lasting ``seconds``: mono, 8 kHz, constant bit rate."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(7)
    period = array(
        "h",
        (
            int(32767 * volume * math.sin(2 * math.pi * frequency * i / SAMPLE_RATE))
            for i in range(SAMPLE_RATE)
        ),
    ).tobytes()
    data = bytearray()
    whole, remainder = divmod(int(round(seconds * SAMPLE_RATE)), SAMPLE_RATE)
    for _ in range(whole):
        data += encoder.encode(period)
    if remainder:
        data += encoder.encode(period[: remainder * 2])
    data += encoder.flush()
    return bytes(data)
