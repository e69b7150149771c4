"""Which article URLs may become links in a report or a page.

An article's URL comes from its input (a JSON field, a feed, a page's metadata), so it
can be anything: ``javascript:``, ``data:text/html,<script>…``, text with markup in it.
Only an ``http(s)`` URL with a host and no characters that could leave an attribute or
an autolink becomes a link; everything else is shown as escaped text.
"""

from __future__ import annotations

from urllib.parse import urlsplit

_UNSAFE = frozenset("<>\"'`\\ \t\r\n")


def http_url(value: object) -> str | None:
    """``value`` if it is a linkable http(s) URL (see the module doc), else None."""
    if not isinstance(value, str) or not value or len(value) > 2048:
        return None
    if any(ch in _UNSAFE or ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return value
