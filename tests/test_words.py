from __future__ import annotations

import pytest

from storycheck.words import plural


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [
        (1, "story", "1 story"),
        (2, "story", "2 stories"),
        (0, "article", "0 articles"),
        (1, "disputed point", "1 disputed point"),
        (3, "disputed point", "3 disputed points"),
        (2, "day", "2 days"),
        (2, "match", "2 matches"),
        (5.0, "article", "5 articles"),
        (2, "story report", "2 story reports"),
    ],
)
def test_plural(n: float, word: str, expected: str) -> None:
    assert plural(n, word) == expected
