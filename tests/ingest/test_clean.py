from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storycheck.ingest.clean import (
    clean_body,
    junk_reason,
    looks_like_title,
    normalize,
    strip_trailing_junk,
)

JUNK = [
    "Failed to load visualization",
    "Unable to display chart",
    "Loading chart…",
    "Must Read",
    "Picture credit: www.commons.wikimedia.org",
    "Photo courtesy: City Hall",
    "Image source: Getty Images",
    "Related Sources: • Source 1 • Source 2",
    "Related Stories",
    "Share this article",
    "Share on Facebook",
    "Facebook | Twitter | Email | Print",
    "Subscribe to our newsletter",
    "Sign up for free daily alerts",
    "We use cookies to improve your experience. Accept",
    "Accept all cookies",
    "Advertisement",
    "Story continues below advertisement",
    "Click here to read more",
    "Read more: The fire that changed a town",
    "Follow us on Instagram",
    "Home | World | Politics | Business | Sport",
    "Copyright 2025 Example Media Ltd. All rights reserved.",
    "russian ukraine",
    "Skip to main content",
    "5 min read",
    "12 comments",
    "Subscribe to the Gazette for unlimited access to local news",
    "Follow The Ledger for more council coverage",
    "Read the full story on our website",
    "Support our journalism",
    "Listen to our podcast",
    "Home / World / Politics / Sport",
]

TEXT = [
    "More stories of abuse surfaced on Tuesday.",
    "Source approval was needed for the deal, officials said today.",
    "The Moscow Gambit: A New Diplomatic Track Emerges",
    "Potential Scenarios:",
    "Fire crews worked through the night.",
    "Share prices fell 4% after the announcement.",
    "Residents were told to register with the council by Friday.",
    "The advertisement campaign cost the city $2 million, the mayor said.",
    "Click-through rates rose after the redesign, the company reported.",
    "“We will get this done,” he told reporters.",
    "Ian Bremmer",
    "Subscribers complained that the service was slow, the company said.",
    "Followers of the movement gathered outside the court on Monday.",
    "She read the full report to the committee on Tuesday.",
    "Inspectors were given full access to the site.",
    "Donate blood at the Red Cross centre on Main Street, officials urged.",
    "The video is still available on our website.",
    "Vivy-App",
    "- Participating in a podcast interview",
    "http://www.example.org/2013/02/some-article-title.html",
    "| 1 | Kyle Busch | 5040 | +12 |",
    "「脱獄」とは、iPhoneのiOSを改造して非公式アプリを使えるようにすることだとのことです。",
]


@pytest.mark.parametrize("line", JUNK)
def test_junk_lines_are_recognised(line: str) -> None:
    assert junk_reason(normalize(line)) is not None


@pytest.mark.parametrize("line", TEXT)
def test_article_lines_are_kept(line: str) -> None:
    assert junk_reason(normalize(line)) is None


def test_trailing_related_block_is_cut_from_a_paragraph() -> None:
    line = "The future rests with the leader alone. Related Sources: • Source 1 • Source 2"
    kept, removed = strip_trailing_junk(line)
    assert kept == "The future rests with the leader alone."
    assert removed == "Related Sources: • Source 1 • Source 2"


def test_trailing_words_without_a_block_are_kept() -> None:
    line = "Investigators said they were looking for more sources"
    assert strip_trailing_junk(line) == (line, None)


def test_clean_body_lines_as_paragraphs_and_report_removed() -> None:
    body = clean_body("First paragraph here.\nMust Read\nSecond paragraph here.\nAdvertisement")
    assert body.paragraphs == ("First paragraph here.", "Second paragraph here.")
    assert body.removed == ("Must Read", "Advertisement")


def test_clean_body_unwraps_hard_wrapped_blocks() -> None:
    text = (
        "The council met on Monday evening to discuss the harbour plan and\n"
        "voted to delay a decision until the spring.\n\n"
        "Residents welcomed the delay."
    )
    body = clean_body(text)
    assert body.paragraphs == (
        "The council met on Monday evening to discuss the harbour plan and voted to delay a "
        "decision until the spring.",
        "Residents welcomed the delay.",
    )


def test_normalize_keeps_smart_quotes_and_collapses_space() -> None:
    assert normalize("“Quote”\u00a0 here\u200b\r\nnext\t line ") == "“Quote” here\nnext line"


def test_normalize_is_nfc() -> None:
    assert normalize("e\u0301") == "\u00e9"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Harbour fire forces evacuation of 300 homes", True),
        ("Trump's Return to Diplomacy: Inside the High-Stakes Push", True),
        ("This is a full sentence that ends with a period.", False),
        ("lowercase kicker", False),
        (" ".join(["word"] * 40), False),
    ],
)
def test_looks_like_title(line: str, expected: bool) -> None:
    assert looks_like_title(line) is expected


@given(st.text(max_size=2000))
def test_clean_body_never_crashes_and_yields_clean_paragraphs(text: str) -> None:
    body = clean_body(text)
    for paragraph in body.paragraphs:
        assert paragraph
        assert paragraph == paragraph.strip()
        assert "\n" not in paragraph


@given(st.text(max_size=500))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


def test_metadata_fields_lose_terminal_escapes_and_bidi_overrides() -> None:
    """#17: ESC/C1 sequences in a title, outlet or author reached the terminal raw."""
    from storycheck.ingest.clean import clean_field

    assert clean_field("Vote \x1b[2J\x1b]0;pwned\x07passes") == "Vote [2J]0;pwnedpasses"
    assert clean_field("The \x9b31mGazette") == "The 31mGazette"
    assert clean_field("Jane\u202eeoD") == "JaneeoD"
    assert clean_field("  Two\nlines  ") == "Two lines"
    assert clean_field("\x1b\x07") is None
    assert clean_field(None) is None


def test_ingested_metadata_is_clean(tmp_path: Path) -> None:
    from storycheck.ingest import IngestOptions, Ingestor

    path = tmp_path / "a.json"
    path.write_text(
        '{"title": "Council \\u001b[31mvotes", "outlet": "Gazette\\u009b2J", '
        '"author": "A\\u001bB", "text": "The council voted on Tuesday. The vote passed 7-2."}',
        encoding="utf-8",
    )
    ingestor = Ingestor(IngestOptions(), None)
    try:
        (article,) = ingestor.run([str(path)]).articles
    finally:
        ingestor.close()
    for value in (article.title, article.outlet, article.author):
        assert value is not None
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in value)
