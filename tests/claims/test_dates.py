from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storycheck.claims.dates import find_dates

WEDNESDAY = date(2025, 12, 3)


def values(text: str, published: date | None = WEDNESDAY) -> list[date | None]:
    return [d.value for d in find_dates(text, published)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("talks concluded Tuesday without progress", [date(2025, 12, 2)]),
        ("the fire started on Wednesday", [WEDNESDAY]),
        ("last Wednesday", [date(2025, 11, 26)]),
        ("next Monday", [date(2025, 12, 8)]),
        ("yesterday", [date(2025, 12, 2)]),
        ("on 4 March 2025", [date(2025, 3, 4)]),
        ("on March 4", [date(2025, 3, 4)]),
        ("on December 28", [date(2024, 12, 28)]),
        ("Mar. 3, 2024", [date(2024, 3, 3)]),
        ("2025-03-04", [date(2025, 3, 4)]),
    ],
)
def test_resolved_dates(text: str, expected: list[date | None]) -> None:
    assert values(text) == expected


def test_years_and_unresolved() -> None:
    mentions = find_dates("It started in 2014 and escalated in 2022.", None)
    assert [(d.text, d.year, d.value) for d in mentions] == [
        ("2014", 2014, None),
        ("2022", 2022, None),
    ]
    (tuesday,) = find_dates("on Tuesday", None)
    assert (tuesday.weekday, tuesday.value, tuesday.relative) == (1, None, True)


def test_stated_weekday_is_kept_with_the_date() -> None:
    (d,) = find_dates("on Tuesday, March 3, 2025", None)
    assert (d.weekday, d.value) == (1, date(2025, 3, 3))


@pytest.mark.parametrize("text", ["It may rain", "February 30, 2025", "2,024 people"])
def test_not_dates(text: str) -> None:
    assert find_dates(text) == []


@given(st.text(max_size=300), st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 1, 1)))
def test_never_crashes_and_spans_are_exact(text: str, published: date) -> None:
    last = -1
    for d in find_dates(text, published):
        assert text[d.start : d.end] == d.text
        assert d.start >= last
        last = d.end


@pytest.mark.parametrize(
    ("published", "text"),
    [
        (date(9999, 12, 31), "The talks resume tomorrow."),
        (date(9999, 12, 31), "The vote is on March 3."),
        (date(9999, 12, 31), "They meet next Monday."),
        (date(1, 1, 1), "The talks ended yesterday."),
        (date(1, 1, 1), "They met last Monday."),
    ],
)
def test_dates_at_the_calendar_ends_do_not_crash(published: date, text: str) -> None:
    """#17: a publication date of 9999-12-31 or 0001-01-01 raised OverflowError."""
    for mention in find_dates(text, published=published):
        assert mention.value is None or date.min <= mention.value <= date.max


@given(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.sampled_from(
        ["tomorrow", "yesterday", "today", "next Monday", "last Sunday", "on Friday", "March 3"]
    ),
)
def test_no_exception_escapes_the_date_resolver(published: date, phrase: str) -> None:
    find_dates(f"The meeting was {phrase}, officials said.", published=published)
