"""The terminal view: quotes cut at word boundaries with "…", quotation marks once,
articles by readable names."""

from __future__ import annotations

import io

from rich.console import Console

from storycheck.model import (
    Article,
    ArticleScore,
    Claim,
    ClaimKind,
    ClaimStatus,
    Finding,
    FindingSide,
    SourceFormat,
    Story,
    StoryCheck,
)
from storycheck.report.terminal import render_check

LEDE = "Talks in the capital ended on Tuesday without any agreement on the border line"
LONG_QUOTE = (
    "“The idea that he could walk in and solve this in a day was never realistic, but now "
    "the whole world has seen the limits of his influence, and the partners in Europe and "
    "in Asia have noticed it too, as have the markets and the voters who watched the "
    "talks,” said the analyst Ian Bremmer in an interview."
)
PLAIN_QUOTE = "We will get this done, believe me"
#: a claim whose span starts inside the quote: the opening mark is missing
CUT_QUOTE = "They don’t know how to negotiate, but I do,” he told his supporters."
LONG_CLAIM = (
    "The delegation arrived with a carefully structured proposal that it hoped could "
    "appeal to both sides and their long-standing desire for predictability in the "
    "region, officials familiar with the preparations said on Monday evening."
)


def _article(aid: str, source: str, text: str, **extra: object) -> Article:
    return Article(
        id=aid,
        source=source,
        format=SourceFormat.TEXT,
        text=text,
        paragraphs=(text,),
        sentences=(),
        content_hash=aid,
        **extra,  # type: ignore[arg-type]
    )


def _claim(n: int, aid: str, text: str, status: ClaimStatus, **extra: object) -> Claim:
    return Claim(
        id=f"{aid}:c{n}",
        article_id=aid,
        sentence_index=n,
        start=0,
        end=len(text),
        text=text,
        status=status,
        **extra,  # type: ignore[arg-type]
    )


def check() -> StoryCheck:
    a1 = _article("a1", "/in/a1.txt", "The talks ended.", outlet="Gazette", outlets=("Gazette",))
    a2 = _article("a2", "/in/002_863fa4392067f374.txt", LEDE + ". More follows.")
    claims = (
        _claim(0, "a2", LONG_QUOTE, ClaimStatus.UNVERIFIED_QUOTE, speaker="Ian Bremmer"),
        _claim(
            1,
            "a2",
            PLAIN_QUOTE,
            ClaimStatus.UNVERIFIED_QUOTE,
            speaker="Donald Trump",
            kind=ClaimKind.QUOTE,
        ),
        _claim(2, "a2", LONG_CLAIM, ClaimStatus.SINGLE_SOURCE),
        _claim(3, "a2", CUT_QUOTE, ClaimStatus.UNVERIFIED_QUOTE, speaker="Donald Trump"),
    )
    finding = Finding(
        kind="date",
        summary="when the talks ended",
        sides=(
            FindingSide("Tuesday", (), ("a2",)),
            FindingSide("Wednesday", (), ("a1",)),
        ),
    )
    scores = tuple(
        ArticleScore(a, 0.5, 2, 1, 0, 0, 1, 0)  # nothing contradicted
        for a in ("a1", "a2")
    )
    return StoryCheck(
        story=Story("s1", " ".join(LEDE.split()[:8]) + "…", ("a1", "a2")),
        articles=(a1, a2),
        claims=claims,
        quotes=(),
        entities=(),
        findings=(finding,),
        scores=scores,
    )


def _render() -> str:
    buffer = io.StringIO()
    render_check(check(), Console(file=buffer, width=400, color_system=None))
    return buffer.getvalue()


def test_quotes_are_cut_at_word_boundaries_without_doubled_marks() -> None:
    out = _render()
    quotes = out[out.index("Unverified quotes") : out.index("Single-source")]
    lines = [line for line in quotes.splitlines() if line.strip().startswith("•")]
    assert len(lines) == 3
    long_line = next(line for line in lines if "The idea" in line)
    # cut at a word boundary, "…" added, the open quote closed once
    head = long_line[long_line.index("“The idea") + 1 : long_line.index("…")]
    assert LONG_QUOTE[1:].startswith(head) and LONG_QUOTE[1 + len(head)] in " ,"
    assert "…”" in long_line
    # the plain quote gets its quotation marks exactly once
    assert f"Donald Trump: “{PLAIN_QUOTE}”" in out
    for doubled in ("““", "””", "”“", '"“', '”"', '""'):
        assert doubled not in out, doubled
    # a quote cut from its sentence gets back its opening mark, once
    assert f"Donald Trump: “{CUT_QUOTE}" in out
    # the speaker is not repeated before a quote that already names them
    assert "Ian Bremmer: “The idea" not in out


def test_single_source_claims_cut_at_a_word_and_names_not_hashes() -> None:
    out = _render()
    single = out[out.index("Single-source") :]
    line = next(x for x in single.splitlines() if "The delegation" in x)
    head = line[line.index("The delegation") : line.index("…")]
    assert LONG_CLAIM.startswith(head) and LONG_CLAIM[len(head)] in " ,"
    disputed = out[out.index("Disputed") : out.index("Unverified quotes")]
    assert "002_863fa" not in disputed and "Talks in the capital" in disputed
    assert "Gazette" in disputed
    # the story title is completed from the untitled article's first sentence
    assert out.splitlines()[0] == LEDE + "."
    assert "3 unverified quotes" in out
