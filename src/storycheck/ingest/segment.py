"""Sentence segmentation with exact character spans.

The default segmenter is rule based and fast (it runs on every ingested article): a
boundary is terminal punctuation (``.``, ``!``, ``?``, ``…``), optionally followed by
closing quotes or brackets, then whitespace, then something that can start a sentence.
A boundary is rejected after title abbreviations ("Dr.", "Sen."), initials ("George W.
Bush"), and after multi-period abbreviations ("U.S.", "a.m.") unless the next word is a
typical sentence opener. A boundary is also rejected inside a quotation (straight ``"``,
curly “ ”, guillemets « »): ``He promised to end it in "24 hours. Maybe less," aides
said.`` is one sentence. Only a quotation that closes within the same line and within
:data:`MAX_QUOTE_CHARS` counts — an unclosed or very long one (a stray mark, a speech of
several paragraphs' worth) must not swallow the rest of the article, so inside it the
ordinary rules apply. ``pysbd`` is available as an alternative backend; the test suite
measures how often the two agree.

Every function returns ``(start, end)`` spans into the string it was given, so
``text[start:end]`` is the sentence, stripped of surrounding whitespace.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from typing import Literal

SegmenterName = Literal["rules", "pysbd"]

# Abbreviations after which a period never ends a sentence (they precede a name or number).
_TITLE_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "maj",
        "cmdr",
        "adm",
        "cpl",
        "pvt",
        "rev",
        "fr",
        "sr",
        "jr",
        "st",
        "mt",
        "ft",
        "no",
        "nos",
        "vol",
        "fig",
        "pp",
        "ch",
        "art",
        "sec",
        "para",
        "approx",
        "est",
        "dept",
        "univ",
        "assn",
        "bros",
        "messrs",
        "mme",
        "mlle",
        "hon",
        "pres",
        "supt",
        "insp",
        "det",
        "amb",
        "atty",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "vs",
        "v",
        "cf",
        "al",
    ]
)
# Abbreviations that often end a sentence too ("... in the U.S. The ...").
_SENTENCE_FINAL_ABBREVIATIONS = frozenset(
    [
        "inc",
        "corp",
        "ltd",
        "co",
        "llc",
        "plc",
        "etc",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "a.m",
        "p.m",
        "ph.d",
        "d.c",
        "l.a",
        "n.y",
    ]
)
_OPENERS = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "this",
        "that",
        "these",
        "those",
        "there",
        "his",
        "her",
        "its",
        "their",
        "our",
        "but",
        "and",
        "so",
        "yet",
        "however",
        "meanwhile",
        "in",
        "on",
        "at",
        "after",
        "before",
        "when",
        "while",
        "if",
        "as",
        "for",
        "with",
        "by",
        "from",
        "during",
        "since",
        "although",
        "though",
        "one",
        "two",
        "three",
        "some",
        "many",
        "most",
        "several",
        "officials",
        "police",
        "authorities",
    ]
)

_BOUNDARY = re.compile(
    r"""(?P<punct>[.!?…]+|\.\.\.)          # terminal punctuation
        (?P<close>["”’'»)\]]*)              # closing quotes / brackets
        (?P<space>\s+)                      # whitespace
        (?=(?P<next>["“‘'«(\[]?[A-Z0-9À-ÖØ-Þ]))  # something that can start a sentence
    """,
    re.VERBOSE,
)
_WORD_BEFORE = re.compile(r"([\w.'’-]+)$")
#: Characters looked back for the word before a period (longer "words" are not
#: abbreviations or initials, so a cut one still ends the sentence).
_LOOKBACK = 64
_NEXT_WORD = re.compile(r"[\"“‘'(\[]?([\w’'-]+)")
#: an abbreviation spelled with spaces ("4:30 p. m.", "e. g."): lower-case letters, each
#: with its period
_SPACED = re.compile(r"(?<![\w.])((?:[a-z]\.\s){1,3}[a-z])$")


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    punct = match.group("punct")
    if punct != ".":
        return True  # ! ? … and ellipses end sentences when a capital follows
    if match.group("close"):
        return True  # `... said." Next` — a closing quote after the period
    # only the word right before the period matters: look back a bounded stretch, not
    # from the paragraph's start (that made splitting quadratic in the paragraph length)
    head = _WORD_BEFORE.search(text, max(0, match.start() - _LOOKBACK), match.start())
    if head is None:
        return True
    word = head.group(1).lstrip("'’(-")
    spaced = _SPACED.search(text, max(0, match.start() - 8), match.start())
    if spaced is not None:
        word = re.sub(r"\s", "", spaced.group(1))  # "p. m" reads as "p.m"
    low = word.lower().rstrip(".")
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # an initial: "George W. Bush", "J. K. Rowling"
    if low in _TITLE_ABBREVIATIONS:
        return False
    if low in _SENTENCE_FINAL_ABBREVIATIONS or (
        "." in word.rstrip(".") and all(len(p) <= 2 for p in word.rstrip(".").split("."))
    ):
        nxt = _NEXT_WORD.match(text, match.end())
        return nxt is not None and nxt.group(1).lower() in _OPENERS
    return True


#: A quotation longer than this (from its opening to its closing mark) does not hold
#: sentences together: boundaries inside it are found as if it were not quoted.
MAX_QUOTE_CHARS = 400
_QUOTE_MARK = re.compile(r"[\"“”«»\n]")
_OPENING = {"“": "”", "«": "»"}
# before an opening straight quote: start of text, space, bracket, dash, colon etc.
_OPENS_AFTER = frozenset("([{—–-/:;")


def _straight_opens(text: str, i: int) -> bool:
    """Whether the straight quote at ``i`` (with no quotation open) opens one: something
    follows it and it does not sit right after a word (``hours," and`` only closes)."""
    if i + 1 >= len(text) or text[i + 1].isspace():
        return False
    return i == 0 or text[i - 1].isspace() or text[i - 1] in _OPENS_AFTER


def quotation_spans(text: str, max_chars: int = MAX_QUOTE_CHARS) -> list[tuple[int, int]]:
    """``(open, close)`` positions of the quotation marks of every quotation in ``text``
    that closes on the same line and at most ``max_chars`` after it opens; ordered and
    not overlapping (nested quotations are inside the outer one's span).

    A line break ends any open quotation unclosed; a stray closing mark is ignored; an
    opening curly mark inside an open curly quotation starts it afresh (the first one was
    never closed)."""
    spans: list[tuple[int, int]] = []
    opened = -1
    closer = ""
    for match in _QUOTE_MARK.finditer(text):
        mark, i = match.group(), match.start()
        if mark == "\n":
            opened = -1
        elif opened >= 0 and mark == closer:
            if i - opened <= max_chars:
                spans.append((opened, i))
            opened = -1
        elif mark in _OPENING and (opened < 0 or closer != '"'):
            opened, closer = i, _OPENING[mark]
        elif mark == '"' and opened < 0 and _straight_opens(text, i):
            opened, closer = i, '"'
    return spans


def _rule_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    quoted = quotation_spans(text)
    opens = [a for a, _ in quoted]
    for match in _BOUNDARY.finditer(text):
        end = match.start("space")
        k = bisect_right(opens, end - 1) - 1
        if k >= 0 and end <= quoted[k][1]:
            continue  # the sentence would end inside a quotation
        if _is_boundary(text, match):
            yield start, end
            start = match.end("space")
    yield start, len(text)


@lru_cache(maxsize=1)
def _pysbd_segmenter() -> object:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def _pysbd_spans(text: str) -> Iterator[tuple[int, int]]:
    segmenter = _pysbd_segmenter()
    for span in segmenter.segment(text):  # type: ignore[attr-defined]
        yield int(span.start), int(span.end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str, segmenter: SegmenterName = "rules") -> list[tuple[int, int]]:
    """Split ``text`` into sentences; returns stripped, non-empty, ordered spans."""
    raw = _rule_spans(text) if segmenter == "rules" else _pysbd_spans(text)
    spans: list[tuple[int, int]] = []
    for start, end in raw:
        s, e = _trim(text, start, end)
        if s < e:
            spans.append((s, e))
    return spans
