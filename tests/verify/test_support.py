"""The support checker's lexical guards: what a cited article must contain."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storycheck.verify.support import specifics, specifics_found


def test_a_name_the_article_never_mentions_fails_the_citation() -> None:
    sentence = "From the Kremlin's view, the war is about preventing NATO expansion eastward."
    assert specifics_found(sentence, "NATO leaders met. The Kremlin answered on Monday.")
    assert not specifics_found(sentence, "The Kremlin sees Ukraine as part of its sphere.")


def test_names_match_by_last_word_or_initials() -> None:
    sentence = "Talks between Russia and the United States ended without a deal, Donald Trump said."
    assert specifics_found(sentence, "Russia and the U.S. ended talks; Trump spoke later.")
    assert specifics_found(sentence, "Russia and the US failed to agree, said Trump.")
    assert not specifics_found(sentence, "Russia and America failed to agree, Trump said.")


def test_figures_must_be_there_too() -> None:
    sentence = "Some 60 firefighters were sent to the quay."
    assert specifics_found(sentence, "About 60 firefighters arrived.")
    assert specifics_found(sentence, "Sixty firefighters came.") is False  # words above 20
    assert not specifics_found(sentence, "About 40 firefighters arrived.")


def test_weekdays_months_and_the_first_word_are_not_names() -> None:
    assert specifics("The crane fell on Thursday in March.") == []
    assert specifics("Officials said nothing.") == []


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=200))
def test_a_sentence_is_always_found_in_itself(text: str) -> None:
    assert specifics_found(text, text)
