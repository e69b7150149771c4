from __future__ import annotations

import gzip

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storycheck.ingest.decode import decode_bytes
from storycheck.ingest.errors import InputError


def test_utf8_and_bom() -> None:
    assert decode_bytes("Café “quoted”".encode()) == "Café “quoted”"
    assert decode_bytes(b"\xef\xbb\xbfhello") == "hello"


def test_utf16_with_bom() -> None:
    assert decode_bytes("Grüße aus Köln".encode("utf-16")) == "Grüße aus Köln"


def test_legacy_encoding_is_detected() -> None:
    text = "Le ministre a déclaré que la réunion était très productive et que les négociations"
    text += " reprendraient à Genève la semaine prochaine, selon un communiqué officiel."
    assert decode_bytes(text.encode("cp1252")) == text


def test_declared_charset_in_html() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body>Señor Núñez</body></html>'
    assert "Señor Núñez" in decode_bytes(html.encode("latin-1"))


def test_gzip_is_transparent() -> None:
    assert decode_bytes(gzip.compress(b"compressed article text")) == "compressed article text"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"%PDF-1.7 binary", "PDF"),
        (b"\x89PNG\r\n\x1a\n....", "PNG"),
        (b"PK\x03\x04zipdata", "ZIP"),
        (b"text with a \x00 NUL byte", "NUL"),
    ],
)
def test_refusals_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        decode_bytes(data)


def test_size_cap() -> None:
    with pytest.raises(InputError, match="too large"):
        decode_bytes(b"x" * 2048, max_bytes=1024)


def test_gzip_bomb_is_capped() -> None:
    with pytest.raises(InputError, match="too large"):
        decode_bytes(gzip.compress(b"a" * 100_000), max_bytes=10_000)


@given(st.binary(max_size=4096))
def test_arbitrary_bytes_decode_or_raise_input_error(data: bytes) -> None:
    try:
        result = decode_bytes(data)
    except InputError as exc:
        assert str(exc)
    else:
        assert isinstance(result, str)


@pytest.mark.parametrize(
    "data",
    [
        "\ufeffThe council voted.".encode("utf-16-le")[:-1],  # truncated last code unit
        b"\xff\xfe" + "Vote ".encode("utf-16-le") + b"\x00\xd8" + "passed".encode("utf-16-le"),
        b'<html><head><meta charset="undefined"></head><body>caf\xe9 vote</body></html>',
        b'<html><head><meta charset="base64"></head><body>caf\xe9 vote</body></html>',
    ],
)
def test_broken_encodings_decode_with_replacements_not_errors(data: bytes) -> None:
    """#17: truncated UTF-16, a lone surrogate and a bogus declared charset raised."""
    text = decode_bytes(data)
    assert "vote" in text.lower()


def test_utf16_without_bom_is_detected() -> None:
    """#17: UTF-16LE without a byte-order mark was refused as binary."""
    text = "The council voted 7-2 on Tuesday to approve the budget."
    assert decode_bytes(text.encode("utf-16-le")) == text
    assert decode_bytes(text.encode("utf-16-be")) == text
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\x00\x01\x02\x03binary\x00\x00\x10")


@given(st.binary(max_size=400))
def test_no_exception_but_input_error_escapes_decoding(data: bytes) -> None:
    try:
        decode_bytes(b"\xff\xfe" + data)
        decode_bytes(data)
    except InputError:
        pass
