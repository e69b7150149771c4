"""HTML articles: main text and metadata via trafilatura, readability as the fallback."""

from __future__ import annotations

import logging
import re
from typing import Any

from storycheck.ingest.errors import InputError
from storycheck.ingest.meta import parse_datetime
from storycheck.model import Document, SourceFormat

# The extractors log their own complaints; ours is the one line the user sees.
for _name in ("trafilatura", "htmldate", "courlan", "readability", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False

_WORDS = re.compile(r"[^\W\d_]{2,}")


def _trafilatura(html: str, url: str | None) -> Any:
    import trafilatura

    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
    )


def _readability(html: str) -> tuple[str | None, str]:
    """Fallback extraction: readability's main block, flattened to paragraphs."""
    import lxml.html
    from readability import Document as ReadabilityDocument

    doc = ReadabilityDocument(html)
    summary = doc.summary(html_partial=True)
    tree = lxml.html.fromstring(summary)
    blocks = [
        " ".join(el.text_content().split())
        for el in tree.iter("p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre")
    ]
    text = "\n\n".join(b for b in blocks if b)
    if not text:
        text = "\n\n".join(line.strip() for line in tree.text_content().split("\n") if line.strip())
    title = doc.short_title() or None
    return title, text


def read_html(html: str, source: str, *, url: str | None = None) -> Document:
    """Extract an article from an HTML page."""
    if "<" not in html:
        raise InputError("not HTML (no markup found)")
    try:
        extracted = _trafilatura(html, url)
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        extracted = None
        reason = f"{type(exc).__name__}"
    else:
        reason = "no article text found"
    if extracted is not None and (extracted.text or "").strip():
        text = "\n\n".join(line for line in extracted.text.split("\n") if line.strip())
        title = extracted.title or None
        if title:
            first, _, rest = text.partition("\n\n")
            if " ".join(first.split()) == " ".join(title.split()):
                text = rest
        return Document(
            source=source,
            format=SourceFormat.HTML,
            text=text,
            title=title,
            outlet=extracted.sitename or None,
            author=extracted.author or None,
            published=parse_datetime(extracted.date),
            url=extracted.url or url,
            language=extracted.language or None,
        )
    try:
        title, text = _readability(html)
    except Exception as exc:  # readability/lxml on malformed input
        raise InputError(
            f"malformed HTML ({reason}; fallback failed: {type(exc).__name__})"
        ) from None
    if not _WORDS.search(text):
        raise InputError(f"malformed or empty HTML ({reason})")
    return Document(source=source, format=SourceFormat.HTML, text=text, title=title, url=url)
