"""The extractive writer on a hand-written story whose outlets cover different angles."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from storycheck.brief import BriefOptions, BriefWriter
from storycheck.ingest.pipeline import build_article
from storycheck.model import Article, ClaimStatus, Document, SourceFormat, Story, StoryCheck
from storycheck.models import ModelUnavailableError, get_embedder, get_nli, get_parser
from storycheck.verify import cross_check

# Three short reports of one (invented) event; each tells a different part of it, so the
# cross-check finds little that two outlets both say.
REPORTS = [
    (
        "Harbour crane collapses in Westport",
        "A container crane collapsed at the Westport harbour on Thursday morning. "
        "The port authority closed two berths while engineers inspect the site. "
        "Ships due this week are being sent to the northern terminal.",
    ),
    (
        "Westport crane collapse halts loading",
        "Loading stopped at two Westport berths after a crane fell on Thursday. "
        "Dock workers' union leader Mara Ortiz blamed years of missed maintenance. "
        "The union wants an independent inquiry into the harbour's equipment.",
    ),
    (
        "Insurers count the cost of the Westport crane accident",
        "Insurers expect claims of about 40 million euros after the Westport crane accident. "
        "The crane was installed in 1998 and was due to be replaced next year. "
        "Shares in the harbour operator fell 3 percent on Friday.",
    ),
]


def _articles(
    reports: Sequence[tuple[str, str]] = tuple(REPORTS), prefix: str = "report"
) -> list[Article]:
    return [
        build_article(
            Document(
                source=f"{prefix}-{n}",
                format=SourceFormat.TEXT,
                text=body,
                title=title,
                outlet=f"Outlet {n}",
            )
        )
        for n, (title, body) in enumerate(reports)
    ]


@pytest.fixture(scope="module")
def story() -> Iterator[tuple[StoryCheck, BriefWriter]]:
    try:
        parser, embedder, nli = get_parser(), get_embedder(), get_nli()
    except ModelUnavailableError as exc:  # pragma: no cover - the models are dependencies
        pytest.skip(str(exc))
    articles = _articles()
    check = cross_check(
        articles,
        Story(id="s-test", title=REPORTS[0][0], article_ids=tuple(a.id for a in articles)),
        parser=parser,
        embedder=embedder,
        nli=nli,
    )
    yield check, BriefWriter(embedder=embedder, nli=nli)


def test_short_what_happened_is_completed_from_the_representative_article(
    story: tuple[StoryCheck, BriefWriter],
) -> None:
    check, writer = story
    brief = writer.write(check)
    what = brief.sections["what_happened"]
    assert what, "What happened is never empty when the articles have sentences"
    representative = writer.representative(check)
    assert representative is not None
    own = [s.text for s in representative.sentences]
    lead = writer.lead(check, writer.index(check))
    assert [s.text for s in what[: len(lead)]] == [c.text for c in lead]
    fill = what[len(lead) :]
    single = [s for s in fill if s.status == ClaimStatus.SINGLE_SOURCE.value]
    assert single, [s.status for s in what]
    for line in single:
        assert line.citations == (representative.id,)
        assert line.support == (1.0,)
        assert line.evidence[0] in own
    # the fill keeps its article's order
    positions = [own.index(s.evidence[0]) for s in fill if s.evidence and s.evidence[0] in own]
    assert positions == sorted(positions)
    # a line that more outlets support cites them all and counts as corroborated
    for line in what:
        if len(line.citations) >= 2:
            assert line.status == ClaimStatus.CORROBORATED.value
            assert all(score >= writer.options.support for score in line.support)


def test_without_the_fill_only_corroborated_lines_remain(
    story: tuple[StoryCheck, BriefWriter],
) -> None:
    check, writer = story
    strict = BriefWriter(
        embedder=writer.embedder, nli=writer.nli, options=BriefOptions(fill_lead=False, lead=False)
    )
    what = strict.write(check).sections["what_happened"]
    assert all(len(s.citations) >= 2 for s in what)
    assert all(s.status == ClaimStatus.CORROBORATED.value for s in what)


def test_representative_article_is_the_one_closest_to_the_others(
    story: tuple[StoryCheck, BriefWriter],
) -> None:
    check, writer = story
    off_topic = build_article(
        Document(
            source="off-topic",
            format=SourceFormat.TEXT,
            text="The city orchestra announced its spring season of Mahler symphonies. "
            "Tickets go on sale next Monday.",
            title="Orchestra spring season",
        )
    )
    mixed = StoryCheck(
        story=check.story,
        articles=(off_topic, *check.articles[:2]),
        claims=(),
        quotes=(),
        entities=(),
        findings=(),
        scores=(),
    )
    chosen = writer.representative(mixed)
    assert chosen is not None and chosen.id != off_topic.id


def test_the_lead_states_the_event_not_its_aftermath(
    story: tuple[StoryCheck, BriefWriter],
) -> None:
    check, writer = story
    lead = writer.lead(check, writer.index(check))
    assert lead, "three reports of one event have a news lead"
    first = lead[0]
    # the event itself (the collapse), as one of the first sentences of its article
    assert "collapse" in first.text or "fell" in first.text, first.text
    article = next(a for a in check.articles if a.id == first.articles[0])
    assert first.evidence[0] in [s.text for s in article.sentences[:3]]
    assert first.support[0] == 1.0
    # every other citation is an article the support check backs
    assert all(s >= writer.options.support for s in first.support[1:])
    brief = writer.write(check)
    assert brief.sections["what_happened"][0].text == first.text


def test_the_lead_never_comes_from_background_or_commentary() -> None:
    from storycheck.brief.writer import commentary, dangling, said

    assert commentary("This development signals a shift in the approach to the war.")
    assert commentary("The move raised serious doubts about the plan.")
    assert not commentary("A crane collapsed at the harbour on Thursday.")
    assert commentary("Anybody with information is asked to call police on 0845 125 2222.")
    assert dangling("The decision means the port stays shut.")
    assert dangling("According to the report, the crane was old.")
    assert dangling("This delegation signals a direct attempt.")
    assert dangling("Afterward he hosted a candlelit ceremony at the White House.")
    assert not dangling("The crane collapsed on Thursday.")
    assert said("Mara Ortiz blamed the owners, the union said.")
    assert said("According to police, two people were hurt.")
    assert not said("The House voted 220-210 to pass the bill.")
    assert not said("Households were asked to keep their windows closed.")


def test_a_group_is_worded_by_the_representative_article_when_as_plain() -> None:
    from storycheck.brief.writer import _plainest
    from storycheck.model import Claim, ClaimKind

    def claim(n: int, article: str, text: str, kind: ClaimKind = ClaimKind.FACT) -> Claim:
        return Claim(f"c{n}", article, 0, 0, len(text), text, kind=kind)

    members = [
        claim(1, "a", "A crane fell at two Westport berths on Thursday."),
        claim(2, "b", "A container crane collapsed at the Westport harbour on Thursday morning."),
        claim(3, "c", "A crane collapsed at the harbour, officials “confirmed” on Thursday."),
    ]
    assert _plainest(members).id == "c1"  # the shortest plain one
    assert _plainest(members, "b").id == "c2"  # the representative article's wording
    # … but not a quotation or a credited statement over a plain fact
    assert _plainest(members, "c").id == "c1"
    credited = [*members[:1], claim(4, "d", "Police said a crane fell.", ClaimKind.ATTRIBUTED)]
    assert _plainest(credited, "d").id == "c1"


def test_quoted_words_are_told_apart_from_scare_quotes() -> None:
    from storycheck.brief.writer import quotes_words

    assert quotes_words("“We were lucky with the wind,” Varnholt told reporters.")
    assert not quotes_words("Officials called the talks “constructive” on Tuesday.")


def test_no_lead_when_only_later_sentences_report(
    story: tuple[StoryCheck, BriefWriter],
) -> None:
    check, writer = story
    none = BriefWriter(
        embedder=writer.embedder, nli=writer.nli, options=BriefOptions(lead_sentences=0)
    )
    assert none.lead(check, none.index(check)) == []
    assert none.write(check).sections["what_happened"]  # the fill still gives a brief


# Every opening sentence carries the disputed toll: nothing may lead or fill, so the lead
# of last resort is given and marked as disputed (never an empty brief).
DISPUTED_ONLY = [
    (
        "Bus plunges off mountain road near Tarvik",
        "A bus plunged off a mountain road near Tarvik on Sunday night, killing 12 passengers.",
    ),
    (
        "Fourteen dead in Tarvik bus crash",
        "Fourteen passengers were killed when their bus left a mountain road near Tarvik "
        "on Sunday night.",
    ),
    (
        "Tarvik bus crash kills 12",
        "A bus carrying pilgrims fell into a ravine near Tarvik on Sunday, killing 12 passengers.",
    ),
]


def test_a_story_whose_every_lead_is_disputed_still_gets_a_marked_lead(
    story: tuple[StoryCheck, BriefWriter],
) -> None:
    _check, writer = story
    parser = get_parser()
    articles = _articles(DISPUTED_ONLY, "bus")
    check = cross_check(
        articles,
        Story(id="s-bus", title=DISPUTED_ONLY[0][0], article_ids=tuple(a.id for a in articles)),
        parser=parser,
        embedder=writer.embedder,
        nli=writer.nli,
    )
    brief = writer.write(check)
    assert brief.sections["disputed"], "the toll 12 vs 14 is a dispute"
    assert not writer.lead(check, writer.index(check)), "a disputed sentence never leads"
    what = brief.sections["what_happened"]
    assert len(what) == 1, [s.text for s in what]
    line = what[0]
    assert line.status == ClaimStatus.MIXED.value
    assert line.text in {b for _t, b in DISPUTED_ONLY}
    # without the fill (and so without the fallback) the brief would say nothing
    strict = BriefWriter(
        embedder=writer.embedder, nli=writer.nli, options=BriefOptions(fill_lead=False)
    )
    assert not strict.write(check).sections["what_happened"]


def test_a_line_an_earlier_one_says_is_left_out() -> None:
    """A line the one before it entails, naming nothing new, is a repeat; one that adds a
    figure stays."""
    from storycheck.brief.writer import _Candidate

    try:
        writer = BriefWriter(embedder=get_embedder(), nli=get_nli())
    except ModelUnavailableError as exc:
        pytest.skip(str(exc))

    def line(text: str) -> _Candidate:
        return _Candidate([], (), text, 0.0, None, False)

    lead = line(
        "Governor Ana Ruiz on Wednesday again threatened to cut off state funds for "
        "fighting wildfires in Marlow County, saying the money is being wasted."
    )
    repeat = line("Governor Ruiz threatened to cut off state funds for Marlow County wildfires.")
    more = line("Marlow County received $40 million in state wildfire funds last year.")
    kept = writer._not_restating([lead, repeat, more])
    assert [c.text for c in kept] == [lead.text, more.text]
