"""Numbers, quantities, money, percentages and durations, normalised to values.

``find_quantities("a nearly five-hour meeting")`` → ``Quantity(value=5, unit="hour",
kind="duration", qualifier="approx")``. Handles digits (``1,200``, ``4.2``), number words
(``twenty-eight``, ``a dozen``, ``two hundred``), scales (``4.2 million``, ``$3bn``),
ordinals (``sixth``, ``21st``), hyphenated compounds (``28-point``, ``five-hour``) and
qualifiers (``nearly``, ``more than``, ``at least``). Four-digit years are left to
:mod:`storycheck.claims.dates`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from storycheck.model import Quantity

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
_SCALE_ABBREV = {
    "k": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
    "tn": 1_000_000_000_000,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "hundredth": 100,
}
_SPECIAL = {
    "a dozen": 12,
    "dozen": 12,
    "a couple of": 2,
    "a pair of": 2,
    "half a dozen": 6,
    "a hundred": 100,
    "a thousand": 1_000,
    "a million": 1_000_000,
    "a billion": 1e9,
}
_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB"}
_CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "usd": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "gbp": "GBP",
    "yen": "JPY",
    "rupees": "INR",
    "rupee": "INR",
    "roubles": "RUB",
    "rubles": "RUB",
    "yuan": "CNY",
    "francs": "CHF",
    "franc": "CHF",
}
#: words before "N pounds" that make it a weight, not money
_WEIGHT = re.compile(r"\bweigh\w*|\bweight\b|\btall\b|\d\s*-?\s*(?:foot|feet)\s*-?\s*\d", re.I)
_DURATION_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}
_MONTH_UNITS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_QUALIFIERS = (
    (
        "approx",
        r"nearly|almost|about|around|roughly|approximately|some|an estimated|close to|"
        r"just under|just over|an approximate|circa|up to about",
    ),
    ("more_than", r"more than|over|upwards of|in excess of|above|exceeding"),
    ("at_least", r"at least|no fewer than|no less than|a minimum of"),
    ("less_than", r"less than|fewer than|under|below"),
    ("at_most", r"at most|up to|no more than|a maximum of"),
)
_QUALIFIER_RE = re.compile(
    r"(?:" + "|".join(f"(?P<{name}>\\b(?:{words}))" for name, words in _QUALIFIERS) + r")\s+$",
    re.IGNORECASE,
)

_WORD_NUMBER = (
    r"(?:" + "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True)) + r")"
    r"(?:[- ](?:" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r"))?"
)
_WORD_SEQ = (
    rf"{_WORD_NUMBER}(?:\s+(?:hundred|thousand|million|billion|trillion)"
    rf"(?:\s+(?:and\s+)?{_WORD_NUMBER})?)*"
)
_SPECIAL_RE = "|".join(re.escape(k) for k in sorted(_SPECIAL, key=len, reverse=True))
_ORDINAL_RE = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_NUMBER = re.compile(
    rf"""
    (?P<currency>[$€£¥₹₽])?\s?
    (?:
        # (not the digits of a name: "Core i7", "F16", "A380"; "$US1 million" is a sum)
        (?:(?<![A-Za-z\d])|(?<=\$US)|(?<=\$\sUS))
        (?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)
        (?P<ordsuffix>st|nd|rd|th)?
      | (?P<special>\b(?:{_SPECIAL_RE})\b)
      | (?P<ordword>\b(?:{_ORDINAL_RE})\b)
      | (?P<words>\b{_WORD_SEQ}\b)
    )
    (?:\s?(?P<scale>hundred|thousand|million|billion|trillion|bn|mn|tn|[kmb])\b)?
    (?P<percent>\s?(?:%|per\s?cent\b|percent\b))?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_FOLLOWING = re.compile(r"(?:-|\s)([A-Za-z]+)(?:[\s-]([A-Za-z]+))?")
_SKIP_ADJ = frozenset(
    {"more", "new", "other", "additional", "extra", "further", "separate", "full", "long"}
    | {"straight", "consecutive", "year-old", "of"}
)


def words_to_number(text: str) -> float | None:
    """``"twenty-eight"`` → 28, ``"two hundred and five"`` → 205; None if not a number."""
    text = text.lower().replace("-", " ").replace(" and ", " ")
    if text in _SPECIAL:
        return float(_SPECIAL[text])
    total = 0.0
    current = 0.0
    seen = False
    for word in text.split():
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _singular(word: str) -> str:
    word = word.lower()
    irregular = {
        "people": "person",
        "children": "child",
        "men": "man",
        "women": "woman",
        "lives": "life",
        "feet": "foot",
        "centuries": "century",
    }
    if word in irregular:
        return irregular[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _unit_after(text: str, end: int) -> str | None:
    match = _FOLLOWING.match(text, end)
    if not match:
        return None
    first, second = match.group(1).lower(), (match.group(2) or "").lower()
    if first in _SKIP_ADJ and second:
        first = second
    if first in (
        "and",
        "or",
        "to",
        "in",
        "on",
        "at",
        "by",
        "the",
        "a",
        "an",
        "was",
        "were",
        "is",
        "are",
        "had",
        "have",
        "has",
        "said",
        "percent",
        "per",
    ):
        return None
    return _singular(first)


def _qualifier_before(text: str, start: int) -> str | None:
    """The qualifier ("about", "more than", …) in the 30 characters before ``start``."""
    q = _QUALIFIER_RE.search(text, max(0, start - 30), start)
    return next(name for name, _ in _QUALIFIERS if q.group(name)) if q else None


def _is_year(match: re.Match[str], text: str) -> bool:
    digits = match.group("digits")
    if not digits or match.group("currency") or match.group("scale") or match.group("percent"):
        return False
    if not re.fullmatch(r"(1[89]|20|21)\d\d", digits):
        return False
    unit = _unit_after(text, match.end())
    return unit is None or unit not in {"person", "home", "people", "job", "vote", "troop"}


def find_quantities(text: str) -> list[Quantity]:
    """All numeric quantities in ``text`` with values, units and qualifiers."""
    found = list(_iter_quantities(text))
    found += _one_unit(text, found)
    found += [
        Quantity(text=m.group(0), start=m.start(), end=m.end(), value=1.0, kind="cardinal")
        for m in _ANOTHER.finditer(text)
    ]
    return sorted(found, key=lambda q: q.start)


#: a measure said without a digit: "half a mile", "a mile and a half", "a week after"
_ONE_UNIT = re.compile(
    r"\b(?P<half>half\s+)?an?\s+(?P<unit>mile|kilometre|kilometer|metre|meter|yard|hour|day|"
    r"week|fortnight|month)(?P<more>\s+and\s+a\s+half)?\b",
    re.IGNORECASE,
)
#: words before "a week" / "a mile" that make it a rate ("once a week", "$23 million a
#: year", "5.2 yards a carry") or part of something else ("such a day", "what a week")
_RATE_BEFORE = re.compile(
    r"(?:\b(?:once|twice|times|per|each|every|such|what|only|quite|just|than|as)|[\d%$€£)])\s*$",
    re.IGNORECASE,
)


#: "two people were killed and another wounded": one more, counted by its participle
_ANOTHER = re.compile(
    r"(?:(?<=\band )|(?<=, ))another(?=\s+(?:person\s+|man\s+|woman\s+|was\s+|is\s+)?"
    r"(?:wounded|injured|hurt|killed|missing)\b)",
    re.IGNORECASE,
)


def _one_unit(text: str, found: Sequence[Quantity]) -> list[Quantity]:
    """Measures without a digit that overlap nothing already ``found``."""
    out: list[Quantity] = []
    for m in _ONE_UNIT.finditer(text):
        if any(q.start < m.end() and m.start() < q.end for q in found):
            continue
        if _RATE_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        unit = m.group("unit").lower()
        value = 0.5 if m.group("half") else 1.0
        if m.group("more"):
            value += 0.5
        if unit == "fortnight":
            unit, value = "week", value * 2
        unit = {"kilometer": "kilometre", "meter": "metre"}.get(unit, unit)
        out.append(
            Quantity(
                text=m.group(0),
                start=m.start(),
                end=m.end(),
                value=value,
                kind="duration" if unit in _DURATION_UNITS else "cardinal",
                unit=unit,
                qualifier=_qualifier_before(text, m.start()),
            )
        )
    return out


def _iter_quantities(text: str) -> Iterator[Quantity]:
    for match in _NUMBER.finditer(text):
        if not match.group(0).strip() or _is_year(match, text):
            continue
        digits, words = match.group("digits"), match.group("words")
        ordinal = bool(match.group("ordsuffix") or match.group("ordword"))
        if digits:
            value = float(digits.replace(",", ""))
        elif match.group("special"):
            value = float(_SPECIAL[match.group("special").lower()])
        elif match.group("ordword"):
            value = float(_ORDINALS[match.group("ordword").lower()])
        else:
            parsed = words_to_number(words)
            if parsed is None:
                continue
            value = parsed
        scale = (match.group("scale") or "").lower()
        if scale in _SCALES:
            value *= _SCALES[scale]
        elif scale in _SCALE_ABBREV and (digits or match.group("currency")):
            value *= _SCALE_ABBREV[scale]
        elif scale:
            continue  # a stray letter after a word number ("one m…"): not a quantity
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        currency = _CURRENCY_SYMBOLS.get(match.group("currency") or "")
        unit = _unit_after(text, end)
        if currency is None and unit is not None:
            currency = _CURRENCY_WORDS.get(unit) or _CURRENCY_WORDS.get(unit + "s")
            if unit == "pound" and _WEIGHT.search(text, max(0, start - 40), start):
                currency = None  # "weighing 130 pounds", "5-foot-8, 135 pounds": a weight
        if match.group("percent"):
            kind, unit = "percent", "percent"
        elif currency:
            kind, unit = "money", currency
        elif ordinal:
            kind = "ordinal"
        elif unit in _DURATION_UNITS:
            kind = "duration"
        else:
            kind = "cardinal"
        if unit in _MONTH_UNITS:
            continue  # "15 October" is a date, not a count of Octobers
        if words and not digits and value == 1 and kind == "cardinal" and unit is None:
            continue  # "one" as a pronoun ("one of the envoys")
        qualifier = _qualifier_before(text, start)
        yield Quantity(
            text=text[start:end],
            start=start,
            end=end,
            value=value,
            kind=kind,
            unit=unit,
            qualifier=qualifier,
        )
