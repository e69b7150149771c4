from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from storycheck.claims.extract import extract_claims, is_hedged
from storycheck.ingest import build_article
from storycheck.model import Claim, ClaimKind, Document, SourceFormat


def claims(nlp: Any, text: str) -> list[Claim]:
    doc = Document(
        source="a.txt",
        format=SourceFormat.TEXT,
        text=text,
        published=datetime(2025, 3, 5, tzinfo=UTC),
    )
    article = build_article(doc)
    return extract_claims(article, nlp(article.text))


def kinds(nlp: Any, text: str) -> list[tuple[str, str]]:
    return [(c.kind.value, c.text) for c in claims(nlp, text)]


def test_fact_with_slots(nlp: Any) -> None:
    (claim,) = claims(nlp, "Fire chief Ana Ruiz said 12 people were injured on Tuesday.")
    assert claim.kind is ClaimKind.ATTRIBUTED
    assert claim.speaker == "Ana Ruiz"
    assert [q.value for q in claim.quantities] == [12]
    assert [d.value.isoformat() for d in claim.dates if d.value] == ["2025-03-04"]
    assert "Ana Ruiz" in claim.entities


def test_compound_sentence_is_split_into_clauses(nlp: Any) -> None:
    found = kinds(
        nlp,
        "The fire at the Northgate depot started at noon, and crews from Easton arrived at one.",
    )
    assert [k for k, _ in found] == ["fact", "fact"]
    assert found[0][1].startswith("The fire at the Northgate depot started at noon")
    assert found[1][1].startswith("crews from Easton arrived")


def test_spans_point_into_the_article(nlp: Any) -> None:
    text = "The council approved a budget of 40 million on Monday, and Mayor Lena Ortiz signed it."
    doc = Document(source="a.txt", format=SourceFormat.TEXT, text=text)
    article = build_article(doc)
    for claim in extract_claims(article, nlp(article.text)):
        assert article.text[claim.start : claim.end] == claim.text


def test_hedged_and_opinion(nlp: Any) -> None:
    found = {
        t: k
        for k, t in kinds(
            nlp,
            "The mayor reportedly met the owners of the Northgate depot. "
            "This shows how fragile trust has become in such matters.",
        )
    }
    assert found["The mayor reportedly met the owners of the Northgate depot."] == "hedged"
    assert found["This shows how fragile trust has become in such matters."] == "opinion"


def test_modal_in_a_relative_clause_is_not_a_hedge(nlp: Any) -> None:
    doc = nlp("The council rejected a plan that would have closed the Northgate depot.")
    assert not is_hedged(doc.text, list(doc))
    doc = nlp("The council could reject the plan to close the Northgate depot.")
    assert is_hedged(doc.text, list(doc))


def test_quotes_and_multi_sentence_quotes(nlp: Any) -> None:
    found = claims(
        nlp,
        "“We will rebuild the depot. It will take two years,” said Calder Logistics chief "
        "executive Omar Haddad.",
    )
    # one sentence: the segmenter does not split inside the quotation
    assert [c.kind for c in found] == [ClaimKind.QUOTE]
    assert found[0].speaker == "Omar Haddad"
    assert "depot. It will take two years" in found[0].text


def test_clause_split_never_cuts_a_quotation(nlp: Any) -> None:
    found = claims(
        nlp,
        'The governor has repeatedly claimed he could fix the bridge in "48 hours," and '
        "these inspections are possibly an effort to prepare for such a repair.",
    )
    assert found
    for claim in found:
        assert claim.text.count('"') % 2 == 0, claim.text
    assert any('"48 hours,"' in c.text for c in found)


def test_pronoun_subject_is_made_explicit(nlp: Any) -> None:
    found = claims(
        nlp, "Governor Alicia Moreno visited the shelter in Easton. She promised 3 million in aid."
    )
    promise = next(c for c in found if "promised" in c.text)
    assert promise.text == "She promised 3 million in aid."
    assert promise.standalone == "Alicia Moreno promised 3 million in aid."


def test_pronoun_prefers_the_previous_subject_over_a_later_name(nlp: Any) -> None:
    found = claims(
        nlp,
        "Envoy Mira Kessel met the delegation in Varno. Kessel's visit was part of a wider "
        "push by allies of Governor Tomas Brandt to reopen talks. She was accompanied by "
        "two advisers.",
    )
    with_her = next(c for c in found if "accompanied" in c.text)
    assert with_her.standalone.startswith("Mira Kessel was accompanied")


def test_headings_and_questions_are_skipped(nlp: Any) -> None:
    text = "What Comes Next for the Depot\n\nWho will pay for the damage at the depot now?"
    assert claims(nlp, text) == []
