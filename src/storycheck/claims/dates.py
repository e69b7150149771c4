"""Dates, weekdays, years and relative time references, resolved to calendar dates.

``find_dates("talks ended Tuesday", published=date(2025, 12, 3))`` → a mention with
weekday 1 and value 2025-12-02 (news convention: a bare weekday is the most recent such
day on or before publication). Absolute forms: ``March 3``, ``3 March 2025``,
``Mar. 3, 2025``, ``2025-03-04``, ``in 2024``; relative: ``today``, ``yesterday``,
``tomorrow``, ``last week``/``month``/``year``, ``last Tuesday``, ``next Monday``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from storycheck.model import DateMention

_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_MONTH_RE = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY_RE = r"(?:" + "|".join(_WEEKDAYS) + r")"
_DAY_RE = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR_RE = r"(?:1[89]\d\d|20\d\d|21\d\d)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("iso", rf"\b(?P<year>{_YEAR_RE})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])\b"),
        (
            "wd_month_day",
            rf"\b(?:(?P<weekday>{_WEEKDAY_RE}),?\s+)?(?P<month>{_MONTH_RE})\s+(?P<day>{_DAY_RE})"
            rf"(?:,?\s+(?P<year>{_YEAR_RE}))?\b",
        ),
        (
            "wd_day_month",
            rf"\b(?:(?P<weekday>{_WEEKDAY_RE}),?\s+)?(?:the\s+)?(?P<day>{_DAY_RE})\s+(?:of\s+)?"
            rf"(?P<month>{_MONTH_RE})(?:,?\s+(?P<year>{_YEAR_RE}))?\b",
        ),
        ("month_year", rf"\b(?P<month>{_MONTH_RE})\s+(?P<year>{_YEAR_RE})\b"),
        (
            "relative_weekday",
            rf"\b(?P<rel>last|next|this|this past|this coming)\s+(?P<weekday>{_WEEKDAY_RE})\b",
        ),
        ("weekday", rf"\b(?P<weekday>{_WEEKDAY_RE})\b"),
        ("relative_day", r"\b(?P<relday>today|yesterday|tomorrow|tonight)\b"),
        ("relative_period", r"\b(?P<rel>last|next|this)\s+(?P<period>week|month|year)\b"),
        (
            "year",
            rf"(?:(?<=\bin )|(?<=\bsince )|(?<=\bby )|(?<=\buntil )|(?<=\bbefore )|(?<=\bafter )"
            rf"|(?<=\bfrom )|(?<=\bduring )|(?<=\bof )|(?<=\bthe )|(?<=\bearly )|(?<=\blate )"
            rf"|(?<=\bmid-)|(?<=-)|^)(?P<year>{_YEAR_RE})\b(?![\d,.]\d)",
        ),
    )
)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    digits = re.match(r"\d+", value)
    return int(digits.group(0)) if digits else None


def _month(value: str | None) -> int | None:
    return None if value is None else _MONTHS.get(value.lower().rstrip("."))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _shift(day: date, days: int) -> date | None:
    """``day`` moved by ``days``, or None past the calendar's ends (0001-01-01, 9999-12-31)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def _resolve_weekday(weekday: int, published: date, rel: str | None) -> date | None:
    back = (published.weekday() - weekday) % 7
    if rel == "next" or rel == "this coming":
        return _shift(published, (weekday - published.weekday()) % 7 or 7)
    if rel == "last" and back == 0:
        back = 7
    return _shift(published, -back)


def _mention(name: str, m: re.Match[str], published: date | None) -> DateMention | None:
    groups = m.groupdict()
    year = _int(groups.get("year"))
    month = _month(groups.get("month")) if name != "iso" else _int(groups.get("month"))
    day = _int(groups.get("day"))
    weekday_text = groups.get("weekday")
    weekday = _WEEKDAYS[weekday_text.lower()] if weekday_text else None
    value: date | None = None
    relative = False
    if month and day:
        if year is None and published is not None:
            year = published.year
            guess = _safe_date(year, month, day)
            horizon = _shift(published, 7)
            if guess is not None and horizon is not None and guess > horizon:
                year -= 1
            value = _safe_date(year, month, day)
            year = None  # the text did not say the year
        elif year is not None:
            value = _safe_date(year, month, day)
        if value is None and year is not None:
            return None  # "February 30, 2025": not a date
    elif name in ("relative_weekday", "weekday") and weekday is not None:
        relative = True
        if published is not None:
            value = _resolve_weekday(weekday, published, groups.get("rel"))
    elif name == "relative_day":
        relative = True
        offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[
            groups["relday"].lower()
        ]
        if published is not None:
            value = _shift(published, offset)
    elif name == "relative_period":
        relative = True
    return DateMention(
        text=m.group(0),
        start=m.start(),
        end=m.end(),
        value=value,
        year=year,
        month=month,
        day=day,
        weekday=weekday,
        relative=relative,
    )


def find_dates(text: str, published: date | None = None) -> list[DateMention]:
    """Date mentions in ``text``, longest forms first, never overlapping, in text order."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if start == end or any(start < e and s < end for s, e in taken):
                continue
            if name == "weekday" and match.group(0)[0].islower():
                continue  # "monday" in lower case is rarely a date in news prose
            if name in ("wd_day_month", "month_year", "wd_month_day"):
                month_text = match.group("month")
                if month_text.lower().rstrip(".") == "may" and month_text[0].islower():
                    continue  # the verb "may"
            mention = _mention(name, match, published)
            if mention is not None:
                taken.append((start, end))
                found.append(mention)
    return sorted(found, key=lambda d: d.start)
