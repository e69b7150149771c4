"""Language identification, including scripts written without spaces (#17)."""

from __future__ import annotations

import pytest

from storycheck.ingest.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市议会周二以七票对两票通过了新的交通预算，官员表示道路工程将于下月开始。", "zh"),
        (
            "東京都議会は火曜日に新しい交通予算を可決し、道路工事は来月始まると当局者は述べた。",
            "ja",
        ),
        (
            "The council voted on Tuesday to approve the new transit budget after a long debate.",
            "en",
        ),
    ],
)
def test_language_of_spaced_and_unspaced_scripts(text: str, expected: str) -> None:
    """#17: Chinese (no spaces) was "too short" to classify and analysed as English."""
    assert detect_language(text) == expected


def test_too_short_is_unknown() -> None:
    assert detect_language("Council votes.") is None
    assert detect_language("议会投票") is None
