from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storycheck.claims.entities import extract_entities
from storycheck.claims.quotes import extract_quotes, quote_spans
from storycheck.ingest import ingest
from storycheck.model import Quote

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def quotes(nlp: Any, text: str) -> list[Quote]:
    doc = nlp(text)
    return extract_quotes(doc, "a", extract_entities(doc, "a"))


def direct(nlp: Any, text: str) -> list[tuple[str, str | None, bool]]:
    return [(q.text, q.speaker, q.anonymous) for q in quotes(nlp, text) if q.direct]


def test_said_after_the_quote(nlp: Any) -> None:
    text = "“We were lucky that the wind changed,” said fire chief Ana Ruiz."
    assert direct(nlp, text) == [("We were lucky that the wind changed,", "Ana Ruiz", False)]


def test_pronoun_resolves_to_the_last_person(nlp: Any) -> None:
    text = (
        "Governor Alicia Moreno visited the shelter on Monday. "
        '"Nobody will be left without a home tonight," she told reporters.'
    )
    assert direct(nlp, text)[0][1] == "Alicia Moreno"


def test_anonymous_speaker(nlp: Any) -> None:
    text = (
        "A senior council official, speaking on condition of anonymity, called the plan "
        "“a costly mistake that will haunt us for years.”"
    )
    ((_, speaker, anonymous),) = direct(nlp, text)
    assert anonymous
    assert speaker is not None and speaker.endswith("official")


def test_continuation_in_the_same_paragraph(nlp: Any) -> None:
    text = "“The fire is out,” said Ana Ruiz. “Crews will stay overnight to watch for hot spots.”"
    assert [s for _, s, _ in direct(nlp, text)] == ["Ana Ruiz", "Ana Ruiz"]


def test_terms_in_quotes_are_not_quotes(nlp: Any) -> None:
    assert direct(nlp, "Officials described the talks as “constructive” on Tuesday.") == []


def test_reported_speech(nlp: Any) -> None:
    found = quotes(nlp, "Mayor Odile Farrant said that the council would meet again on Friday.")
    assert [(q.speaker, q.direct) for q in found] == [("Odile Farrant", False)]


def test_a_verb_of_saying_with_a_thing_for_object_reports_no_words(nlp: Any) -> None:
    """ "added 12 points" is a score; "added that …" reports words."""
    scored = "Tomas Brell scored 14 points, while Ilka Sorensen added 12 for the Harriers."
    assert quotes(nlp, scored) == []
    said = quotes(nlp, "Coach Ilka Sorensen added that the team would rest on Sunday.")
    assert [q.speaker for q in said] == ["Ilka Sorensen"]


def test_a_body_named_with_and_is_named_whole(nlp: Any) -> None:
    # the recogniser may cut the name at "and" ("Rescue Service"); the speaker is the body
    found = quotes(
        nlp,
        "Later in the day Larrow Valley Fire and Rescue Service said the flames were out.",
    )
    assert [q.speaker for q in found] == ["Larrow Valley Fire and Rescue Service"]


def test_abstract_subjects_are_not_speakers(nlp: Any) -> None:
    assert quotes(nlp, "This decision signals a shift in how the city treats its harbour.") == []


def test_quote_spans_straight_and_curly() -> None:
    text = 'He said "this is it for now" and ‘we are done here’ but “no”.'
    assert [text[s:e] for s, e in quote_spans(text)] == ["this is it for now", "we are done here"]


@pytest.fixture(scope="module")
def example_quotes(nlp: Any) -> dict[str, list[Quote]]:
    gold = json.loads((EXAMPLES / "gold.json").read_text(encoding="utf-8"))
    by_title = {a.title: a for a in ingest([str(EXAMPLES / "corpus")]).articles}
    out: dict[str, list[Quote]] = {}
    for gold_id, meta in gold["articles"].items():
        article = by_title.get(meta["title"])
        if article is not None:
            doc = nlp(article.text)
            out[gold_id] = extract_quotes(doc, article.id, extract_entities(doc, article.id))
    out["__gold__"] = gold  # type: ignore[assignment]
    return out


def _surname_match(speaker: str | None, expected: str) -> bool:
    return speaker is not None and expected.split()[-1] in speaker


def test_example_fabricated_quotes_have_their_speaker(example_quotes: dict[str, Any]) -> None:
    gold = example_quotes["__gold__"]
    for event in gold["events"]:
        for item in event["fabricated_quotes"]:
            found = [q for q in example_quotes[item["article"]] if item["quote"] in q.text]
            assert found, item
            assert _surname_match(found[0].speaker, item["speaker"]), (found[0], item)


def test_example_attribution_conflict_sides(example_quotes: dict[str, Any]) -> None:
    gold = example_quotes["__gold__"]
    checked = 0
    for event in gold["events"]:
        for conflict in event["conflicts"]:
            if conflict["kind"] != "attribution":
                continue
            for side in conflict["sides"]:
                for gold_id, sentence in side["evidence"].items():
                    if gold_id not in example_quotes:
                        continue  # a syndicated copy, merged into its original
                    hits = [q for q in example_quotes[gold_id] if q.direct and q.text in sentence]
                    assert hits, (gold_id, sentence)
                    assert _surname_match(hits[0].speaker, side["value"]), (hits[0], side)
                    checked += 1
    assert checked >= 4


def test_a_relayed_sentence_is_credited_to_the_speaker_before(nlp: Any) -> None:
    """ "reportedly" says the words come through someone: in the same paragraph right after
    a named person's statement, that person is the source, not the sentence's subject."""
    text = (
        "Harbour authority spokeswoman Lena Castrell said the talks had been useful. "
        "The mayor reportedly expressed strong objections to the new fees."
    )
    found = quotes(nlp, text)
    assert [q.speaker for q in found] == ["Lena Castrell", "Lena Castrell"]
    # a new paragraph, or no relay word, keeps the sentence's own speaker
    apart = quotes(nlp, text.replace(". The mayor", ".\n\nMayor Piet Arlow"))
    assert [q.speaker for q in apart][-1] == "Piet Arlow"
    plain = quotes(
        nlp, text.replace("The mayor reportedly expressed", "Mayor Piet Arlow expressed")
    )
    assert [q.speaker for q in plain][-1] == "Piet Arlow"
