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
    Conflict,
    attribution_conflicts,
    contrast_cue,
    group_findings,
    parse_role,
    role_conflicts,
    role_label,
    roles_conflict,
    timeframe_conflicts,
    voice_conflicts,
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
        ("navy spokesman Commander", "Commodore", True),
        ("CEO", "COO", True),
        ("IMF chief", "IMF head", False),
        (
            "chief executive of the Wildlife Society",
            "executive director of the Wildlife Society",
            False,
        ),
        (
            "director at the Union of Concerned Scientists",
            "biodiversity expert at the Union of Concerned Scientists",
            False,
        ),
        ("president of West Coast Bank", "West Coast Bank chief executive", False),
        # one post in two words, and a role's words end where a place or time begins
        ("Anchorage attorney", "Anchorage lawyer", False),
        ("Agency Acting Director", "interim agency director", False),
        ("Agency Acting Director", "agency director", True),
        ("Rovers QB", "Rovers quarterback", False),
        ("head of the UN relief agency", "top UN refugee official in Gaza", False),
        ("Doctor since 2010", "youngest ever Doctor at 26", False),
        ("Committee Chairman Rep.", "chairman of the House Energy Committee", False),
        # a former post at a named firm is another job, not the current one
        ("chief executive", "former Lenovo Group executive", False),
        ("former Harbour Bank chief executive", "Harbour Bank chief executive", True),
        # a nominee is a candidate; wealth is a description, not a post
        ("Democratic nominee", "Democratic presidential candidate", False),
        ("Ohio billionaire", "Former Ohio Governor", False),
        # a personal lawyer is someone's lawyer: "former" is about the client, not the trade
        ("attorney", "former personal lawyer", False),
        ("attorney", "former attorney", True),
        # a candidate of a race already run is still called one; a correspondent reports
        ("former vice presidential candidate", "GOP vice presidential candidate", False),
        ("vice presidential candidate", "presidential candidate", True),
        ("CNN medical correspondent", "CNN reporter", False),
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


def test_attribution_ignores_titles_bodies_and_pronouns() -> None:
    """ "Police Constable Tim Fanning" is Tim Fanning; a body and its spokesman, an outlet
    and the person it quotes, or a speaker reached through "he said" are no conflict."""
    people = People(
        [
            Entity("a", "Tim Fanning", "PERSON"),
            Entity("b", "Ray Peavy", "PERSON"),
            Entity("c", "NYPD", "ORG"),
        ]
    )
    text = "The gunman gave himself up after two hours and police cuffed him"
    claims = [
        claim(
            "a:1", "a", f"{text}, Fanning said.", kind=ClaimKind.ATTRIBUTED, speaker="Tim Fanning"
        ),
        claim(
            "b:1",
            "b",
            f"{text}, Police Constable Tim Fanning said.",
            kind=ClaimKind.ATTRIBUTED,
            speaker="Police Constable Tim Fanning",
        ),
        claim("c:1", "c", f"{text}, the NYPD said.", kind=ClaimKind.ATTRIBUTED, speaker="NYPD"),
        claim("d:1", "d", f"{text}, he said.", kind=ClaimKind.ATTRIBUTED, speaker="Ray Peavy"),
    ]
    pairs = [Pair(0, j, 0.95) for j in (1, 2, 3)]
    assert attribution_conflicts(claims, pairs, people, always(0.95)) == []


def test_attribution_of_a_paraphrase_needs_the_same_content() -> None:
    people = People([Entity("a", "Dmitry Peskov", "PERSON"), Entity("b", "Yuri Ushakov", "PERSON")])
    claims = [
        claim(
            "a:1",
            "a",
            "Some US proposals were acceptable and others were not, Peskov said.",
            kind=ClaimKind.ATTRIBUTED,
            speaker="Dmitry Peskov",
        ),
        claim(
            "b:1",
            "b",
            "Some US proposals were acceptable and others were not, Ushakov said.",
            kind=ClaimKind.ATTRIBUTED,
            speaker="Yuri Ushakov",
        ),
    ]
    found = attribution_conflicts(claims, [Pair(0, 1, 0.9)], people, always(0.9))
    assert [(c.value_a, c.value_b) for c in found] == [("Dmitry Peskov", "Yuri Ushakov")]
    assert attribution_conflicts(claims, [Pair(0, 1, 0.9)], people, always(0.5)) == []


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
    # names in one slot differ: a cue; the same name written longer, or a day said two
    # ways ("Tuesday" / "yesterday", the fact table's to judge), is none
    e = claim("e:1", "e", "Harbor FC signed Lee Park.", entities=("Harbor FC", "Lee Park"))
    f = claim("f:1", "f", "Harbor FC signed Kim Ode.", entities=("Harbor FC", "Kim Ode"))
    g = claim("g:1", "g", "Harbor FC signed Lee Park yesterday.", entities=("Harbor", "Lee Park"))
    h = claim("h:1", "h", "Harbor FC signed Lee Park on Tuesday.", entities=("Lee Park", "Tuesday"))
    assert contrast_cue(e, f) == "different names"
    assert contrast_cue(e, g) is None
    assert contrast_cue(g, h) is None


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


def test_group_findings_lists_every_article_on_each_side() -> None:
    conflicts = [
        Conflict(
            "role", "Larry Lucchino", "a", "b", "ceo Larry Lucchino", "coo Larry Lucchino", "", ""
        ),
        Conflict(
            "role", "Larry Lucchino", "c", "b", "ceo Larry Lucchino", "coo Larry Lucchino", "", ""
        ),
    ]
    (finding,) = group_findings(conflicts, {}, ["a", "b", "c"])
    sides = {s.value: set(s.article_ids) for s in finding.sides}
    assert sides == {"ceo Larry Lucchino": {"a", "c"}, "coo Larry Lucchino": {"b"}}


def test_a_definite_role_phrase_resolves_to_the_one_person_given_that_role() -> None:
    from storycheck.model import Entity
    from storycheck.verify.crosscheck import _role_speakers

    entities = [
        Entity("a", "Vladimir Putin", "PERSON", roles=("Russian president",)),
        Entity("b", "Vladimir Putin", "PERSON"),
        Entity("b", "Volodymyr Zelenskyy", "PERSON", roles=("President",)),
        Entity("c", "Volodymyr Zelenskyy", "PERSON", roles=("Ukrainian president",)),
    ]
    found = _role_speakers(
        entities,
        [
            ("b", "The Russian president"),
            ("b", "The president"),  # both are presidents somewhere: ambiguous
            ("a", "The Ukrainian president"),  # article a never mentions Zelenskyy
        ],
    )
    assert found == {("b", "The Russian president"): "Vladimir Putin"}


@pytest.mark.parametrize(
    ("serving", "disputed"),
    [
        ("The Bush administration defended the rule on Tuesday.", True),
        ("Obama overturned a last-minute Bush administration rule on Tuesday.", False),
        ("The Obama administration said the Bush administration weakened the act.", False),
    ],
)
def test_an_administration_in_the_past_is_no_claim_of_office(serving: str, disputed: bool) -> None:
    """ "the X administration" frames X as serving, unless the sentence puts it in the past
    or the article names another person's administration too."""
    from storycheck.claims.entities import extract_entities
    from storycheck.models import get_parser
    from tests.facts.test_facts import article

    articles = [
        article("a", "Former President George W. Bush issued the rule in December 2008."),
        article("b", serving),
    ]
    docs = get_parser().parse([a.text for a in articles])
    entities = [e for a, d in zip(articles, docs, strict=True) for e in extract_entities(d, a.id)]
    found = timeframe_conflicts(articles, entities, People(entities))
    assert bool([c for c in found if "Bush" in c.subject]) is disputed


def test_voice_of_a_body_given_through_two_people() -> None:
    """One report quotes the port authority's spokesman, another its insider; neither names
    the other person: who spoke for the authority is in dispute."""
    entities = [
        Entity("a", "Tomas Brell", "PERSON", roles=("Varn Port Authority spokesman",)),
        Entity("b", "Ilka Sorensen", "PERSON", roles=("Varn Port Authority insider",)),
        Entity("c", "Ilka Sorensen", "PERSON", roles=("Varn Port Authority insider",)),
    ]
    people = People(entities)
    said = "The port would reopen on Monday"
    claims = [
        claim("a:1", "a", f"{said}, Brell said.", kind=ClaimKind.ATTRIBUTED, speaker="Tomas Brell"),
        claim(
            "b:1",
            "b",
            f"{said}, Sorensen said.",
            kind=ClaimKind.ATTRIBUTED,
            speaker="Ilka Sorensen",
        ),
        claim(
            "c:1",
            "c",
            f"{said}, Sorensen said.",
            kind=ClaimKind.ATTRIBUTED,
            speaker="Ilka Sorensen",
        ),
    ]
    found = voice_conflicts(claims, entities, people)
    assert [(c.subject, c.value_a, c.value_b) for c in found] == [
        ("who spoke for the Varn Port Authority", "Tomas Brell", "Ilka Sorensen"),
        ("who spoke for the Varn Port Authority", "Tomas Brell", "Ilka Sorensen"),
    ]
    (finding,) = group_findings(found, {c.id: c for c in claims}, "abc")
    assert finding.summary == "Who spoke for the Varn Port Authority? Ilka Sorensen vs Tomas Brell"
    assert [s.article_ids for s in finding.sides] == [("b", "c"), ("a",)]
    # a report that also names the other person quotes both: no dispute
    both = [*claims[:2], claim("a:2", "a", "Sorensen agreed.", kind=ClaimKind.FACT)]
    assert voice_conflicts(both, entities[:2], people) == []
    # a body with no proper name ("police spokesman"): every force has several
    generic = [
        Entity("a", "Tomas Brell", "PERSON", roles=("police spokesman",)),
        Entity("b", "Ilka Sorensen", "PERSON", roles=("police spokeswoman",)),
    ]
    assert voice_conflicts(claims[:2], generic, People(generic)) == []


@pytest.mark.parametrize(
    ("running", "disputed"),
    [("the party's vice presidential candidate", False), ("the presidential candidate", True)],
)
def test_running_for_another_office_is_not_out_of_office(running: str, disputed: bool) -> None:
    """A governor on a vice presidential ticket is still governor; a president called the
    presidential candidate is framed out of office."""
    from storycheck.claims.entities import extract_entities
    from storycheck.models import get_parser
    from tests.facts.test_facts import article

    office = "Governor" if not disputed else "President"
    articles = [
        article("a", f"{office} Sarah Okafor signed the state budget on Monday."),
        article("b", f"Sarah Okafor, {running}, spoke at a rally in Ohio on Monday."),
    ]
    docs = get_parser().parse([a.text for a in articles])
    entities = [e for a, d in zip(articles, docs, strict=True) for e in extract_entities(d, a.id)]
    found = timeframe_conflicts(articles, entities, People(entities))
    assert bool([c for c in found if "Okafor" in c.subject]) is disputed


def _timeframe(*texts: str) -> list[Conflict]:
    from storycheck.claims.entities import extract_entities
    from storycheck.models import get_parser
    from tests.facts.test_facts import article

    articles = [article(chr(ord("a") + n), t) for n, t in enumerate(texts)]
    docs = get_parser().parse([a.text for a in articles])
    entities = [e for a, d in zip(articles, docs, strict=True) for e in extract_entities(d, a.id)]
    return timeframe_conflicts(articles, entities, People(entities))


@pytest.mark.parametrize(
    ("first", "other", "disputed"),
    [
        # a campaign recalled in a sentence that calls her the president
        ("President", "A judge blocked President Okafor's tariff order, citing her remarks on "
         "the campaign trail and her campaign's ads.", False),
        ("President", "Okafor is back on the campaign trail this week, touring Ohio.", True),
        # an administration named as a past period, and as the present one
        ("Former President", "The inspector will review leak inquiries begun during the "
         "Okafor administration.", False),
        ("Former President", "The Okafor administration defended the rule on Tuesday.", True),
        ("Former President", "A holdover from the Okafor administration was fired on Friday.",
         False),
        ("Former President", "The fact sheet was issued in the final days of the Okafor "
         "administration.", False),
        # "candidate X" names no office: most often a look back at the campaign
        ("President", "The policy is one that candidate Okafor decried.", False),
    ],
)  # fmt: skip
def test_a_campaign_or_administration_of_the_past_is_no_time_frame(
    first: str, other: str, disputed: bool
) -> None:
    found = _timeframe(f"{first} Sarah Okafor spoke in Ohio on Monday.", other)
    assert bool([c for c in found if "Okafor" in c.subject]) is disputed


def test_the_title_a_person_held_in_a_past_period_is_not_their_title_now() -> None:
    from storycheck.claims.entities import extract_entities
    from storycheck.models import get_parser

    text = (
        "The rules were adopted in 2011 during President Okafor's first term. "
        "Governor Lina Marsh signed the bill. Both aides had been put in place under "
        "President Tomas Brell."
    )
    (doc,) = get_parser().parse([text])
    roles = {e.name: e.roles for e in extract_entities(doc, "a")}
    assert not roles.get("Okafor")
    assert not roles.get("Tomas Brell")
    assert roles["Lina Marsh"] == ("Governor",)


def test_leaving_office_years_ago_or_an_old_campaign_is_no_time_frame() -> None:
    """A person who left office in an earlier year is titled by history; a campaign told
    with an earlier year, or an office-holder's "her campaign", is no framing either."""
    base = "President Paul Weller met the press in Ohio on June 3, 2004."
    left = "When Weller left office on Aug. 9, 1974, the papers were sealed."
    found = _timeframe(base, left, "In 2004 former president Paul Weller was buried in Ohio.")
    assert not [c for c in found if "Weller" in c.subject]
    old = "Weller backed the defeated presidential candidate in 1964."
    assert not [c for c in _timeframe(base, old) if "Weller" in c.subject]
    own = "Weller apologised in June 2004 if the costs were linked to his campaign."
    assert not [c for c in _timeframe(base, own) if "Weller" in c.subject]


def test_one_post_in_two_words_is_one_side_of_a_role_dispute() -> None:
    entities = [
        Entity("a", "Shana Holt", "PERSON", roles=("attorney",)),
        Entity("b", "Shana Holt", "PERSON", roles=("lawyer",)),
        Entity("c", "Shana Holt", "PERSON", roles=("former attorney",)),
    ]
    conflicts = role_conflicts([], entities, People(entities))
    (finding,) = group_findings(conflicts, {}, ["a", "b", "c"])
    sides = {s.value: set(s.article_ids) for s in finding.sides}
    assert sides == {"attorney Shana Holt": {"a", "b"}, "former attorney Shana Holt": {"c"}}


def test_a_role_the_parse_ran_into_a_clause_is_no_role() -> None:
    long = (
        "Taliban’s facto leaderin the highest-level face-to-face encounter between the Taliban "
        "the Biden"
    )
    entities = [
        Entity("a", "Omar Said", "PERSON", roles=(long,)),
        Entity("b", "Omar Said", "PERSON", roles=("top Taliban leader",)),
    ]
    assert role_conflicts([], entities, People(entities)) == []
