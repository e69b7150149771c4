"""Plain text and Markdown articles.

Layout understood for ``.txt``: an optional front matter block, the first line as the
title when it looks like a headline (unless ``title_line=False``), then optional
header lines (``By Jane Doe | The Gazette``, ``Published: 2025-03-04``, ``Source: …``),
then the body. Markdown is rendered to plain paragraphs with markdown-it; its first
``#`` heading is the title when the front matter names none.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

from storycheck.ingest.clean import junk_reason, looks_like_title, normalize
from storycheck.ingest.meta import first_of, header_field, parse_datetime, split_front_matter
from storycheck.model import Document, SourceFormat

_HEADER_SCAN_LINES = 6
_BARE_URL = re.compile(r"https?://[^\s<>\"]+")
_DATE_PREFIX = re.compile(r"^(?:updated|posted|published|last updated)\s*:?\s*", re.IGNORECASE)
_DATE_LINE_MAX = 60


def _header_line(line: str, fields: dict[str, str]) -> bool:
    """A bare URL line (the article's address) or a line that is only a date (its
    publication time), as saved pages and corpora put them above the headline."""
    text = line.strip()
    if "url" not in fields and _BARE_URL.fullmatch(text):
        fields["url"] = text
        host = urlsplit(text).hostname or ""
        if host and "outlet" not in fields:
            fields["site"] = host.removeprefix("www.")
        return True
    if "published" not in fields and len(text) <= _DATE_LINE_MAX and not text.endswith("."):
        bare = _DATE_PREFIX.sub("", text)
        if re.search(r"\d", bare) and parse_datetime(bare) is not None:
            fields["published"] = bare
            return True
    return False


def _apply_header(fields: dict[str, str], key: str, value: str) -> None:
    if key == "byline":
        author, outlet = value.split("\x1f")
        fields.setdefault("author", author)
        if outlet:
            fields.setdefault("outlet", outlet)
    else:
        fields.setdefault(key, value)


def _split_head(text: str, title_line: bool) -> tuple[dict[str, str], str]:
    """Take the title and header lines off the top of a text; return (fields, body)."""
    fields: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    scanned = 0
    while i < len(lines) and scanned < _HEADER_SCAN_LINES:
        line = lines[i]
        if not line:
            i += 1
            continue
        scanned += 1
        if junk_reason(line):
            i += 1
            continue
        if _header_line(line, fields):
            i += 1
            continue
        header = header_field(line)
        if header:
            _apply_header(fields, *header)
            i += 1
            continue
        rest_has_text = any(rest.strip() for rest in lines[i + 1 :])
        if title_line and "title" not in fields and rest_has_text and looks_like_title(line):
            fields["title"] = line
            i += 1
            continue
        break
    body_lines = [line for line in lines[:i] if line and junk_reason(line)] + lines[i:]
    return fields, "\n".join(body_lines)


def _document(source: str, fmt: SourceFormat, fields: dict[str, str], body: str) -> Document:
    return Document(
        source=source,
        format=fmt,
        text=body,
        title=first_of(fields, "title", "headline"),
        outlet=first_of(fields, "outlet", "source", "publisher", "site", "site_name"),
        author=first_of(fields, "author", "byline"),
        published=parse_datetime(first_of(fields, "published", "date", "published_at")),
        url=first_of(fields, "url", "link", "canonical"),
        language=first_of(fields, "language", "lang"),
    )


def read_text(text: str, source: str, *, title_line: bool = True) -> Document:
    """Read a plain-text article."""
    front, body = split_front_matter(normalize(text))
    fields, body = _split_head(body, title_line and "title" not in front)
    return _document(source, SourceFormat.TEXT, {**fields, **front}, body)


_MD = MarkdownIt("commonmark")


def markdown_to_text(markdown: str) -> tuple[str | None, str]:
    """Render Markdown to paragraphs of plain text; returns (first h1, text)."""
    tokens = _MD.parse(markdown)
    blocks: list[str] = []
    first_h1: str | None = None
    in_h1 = False
    for token in tokens:
        if token.type == "heading_open":
            in_h1 = token.tag == "h1"
        elif token.type == "inline":
            parts: list[str] = []
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
                elif child.type == "html_inline":
                    continue
            line = " ".join("".join(parts).split())
            if in_h1 and first_h1 is None:
                first_h1 = line
                in_h1 = False
                continue
            if line:
                blocks.append(line)
        elif token.type == "heading_close":
            in_h1 = False
    return first_h1, "\n\n".join(blocks)


def read_markdown(text: str, source: str, *, title_line: bool = True) -> Document:
    """Read a Markdown article (front matter, ``#`` title, body rendered to text)."""
    front, body = split_front_matter(normalize(text))
    h1, rendered = markdown_to_text(body)
    fields, rendered = _split_head(rendered, False)
    if h1 and "title" not in front and title_line:
        fields["title"] = h1
    elif h1:
        rendered = f"{h1}\n\n{rendered}"
    return _document(source, SourceFormat.MARKDOWN, {**fields, **front}, rendered)
