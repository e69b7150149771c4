from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storycheck.claims.numbers import find_quantities, words_to_number


def one(text: str) -> tuple[float, str, str | None, str | None]:
    (q,) = find_quantities(text)
    return q.value, q.kind, q.unit, q.qualifier


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The extended five-hour meeting in Moscow", (5, "duration", "hour", None)),
        ("a session lasting five hours", (5, "duration", "hour", None)),
        ("it has been nearly four years since", (4, "duration", "year", "approx")),
        ("an earlier 28-point peace proposal", (28, "cardinal", "point", None)),
        ("Witkoff's sixth journey to Moscow", (6, "ordinal", "journey", None)),
        ("about 300 homes were evacuated", (300, "cardinal", "home", "approx")),
        ("More than 1,200 people fled", (1200, "cardinal", "person", "more_than")),
        ("at least 15 people were injured", (15, "cardinal", "person", "at_least")),
        ("a dozen firefighters", (12, "cardinal", "firefighter", None)),
        ("repairs will cost $4.2 million", (4_200_000, "money", "USD", None)),
        ("a fine of 2.4 million euros", (2_400_000, "money", "EUR", None)),
        ("turnout rose 3.5 percent", (3.5, "percent", "percent", None)),
        ("twenty-eight points", (28, "cardinal", "point", None)),
        ("two hundred and five votes", (205, "cardinal", "vote", None)),
        ("the 21st century", (21, "ordinal", "century", None)),
        ("within 24 hours", (24, "duration", "hour", None)),
        # a measure said without a digit
        ("who lived half a mile away", (0.5, "cardinal", "mile", None)),
        ("moved about a mile and a half away", (1.5, "cardinal", "mile", "approx")),
        ("died a week after suffering a heart attack", (1, "duration", "week", None)),
        ("replaced the Tabar about a fortnight ago", (2, "duration", "week", "approx")),
        ("the manager was killed and another was wounded", (1, "cardinal", None, None)),
    ],
)
def test_quantities(text: str, expected: tuple[float, str, str | None, str | None]) -> None:
    assert one(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "one of the envoys said",
        "in 2024 and 1991",
        "the 2016-2020 era",
        "No numbers here.",
        "she trains once a week",
        "what a day it was",
        "an Intel Core i7 chip",  # the digits of a name
        "the Airbus A380 and the F16",
    ],
)
def test_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_spans_point_at_the_number() -> None:
    text = "Officials said 12 people were hurt and €2bn was lost."
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.text
    assert [q.text for q in find_quantities(text)] == ["12", "€2bn"]


@pytest.mark.parametrize(
    ("words", "value"),
    [("seven", 7), ("forty-two", 42), ("three thousand", 3000), ("a dozen", 12), ("foo", None)],
)
def test_words_to_number(words: str, value: float | None) -> None:
    assert words_to_number(words) == value


@given(st.text(max_size=300))
def test_never_crashes_and_spans_are_exact(text: str) -> None:
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.text
        assert q.value >= 0


@given(st.integers(min_value=0, max_value=10**9))
def test_digits_round_trip(n: int) -> None:
    (q,) = find_quantities(f"a total of {n:,} tonnes")
    assert q.value == n or (1800 <= n <= 2199)
