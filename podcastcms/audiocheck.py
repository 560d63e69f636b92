"""Is this upload audio? Decided by walking its frames from the first byte to the last.

A header found somewhere proves nothing: random bytes contain MPEG sync words, and tag readers
invent a duration for them. Here a file is audio when its container or frame structure holds
from start to end: every MP3 or ADTS frame header is valid and the next one starts exactly
where the previous frame ends, with the same version, layer and sample rate; Ogg pages follow
each other with their capture pattern and sequence numbers; MP4 boxes tile the file and the
sample tables point inside the media data; WAV chunks tile the file; FLAC's metadata blocks
lead to a frame header whose checksum holds. Only tags (ID3, APE, Lyrics3) and padding may
come before or after the frames.

The file is read once, front to back, in large chunks; the same pass computes its SHA-256
(the enclosure's revision) and, where the frames carry it, the duration. The time is linear
in the size, which ``PODCASTCMS_MAX_AUDIO_BYTES`` bounds, and garbage stops the walk at its
first bad byte, so refusing 50 MB of random data reads a few bytes of it.
"""

import hashlib
import struct
from dataclasses import dataclass

CHUNK = 1 << 20


class NotAudio(Exception):
    """The bytes are not the audio the name says; the message says where and why."""


@dataclass
class AudioInfo:
    duration: float | None  # seconds; None where the tags say it (MP4's index, read by tinytag)
    size: int
    sha256: str


class Reader:
    """Sequential reads over a file with a running SHA-256 of every byte passed."""

    def __init__(self, file):
        self.file = file
        self.buffer = b""
        self.start = 0  # file offset of buffer[0]
        self.pos = 0  # file offset of the next byte to consume
        self.hash = hashlib.sha256()
        self.eof = False

    def _fill(self, wanted):
        """Make at least ``wanted`` bytes from ``pos`` available, unless the file ends."""
        offset = self.pos - self.start
        while len(self.buffer) - offset < wanted and not self.eof:
            chunk = self.file.read(max(CHUNK, wanted))
            if not chunk:
                self.eof = True
                break
            self.hash.update(chunk)
            self.buffer = self.buffer[offset:] + chunk
            self.start = self.pos
            offset = 0
        return offset

    def peek(self, n):
        offset = self._fill(n)
        return self.buffer[offset : offset + n]

    def read(self, n):
        data = self.peek(n)
        self.pos += len(data)
        return data

    def skip(self, n):
        """Advance ``n`` bytes (reading them through the hash); False when the file ends first."""
        while n > 0:
            available = len(self.buffer) - (self.pos - self.start)
            if available <= 0:
                self._fill(1)
                available = len(self.buffer) - (self.pos - self.start)
                if available <= 0:
                    return False
            step = min(n, available)
            self.pos += step
            n -= step
        return True

    def at_end(self):
        return not self.peek(1)

    def finish(self):
        """Read what is left through the hash; the hex digest."""
        self.buffer = b""
        self.start = self.pos
        while chunk := self.file.read(CHUNK):
            self.hash.update(chunk)
        return self.hash.hexdigest()


# MPEG audio ----------------------------------------------------------------------------

# Bit rates in kbit/s by (MPEG-1?, layer) and index 1..14.
_BITRATES = {
    (True, 1): [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    (True, 2): [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    (True, 3): [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    (False, 1): [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    (False, 2): [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    (False, 3): [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_LAYERS = {3: 1, 2: 2, 1: 3}  # header bits to layer number


def mpeg_frame(header):
    """(frame length, samples, sample rate, (version, layer)) of a 4-byte header, or None."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = (header[1] >> 3) & 3
    layer = _LAYERS.get((header[1] >> 1) & 3)
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 3
    if version == 1 or layer is None or bitrate_index in (0, 15) or rate_index == 3:
        return None  # reserved values, or free format (no frame length to check)
    if header[3] & 3 == 2:
        return None  # reserved emphasis
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index - 1] * 1000
    sample_rate = _SAMPLE_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    if layer == 1:
        length, samples = (12 * bitrate // sample_rate + padding) * 4, 384
    elif layer == 2 or mpeg1:
        length, samples = 144 * bitrate // sample_rate + padding, 1152
    else:
        length, samples = 72 * bitrate // sample_rate + padding, 576
    return length, samples, sample_rate, (version, layer)


def skip_id3v2(reader):
    """Skip ID3v2 tags (and zero padding after them) at the reader's position."""
    while True:
        head = reader.peek(10)
        if len(head) == 10 and head[:3] == b"ID3" and all(b < 0x80 for b in head[6:10]):
            size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
            footer = 10 if head[5] & 0x10 else 0
            if not reader.skip(10 + size + footer):
                raise NotAudio("the file ends inside its ID3 tag")
            continue
        if head[:1] == b"\x00":
            # Padding some tools write after the tag, outside its declared size.
            skipped = 0
            while reader.peek(1) == b"\x00":
                reader.skip(1)
                skipped += 1
                if skipped > 1 << 16:
                    raise NotAudio(f"byte {reader.pos} is still padding after 64 KB, no audio follows")
            continue
        return


def trailing_tags_only(reader):
    """True when what remains is tags an MP3 may end with (ID3v1, APEv2, Lyrics3) or padding."""
    rest = reader.peek(1 << 16)
    if len(rest) >= 1 << 16:
        return False  # far more than any trailing tag
    while rest:
        if rest.startswith(b"APETAGEX") and len(rest) >= 32:
            size = int.from_bytes(rest[12:16], "little")
            rest = rest[32 + size :] if rest[20:24] != b"\x00\x00\x00\xa0" else rest[size:]
        elif rest.startswith(b"LYRICSBEGIN"):
            end = rest.find(b"LYRICS200")
            end = end if end >= 0 else rest.find(b"LYRICSEND")
            if end < 0:
                return False
            rest = rest[end + 9 :]
        elif rest.startswith(b"TAG") and len(rest) >= 128:
            rest = rest[128:]
        elif rest.startswith(b"ID3"):
            return True  # an appended ID3v2 tag
        else:
            return rest.strip(b"\x00") == b""
    return True


def walk_mpeg(reader):
    skip_id3v2(reader)
    first_at = reader.pos
    kind = None
    frames = samples = 0
    sample_rate = 0
    known = {}  # header bytes -> frame, for headers already found consistent
    while True:
        if frames:
            # The frames that lie whole in the buffered chunk, walked without leaving it.
            buffer, offset = reader.buffer, reader.pos - reader.start
            end = len(buffer)
            while offset + 4 <= end:
                frame = known.get(buffer[offset : offset + 4])
                if frame is None or offset + frame[0] > end:
                    break
                samples += frame[1]
                frames += 1
                offset += frame[0]
            reader.pos = reader.start + offset
        header = reader.peek(4)
        if len(header) < 4:
            break  # the end, or a few stray bytes after the last frame
        frame = mpeg_frame(header)
        if frame is None or (kind is not None and (frame[3] != kind or frame[2] != sample_rate)):
            if frames >= 2 and trailing_tags_only(reader):
                break
            if frames == 0:
                raise NotAudio(f"no MPEG audio frame starts at byte {first_at}")
            raise NotAudio(
                f"the MPEG audio frames stop at byte {reader.pos} (after {frames} frames); "
                "the rest is not audio"
            )
        length, frame_samples, sample_rate, kind = frame
        known[header] = frame
        if not (frames == 0 and xing_frame(reader.peek(min(length, 64)))):
            samples += frame_samples  # (the encoder's info frame carries no audio)
        frames += 1
        if not reader.skip(length):
            break  # the last frame is cut short, as a stopped encoder leaves it
    if frames < 2 or not samples:
        raise NotAudio("it holds no complete MPEG audio frame")
    return samples / sample_rate


def xing_frame(data):
    return b"Xing" in data or b"Info" in data or b"VBRI" in data


# ADTS (raw AAC) --------------------------------------------------------------------------

_AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]


def walk_adts(reader):
    skip_id3v2(reader)
    frames = samples = 0
    sample_rate = None
    while True:
        header = reader.peek(7)
        if not header:
            break
        valid = len(header) == 7 and header[0] == 0xFF and header[1] & 0xF6 == 0xF0
        rate_index = (header[2] >> 2) & 0xF if valid else 15
        length = ((header[3] & 3) << 11) | (header[4] << 3) | (header[5] >> 5) if valid else 0
        if (
            not valid
            or rate_index >= len(_AAC_RATES)
            or length < 7
            or (sample_rate and _AAC_RATES[rate_index] != sample_rate)
        ):
            if frames and trailing_tags_only(reader):
                break
            where = "starts at" if frames == 0 else "follows the audio at"
            raise NotAudio(f"no AAC (ADTS) frame {where} byte {reader.pos}")
        sample_rate = _AAC_RATES[rate_index]
        samples += 1024 * ((header[6] & 3) + 1)
        frames += 1
        if not reader.skip(length):
            break
    if frames < 2:
        raise NotAudio("it holds no complete AAC frame")
    return samples / sample_rate


# Ogg (Vorbis, Opus, FLAC in Ogg) -----------------------------------------------------------


def walk_ogg(reader):
    pages = 0
    sequences = {}
    first_packet = b""
    granule = 0
    while not reader.at_end():
        header = reader.peek(27)
        if len(header) < 27 or header[:4] != b"OggS" or header[4] != 0:
            raise NotAudio(f"no Ogg page starts at byte {reader.pos}")
        (granule_position,) = struct.unpack_from("<q", header, 6)
        serial, sequence = struct.unpack_from("<II", header, 14)
        segments = header[26]
        table = reader.peek(27 + segments)[27:]
        if len(table) < segments:
            raise NotAudio(f"the Ogg page at byte {reader.pos} is cut off")
        if serial in sequences and sequence != sequences[serial] + 1:
            raise NotAudio(f"the Ogg page at byte {reader.pos} is out of sequence")
        sequences[serial] = sequence
        body = sum(table)
        if pages == 0:
            first_packet = reader.peek(27 + segments + min(body, 64))[27 + segments :]
        if granule_position > 0:
            granule = granule_position
        if not reader.skip(27 + segments + body):
            raise NotAudio("the last Ogg page is cut off")
        pages += 1
    if pages < 2:
        raise NotAudio("it holds no Ogg audio pages")
    if first_packet.startswith(b"OpusHead") and len(first_packet) >= 12:
        pre_skip = int.from_bytes(first_packet[10:12], "little")
        return max(granule - pre_skip, 0) / 48000
    if first_packet.startswith(b"\x01vorbis") and len(first_packet) >= 16:
        rate = int.from_bytes(first_packet[12:16], "little")
        if rate:
            return granule / rate
    if first_packet.startswith(b"\x7fFLAC") and len(first_packet) >= 30:
        rate = int.from_bytes(first_packet[27:30], "big") >> 4
        if rate:
            return granule / rate
    raise NotAudio("its Ogg stream is not Vorbis, Opus or FLAC audio")


# FLAC -----------------------------------------------------------------------------------


def _crc8(data):
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def flac_frame_header_ok(data):
    """Does a FLAC frame header with a valid CRC-8 start ``data``?"""
    if len(data) < 6 or data[0] != 0xFF or data[1] not in (0xF8, 0xF9):
        return False
    if data[2] >> 4 == 0 or data[2] & 0xF == 0xF or data[3] & 1:
        return False
    n = 4
    first = data[n]  # UTF-8 coded frame or sample number
    extra = 0
    while first & (0x80 >> extra) and extra < 7:
        extra += 1
    n += 1 + max(extra - 1, 0)
    n += {6: 1, 7: 2}.get(data[2] >> 4, 0)
    n += {12: 1, 13: 2, 14: 2}.get(data[2] & 0xF, 0)
    return len(data) > n and _crc8(data[:n]) == data[n]


def walk_flac(reader):
    skip_id3v2(reader)
    if reader.read(4) != b"fLaC":
        raise NotAudio("it does not start with the FLAC signature")
    streaminfo = None
    while True:
        header = reader.read(4)
        if len(header) < 4:
            raise NotAudio("the file ends inside its FLAC metadata")
        block_type, length = header[0] & 0x7F, int.from_bytes(header[1:4], "big")
        if block_type == 0:
            streaminfo = reader.peek(length)
        if block_type == 127 or not reader.skip(length):
            raise NotAudio("its FLAC metadata is damaged")
        if header[0] & 0x80:
            break
    if streaminfo is None or len(streaminfo) < 18:
        raise NotAudio("it has no FLAC stream information")
    max_frame = int.from_bytes(streaminfo[7:10], "big")
    packed = int.from_bytes(streaminfo[10:18], "big")
    sample_rate, total_samples = packed >> 44, packed & ((1 << 36) - 1)
    if not sample_rate or not total_samples:
        raise NotAudio("its FLAC stream information gives no sample rate or length")
    # Frames carry no length: a valid frame header must start the audio, and headers with
    # valid checksums must recur no further apart than the largest frame the encoder wrote.
    audio_start = last = reader.pos
    if not flac_frame_header_ok(reader.peek(16)):
        raise NotAudio(f"no FLAC frame starts at byte {audio_start}")
    limit = (max_frame or 1 << 24) + 16
    while True:
        window = reader.peek(CHUNK + 16)
        final = len(window) < CHUNK + 16
        scan_end = len(window) if final else CHUNK
        index = 0
        while (found := window.find(b"\xff", index, scan_end)) >= 0:
            if flac_frame_header_ok(window[found : found + 16]):
                at = reader.pos + found
                if at - last > limit:
                    raise NotAudio(f"the FLAC frames stop at byte {last}; the rest is not audio")
                last = at
            index = found + 1
        if final:
            end = reader.pos + len(window)
            reader.skip(len(window))
            break
        reader.skip(CHUNK)
    if end - last > limit:
        raise NotAudio(f"the FLAC frames stop at byte {last}; the rest is not audio")
    return total_samples / sample_rate


# WAV ------------------------------------------------------------------------------------


def walk_wav(reader, size):
    header = reader.read(12)
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
        raise NotAudio("it does not start with a RIFF WAVE header")
    declared = int.from_bytes(header[4:8], "little") + 8
    if declared not in (size, size - 1) and not (declared > size - 1 and declared - size < 2):
        raise NotAudio(f"its RIFF header says {declared} bytes but the file has {size}")
    byte_rate = data_size = None
    block_align = 0
    while not reader.at_end():
        chunk = reader.read(8)
        if len(chunk) < 8:
            raise NotAudio(f"a RIFF chunk is cut off at byte {reader.pos}")
        name, length = chunk[:4], int.from_bytes(chunk[4:8], "little")
        if not all(32 <= b < 127 for b in name):
            raise NotAudio(f"no RIFF chunk starts at byte {reader.pos - 8}")
        if name == b"fmt " and length >= 16:
            fmt = reader.peek(16)
            byte_rate = int.from_bytes(fmt[8:12], "little")
            block_align = int.from_bytes(fmt[12:14], "little")
        if name == b"data":
            data_size = length
        if not reader.skip(length + (length & 1)) and name != b"data":
            raise NotAudio(f"the RIFF chunk “{name.decode()}” runs past the end of the file")
    if not byte_rate or data_size is None or (block_align and data_size % block_align):
        raise NotAudio("its WAVE format or data chunk is missing or inconsistent")
    return data_size / byte_rate


# MP4 / QuickTime -------------------------------------------------------------------------

_CONTAINER_BOXES = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"udta"}
MAX_MOOV_BYTES = 64 * 1024 * 1024


def _boxes(data, offset=0):
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        kind = data[offset + 4 : offset + 8]
        header = 8
        if size == 1:
            size, header = int.from_bytes(data[offset + 8 : offset + 16], "big"), 16
        elif size == 0:
            size = len(data) - offset
        if size < header or offset + size > len(data):
            raise NotAudio(f"the MP4 box “{kind.decode('latin-1')}” is damaged")
        yield kind, data[offset + header : offset + size]
        offset += size


def _sample_tables(moov):
    """(chunk offsets, total sample bytes) of every track, from stco/co64 and stsz."""
    offsets, sample_bytes = [], 0
    stack = [moov]
    while stack:
        for kind, body in _boxes(stack.pop()):
            if kind in _CONTAINER_BOXES:
                stack.append(body)
            elif kind in (b"stco", b"co64") and len(body) >= 8:
                count = int.from_bytes(body[4:8], "big")
                width = 4 if kind == b"stco" else 8
                if len(body) < 8 + count * width:
                    raise NotAudio("its MP4 chunk table is cut off")
                fmt = ">" + ("I" if width == 4 else "Q") * count
                offsets.extend(struct.unpack_from(fmt, body, 8))
            elif kind == b"stsz" and len(body) >= 12:
                uniform, count = struct.unpack_from(">II", body, 4)
                if uniform:
                    sample_bytes += uniform * count
                else:
                    if len(body) < 12 + 4 * count:
                        raise NotAudio("its MP4 sample size table is cut off")
                    sample_bytes += sum(struct.unpack_from(f">{count}I", body, 12))
    return offsets, sample_bytes


def walk_mp4(reader, size):
    moov = None
    media = []  # (start, end) of each mdat's payload
    first = True
    while not reader.at_end():
        at = reader.pos
        header = reader.read(8)
        if len(header) < 8:
            raise NotAudio(f"an MP4 box is cut off at byte {at}")
        box_size, kind = int.from_bytes(header[:4], "big"), header[4:8]
        header_size = 8
        if box_size == 1:
            box_size, header_size = int.from_bytes(reader.read(8), "big"), 16
        elif box_size == 0:
            box_size = size - at
        if not all(32 <= b < 127 for b in kind) or box_size < header_size or at + box_size > size:
            raise NotAudio(f"no valid MP4 box starts at byte {at}")
        if first and kind not in (b"ftyp", b"moov", b"wide", b"free", b"mdat", b"skip"):
            raise NotAudio("it does not start with an MP4 or QuickTime box")
        first = False
        body = box_size - header_size
        if kind == b"moov":
            if body > MAX_MOOV_BYTES:
                raise NotAudio("its MP4 index (moov) is larger than 64 MB")
            moov = reader.read(body)
        else:
            if kind == b"mdat":
                media.append((reader.pos, reader.pos + body))
            reader.skip(body)
    if moov is None or not media:
        raise NotAudio("it has no MP4 index (moov) or no media data (mdat)")
    offsets, sample_bytes = _sample_tables(moov)
    if not offsets or not sample_bytes:
        raise NotAudio("its MP4 index lists no samples")
    for offset in offsets:
        if not any(start <= offset < end for start, end in media):
            raise NotAudio(f"its MP4 index points at byte {offset}, outside the media data")
    if sample_bytes > sum(end - start for start, end in media):
        raise NotAudio("its MP4 index lists more sample bytes than the media data holds")
    return None  # tinytag reads the duration from the index (mvhd), seeking past the media


# Entry point ----------------------------------------------------------------------------

WALKERS = {
    ".mp3": "mpeg",
    ".aac": "adts",
    ".ogg": "ogg",
    ".opus": "ogg",
    ".flac": "flac",
    ".wav": "wav",
    ".m4a": "mp4",
    ".mp4": "mp4",
    ".m4v": "mp4",
    ".mov": "mp4",
}


def inspect_audio(file, extension, size):
    """Walk ``file`` (opened in binary, at its start) as the format ``extension`` names.

    Returns AudioInfo; raises NotAudio with the reason when the frames do not hold.
    """
    reader = Reader(file)
    kind = WALKERS[extension]
    if kind == "mpeg":
        duration = walk_mpeg(reader)
    elif kind == "adts":
        duration = walk_adts(reader)
    elif kind == "ogg":
        duration = walk_ogg(reader)
    elif kind == "flac":
        duration = walk_flac(reader)
    elif kind == "wav":
        duration = walk_wav(reader, size)
    else:
        duration = walk_mp4(reader, size)
    return AudioInfo(duration=duration, size=size, sha256=reader.finish())
