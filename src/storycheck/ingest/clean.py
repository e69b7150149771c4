"""Text normalisation and page-junk removal.

``clean_body`` turns a reader's raw body text into paragraphs of article text, and
reports the lines it removed (so users and tests can see what was dropped and why).
Junk is recognised by the data-driven patterns in :mod:`storycheck.ingest.boilerplate`
plus a generic rule for short, unpunctuated lines made of boilerplate words, and for
navigation rows ("Home | World | Politics").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from storycheck.ingest import boilerplate

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# C0 controls but tab/newline/CR, DEL and C1 (ESC/CSI sequences would reach a terminal)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# bidirectional overrides and isolates: they reorder what a terminal or page shows
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BLANK_LINE = re.compile(r"\n\s*\n")
_WORD = re.compile(r"[a-z]+")
_SENTENCE_END = re.compile(r"[.!?…\"”’)。！？」]\s*$")
_NAV_SEPARATORS = re.compile(r"\s*[|•·»›]\s*|\s+/\s+")
_LIST_ITEM = re.compile(r"^([-*•–]|\d+[.)])\s+")
_TAG_LINE = re.compile(r"[a-z][a-z' -]*")

MAX_JUNK_PATTERN_WORDS = 20  # a pattern only condemns lines up to this long


@lru_cache(maxsize=1)
def _compiled_line_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (category, re.compile(rf"(?:{pattern})\s*[.!:]?", re.IGNORECASE))
        for category, pattern in boilerplate.LINE_PATTERNS
    )


@lru_cache(maxsize=1)
def _compiled_unpunctuated_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (category, re.compile(rf"(?:{pattern})\s*[!:]?", re.IGNORECASE))
        for category, pattern in boilerplate.UNPUNCTUATED_PATTERNS
    )


@lru_cache(maxsize=1)
def _compiled_trailing_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in boilerplate.TRAILING_PATTERNS)


def normalize(text: str) -> str:
    """NFC-normalise, drop control and zero-width characters, collapse horizontal space.

    Line structure is kept (``\\n``), typographic quotes and dashes are kept, and each
    line is stripped.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def clean_field(value: str | None) -> str | None:
    """A metadata field (title, outlet, author) made safe to print: control, C1,
    zero-width and bidi-override characters removed, whitespace collapsed to one line;
    None when nothing is left."""
    if value is None:
        return None
    text = _BIDI.sub("", normalize(value))
    text = " ".join(text.split())
    return text or None


def junk_reason(line: str) -> str | None:
    """Why ``line`` (one normalised line) is page junk, or ``None`` if it is text."""
    stripped = line.strip()
    if not stripped:
        return None
    words = stripped.split()
    if len(words) <= MAX_JUNK_PATTERN_WORDS:
        for category, pattern in _compiled_line_patterns():
            if pattern.fullmatch(stripped):
                return category
    sentence_like = bool(_SENTENCE_END.search(stripped))
    if len(words) <= MAX_JUNK_PATTERN_WORDS and not sentence_like:
        for category, pattern in _compiled_unpunctuated_patterns():
            if pattern.fullmatch(stripped):
                return category
    if sentence_like and (len(words) > 3 or len(stripped) > 40):
        return None
    if stripped.startswith("|") and stripped.endswith("|"):
        return None  # a table row, not a navigation bar
    if len(words) <= 6:
        lowered = set(_WORD.findall(stripped.lower()))
        if lowered & boilerplate.KEYWORDS:
            return "boilerplate words"
        if len(words) <= 4 and _TAG_LINE.fullmatch(stripped):
            return "tag line"
    parts = [p for p in _NAV_SEPARATORS.split(stripped) if p]
    if len(parts) >= 4 and all(len(p.split()) <= 3 for p in parts):
        return "navigation"
    return None


def strip_trailing_junk(line: str) -> tuple[str, str | None]:
    """Remove a junk block glued to the end of a paragraph; returns (text, removed part)."""
    for pattern in _compiled_trailing_patterns():
        match = pattern.search(line)
        if match:
            return line[: match.start()].rstrip(), line[match.start() :].strip()
    return line, None


@dataclass(frozen=True, slots=True)
class CleanBody:
    """Paragraphs of article text and the junk that was removed from around them."""

    paragraphs: tuple[str, ...]
    removed: tuple[str, ...]


def _is_hard_wrapped(lines: list[str]) -> bool:
    """A block whose lines are fragments of one paragraph (fixed-width text)."""
    if len(lines) < 2 or any(_LIST_ITEM.match(line) for line in lines):
        return False
    body = lines[:-1]
    return all(30 <= len(line) <= 100 for line in body) and not all(
        _SENTENCE_END.search(line) for line in body
    )


def clean_body(text: str) -> CleanBody:
    """Split normalised body text into paragraphs, removing page junk.

    Paragraphs are separated by blank lines when the text has any (hard-wrapped lines
    inside a block are joined); otherwise every line is a paragraph.
    """
    text = normalize(text)
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    paragraphs: list[str] = []
    removed: list[str] = []
    for block in blocks:
        lines: list[str] = []
        for line in block.split("\n"):
            if not line:
                continue
            if junk_reason(line):
                removed.append(line)
                continue
            kept, tail = strip_trailing_junk(line)
            if tail:
                removed.append(tail)
            if kept:
                lines.append(kept)
        if not lines:
            continue
        if _is_hard_wrapped(lines):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines)
    return CleanBody(tuple(paragraphs), tuple(removed))


_TITLE_END_BAD = re.compile(r"[.,;:]$")


def looks_like_title(line: str) -> bool:
    """A headline: short, starts like a sentence, no trailing full stop."""
    words = line.split()
    if not 1 <= len(words) <= 30 or len(line) > 250:
        return False
    if _TITLE_END_BAD.search(line) and not line.endswith("..."):
        return False
    first = line.lstrip("\"“‘'([")[:1]
    return bool(first) and (first.isupper() or first.isdigit())
