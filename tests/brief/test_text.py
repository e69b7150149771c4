"""The brief's text helpers: compression, quote balancing, broken clauses, lexical cover."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storycheck.brief.writer import (
    _article_order,
    _Candidate,
    balance_quotes,
    compress,
    dangling,
    well_formed,
)
from storycheck.verify.support import content_words, coverage


def test_compress_drops_leading_fillers_and_capitalises() -> None:
    assert compress("However, the bridge reopened on Monday") == "The bridge reopened on Monday."
    assert compress("But meanwhile, crews stayed.") == "Crews stayed."
    assert compress("Earlier this week the mayor spoke.") == "Earlier this week the mayor spoke."


def test_balance_quotes_reopens_a_cut_quotation() -> None:
    assert balance_quotes("we will rebuild,” she said.") == "“we will rebuild,” she said."
    assert balance_quotes('we will rebuild," she said.') == '"we will rebuild," she said.'
    assert balance_quotes("“All safe,” he said.") == "“All safe,” he said."


def test_well_formed_rejects_cut_clauses() -> None:
    assert not well_formed("The envoys learned a lesson: .")
    assert not well_formed("Crews stayed overnight, and .")
    assert well_formed("Crews stayed at the scene overnight.")


def test_coverage_counts_shared_content_words() -> None:
    assert (
        coverage("Twelve people were injured", "Officials said twelve people were injured") == 1.0
    )
    assert coverage("The mayor resigned on Friday", "Crews stayed overnight at the port") == 0.0
    assert "injur" in content_words("injured") and "said" not in content_words("she said")


@given(st.text(max_size=200))
def test_compress_never_raises_and_is_idempotent(text: str) -> None:
    once = compress(text)
    assert compress(once) == once


@given(st.text(max_size=120), st.text(max_size=120))
def test_coverage_is_a_share(a: str, b: str) -> None:
    assert 0.0 <= coverage(a, b) <= 1.0


def test_compress_drops_a_run_in_heading_but_keeps_speakers() -> None:
    assert (
        compress("Russia's Position: The Kremlin wants a buffer zone in the east.")
        == "The Kremlin wants a buffer zone in the east."
    )
    assert (
        compress("The Broader Political Context: These events come before the election.")
        == "These events come before the election."
    )
    kept = "Peskov said: “We will not comment on the talks.”"
    assert compress(kept) == kept
    assert compress("Key takeaway: The talks failed.") == "Key takeaway: The talks failed."
    assert compress("Update: Talks resumed.") == "Update: Talks resumed."  # too short left


def test_dangling_spots_sentences_that_point_back() -> None:
    assert dangling("Their journey ended in a five-hour meeting.")
    assert dangling("These events are framed by the election.")
    assert dangling("“They don't know how to negotiate,” he said.")
    assert dangling("It was the first visit since 2019.")
    assert not dangling("Italy's envoy arrived.")  # a word that merely starts with "it"
    assert not dangling("Thereafter the talks resumed.")
    assert not dangling("Heavy rain closed the road.")
    assert not dangling("The envoys met Putin on Tuesday.")


def test_lines_of_one_article_read_in_its_order() -> None:
    def line(text: str, origin: tuple[str, int] | None) -> _Candidate:
        return _Candidate([], (), text, 0.0, None, False, origin=origin)

    lines = [
        line("Both were charged with fraud.", ("a", 1)),
        line("Crews from three towns helped.", ("b", 0)),
        line("Two men were arrested on Tuesday.", ("a", 0)),
        line("A corroborated line.", None),
    ]
    assert [c.text for c in _article_order(lines)] == [
        "Two men were arrested on Tuesday.",
        "Crews from three towns helped.",
        "Both were charged with fraud.",
        "A corroborated line.",
    ]
