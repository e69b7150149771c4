"""The facts stage: typed slot facts from real parses, compared slot by slot."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storycheck.claims.entities import extract_entities
from storycheck.claims.quotes import extract_quotes
from storycheck.facts import build_table, compatible, extract_facts, interval, story_year
from storycheck.facts.attributes import PHONE_NUMBER
from storycheck.facts.slots import UNKEYED
from storycheck.ingest.segment import sentence_spans
from storycheck.model import Article, Fact, FactRow, Finding, Sentence, SourceFormat
from storycheck.models import get_embedder, get_parser
from storycheck.verify.people import People


def article(aid: str, text: str, published: datetime | None = None) -> Article:
    sentences = tuple(
        Sentence(aid, n, start, end, text[start:end])
        for n, (start, end) in enumerate(sentence_spans(text))
    )
    return Article(
        id=aid,
        source=f"{aid}.txt",
        format=SourceFormat.TEXT,
        text=text,
        paragraphs=(text,),
        sentences=sentences,
        content_hash=aid,
        published=published,
    )


def facts_of(articles: Sequence[Article]) -> list[Fact]:
    parser = get_parser()
    docs = parser.parse([a.text for a in articles])
    entities = [e for a, d in zip(articles, docs, strict=True) for e in extract_entities(d, a.id)]
    quotes = [
        q
        for a, d in zip(articles, docs, strict=True)
        for q in extract_quotes(d, a.id, [e for e in entities if e.article_id == a.id])
    ]
    people = People(entities)
    year = story_year(articles)
    return [
        f
        for a, d in zip(articles, docs, strict=True)
        for f in extract_facts(
            a, d, entities=entities, quotes=quotes, claims=(), people=people, year=year
        )
    ]


def table(*texts: str) -> tuple[tuple[FactRow, ...], tuple[Finding, ...]]:
    articles = [article(chr(ord("a") + n), t) for n, t in enumerate(texts)]
    return build_table(facts_of(articles), articles)


def outlets(findings: Sequence[Finding], kind: str) -> set[str]:
    """The outlets on either side of the one finding of ``kind``."""
    (finding,) = [f for f in findings if f.kind == kind]
    return {a for side in finding.sides for a in side.article_ids}


def side_values(findings: Sequence[Finding], kind: str) -> set[str]:
    """The values on the sides of every finding of ``kind``."""
    return {s.value for f in findings if f.kind == kind for s in f.sides}


def disputed_values(rows: Sequence[FactRow], key: str) -> set[str]:
    """The values of the disputed row ``key`` (failing when the row is not disputed)."""
    found = row(rows, key)
    assert found.status == "disputed", found
    return {c.value for c in found.cells}


def disputes(kind: str, *pairs: tuple[str, str]) -> list[Finding]:
    """The findings of ``kind`` the fact table raises on each pair of reports."""
    return [f for pair in pairs for f in table(*pair)[1] if f.kind == kind]


def row(rows: Sequence[FactRow], key: str) -> FactRow:
    return next(r for r in rows if r.key == key)


def test_a_toll_is_a_slot_however_it_is_worded() -> None:
    facts = facts_of(
        [
            article("a", "The earthquake killed 10 people in the south of the island."),
            article("b", "The death toll stood at 12, officials said."),
            article("c", "At least 80 people were injured by the quake."),
        ]
    )
    slots = {(f.article_id, f.key, f.number) for f in facts if f.kind == "quantity"}
    assert ("a", "dead", 10.0) in slots
    assert ("b", "dead", 12.0) in slots
    assert ("c", "injured", 80.0) in slots
    qualified = next(f for f in facts if f.article_id == "c" and f.key == "injured")
    assert qualified.qualifier == "at_least"


def test_disputed_slot_lists_every_outlet_on_each_side() -> None:
    rows, findings = table(
        "The earthquake killed 10 people on the island.",
        "Ten people were killed when the quake struck the island.",
        "The quake killed three people on the island.",
        "The powerful quake killed 10 people, the governor said.",
    )
    dead = row(rows, "dead")
    assert dead.status == "disputed"
    (finding,) = [f for f in findings if f.subject.startswith("people killed")]
    assert finding.kind == "number" and finding.status == "contradiction"
    sides = {frozenset(s.article_ids) for s in finding.sides}
    assert sides == {frozenset({"a", "b", "d"}), frozenset({"c"})}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("at least 15 people were injured", "18 people were injured"),
        ("more than 1,000 people were injured", "1,200 people were injured"),
        ("about 30 people were injured", "32 people were injured"),
    ],
)
def test_compatible_figures_are_agreed(a: str, b: str) -> None:
    rows, findings = table(f"In the blast {a}.", f"In the blast {b}.")
    assert row(rows, "injured").status == "agreed"
    assert not findings


def test_intervals_follow_the_qualifiers() -> None:
    def fact(number: float, qualifier: str | None) -> Fact:
        return Fact("f", "a", 0, "quantity", "dead", "dead", "", 0, 0, number, None, qualifier)

    assert interval(fact(300, "nearly"))[1] < 300
    assert not compatible(fact(300, "nearly"), fact(300, "more_than"))
    assert compatible(fact(300, "nearly"), fact(280, None))
    assert compatible(fact(15, "at_least"), fact(18, None))
    assert not compatible(fact(5, None), fact(1, None))


def test_an_article_that_gives_both_figures_sits_on_neither_side() -> None:
    _rows, findings = table(
        "The quake killed 10 people.",
        "Three people died at first, officials said. Later the death toll rose to 10.",
        "The quake killed three people.",
    )
    (finding,) = findings
    assert {frozenset(s.article_ids) for s in finding.sides} == {
        frozenset({"a"}),
        frozenset({"c"}),
    }


def test_background_figures_are_not_compared_with_the_main_event() -> None:
    rows, findings = table(
        "The earthquake on Sunday killed 10 people in 2005.",
        "The earthquake killed 10 people in 2005. In 2003 a quake in Bam killed 26,000 people.",
    )
    assert not findings
    assert {r.key for r in rows if r.status == "agreed"} >= {"dead"}


def test_magnitudes_and_distances_in_other_units() -> None:
    rows, _findings = table(
        "A magnitude 5.9 earthquake struck the island on Sunday.",
        "The 6.1-magnitude earthquake struck the island on Sunday.",
        "The climber fell about 150 metres from the ridge.",
        "The climber fell 200ft from the ridge.",
    )
    assert row(rows, "magnitude").status == "disputed"
    fall = row(rows, "distance|fall")
    assert fall.status == "disputed"  # 200 ft is about 61 m, not 150 m


def test_event_dates_and_later_states() -> None:
    published = datetime(2025, 10, 16, tzinfo=UTC)
    articles = [
        article("a", "The fire broke out early on Tuesday at the port warehouse.", published),
        article("b", "The fire started on Wednesday 15 October at the warehouse.", published),
        article("c", "Crews were still damping down the warehouse on Wednesday.", published),
    ]
    _rows, findings = build_table(facts_of(articles), articles)
    assert outlets(findings, "date") == {"a", "b"}


def test_times_of_day_with_their_qualifiers() -> None:
    _rows, findings = table(
        "The fire broke out at about 3.50 am in the warehouse.",
        "The fire broke out shortly before 4 am in the warehouse.",
        "The fire broke out at 6 am in the warehouse.",
    )
    (finding,) = [f for f in findings if f.kind == "time"]
    sides = {frozenset(s.article_ids) for s in finding.sides}
    assert sides == {frozenset({"a", "b"}), frozenset({"c"})}


def test_ages_belong_to_their_person() -> None:
    facts = facts_of(
        [
            article("a", "Robert Buckley, 32, died in the fall."),
            article("b", "The climber, 31-year-old Robert Buckley, died in the fall."),
        ]
    )
    ages = {(f.article_id, f.key, f.number) for f in facts if f.kind == "age"}
    assert ages == {("a", "age|robert buckley", 32.0), ("b", "age|robert buckley", 31.0)}


def test_a_toll_rising_with_publication_time_is_an_update() -> None:
    early = datetime(2025, 3, 1, 8, tzinfo=UTC)
    late = datetime(2025, 3, 1, 20, tzinfo=UTC)
    articles = [
        article("a", "The collapse killed five people, police said.", early),
        article("b", "The collapse killed 12 people, police said.", late),
    ]
    rows, findings = build_table(facts_of(articles), articles)
    assert row(rows, "dead").status == "update"
    (finding,) = findings
    assert finding.status == "update"
    # reports of one time that differ did not see a toll rise: they disagree
    at_once = [dataclasses.replace(a, published=early) for a in articles]
    rows, findings = build_table(facts_of(at_once), at_once)
    assert row(rows, "dead").status == "disputed"


def test_figures_that_count_different_things_are_kept_apart() -> None:
    _rows, findings = table(
        "Pirates in two boats attacked the ship near Aden.",
        "He vowed to end the war within 24 hours of taking office.",
        "The five-hour meeting ended without a deal.",
    )
    assert not findings


def test_scattered_values_are_not_a_dispute() -> None:
    _rows, findings = table(
        "Thomas ran for 70 yards in the game against Seattle on Saturday.",
        "Ivory ran for 55 yards in the game against Seattle on Saturday.",
        "Bush ran for 102 yards in the game against Seattle on Saturday.",
    )
    assert not [f for f in findings if f.kind == "number"]


def test_story_year_is_the_year_most_articles_name() -> None:
    articles = [
        article("a", "On 27 November 2005 a quake struck. The 2003 quake was worse."),
        article("b", "The quake of November 2005 killed ten."),
    ]
    assert story_year(articles) == 2005


def _similarity() -> Callable[[Sequence[tuple[str, str]]], list[float]]:
    """The real embedder's cosine of sentence pairs (what cross-check passes in)."""
    embedder = get_embedder()

    def similarity(pairs: Sequence[tuple[str, str]]) -> list[float]:
        left = np.asarray(embedder.encode([a for a, _ in pairs]))
        right = np.asarray(embedder.encode([b for _, b in pairs]))
        return [float(x) for x in np.sum(left * right, axis=1)]

    return similarity


def aligned(*texts: str) -> tuple[tuple[FactRow, ...], tuple[Finding, ...]]:
    articles = [article(chr(ord("a") + n), t) for n, t in enumerate(texts)]
    return build_table(facts_of(articles), articles, _similarity())


def test_one_slot_said_with_two_verbs_is_aligned_by_its_sentence() -> None:
    text = "But markets reacted to the riots with alarm as Greek stocks {} in Athens."
    _rows, findings = aligned(text.format("plunged 5.4 per cent"), text.format("fell 3.9 percent"))
    (finding,) = [f for f in findings if f.kind == "number"]
    assert {s.value for s in finding.sides} == {"5.4 per cent", "3.9 percent"}


def test_a_figure_nobody_else_gives_is_not_in_the_table() -> None:
    rows, _findings = aligned(
        "Pirates in two speed boats attacked the merchant ship near Aden on Saturday.",
        "The navy said the warship carried 13 helicopters and a crew of sailors.",
    )
    assert not [r for r in rows if r.key.startswith(UNKEYED)]


def test_how_many_times_is_a_slot_of_its_verb() -> None:
    facts = facts_of(
        [
            article("a", "Gray had previously been arrested four times, police said."),
            article("b", "Gray was arrested twice on theft charges, police said."),
        ]
    )
    times = {(f.article_id, f.key, f.number) for f in facts if f.key.startswith("times|")}
    assert times == {("a", "times|arrest", 4.0), ("b", "times|arrest", 2.0)}


def test_a_model_number_is_not_a_count() -> None:
    facts = facts_of([article("a", "The commandos seized seven AK-47 rifles from the pirates.")])
    counts = {(f.key, f.number) for f in facts if f.kind == "quantity"}
    assert ("rifle", 7.0) in counts
    assert not [f for f in facts if f.number == 47.0]


def test_one_event_named_two_ways_shares_a_row() -> None:
    _rows, findings = aligned(
        "The blaze broke out at about 8.40pm on Friday in the roof of the store.",
        "The fire broke out at 7.15pm on Friday in the roof of the store.",
    )
    assert outlets(findings, "time") == {"a", "b"}


def test_dates_of_two_events_of_one_subject_are_kept_apart() -> None:
    _rows, findings = aligned(
        "A former employee opened fire at the office Christmas party on Friday, police said.",
        "A former employee was charged with murder on Saturday over the office Christmas party.",
    )
    assert not [f for f in findings if f.kind == "date"]


@pytest.mark.parametrize(("later", "disputed"), [("29", False), ("35", True)])
def test_an_age_that_grows_with_the_reports_year_is_no_dispute(later: str, disputed: bool) -> None:
    # 27 in the reports of the 2005 shooting, 29 in those of the 2007 trial: he aged
    rows, findings = table(
        "Deputies identified the suspect as Jose Luis Orozco, 27, a parolee, on June 25, 2005.",
        f"In April 2007 a jury found Jose Luis Orozco, {later}, guilty of murder.",
    )
    assert bool([f for f in findings if f.kind == "role"]) is disputed
    assert row(rows, "age|jose luis orozco").status == ("disputed" if disputed else "update")


def test_a_players_figures_are_his_own_when_he_is_named_by_a_pronoun() -> None:
    _rows, findings = table(
        "Pierre Thomas was hurt. He had 793 yards and six touchdowns on 147 carries.",
        "Chris Ivory was the surprise. He finished with 716 yards and five touchdowns.",
    )
    assert not [f for f in findings if f.kind == "number"]
    facts = facts_of(
        [
            article("a", "Pierre Thomas was hurt. He had 793 yards and six touchdowns."),
            article("b", "Chris Ivory was the surprise. He finished with five touchdowns."),
        ]
    )
    assert {"touchdown|thomas", "touchdown|ivory"} <= {f.key for f in facts}


def test_a_players_statistics_are_kept_but_not_compared() -> None:
    # which game or season a player's figure covers is rarely said: "six touchdowns" and
    # "two touchdowns" of one player are most often two different figures
    _rows, findings = table(
        "Dario Quint scored six touchdowns and rushed for 404 yards against Seattle.",
        "Dario Quint scored two touchdowns and caught passes for 66 yards against Seattle.",
    )
    assert not [f for f in findings if f.kind == "number"]
    facts = facts_of([article("a", "Dario Quint scored six touchdowns against Seattle.")])
    assert {f.scope for f in facts if f.key.startswith("touchdown")} == {"statistic"}


def test_an_average_is_not_a_total() -> None:
    _rows, findings = table(
        "Teixeira has averaged 100 RBIs in his six big-league seasons with Texas.",
        "Teixeira has 676 RBIs in his six big-league seasons with Texas.",
    )
    assert not [f for f in findings if f.kind == "number"]


def test_a_sum_a_year_is_not_compared_with_a_total() -> None:
    rows, findings = aligned(
        "The Red Sox offered Teixeira an eight-year deal worth $23 million per season.",
        "The Red Sox offered Teixeira an eight-year deal worth $184 million before the season.",
    )
    assert not [f for f in findings if f.kind == "number"]
    assert all(len(r.cells) == 1 for r in rows if r.kind == "quantity")


def test_what_someone_became_is_the_event_a_year_dates() -> None:
    _rows, findings = aligned(
        "In 1995, she became the first African-American woman named to the board of the "
        "American Medical Association.",
        "In 2002, she became president of the Medical Association of the State of Alabama, "
        "the first African-American woman to do so.",
    )
    assert not [f for f in findings if f.kind == "date"]


def test_each_partys_sum_is_its_own_slot() -> None:
    _rows, findings = table(
        "The Washington Nationals made Mark Teixeira an eight-year, $160 million offer.",
        "The Boston Red Sox made Mark Teixeira an eight-year, $184 million offer.",
        "The Boston Red Sox made Mark Teixeira an eight-year, $200 million offer.",
    )
    assert side_values(findings, "number") == {
        "$184 million",
        "$200 million",
    }


def test_a_share_of_a_sum_is_not_the_sum() -> None:
    _rows, findings = table(
        "The rescue loans for Greece total 110 billion euros over three years.",
        "Merkel urged parliament to pass the country's share of the rescue loans for Greece - "
        "22 billion euros over three years.",
    )
    assert not [f for f in findings if f.kind == "number"]


def test_a_year_of_a_named_thing_is_that_things_year() -> None:
    _rows, findings = table(
        "Page, who suffered depression in later life, inspired the 2005 film The Notorious "
        "Bettie Page.",
        "Page was also celebrated in the 2006 HBO movie, The Notorious Bettie Page, starring "
        "Gretchen Mol.",
    )
    assert side_values(findings, "date") == {"2005", "2006"}


def test_others_wounded_and_another_wounded_are_injury_tolls() -> None:
    _rows, findings = table(
        "Police say two people have been killed and another wounded in a shooting at the plant.",
        "A woman opened fire at the plant, killing two workers and wounding two others.",
    )
    assert side_values(findings, "number") == {"another", "two"}


def test_a_later_state_word_far_from_a_date_leaves_it_alone() -> None:
    facts = facts_of(
        [
            article(
                "a",
                "On November 19, INS Tabar sank a fishing trawler that was under the control "
                "of pirates, in a third successive strike since its deployment on November 2.",
            )
        ]
    )
    assert {f.value for f in facts if f.kind == "date"} == {"November 19"}


def test_a_count_of_times_that_dates_its_times_is_not_about_another_year() -> None:
    _rows, findings = table(
        "Page married twice; her first marriage lasted from 1943 to 1947, her second from "
        "1958 to 1963.",
        "Page was married three times but had no children.",
    )
    assert side_values(findings, "number") == {
        "twice",
        "three",
    }


def test_a_noun_opening_an_unhyphenated_modifier_is_not_what_is_counted() -> None:
    # "one rocket propelled grenade launcher" counts launchers, not rockets
    _rows, findings = table(
        "The cache of arms included seven rifles and one rocket propelled grenade launcher.",
        "The cache of arms included seven rifles and a grenade launcher with two rockets.",
    )
    assert not [f for f in findings if f.kind == "number"]


@pytest.mark.parametrize(
    ("other", "disputed"),
    [("Two firefighters were injured in the fire.", True), ("Nobody was hurt in the fire.", False)],
)
def test_a_toll_of_nobody_is_a_toll(other: str, disputed: bool) -> None:
    _rows, findings = table("No-one was injured in the fire at the store, police said.", other)
    assert bool([f for f in findings if f.kind == "number"]) is disputed


def test_where_a_person_moved_is_compared() -> None:
    _rows, findings = table(
        "After her conversion, Bettie Page moved to Florida and worked for a church.",
        "After her conversion, Bettie Page moved to California and worked for a church.",
    )
    assert side_values(findings, "place") == {
        "Florida",
        "California",
    }


@pytest.mark.parametrize(
    ("other", "disputed"),
    [("College Point", True), ("Queens", False), ("South Ozone Park", False)],
)
def test_where_a_person_lives_is_compared_unless_one_place_is_in_the_other(
    other: str, disputed: bool
) -> None:
    rows, findings = table(
        "Harpal Chohan, who lived in South Ozone Park, Queens, died on Friday.",
        f"The victim, Harpal Chohan, 59, of {other}, was struck by a Toyota Camry.",
    )
    assert row(rows, "where|live|chohan|area").cells
    assert bool([f for f in findings if f.kind == "place"]) is disputed


def test_a_date_of_a_noun_dates_that_event_not_the_clause() -> None:
    # "charged … after a shooting … Friday": Friday is the shooting's, not the charge's
    _rows, findings = aligned(
        "A man has been charged with murder after a shooting at an office party in "
        "Vancouver Friday.",
        "A 61-year-old man was charged with murder Saturday after opening fire at an office "
        "party in Vancouver.",
    )
    assert not [f for f in findings if f.kind == "date"]


@pytest.mark.parametrize(("other", "disputed"), [("nine", True), ("96", False)])
def test_a_figure_ten_times_another_is_another_scope(other: str, disputed: bool) -> None:
    _rows, findings = table(
        "The navy seized six boats off the coast of Varna on Sunday.",
        f"The navy seized {other} boats off the coast of Varna on Sunday.",
    )
    assert bool([f for f in findings if f.kind == "number"]) is disputed


def test_crowd_estimates_can_differ_tenfold() -> None:
    _rows, findings = table(
        "Police said 20,000 people marched through central Athens on Wednesday.",
        "Organisers said 200,000 people marched through central Athens on Wednesday.",
    )
    assert [f for f in findings if f.kind == "number"]


@pytest.mark.parametrize(("other", "disputed"), [("three", True), ("14", False)])
def test_background_figures_are_compared_with_background_figures(
    other: str, disputed: bool
) -> None:
    # a past record is a slot of its own; a figure over three times another there is
    # most likely another scope (a season's carries against a game's)
    _rows, findings = table(
        "Gray had previously been arrested four times on theft charges, police said.",
        f"Gray had previously been arrested {other} times on theft charges, police said.",
    )
    assert bool([f for f in findings if f.kind == "number"]) is disputed


def test_a_weight_in_pounds_is_not_money() -> None:
    facts = facts_of(
        [
            article("a", "The suspect is 5 feet 8 inches tall, weighing 130 pounds."),
            article("b", "The ticket cost 130 pounds at the door."),
        ]
    )
    kinds = {(f.article_id, f.key) for f in facts if f.number is not None}
    assert ("a", "weight") in kinds
    assert ("b", "money|GBP") in {(a, k.lstrip(UNKEYED)) for a, k in kinds}


def test_counts_of_one_thing_in_two_words_share_a_row() -> None:
    _rows, findings = aligned(
        "The navy seized two small boats and a cache of arms from the pirates on Saturday.",
        "The navy seized three speedboats and a cache of arms from the pirates on Saturday.",
        "The navy seized twelve cars and a cache of arms from the pirates on Saturday.",
    )
    assert outlets(findings, "number") == {"a", "b"}


def test_a_street_block_is_a_place_slot() -> None:
    rows, findings = table(
        "The deputy was shot outside an apartment in the 12000 block of East 223rd Street.",
        "The deputy was shot at an apartment complex in the 12500 block of 223rd St.",
    )
    assert disputed_values(rows, "block|223rd street") == {"12000 block", "12500 block"}
    assert [f for f in findings if f.kind == "place"]


def test_a_partitive_counts_its_noun() -> None:
    facts = facts_of(
        [article("a", "At least 17 of the hijacked ships are still held by the pirates.")]
    )
    assert ("ship", 17.0) in {(f.key, f.number) for f in facts if f.kind == "quantity"}


def test_a_figure_with_its_own_participle_is_not_the_sentence_toll() -> None:
    rows, _findings = table(
        "Police said 18 people had been injured in the violence and 12 arrested.",
        "Police said 12 people were injured in the riots.",
    )
    assert disputed_values(rows, "injured") == {"18", "12"}


def test_the_time_since_an_event_is_one_slot_however_it_is_worded() -> None:
    # "a week after suffering a stroke" / "a stroke nine days earlier" / "a stroke suffered
    # almost three weeks ago": one span, whatever the rest of each sentence says
    rows, findings = table(
        "The singer Mara Quell died in a Lisbon hospital on Thursday, a week after suffering "
        "a stroke.",
        "Quell suffered a stroke nine days earlier and never woke up.",
        "Fans gathered outside the theatre for Quell, who succumbed to complications from a "
        "stroke suffered almost three weeks ago.",
    )
    assert row(rows, "duration|since stroke").status == "disputed"
    assert side_values(findings, "number") >= {"a week", "nine days"}
    # a span of no named event keeps its time-scale slot
    rows, _ = table(
        "Quell had married two weeks before the concert.",
        "Quell had married three weeks ago.",
    )
    assert not [r for r in rows if r.key.startswith("duration|since")]


def test_how_long_ago_something_happened_is_a_slot_of_what_happened() -> None:
    # "married two weeks ago" and "married three weeks before the shooting" count back to
    # one marriage, however different the rest of the sentences is
    rows, findings = table(
        "The Harbor Point resident was married two weeks ago to his second wife, Lina.",
        "Nora Voss, who married the ranger three weeks before he was killed, spoke at the "
        "hearing on Tuesday.",
        "He had married two weeks before the shooting, and had won a bravery award.",
    )
    assert disputed_values(rows, "duration|days|marry") == {"two weeks", "three weeks"}
    assert side_values(findings, "number") == {"two weeks", "three weeks"}
    # a span counted back from nothing ("lasted two hours") keeps its time-scale slot, and
    # two different things done that long ago are two slots
    rows, findings = table(
        "The talks lasted two hours, officials said.",
        "He was released three days ago after questioning.",
        "The ranger had married two weeks before the shooting.",
    )
    assert not [r for r in rows if r.key == "duration|hours|last"]
    assert not [f for f in findings if f.kind == "number"]


def test_crew_members_and_crewmen_held_are_one_count_and_nearly_is_below() -> None:
    # "crew members" / "crewmen" name one group; "nearly 300" is under 300 and "more than
    # 300" over it: a dispute, though the sentences share no other word
    rows, findings = table(
        "Militias still hold eight tankers and more than 300 crew members in captivity.",
        "Gunmen holding about a dozen freighters and nearly 300 crewmen along the southern coast.",
    )
    assert disputed_values(rows, "crew|hold") == {"more than 300", "nearly 300"}
    assert len([f for f in findings if f.kind == "number"]) == 1


def test_a_patients_condition_is_compared_by_its_words() -> None:
    rows, findings = table(
        "Daniel Hughes, 52, was stabbed in the back and is hospitalized in critical condition.",
        "The wounded guard, Daniel Hughes, was taken to Mercy General. He was later moved and "
        "listed in stable condition.",
        "Daniel Hughes was flown to the city. Hughes remained in intensive care on Friday, "
        "police said.",
        "Daniel Hughes was in critical but stable condition, a hospital spokesman said.",
    )
    found = row(rows, "condition|hughes")
    assert found.status == "disputed"
    (finding,) = [f for f in findings if f.kind == "statement"]
    sides = {s.value: set(s.article_ids) for s in finding.sides}
    # "critical but stable" agrees with both and sits on neither side
    assert {frozenset(v) for v in sides.values()} == {frozenset("ac"), frozenset("b")}


def test_a_vehicles_colour_is_compared_gray_and_grey_alike() -> None:
    rows, findings = table(
        "The cyclist was struck by a silver Honda Accord heading south on Elm Street.",
        "Witnesses said the cyclist was hit by a gray 2019 Accord, which sped away.",
        "A grey Honda Accord hit the cyclist, and a man in a red Adidas hoodie called 911.",
    )
    assert disputed_values(rows, "colour|accord") == {"silver", "gray", "grey"}
    (finding,) = [f for f in findings if f.kind == "statement"]
    assert {frozenset(s.article_ids) for s in finding.sides} == {frozenset("a"), frozenset("bc")}
    # a brand on clothing is not a vehicle
    assert not [r for r in rows if r.key == "colour|adidas"]


def test_how_many_buildings_away_is_one_unit_whatever_the_building() -> None:
    rows, findings = table(
        "The gunman was arrested five buildings away on Pine Street before midnight.",
        "Police arrested the gunman late on Friday, three houses from the scene.",
    )
    assert disputed_values(rows, "doors away|arrest") == {"five buildings", "three houses"}
    assert side_values(findings, "number") == {"five buildings", "three houses"}


def test_a_phone_number_a_digit_short_is_disputed() -> None:
    rows, findings = table(
        "Anyone with information should call detectives on 0161 856 4040 or the hotline on "
        "0800 321111.",
        "Witnesses are asked to ring 0161 856 404 or the hotline on 0800 321 111.",
    )
    assert disputed_values(rows, "phone|016185") == {"0161 856 4040", "0161 856 404"}
    assert row(rows, "phone|080032").status == "agreed"  # the same digits, spaced apart
    assert side_values(findings, "number") == {"0161 856 4040", "0161 856 404"}


@given(
    st.lists(st.integers(2, 4), min_size=2, max_size=4).filter(lambda g: 9 <= sum(g) <= 13),
    st.sampled_from([" ", "-", "."]),
    st.randoms(use_true_random=False),
)
def test_phone_pattern_reads_every_digit_of_a_grouped_number(
    groups: list[int], sep: str, rnd: random.Random
) -> None:
    digits = "".join(str(rnd.randint(0, 9)) for _ in range(sum(groups)))
    parts, at = [], 0
    for size in groups:
        parts.append(digits[at : at + size])
        at += size
    text = f"Call the line on {sep.join(parts)} today."
    (found,) = PHONE_NUMBER.findall(text)
    assert found.replace(sep, "") == digits


def test_vote_tallies_and_scores_are_compared_records_and_ranges_are_not() -> None:
    rows, findings = table(
        "The state supreme court ruled 5-2 on Friday that the map was unlawful.",
        "In a 4-3 decision, the state supreme court struck down the map.",
        "Justices voted 2-5 against the map, the court said, and between 10-15 people "
        "protested outside.",
    )
    assert disputed_values(rows, "tally|vote") == {"5-2", "4-3", "2-5"}
    # "5-2" and "2-5" are one tally: one side, both wordings
    sides = {frozenset(v.split(" / ")) for v in side_values(findings, "number")}
    assert sides == {frozenset({"5-2", "2-5"}), frozenset({"4-3"})}
    rows, _ = table(
        "The Harriers beat Corby Town 3-1 on Saturday, their coach's 43-39 record improving.",
        "Corby Town lost 1-3 to the Harriers after a late goal.",
        "A 2-1 win over Corby Town took the Harriers top.",
    )
    assert disputed_values(rows, "tally|game|corby town") == {"3-1", "2-1"}
    # a win-loss record is not a score
    assert not [c for r in rows if r.kind == "tally" for c in r.cells if c.value == "43-39"]


def _keys(*texts: str) -> set[tuple[str, str, str]]:
    """(article, key, value) of every fact of the texts, one article each."""
    found = facts_of([article(chr(ord("a") + n), t) for n, t in enumerate(texts)])
    return {(f.article_id, f.key, f.value) for f in found}


def test_a_pages_time_stamp_is_not_the_events_date_or_time() -> None:
    facts = _keys(
        "Updated: March 4, 2016 20:09 IST Coastguards rescued the crew of a trawler on Thursday.",
        "Posted on Fri Mar 4, 2016 08:45 AM PDT The crew of a trawler was rescued on Thursday.",
    )
    values = {v for _, _, v in facts}
    assert "Thursday" in values
    assert not values & {"March 4, 2016", "Mar 4, 2016", "08: 45 AM", "08:45 AM", "20:09"}


def test_an_expected_or_habitual_event_is_not_the_story_s_date() -> None:
    assert not disputes(
        "date",
        (
            "The driver is expected to appear in court next Monday, police said.",
            "The driver appeared in court on Friday, police said.",
        ),
        (
            "The company typically releases its fixes on the second Tuesday of every month.",
            "The company released its fixes on Wednesday.",
        ),
    )


def test_a_part_of_a_figure_just_given_is_a_part() -> None:
    facts = facts_of(
        [article("a", "The quake injured 40 people, 15 of them on the island, officials said.")]
    )
    assert {(f.value, f.scope) for f in facts if f.key == "injured"} == {
        ("40", "main"),
        ("15", "part"),
    }


def test_numbers_that_name_are_not_counts() -> None:
    facts = _keys(
        "The flaw affects Internet Explorer 8 and version 7 of the browser.",
        "Police seized three AK - 47 rifles from the boat.",
    )
    assert {v for _, _, v in facts} == {"three"}


def test_a_harm_plotted_is_not_a_toll() -> None:
    facts = _keys("He was charged with conspiring to kill three rivals in 1990.")
    assert not [k for _, k, _ in facts if k in ("dead", "injured")]


def test_clock_times_scores_and_children_are_not_counts() -> None:
    facts = _keys(
        "Published Sunday, Aug 4 2013, 19: 30 BST The actor was named on Sunday.",
        "A late goal gave the Rovers a 2-1 lead before a 7 - 0 run by their rivals.",
        "The gunman killed Ana Ruiz, a mother of 12, outside the store.",
    )
    assert not [v for _, k, v in facts if v in ("19", "30", "2", "1", "7", "0", "12")]


def test_a_depth_and_a_places_population_are_their_own_slots() -> None:
    facts = _keys(
        "The quake struck 135 kilometres west of Varno at a depth of 35 kilometres.",
        "The storm cut power in Manila, which has 1.8 million residents.",
        "Portugal has 10 million residents, and the storm also hit Spain.",
    )
    keys = {(k, v) for _, k, v in facts}
    assert ("depth", "35 kilometres") in keys
    assert ("distance|from varno", "135 kilometres") in keys
    populations = {k for k, _ in keys if "population" in k}
    assert populations == {"population|manila", "population|portugal"}


def test_box_score_figures_need_a_player_and_keep_their_span() -> None:
    facts = _keys(
        "Singer added six rebounds for the Hawks, who won their fifth straight game.",
        "Tomas Reller had 24 points in his last two games.",
        "Tomas Reller had 31 points and eight rebounds against the Hawks.",
    )
    keys = {(a, k) for a, k, _ in facts if "point" in k or "rebound" in k}
    # a span of games is part of the slot: two games' points are not one game's
    assert {a for a, k in keys if "reller" in k and "in two games" in k} == {"b"}
    assert {a for a, k in keys if "reller" in k and "in two games" not in k} == {"c"}
    assert not [k for a, k in keys if a == "a"]


def test_figures_given_as_alternatives_are_not_compared() -> None:
    # "$1,799 and $2,199 models": which one another report means cannot be told
    _rows, findings = table(
        "The larger laptop is offered in $1,799 and $2,199 models, the company said.",
        "The larger laptop costs $1,999, the company said.",
    )
    assert not [f for f in findings if f.kind == "number"]
    facts = _keys("Police seized six AK 47 rifles and a USB 3 drive from the boat.")
    assert {v for _, _, v in facts} == {"six"}


def test_a_distance_converted_in_brackets_is_one_figure() -> None:
    text = "The quake struck 55 kilometers (34 miles) west of Varno at a depth of 10 km."
    facts = facts_of([article("a", text)])
    assert {f.value for f in facts if f.kind == "quantity"} == {"55 kilometers", "10 km"}


def test_a_headlines_date_run_into_the_story_is_not_the_events_date() -> None:
    facts = _keys(
        "Ferry captain dies Wednesday, March 9, 2016 Arlo Brandt, who steered the ferry for "
        "30 years, died on Monday.",
        "Arlo Brandt died on March 7, 2016 in a hospital.",
    )
    values = {v for _, _, v in facts}
    assert {"Monday", "March 7, 2016"} <= values
    assert "Wednesday, March 9, 2016" not in values and "March 9, 2016" not in values


def test_a_date_of_an_event_introduced_as_another_is_not_the_storys() -> None:
    assert not disputes(
        "date",
        (
            "In May 2012 an earthquake struck off the coast of Aceh, triggering alerts.",
            "In July 2013 the earthquake struck off the coast of Aceh, triggering alerts.",
        ),
    )


def test_story_year_counts_a_year_in_the_lead_more() -> None:
    articles = [
        article("a", "A strong quake struck Aceh on Tuesday, July 2, 2013. In 2004 a tsunami hit."),
        article("b", "The quake struck Aceh on Tuesday. The 2004 tsunami killed 170,000 people."),
        article("c", "Rescuers searched villages in Aceh in 2013. The 2004 disaster is recalled."),
    ]
    assert story_year(articles) == 2013
    dated = [dataclasses.replace(a, published=datetime(2013, 7, 3, tzinfo=UTC)) for a in articles]
    assert story_year(dated[1:2] + dated[1:2]) == 2013  # publication years come first


def test_yards_are_a_players_and_a_play_s_length_is_not_a_slot() -> None:
    facts = _keys(
        "He threw a 7-yard touchdown pass from the 16-yard line.",
        "The back rushed for 120 yards as the crowd cheered.",
        "Dario Quint rushed for 120 yards in his last two games.",
    )
    assert {(a, k) for a, k, _ in facts if "distance" in k} == {
        ("c", "distance|rush|quint|in two games")
    }


def test_forecasts_of_a_figure_are_not_the_figure() -> None:
    jobs = "Employers added 943,000 jobs in July."
    assert not disputes(
        "number",
        (
            f"{jobs} Economists surveyed by a news agency had been looking for 845,000 new jobs.",
            f"{jobs} Analysts surveyed by a data firm were expecting 870,000 jobs gained.",
        ),
    )


@pytest.mark.parametrize(
    ("kind", "same", "different"),
    [
        # a figure rounded to its scale word agrees with the exact one; 2.4 and 2.5 differ
        (
            "number",
            ("The council passed a $2.37 billion budget.", "It approved a $2.4 billion budget."),
            ("The council passed a $2.4 billion budget.", "It approved a $2.5 billion budget."),
        ),
        # a nickname is the same first name; a misspelling is not
        (
            "name",
            ("District attorney David Corlett said the case would go to a grand jury.",
             "District attorney Dave Corlett said the case would go to a grand jury."),
            ("District attorney Malcolm Corlett said the case would go to a grand jury.",
             "District attorney Malcom Corlett said the case would go to a grand jury."),
        ),
    ],
)  # fmt: skip
def test_one_value_in_two_wordings_agrees_and_two_values_differ(
    kind: str, same: tuple[str, str], different: tuple[str, str]
) -> None:
    _rows, findings = table(*same)
    assert not [f for f in findings if f.kind == kind]
    _rows, findings = table(*different)
    assert len(side_values(findings, kind)) == 2


def test_a_date_written_with_a_slash_is_not_a_count() -> None:
    values = {v for _, k, v in _keys("Investigators linked two 9/11 hijackers to the cell.")}
    assert "two" in values
    assert not values & {"9", "11"}


def test_a_decade_or_an_age_at_death_is_not_a_count() -> None:
    values = _keys(
        "Hollywood's mermaid Esther Ruiz dies Champion swimmer turned top box-office draw in "
        "40s and 50s Esther Ruiz, the swimming champion turned actress, has died at 91.",
        "Esther Ruiz died at the age of 91 on Thursday.",
    )
    assert not {v for _, _, v in values} & {"40", "50", "91"}


def test_an_age_after_a_possessive_is_someone_else_s() -> None:
    facts = facts_of(
        [
            article(
                "a",
                "Police found Ana Brell, 48, at the flat. Ms. Brell's 12-year-old son was safe.",
            )
        ]
    )
    assert {f.value for f in facts if f.kind == "age"} == {"48"}


def test_another_event_of_a_series_is_not_the_main_one() -> None:
    facts = facts_of(
        [
            article(
                "a",
                "An earthquake measuring 7.6 magnitude struck Varna Island on Sunday. "
                "One of the tremors with a 7.3 magnitude was felt 900 kilometers away. "
                "Three strong aftershocks followed, the agency said. "
                "Dario Marsh has two touchdowns in his last two games.",
            )
        ]
    )
    scopes = {(f.key, f.value, f.scope) for f in facts if f.kind == "quantity"}
    assert ("magnitude", "7.6", "main") in scopes
    assert ("magnitude", "7.3", "series") in scopes
    # how many aftershocks there were is still the story's own figure
    assert {s for k, v, s in scopes if v == "Three"} == {"main"}
    assert {s for k, v, s in scopes if v == "two" and "touchdown" in k} == {"series"}


def test_a_bare_surname_is_not_taken_for_a_relative_named_elsewhere() -> None:
    _rows, findings = table(
        "The bodies of Catherine Gomes, 61, and a neighbour were found on Monday.",
        "Mr. Gomes, 35, faces two counts of murder.",
    )
    assert not [f for f in findings if "age" in f.summary]


def test_a_part_of_the_dead_and_a_survey_s_expectation_are_not_the_figure() -> None:
    assert not disputes(
        "number",
        (
            "Militants fired more than 250 missiles at the town, killing two women.",
            "Seven of the deaths were of a single family, including three children, who died "
            "in an explosion.",
        ),
        (
            "From March to April, prices increased 0.8 percent.",
            "A Dow Jones survey had expected a 3.6% increase.",
        ),
    )


def test_a_range_of_counts_agrees_with_a_count_inside_it() -> None:
    _rows, findings = disputes_table(
        ("Three or four robbers burst into the store on Thursday.", "Four robbers burst in."),
        ("Five to seven people were injured in the blast.", "Six people were injured."),
        ("Between 60 and 100 rioters gathered at the corner, witnesses said.", "80 rioters."),
    )
    assert not [f for f in findings if f.kind == "number"]
    _, findings = table(
        "Five to seven people were injured in the blast.", "Twelve people were injured."
    )
    assert side_values(findings, "number") == {"Five to seven", "Twelve"}


def disputes_table(*pairs: tuple[str, str]) -> tuple[list[FactRow], list[Finding]]:
    rows: list[FactRow] = []
    findings: list[Finding] = []
    for pair in pairs:
        r, f = table(*pair)
        rows += r
        findings += f
    return rows, findings


def test_figures_that_are_not_the_events_own_counts_are_not_read() -> None:
    _, findings = disputes_table(
        # a sum converted into another currency, in parentheses
        (
            "Damage to the church was estimated at $US1 million ($1.52 million), police said.",
            "Damage to the church was estimated at $1 million, police said.",
        ),
        # a rank
        ("Also locked up is the No. 5 seed for the Colts.", "The Colts are the #1 seed."),
        # the whole a part is counted from
        ("Two of the three victims died in hospital.", "Two victims died in hospital."),
        # a bare hour after "at"
        (
            "The bodies of the two women were found in their house at about 8.",
            "Police found two women dead in a house on Saturday.",
        ),
        # a share price's move
        (
            "HP shares dropped $2.49 to close at $46.64 as investors fretted.",
            "HP shares fell $3 to finish at $45.",
        ),
    )
    assert not findings


def test_sums_of_different_named_things_are_not_one_slot() -> None:
    _, findings = table(
        "The printer maker closed the quarter with a $10 billion cash pile, its filing said.",
        "The printer maker agreed to a $13.2 billion acquisition, its filing said.",
    )
    assert not [f for f in findings if f.kind == "number"]
    # one sum called a contract in one report and a deal in another is one slot
    _, findings = table(
        "The team signed forward Elton Brand to a five-year, $80 million contract.",
        "The team had signed forward Elton Brand to an $82 million deal in the summer.",
    )
    assert side_values(findings, "number") == {"$80 million", "$82 million"}


def test_a_short_form_of_a_first_name_is_the_same_name() -> None:
    _, findings = table(
        "Police shot Alexandros Grigoropoulos, 15, in Athens on Saturday.",
        "The killing of Alexis Grigoropoulos sparked riots across Greece.",
    )
    assert not [f for f in findings if f.kind == "name"]
    _, findings = table(
        "Latoya Brown, 37, was shot in the break room.",
        "Latonya Brown died at the scene, police said.",
    )
    assert [f for f in findings if f.kind == "name"]


def test_games_are_counted_by_what_happened_in_them() -> None:
    # "missed four games" and "played in ten games" count different games
    _, findings = table(
        "Running back Jon Tate missed four games after knee surgery in October.",
        "Running back Jon Tate played in ten games before knee surgery in October.",
    )
    assert not [f for f in findings if f.kind == "number"]
    _, findings = table(
        "Running back Jon Tate missed four games after knee surgery in October.",
        "Running back Jon Tate missed three games after knee surgery in October.",
    )
    assert side_values(findings, "number") == {"four", "three"}
    # games played or won are a player's or a team's statistic: kept, not compared
    _, findings = table(
        "Jon Tate played 54 games for the Rovers, the club said on Monday.",
        "Jon Tate played 157 games for the Rovers, the club said on Monday.",
    )
    assert not [f for f in findings if f.kind == "number"]


def test_figures_that_agree_once_converted_are_one_side() -> None:
    _, findings = table(
        "The office building is 15 miles north of Detroit, police said.",
        "The office building is 24km north of Detroit, police said.",
        "The office building is 50 miles north of Detroit, police said.",
    )
    (finding,) = [f for f in findings if f.kind == "number"]
    assert sorted(len(side.article_ids) for side in finding.sides) == [1, 2]


def test_what_was_first_reported_is_not_compared() -> None:
    # the article itself says the report was superseded
    _rows, findings = table(
        "Local evening news originally reported that two victims died.",
        "One victim died in the Monday morning attack, police said.",
    )
    assert not findings
    assert {f.scope for f in facts_of([article("a", "TV first reported that two died.")])} == {
        "superseded"
    }


def test_a_products_specifications_are_kept_but_not_compared() -> None:
    # a launch's figures are each of one model or configuration
    _rows, findings = disputes_table(
        (
            "Buyers also have the option of a 2.93-GHz Core 2 Duo processor.",
            "At 2.66 GHz the Core 2 Duo processor is slightly faster than the others.",
        ),
        (
            "Using the 9400M chip you get five hours of battery life, Jobs said.",
            "The new battery lasts up to eight hours on a single charge, Jobs said.",
        ),
        (
            "The 15-inch laptop is offered in two models with quad-core chips.",
            "The 13-inch laptop is offered in two models with dual-core chips.",
        ),
    )
    assert not [f for f in findings if f.kind == "number"]
    facts = facts_of([article("a", "The laptop uses the 9400M graphics chip.")])
    assert not [f for f in facts if f.kind == "quantity" and f.scope != "statistic"]


def test_a_side_shows_each_wording_once() -> None:
    from storycheck.facts.compare import _values

    def when(value: str, day: float) -> Fact:
        return Fact("f", "a", 0, "date", "date|sign|wynn", "when", value, 0, 1, number=day)

    # two "Wednesday"s that resolved to different days are one wording to a reader
    assert _values([when("Wednesday", 1.0), when("Wednesday", 8.0), when("Tuesday", 7.0)]) == (
        "Wednesday / Tuesday"
    )


def test_the_first_of_several_events_is_told_apart_from_the_one_a_report_times() -> None:
    # "the first quake" struck hours before "the quake" another report times
    _rows, findings = table(
        "The first quake, magnitude 7.6, struck at 4:43 a.m. local time off Varna Island.",
        "The quake struck off the coast of Varna Island at 7:48 a.m. local time.",
    )
    assert not [f for f in findings if f.kind == "time"]
    _rows, findings = table(
        "The first quake, magnitude 7.6, struck at 4:43 a.m. local time off Varna Island.",
        "The first quake struck off the coast of Varna Island at 7:48 a.m. local time.",
    )
    assert [f for f in findings if f.kind == "time"]


def test_a_separate_incident_is_not_the_story_s_event() -> None:
    _rows, findings = table(
        "Shelling of houses in the camp left at least five dead and 16 injured.",
        "In a separate incident, seven people were injured when a strike hit a clinic.",
    )
    assert not [f for f in findings if f.kind == "number"]
