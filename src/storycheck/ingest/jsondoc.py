"""JSON (one article, a list, or ``{"articles": [...]}``) and JSON Lines articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from storycheck.ingest.errors import InputError
from storycheck.ingest.meta import as_text, first_of, parse_datetime
from storycheck.model import Document, SourceFormat

TEXT_KEYS = ("text", "content", "body", "article", "maintext", "full_text", "description")


def document_from_mapping(obj: Any, source: str, fmt: SourceFormat) -> Document:
    """Build a Document from one JSON object with the usual news field names."""
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object, got {type(obj).__name__}")
    raw = first_of(obj, *TEXT_KEYS)
    if isinstance(raw, list):
        raw = "\n\n".join(str(p) for p in raw if p)
    if not isinstance(raw, str) or not raw.strip():
        raise InputError("no article text (expected a 'text', 'content' or 'body' field)")
    return Document(
        source=source,
        format=fmt,
        text=raw,
        title=as_text(first_of(obj, "title", "headline")),
        outlet=as_text(
            first_of(obj, "outlet", "source", "publisher", "site", "site_name", "sitename")
        ),
        author=as_text(first_of(obj, "author", "authors", "byline")),
        published=parse_datetime(
            first_of(
                obj, "published", "published_at", "date", "datetime", "pubDate", "date_publish"
            )
        ),
        url=as_text(first_of(obj, "url", "link", "canonical_url")),
        language=as_text(first_of(obj, "language", "lang")),
    )


def _loads(text: str) -> Any:
    """``json.loads`` whose every failure is an :class:`InputError` with the reason:
    malformed JSON, nesting too deep for the parser (RecursionError), or a number too long
    to convert (Python refuses integers of more than 4,300 digits)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise InputError("JSON nested too deeply to read") from None
    except ValueError as exc:
        raise InputError(f"unreadable JSON value ({str(exc).split(';')[0]})") from None


def read_json(text: str, source: str) -> list[Document | InputError]:
    """Read a ``.json`` file: an article object, a list of them, or ``{"articles": [...]}``.

    A list element that is not a usable article becomes an :class:`InputError` in its
    place (the other elements are still read); a file that cannot be read at all raises.
    """
    data = _loads(text)
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, list):
        if not data:
            raise InputError("empty JSON list (no articles)")
        out: list[Document | InputError] = []
        for i, item in enumerate(data):
            try:
                out.append(document_from_mapping(item, f"{source}#{i + 1}", SourceFormat.JSON))
            except InputError as exc:
                out.append(InputError(f"item {i + 1}: {exc}"))
        if all(isinstance(entry, InputError) for entry in out):
            raise InputError(f"no usable article in {len(out)} items ({out[0]})")
        return out
    return [document_from_mapping(data, source, SourceFormat.JSON)]


def iter_jsonl(text: str, source: str) -> Iterator[Document | InputError]:
    """Read JSON Lines: one article per line; a bad line yields an error, not a stop."""
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = _loads(line)
            yield document_from_mapping(obj, f"{source}#{lineno}", SourceFormat.JSONL)
        except InputError as exc:
            yield InputError(f"line {lineno}: {exc}")
