"""Uploaded images: refused by their declared size before decoding, checked with little memory."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from podcastcms.validators import check_image_data, validate_image_file


def encoded(size, format_name, mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, (10, 200, 30)).save(buffer, format=format_name)
    return buffer.getvalue()


def upload(data, name="art.png"):
    return SimpleUploadedFile(name, data)


def png_declaring(width, height):
    """A tiny PNG whose header declares ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def messages(data, name="art.png"):
    with pytest.raises(ValidationError) as caught:
        validate_image_file(upload(data, name))
    return caught.value.messages


def test_image_over_the_pixel_limit_is_refused_by_its_header(settings):
    settings.PODCASTCMS_MAX_IMAGE_PIXELS = 16_777_216

    assert messages(png_declaring(4097, 4096)) == [
        "This image is 4097 × 4096 pixels; the largest accepted is 16.7772 million pixels."
    ]
    assert messages(png_declaring(40_000, 40_000)) == [
        "This image declares more pixels than we accept; it may be a decompression bomb."
    ]


def test_image_pixel_limit_is_a_setting(settings):
    settings.PODCASTCMS_MAX_IMAGE_PIXELS = 100 * 100

    validate_image_file(upload(encoded((100, 100), "PNG")))
    assert messages(encoded((101, 100), "PNG")) == [
        "This image is 101 × 100 pixels; the largest accepted is 0.01 million pixels."
    ]


def test_jpeg_is_checked_at_an_eighth_of_its_size():
    image = Image.open(io.BytesIO(encoded((2400, 1600), "JPEG")))

    check_image_data(image, None)

    # 300 × 200 pixels decoded (180 KB) instead of 2400 × 1600 (11.5 MB).
    assert image.im.size == (300, 200)


def test_png_is_checked_without_decoding_its_pixels():
    data = encoded((2400, 1600), "PNG")
    image = Image.open(io.BytesIO(data))

    check_image_data(image, io.BytesIO(data))

    assert image._im is None


@pytest.mark.parametrize(("format_name", "name"), [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp")])
def test_image_cut_short_is_refused(format_name, name):
    data = encoded((300, 200), format_name)

    validate_image_file(upload(data, name))
    [message] = messages(data[: len(data) * 2 // 3], name)

    assert message.startswith("This image is damaged or incomplete (")
