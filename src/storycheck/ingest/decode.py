"""Bytes → text, with clear refusals for what is not text.

Order: size cap, gzip (decompressed under the same cap), binary signatures and NUL
bytes, byte-order marks, UTF-8, an HTML/XML declared charset, then charset detection
with charset-normalizer. Anything that survives none of these is refused with a
reason that names the problem.
"""

from __future__ import annotations

import re
import zlib

from storycheck.ingest.errors import InputError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or Office document)"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
    (b"RIFF", "a media file"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg media file"),
    (b"\x00\x00\x00", "a binary file"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _human(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputError(f"too large ({_human(size)}, the cap is {_human(max_bytes)})")


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise InputError(f"corrupt gzip data ({exc})") from None
    if len(out) > max_bytes:
        raise InputError(f"too large once decompressed (over {_human(max_bytes)})")
    return out


def _utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le" / "utf-16-be" when ``head`` looks like mostly-ASCII UTF-16 without a
    byte-order mark (NUL in nearly every odd / even byte, text in the others), else None."""
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even, odd = head[0 : 2 * pairs : 2], head[1 : 2 * pairs : 2]
    for zeros, text, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * pairs and text.count(0) <= 0.02 * pairs:
            return name
    return None


def decode_bytes(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode an input's bytes to text or raise :class:`InputError` saying why not."""
    check_size(len(data), max_bytes)
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, max_bytes)
    if not data.strip():
        raise InputError("empty (no text)")
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise InputError(f"binary file ({what}), not text")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # a truncated last code unit or a lone surrogate becomes U+FFFD, never an error
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        bom_less = _utf16_without_bom(data[:8192])
        if bom_less is None:
            raise InputError("binary file (contains NUL bytes), not text")
        return data.decode(bom_less, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeError, ValueError):
            pass  # an unknown or non-text codec ("undefined", "base64"), or wrong bytes
    from charset_normalizer import from_bytes

    matches = sorted(from_bytes(data[:200_000]), key=lambda m: (m.chaos, -m.coherence))
    if not matches or matches[0].chaos > 0.3:
        raise InputError("undecodable bytes (not UTF-8, and no text encoding could be detected)")
    best = matches[0]
    tied = [m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    # Equally plausible single-byte candidates: prefer the web's legacy default (WHATWG).
    encoding = "cp1252" if "cp1252" in tied else best.encoding
    return data.decode(encoding, errors="replace")
