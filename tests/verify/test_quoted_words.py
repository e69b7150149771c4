"""A quotation two outlets print is not an unverified quote, even when the sentences
around it differ too much for one to entail the other."""

from __future__ import annotations

import pytest

from storycheck.ingest.pipeline import build_article
from storycheck.model import Article, Claim, ClaimKind, ClaimStatus, Document, SourceFormat, Story
from storycheck.models import ModelUnavailableError, get_embedder, get_nli, get_parser
from storycheck.verify import cross_check
from storycheck.verify.crosscheck import QuotedWords

FIRST = (
    "Hydrologist Petra Lindqvist told the regional council on Tuesday that the reservoir "
    "was \u201cclose to the lowest level ever recorded\u201d after the dry spring."
)
SECOND = (
    "Water use may be rationed from June, officials said. The reservoir is now close to "
    "the lowest level ever recorded, Lindqvist warned."
)
THIRD = "The council will vote on a new tariff for garden watering next week."


def _article(n: int, text: str) -> Article:
    return build_article(
        Document(source=f"q-{n}", format=SourceFormat.TEXT, text=text, title=f"Reservoir {n}")
    )


def _claim(article_id: str, text: str) -> Claim:
    return Claim(
        id="c1",
        article_id=article_id,
        sentence_index=0,
        start=0,
        end=len(text),
        text=text,
        kind=ClaimKind.QUOTE,
    )


def test_quoted_words_found_in_another_article() -> None:
    a, b, c = (_article(n, t) for n, t in enumerate((FIRST, SECOND, THIRD)))
    words = QuotedWords([a, b, c])
    carried = words.elsewhere(_claim(a.id, FIRST))
    assert carried == (b.id,)


def test_a_short_or_unmatched_quotation_is_not_carried() -> None:
    a, c = _article(0, FIRST), _article(2, THIRD)
    words = QuotedWords([a, c])
    assert words.elsewhere(_claim(a.id, FIRST)) == ()
    # a scare-quoted term of under four words is never enough
    short = "Officials called the plan \u201cvery bold\u201d on Tuesday."
    assert words.elsewhere(_claim(a.id, short)) == ()


def test_cross_check_does_not_call_a_carried_quote_unverified() -> None:
    try:
        parser, embedder, nli = get_parser(), get_embedder(), get_nli()
    except ModelUnavailableError as exc:  # pragma: no cover - the models are dependencies
        pytest.skip(str(exc))
    articles = [_article(n, t) for n, t in enumerate((FIRST, SECOND))]
    check = cross_check(
        articles,
        Story(id="s-q", title="Reservoir", article_ids=tuple(a.id for a in articles)),
        parser=parser,
        embedder=embedder,
        nli=nli,
    )
    quotes = [c for c in check.claims if c.kind is ClaimKind.QUOTE and "lowest level" in c.text]
    assert quotes, [(c.kind, c.text) for c in check.claims]
    assert all(c.status is not ClaimStatus.UNVERIFIED_QUOTE for c in quotes)
