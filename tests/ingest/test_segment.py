from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storycheck.ingest.segment import sentence_spans


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
        ("Wait... Then it happened!", ["Wait...", "Then it happened!"]),
        ("No punctuation at all", ["No punctuation at all"]),
        ("  ", []),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=1500))
def test_spans_round_trip(text: str) -> None:
    spans = sentence_spans(text)
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        last = end
    covered = "".join(text[s:e] for s, e in spans)
    assert "".join(covered.split()) == "".join(text.split())


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
