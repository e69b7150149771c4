"""RSS and Atom feeds via feedparser.

An entry that carries its full text (``content:encoded``, Atom ``content``, or a long
summary) becomes a Document directly; an entry with only a teaser is returned as a
link for the pipeline to fetch, together with the entry's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storycheck.ingest.errors import InputError
from storycheck.ingest.meta import as_text
from storycheck.model import Document, SourceFormat

FULL_TEXT_MIN_WORDS = 80


@dataclass(frozen=True, slots=True)
class FeedRead:
    """What a feed gave: full-text documents and entry links still to fetch."""

    documents: tuple[Document, ...]
    pending: tuple[Document, ...]  # metadata only; ``url`` is the link to fetch
    feed_title: str | None


def _html_to_text(fragment: str) -> str:
    import lxml.html

    if "<" not in fragment:
        return fragment
    try:
        tree = lxml.html.fromstring(f"<div>{fragment}</div>")
    except Exception:  # lxml on odd fragments
        return fragment
    blocks = [
        " ".join(el.text_content().split()) for el in tree.iter("p", "li", "h2", "h3", "blockquote")
    ]
    text = "\n\n".join(b for b in blocks if b)
    return text or " ".join(tree.text_content().split())


def _published(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime(*tuple(value)[:6]).replace(tzinfo=UTC)
    return None


def looks_like_feed(text: str) -> bool:
    head = text[:2000].lower()
    return "<rss" in head or "<feed" in head or "<rdf:rdf" in head


def read_feed(text: str, source: str) -> FeedRead:
    """Parse an RSS/Atom document into documents and links to fetch."""
    import feedparser

    parsed = feedparser.parse(text)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            exc = parsed.get("bozo_exception")
            raise InputError(f"malformed feed ({type(exc).__name__}: {str(exc)[:80]})")
        raise InputError("feed has no entries")
    feed_title = as_text(parsed.get("feed", {}).get("title"))
    documents: list[Document] = []
    pending: list[Document] = []
    for i, entry in enumerate(entries, start=1):
        link = entry.get("link")
        content = entry.get("content") or []
        body = max((c.get("value", "") for c in content), key=len, default="")
        summary = entry.get("summary", "") or ""
        text_body = _html_to_text(body) if body else ""
        if not text_body:
            candidate = _html_to_text(summary)
            if len(candidate.split()) >= FULL_TEXT_MIN_WORDS:
                text_body = candidate
        doc = Document(
            source=f"{source}#{i}",
            format=SourceFormat.FEED,
            text=text_body,
            title=as_text(entry.get("title")),
            outlet=as_text((entry.get("source") or {}).get("title")) or feed_title,
            author=as_text(entry.get("author")),
            published=_published(entry),
            url=link,
        )
        if text_body.strip():
            documents.append(doc)
        elif link:
            pending.append(doc)
    if not documents and not pending:
        problem = "malformed feed" if parsed.get("bozo") else "feed"
        raise InputError(f"{problem}: its entries carry neither text nor links")
    return FeedRead(tuple(documents), tuple(pending), feed_title)
