from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pytest

from storycheck.claims.dates import find_dates
from storycheck.claims.numbers import find_quantities
from storycheck.model import Claim, ClaimKind, Entity
from storycheck.verify.align import Pair, candidate_pairs
from storycheck.verify.checks import (
    attribution_conflicts,
    contrast_cue,
    date_conflicts,
    group_findings,
    number_conflicts,
    parse_role,
    role_label,
    roles_conflict,
)
from storycheck.verify.people import People


def claim(cid: str, article: str, text: str, **kw: object) -> Claim:
    published = date(2025, 10, 15)
    return Claim(
        id=cid,
        article_id=article,
        sentence_index=0,
        start=0,
        end=len(text),
        text=text,
        standalone=text,
        quantities=tuple(find_quantities(text)),
        dates=tuple(find_dates(text, published)),
        **kw,  # type: ignore[arg-type]
    )


def always(score: float):  # type: ignore[no-untyped-def]
    def similarity(pairs: Sequence[tuple[str, str]]) -> list[float]:
        return [score] * len(pairs)

    return similarity


def test_number_conflict_and_grouping() -> None:
    claims = [
        claim("a:1", "a", "Twelve people were injured in the fire."),
        claim("b:1", "b", "15 people were injured in the fire."),
        claim("c:1", "c", "12 people were hurt in the blaze."),
    ]
    pairs = [Pair(0, 1, 0.9), Pair(2, 1, 0.8)]
    conflicts = number_conflicts(claims, pairs, always(0.9))
    (finding,) = group_findings(conflicts, {c.id: c for c in claims}, ["a", "b", "c"])
    assert finding.kind == "number"
    sides = {s.value: set(s.article_ids) for s in finding.sides}
    assert sides == {"12 person": {"a", "c"}, "15 person": {"b"}}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("nearly five hours", "4.8 hours"),
        ("more than 1,000 people", "1,200 people"),
        ("at least 15 people", "18 people"),
        ("from 40 minutes by bus to 15 minutes by tram", "15 minutes by tram"),
    ],
)
def test_compatible_numbers_are_not_conflicts(a: str, b: str) -> None:
    claims = [claim("a:1", "a", f"The trip took {a}."), claim("b:1", "b", f"The trip took {b}.")]
    assert number_conflicts(claims, [Pair(0, 1, 0.9)], always(0.9)) == []


def test_number_conflict_needs_the_same_slot() -> None:
    claims = [
        claim("a:1", "a", "He vowed to end the war within 24 hours."),
        claim("b:1", "b", "The five-hour meeting ended without a deal."),
    ]
    assert number_conflicts(claims, [Pair(0, 1, 0.7)], always(0.4)) == []


def test_date_conflict_and_later_state() -> None:
    claims = [
        claim("a:1", "a", "The fire broke out early on Tuesday at the port warehouse."),
        claim("b:1", "b", "The fire broke out early on Wednesday 15 October at the warehouse."),
        claim("c:1", "c", "Crews were still damping down the warehouse on Wednesday."),
    ]
    conflicts = date_conflicts(claims, [Pair(0, 1, 0.8), Pair(0, 2, 0.8)], always(0.8))
    assert [(c.a, c.b, c.value_a, c.value_b) for c in conflicts] == [
        ("a:1", "b:1", "Tuesday 2025-10-14", "Wednesday 2025-10-15")
    ]


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        ("former President", "President", True),
        ("Chief Fire Officer", "Deputy Chief Fire Officer", True),
        ("chief executive of Varnbridge Transit", "Varnbridge Transit's chief engineer", True),
        ("chief executive of Varnbridge Transit", "Varnbridge Transit chief executive", False),
        ("Russian president", "President", False),
        ("former White House adviser", "special envoy", False),
        ("Donald Trump's son-in-law", "former senior advisor", False),
        ("Kremlin spokesperson", "Kremlin spokesperson", False),
    ],
)
def test_roles_conflict(a: str, b: str, conflict: bool) -> None:
    assert roles_conflict(parse_role(a), parse_role(b)) is conflict


def test_role_label() -> None:
    assert role_label(parse_role("chief executive of Varnbridge Transit")) == "chief executive"
    assert role_label(parse_role("Varnbridge Transit chief executive")) == "chief executive"
    assert role_label(parse_role("Trump's special envoys")) == "special envoys"


def test_attribution_conflict_same_quote_different_speakers() -> None:
    people = People(
        [Entity("a", "Ilse Varnholt", "PERSON"), Entity("b", "Odile Farrant", "PERSON")]
    )
    quote = "“We were fortunate that the wind carried the smoke away,”"
    claims = [
        claim("a:1", "a", f"{quote} Varnholt said.", kind=ClaimKind.QUOTE, speaker="Ilse Varnholt"),
        claim("b:1", "b", f"{quote} Farrant said.", kind=ClaimKind.QUOTE, speaker="Odile Farrant"),
        claim("c:1", "c", f"{quote} she said.", kind=ClaimKind.QUOTE, speaker="Varnholt"),
    ]
    conflicts = attribution_conflicts(claims, [Pair(0, 1, 0.9), Pair(0, 2, 0.9)], people)
    assert [(c.value_a, c.value_b) for c in conflicts] == [("Ilse Varnholt", "Odile Farrant")]


def test_people_merge_spelling_variants() -> None:
    people = People(
        [
            Entity("a", "Volodymyr Zelensky", "PERSON", mentions=((0, 5),)),
            Entity("b", "Zelenskyy", "PERSON"),
            Entity("c", "Vladimir Putin", "PERSON"),
            Entity("d", "Putin", "PERSON"),
            Entity("e", "Alexei Putin", "PERSON"),
        ]
    )
    assert people.canonical("Zelenskyy") == "Volodymyr Zelensky"
    assert people.canonical("Putin") in ("Vladimir Putin", "Alexei Putin")
    assert not people.same("Vladimir Putin", "Alexei Putin")
    assert people.is_person("Zelensky")


def test_contrast_cues() -> None:
    a = claim("a:1", "a", "The council approved the plan on Monday.")
    b = claim("b:1", "b", "The council rejected the plan on Monday.")
    c = claim("c:1", "c", "The council did not approve the plan on Monday.")
    d = claim("d:1", "d", "On Monday the council approved the plan.")
    assert contrast_cue(a, b) == "approved/rejected"
    assert contrast_cue(a, c) == "negation"
    assert contrast_cue(a, d) is None


def test_candidate_pairs_skip_the_same_article_and_keep_top_k() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(30, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    article_of = [n // 5 for n in range(30)]
    pairs = candidate_pairs(vectors, article_of, k=3, floor=-1.0)
    assert pairs
    for pair in pairs:
        assert article_of[pair.i] != article_of[pair.j]
    per_claim: dict[int, int] = {}
    for pair in pairs:
        per_claim[pair.i] = per_claim.get(pair.i, 0) + 1
    assert max(per_claim.values()) <= 4
    # the best cross-article neighbour is always found
    sims = vectors @ vectors.T
    for i in range(30):
        others = [j for j in range(30) if article_of[j] != article_of[i]]
        best = max(others, key=lambda j: sims[i, j])
        assert any(p.i == i and p.j == best for p in pairs)
