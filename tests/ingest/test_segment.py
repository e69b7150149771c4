from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storycheck.ingest.segment import MAX_QUOTE_CHARS, quotation_spans, sentence_spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dr. Smith met Sen. Jones on Jan. 5. They talked.",
            ["Dr. Smith met Sen. Jones on Jan. 5.", "They talked."],
        ),
        (
            "George W. Bush spoke. J. K. Rowling listened.",
            ["George W. Bush spoke.", "J. K. Rowling listened."],
        ),
        ("The U.S. Army said so. It left.", ["The U.S. Army said so.", "It left."]),
        (
            "Talks ended in the U.S. The envoys flew home.",
            ["Talks ended in the U.S.", "The envoys flew home."],
        ),
        ('"Is it over?" she asked. Yes.', ['"Is it over?" she asked.', "Yes."]),
        (
            "“We will win,” he said. “It will be fast.” Then he left.",
            ["“We will win,” he said.", "“It will be fast.”", "Then he left."],
        ),
        (
            "He paid $3.5 million at 9 a.m. Officials said it was fine.",
            ["He paid $3.5 million at 9 a.m.", "Officials said it was fine."],
        ),
        ("It is 5 p.m. on Monday.", ["It is 5 p.m. on Monday."]),
        # an abbreviation spelled with spaces is one word: "p. m. ET" goes on
        (
            "Kick-off is at 4: 30 p. m. ET in Seattle. The crowd left at 10 p. m. "
            "Police said it was calm.",
            [
                "Kick-off is at 4: 30 p. m. ET in Seattle.",
                "The crowd left at 10 p. m.",
                "Police said it was calm.",
            ],
        ),
        ("He wrote the letter m. The end came.", ["He wrote the letter m.", "The end came."]),
        ("Wait... Then it happened!", ["Wait...", "Then it happened!"]),
        ("No punctuation at all", ["No punctuation at all"]),
        ("  ", []),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def _assert_spans_cover(text: str) -> None:
    """Spans are ordered, stripped, non-empty, and together hold every non-space
    character of the text."""
    spans = sentence_spans(text)
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        last = end
    covered = "".join(text[s:e] for s, e in spans)
    assert "".join(covered.split()) == "".join(text.split())


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=1500))
def test_spans_round_trip(text: str) -> None:
    _assert_spans_cover(text)


@given(
    st.lists(
        st.sampled_from(
            [
                "The mayor spoke.",
                "Dr. Lee agreed!",
                "“Is it safe?” she asked.",
                "Mr. A. B. Cole left.",
            ]
        ),
        min_size=1,
        max_size=12,
    )
)
def test_joined_sentences_split_back(parts: list[str]) -> None:
    assert sentences(" ".join(parts)) == parts


def test_agrees_with_pysbd_on_seeds(seeds_dir: Path) -> None:
    agree = total = 0
    for path in sorted(seeds_dir.glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            ours = {e for _, e in sentence_spans(paragraph)}
            theirs = {e for _, e in sentence_spans(paragraph, "pysbd")}
            agree += len(ours & theirs)
            total += len(ours | theirs)
    assert total > 100
    assert agree / total >= 0.97


def test_splitting_one_long_paragraph_is_linear() -> None:
    """A paragraph of n sentences splits in time ~n (it was ~n², #17): the ratio of the
    times for 4n and n sentences stays far below 16."""
    import time

    from storycheck.ingest.segment import sentence_spans

    def best(n: int) -> float:
        text = "The council said the vote passed. " * n
        times = []
        for _ in range(3):
            start = time.perf_counter()
            spans = sentence_spans(text)
            times.append(time.perf_counter() - start)
        assert len(spans) == n
        return min(times)

    small, large = best(2_000), best(8_000)
    assert large / small < 8, (small, large)


# --- quotations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'He promised to end it in "24 hours. Maybe less," aides said. It failed.',
            ['He promised to end it in "24 hours. Maybe less," aides said.', "It failed."],
        ),
        (
            "He said: “We will do it, believe me. It will end fast.” Few agreed.",
            ["He said: “We will do it, believe me. It will end fast.”", "Few agreed."],
        ),
        (
            "« Nous gagnerons. Vite », a-t-il dit. Puis il est parti.",
            ["« Nous gagnerons. Vite », a-t-il dit.", "Puis il est parti."],
        ),
        (
            # a quotation that closes at the end of the sentence is fine
            'The mayor spoke. "We will win." Then she left.',
            ["The mayor spoke.", '"We will win."', "Then she left."],
        ),
        (
            # a stray closing mark (after a word) opens nothing
            'It ended at noon," he said. The crowd left. Then it rained.',
            ['It ended at noon," he said.', "The crowd left.", "Then it rained."],
        ),
        (
            # an unclosed quotation does not swallow the rest of the paragraph
            'He said "yes. Then it went on. And on. The end.',
            ['He said "yes.', "Then it went on.", "And on.", "The end."],
        ),
        (
            # a line break ends an open quotation
            'A "first. Line\nTwo. Three" here. Four.',
            ['A "first.', "Line\nTwo.", 'Three" here.', "Four."],
        ),
    ],
)
def test_no_boundary_inside_a_quotation(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_a_very_long_quotation_is_split_as_usual() -> None:
    inner = " ".join(["The council voted on the budget again."] * 20)
    text = f'She read: "{inner}" Then she left.'
    assert len(inner) > MAX_QUOTE_CHARS
    assert len(sentences(text)) == 21


def test_quotation_spans() -> None:
    text = 'A "b." C “d” e «f» g" h "i\nj" k'
    assert [text[a : b + 1] for a, b in quotation_spans(text)] == ['"b."', "“d”", "«f»"]


_WORDS = ["the", "Mayor", "said", "budget", "Lee", "It", "rose", "U.S.", "Dr.", "3.5", "five"]
_ENDS = [".", "!", "?", "...", ",", ""]


@st.composite
def quoted_text(draw: st.DrawFn) -> tuple[str, int]:
    """Paragraphs of words and punctuation with balanced straight, curly and « » quotes
    (some spanning several sentences); also the longest quotation's length."""
    paragraphs = []
    longest = 0
    for _ in range(draw(st.integers(1, 3))):
        pieces: list[str] = []
        for _ in range(draw(st.integers(1, 12))):
            words = " ".join(draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6)))
            kind = draw(st.sampled_from(["plain", "plain", '"', "“", "«"]))
            if kind == "plain":
                pieces.append(words + draw(st.sampled_from(_ENDS)))
                continue
            inner = " ".join(
                w.capitalize() + draw(st.sampled_from(_ENDS))
                for w in draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4))
            )
            close = {'"': '"', "“": "”", "«": "»"}[kind]
            quote = f"{kind}{inner}{draw(st.sampled_from(_ENDS))}{close}"
            longest = max(longest, len(quote))
            pieces.append(words + " " + quote + draw(st.sampled_from([",", ".", "", " he said."])))
        paragraphs.append(" ".join(pieces))
    return "\n".join(paragraphs), longest


@given(quoted_text())
def test_balanced_quotes_are_never_cut(case: tuple[str, int]) -> None:
    text, longest = case
    assert longest <= MAX_QUOTE_CHARS
    for start, end in sentence_spans(text):
        piece = text[start:end]
        assert piece == piece.strip() and piece
        for line in piece.split("\n"):  # a quotation never crosses a line break here
            assert line.count('"') % 2 == 0, piece
            assert line.count("“") == line.count("”"), piece
            assert line.count("«") == line.count("»"), piece


@given(st.text(alphabet=st.sampled_from('ab .!?"“”«»\n A'), max_size=300))
def test_spans_slice_back_exactly_with_quotes(text: str) -> None:
    _assert_spans_cover(text)
