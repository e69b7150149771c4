"""Sentence segmentation with exact character spans.

The default segmenter is rule based and fast (it runs on every ingested article): a
boundary is terminal punctuation (``.``, ``!``, ``?``, ``…``), optionally followed by
closing quotes or brackets, then whitespace, then something that can start a sentence.
A boundary is rejected after title abbreviations ("Dr.", "Sen."), initials ("George W.
Bush"), and after multi-period abbreviations ("U.S.", "a.m.") unless the next word is a
typical sentence opener. ``pysbd`` is available as an alternative backend; the test
suite measures how often the two agree.

Every function returns ``(start, end)`` spans into the string it was given, so
``text[start:end]`` is the sentence, stripped of surrounding whitespace.
"""

from __future__ import annotations

import re
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
        (?P<close>["”’')\]]*)               # closing quotes / brackets
        (?P<space>\s+)                      # whitespace
        (?=(?P<next>["“‘'(\[]?[A-Z0-9À-ÖØ-Þ]))  # something that can start a sentence
    """,
    re.VERBOSE,
)
_WORD_BEFORE = re.compile(r"([\w.'’-]+)$")
#: Characters looked back for the word before a period (longer "words" are not
#: abbreviations or initials, so a cut one still ends the sentence).
_LOOKBACK = 64
_NEXT_WORD = re.compile(r"[\"“‘'(\[]?([\w’'-]+)")


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


def _rule_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _is_boundary(text, match):
            end = match.start("space")
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
