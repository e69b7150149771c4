"""Cut a long premise into windows that fit a cross-encoder next to a whole hypothesis.

NLI models see ``[CLS] premise [SEP] hypothesis [SEP]`` of at most ``max_length``
tokens. storycheck's premises are often paragraphs or whole articles while the
hypothesis is one claim, so the hypothesis is kept whole and the premise is windowed:

* the premise is split into sentences (a light rule-based splitter: good enough for
  window boundaries, not a replacement for the ingest sentence splitter);
* a sentence longer than the token budget is cut into overlapping token chunks;
* with ``sentences=None`` a premise that fits is used whole, and one that does not is
  packed greedily into windows of consecutive sentences, each window overlapping the
  previous one by one sentence;
* with ``sentences=k`` every run of ``k`` consecutive sentences is a window (stride 1),
  whether or not the whole premise would fit. Models trained on single-sentence
  premises (SNLI/MNLI-style) do better this way.

How the windows' outputs are combined is defined in :func:`combine_windows`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+|\n\s*\n\s*")
# fmt: off
_ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "cmdr", "adm", "st", "jr", "sr", "inc", "corp", "co", "ltd", "no", "nos", "vs", "etc",
    "al", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "mt", "ft", "rev", "hon", "pres", "supt", "dept", "univ", "assn", "bros", "approx",
    "est", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m",
))
# fmt: on


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (whitespace trimmed, never empty).

    A boundary is sentence-final punctuation followed by whitespace, unless the word
    before it is a known abbreviation or a single letter, or the next word starts in
    lower case; a blank line always ends a sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        punct = match.group(0)
        if not punct.startswith("\n") and end < len(text):
            before = text[start : match.start()].rsplit(None, 1)
            word = before[-1].lstrip("\"'“‘([").lower() if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or text[end].islower():
                continue
        _append_trimmed(text, start, end, spans)
        start = end
    _append_trimmed(text, start, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def premise_windows(
    premise: str,
    offsets: Sequence[tuple[int, int]],
    budget: int,
    *,
    sentences: int | None = None,
    overlap_tokens: int = 16,
) -> list[str]:
    """The premise windows for one pair.

    ``offsets`` are the premise's token character offsets (no special tokens) and
    ``budget`` the number of premise tokens that fit beside the hypothesis.
    """
    budget = max(1, budget)
    if not premise.strip():
        return [premise]
    if sentences is None and len(offsets) <= budget:
        return [premise]
    starts = [s for s, _ in offsets]
    units: list[tuple[int, int, int]] = []  # (char_start, char_end, n_tokens)
    for s_start, s_end in split_sentences(premise):
        lo = bisect.bisect_left(starts, s_start)
        hi = bisect.bisect_left(starts, s_end)
        n = hi - lo
        if n <= budget:
            units.append((s_start, s_end, n))
            continue
        step = max(1, budget - min(overlap_tokens, budget // 2))
        for first in range(lo, hi, step):
            last = min(first + budget, hi) - 1
            units.append((offsets[first][0], offsets[last][1], last - first + 1))
            if last == hi - 1:
                break
    if not units:
        return [premise]
    spans: list[tuple[int, int]] = []
    if sentences is None:
        i = 0
        while i < len(units):
            j, used = i, 0
            while j < len(units) and (j == i or used + units[j][2] <= budget):
                used += units[j][2]
                j += 1
            spans.append((units[i][0], units[j - 1][1]))
            if j >= len(units):
                break
            i = max(j - 1, i + 1)
    else:
        k = max(1, sentences)
        for i in range(len(units)):
            j, used = i, 0
            while j < len(units) and j < i + k and (j == i or used + units[j][2] <= budget):
                used += units[j][2]
                j += 1
            spans.append((units[i][0], units[j - 1][1]))
            if j >= len(units):
                break
    seen: set[tuple[int, int]] = set()
    out: list[str] = []
    for span in spans:
        if span not in seen:
            seen.add(span)
            out.append(premise[span[0] : span[1]])
    return out
