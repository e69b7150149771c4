"""Metadata helpers shared by the format readers: dates, header lines, front matter."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from dateutil import parser as dateutil_parser

_BYLINE = re.compile(
    r"^by\s+(?P<author>[A-Z][\w.'’ -]{1,60}?)"
    r"(?:\s*(?:[|,•–—]|\s-\s)\s*(?P<outlet>[\w&.'’ -]{2,60}))?$",
    re.IGNORECASE,
)
_FIELD = re.compile(
    r"^(?P<key>source|outlet|publisher|published by|site|author|written by|published|date|"
    r"posted|updated|url|link|original url)\s*[:：]\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_FIELD_KEYS = {
    "source": "outlet",
    "outlet": "outlet",
    "publisher": "outlet",
    "published by": "outlet",
    "site": "outlet",
    "author": "author",
    "written by": "author",
    "published": "published",
    "date": "published",
    "posted": "published",
    "updated": "published",
    "url": "url",
    "link": "url",
    "original url": "url",
}


def parse_datetime(value: Any) -> datetime | None:
    """Parse a date/time from metadata (ISO 8601, RFC 822, or free text); None if unclear.

    The result is always timezone-aware (UTC when the source gives no zone), so dates
    from different formats compare and sort.
    """
    parsed = _parse_datetime(value)
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _parse_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if not text or len(text) > 80:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return dateutil_parser.parse(text, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None


def header_field(line: str) -> tuple[str, str] | None:
    """Recognise a metadata line such as ``By Jane Doe | The Gazette`` or ``Published: …``.

    Returns ``(field, value)`` with field one of author, outlet, published, url; a byline
    with an outlet returns ``("byline", "author\\x1foutlet")``.
    """
    if len(line.split()) > 14:
        return None
    byline = _BYLINE.match(line)
    if byline:
        author = byline.group("author").strip()
        outlet = (byline.group("outlet") or "").strip()
        return ("byline", f"{author}\x1f{outlet}")
    field = _FIELD.match(line)
    if field:
        key = _FIELD_KEYS[field.group("key").lower()]
        value = field.group("value").strip()
        if key == "published" and parse_datetime(value) is None:
            return None
        if key == "url" and not value.lower().startswith(("http://", "https://")):
            return None
        return (key, value)
    return None


_FRONT_MATTER = re.compile(r"\A---\s*\n(?P<body>.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.DOTALL)
_FM_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)$")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split simple YAML-style front matter (``key: value`` lines) from the body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields: dict[str, str] = {}
    for line in match.group("body").split("\n"):
        kv = _FM_LINE.match(line.strip())
        if kv:
            fields[kv.group("key").lower()] = kv.group("value").strip().strip("\"'")
    return fields, text[match.end() :]


def first_of(mapping: dict[str, Any], *keys: str) -> Any:
    """The first present, non-empty value among ``keys``."""
    for key in keys:
        value = mapping.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def as_text(value: Any) -> str | None:
    """A metadata value as one clean string (lists joined, dicts by their name/title)."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = first_of(value, "name", "title", "value")
    if isinstance(value, list | tuple):
        parts = [as_text(v) for v in value]
        value = ", ".join(p for p in parts if p)
    text = " ".join(str(value).split())
    return text or None
