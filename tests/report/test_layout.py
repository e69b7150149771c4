"""The report layout an editor reads: summary first, readable names, the single-source
list last (collapsed, ranked, filterable), human model names, honest colours."""

from __future__ import annotations

import re
from typing import Any

import pytest

from storycheck.report import render_html, render_markdown
from storycheck.report.markdown import SINGLE_SOURCE_LINES
from storycheck.report.view import (
    model_name,
    quoted,
    score_colour,
    scores,
    shorten,
    source_labels,
    story_title,
    unverified,
)
from tests.report.test_render import _sentence
from tests.report.test_render import report as base_report

LONG_TITLE = (
    "Talks between the two delegations ended on Tuesday without agreement on the border, "
    "the ceasefire line or the sequencing of the prisoner exchange, officials said"
)


def _line(text: str, aid: str, status: str, group: str = "", claim: str = "") -> dict[str, Any]:
    s = _sentence(text, [], status=status, group=group)
    number = {"a1": 1, "a2": 2, "a3": 3}[aid]
    s.update(citations=[number], article_ids=[aid], support=[1.0], evidence=[text], sources=1)
    s["claim_ids"] = [claim] if claim else []
    return s


def report() -> dict[str, Any]:
    """The render fixture plus a third, untitled article with no outlet (named by a
    file-name hash), a conflict, a truncated story title and a single-source list."""
    data = base_report()
    story = data["stories"][0]
    third = {
        "id": "a3",
        "source": "/in/002_863fa4392067f374.txt",
        "outlet": "002_863fa4392067f374",
        "outlets": [],
        "title": None,
        "published": "2025-10-15T08:00:00+00:00",
        "consistency": 0.3,
        "flags": [],
        "text": LONG_TITLE + ". More text follows here.",
        "scorecard": {"checkable": 10, "corroborated": 1, "contradicted": 0, "single_source": 9},
    }
    data["articles"].append(third)
    data["articles"][1]["scorecard"] = {"checkable": 5, "corroborated": 2, "contradicted": 2}
    data["models"] = {
        "parser": "SpacyParser('spacy:en_core_web_sm-3.8.0')",
        "embedder": "MiniLMOnnxEmbedder('all-MiniLM-L6-v2/onnx-int8/max256')",
        "nli": "HeadNLI('news-nli-deberta')",
    }
    story["article_ids"].append("a3")
    story["title"] = " ".join(LONG_TITLE.split()[:12]) + "…"
    story["brief"]["sources"].append(
        {
            "number": 3,
            "article_id": "a3",
            "outlet": "002_863fa4392067f374",
            "title": None,
            "published": None,
            "location": "/in/002_863fa4392067f374.txt",
            "consistency": 0.3,
        }
    )
    story["conflicts"] = [
        {
            "kind": "number",
            "status": "contradiction",
            "summary": "people injured: 12 vs 15",
            "subject": "people injured",
            "sides": [
                {"value": "12", "claim_ids": [], "article_ids": ["a1", "a3"], "evidence": []},
                {"value": "15", "claim_ids": [], "article_ids": ["a2"], "evidence": []},
            ],
        }
    ]
    vague = [
        _line(f"Things were said about it, part {n}.", "a1", "single_source") for n in range(40)
    ]
    story["claims"].append(
        {
            "id": "a3:c9",
            "group": "a3:c9",
            "article_id": "a3",
            "text": "“We will not sign,” the envoy said.",
            "span": [0, 10],
            "kind": "quote",
            "speaker": "Ana Ruiz",
            "status": "unverified_quote",
            "supported_by": [],
            "contradicted_by": [],
            "evidence": [],
        }
    )
    unverified_lines = [
        *vague[:20],
        _line(
            "The bridge cost 40 million euros, Mayor Ines Duarte said on 3 March.",
            "a2",
            "single_source",
        ),
        _line("“We will not sign,” the envoy said.", "a3", "unverified_quote", "Ana Ruiz", "a3:c9"),
        *vague[20:],
    ]
    for section in story["brief"]["sections"]:
        if section["name"] == "unverified":
            section["sentences"] = unverified_lines
    return data


def _body(page: str) -> str:
    return page[page.index("<body>") :]


def test_summary_comes_first_and_names_every_outlet_on_each_side() -> None:
    page = render_html(report())
    body = _body(page)
    order = [
        body.index('id="s1-summary"'),
        body.index('id="s1-what"'),
        body.index('id="s1-keyfacts"'),
        body.index('<table class="facts">'),
        body.index('<table class="matrix">'),
        body.index('id="s1-timeline"'),
        body.index('id="s1-scorecard"'),
        body.index('<details class="single">'),
    ]
    assert order == sorted(order), order
    summary = body[body.index('id="s1-summary"') : body.index('id="s1-what"')]
    dispute = summary[summary.index('class="dispute"') :]
    twelve = dispute[dispute.index("<b>12</b>") : dispute.index("<b>15</b>")]
    # both articles on the "12" side, by name: the untitled one by its opening words
    assert "Outlet a1" in twelve and "Talks between the two delegations" in twelve
    assert "002_863fa" not in summary and "a3" not in re.sub(r'"[^"]*"', "", twelve)
    assert "Outlet a2" in dispute[dispute.index("<b>15</b>") :]
    # the unverified quote and the least consistent article are in the summary
    assert "We will not sign" in summary
    least = summary[summary.index("Least consistent") :]
    assert least.index("Talks between the two") < least.index("Outlet a2")
    assert "0.30" in least


def test_single_source_list_is_last_collapsed_ranked_and_filterable() -> None:
    page = render_html(report())
    body = _body(page)
    single = body[body.index('<details class="single">') :]
    assert body.index('<details class="single">') > body.index('id="s1-articles"')
    assert '<input type="search" class="filter"' in single
    assert "input.filter" in page  # the inline filter script
    items = re.findall(r"<li>(.*?)</li>", single[: single.index("</ol>")])
    assert len(items) == 42
    assert "We will not sign" in items[0]  # the quote first
    assert "40 million euros" in items[1]  # then the specific claim
    assert page.count("<script") == 1  # still one self-contained page


def test_header_has_the_whole_title_once_and_no_python_reprs() -> None:
    page = render_html(report())
    body = _body(page)
    # completed from the article's first sentence, shown once as the page's heading
    assert f"<h1>{LONG_TITLE}.</h1>" in body
    assert body.count(f"{LONG_TITLE}.</h") == 1 and "<h2>" not in body.split("</header>")[1][:200]
    assert "SpacyParser(" not in page and "HeadNLI(" not in page
    made = body[body.index("How this was made") :]
    assert "spaCy en_core_web_sm 3.8.0" in made and "news-nli-deberta" in made
    assert made.index("all-MiniLM-L6-v2") < made.index("onnx-int8")


def test_matrix_and_fact_table_columns_are_named() -> None:
    page = render_html(report())
    matrix = page[page.index('<table class="matrix">') :]
    heads = re.findall(
        r'<th scope="col" class="src"[^>]*>(.*?)</th>', matrix[: matrix.index("</thead>")]
    )
    assert len(heads) == 3
    assert all(not re.fullmatch(r"\[?\d+\]?", re.sub(r"<[^>]+>", "", h).strip()) for h in heads)
    assert "Outlet a1" in heads[0] and "Talks between" in heads[2]
    facts = page[page.index('<table class="facts">') :]
    assert "Outlet a2" in facts[: facts.index("</thead>")]


def test_scorecard_colours_by_contradicted_share() -> None:
    data = report()
    articles = {a["id"]: a for a in data["articles"]}
    by_id = {s.article_id: s for s in scores(data["stories"][0], articles)}
    red_or_orange = {"#c62828", "#e65100"}
    # a3: consistency 0.30 but nothing contradicted → neutral, not a warning colour
    assert score_colour(by_id["a3"]) not in red_or_orange
    assert score_colour(by_id["a2"]) == "#c62828"  # 2 of 5 contradicted
    page = render_html(data)
    bars = page[page.index('class="chart bars"') :]
    fills = re.findall(r'height="16" fill="(#[0-9a-f]{6})"><title>', bars)
    assert fills == [score_colour(s) for s in scores(data["stories"][0], articles)]


def test_status_colours_tell_single_source_from_contradicted_and_corroborated() -> None:
    page = render_html(report())
    css = page[page.index("<style>") : page.index("</style>")]

    def colour(selector: str) -> str:
        match = re.search(re.escape(selector) + r"\{[^}]*?(#[0-9a-f]{6}|var\(--[a-z]+\))", css)
        assert match, selector
        return match.group(1)

    marks = {k: colour(f"mark.{k}") for k in ("corroborated", "contradicted", "single_source")}
    assert len(set(marks.values())) == 3
    assert colour("mark.unverified_quote") not in (marks["contradicted"], marks["corroborated"])


def test_markdown_order_and_capped_single_source_list() -> None:
    md = render_markdown(report())
    order = [
        md.index("## Editor’s summary"),
        md.index("### Disputes"),
        md.index("### Unverified quotes"),
        md.index("### Least consistent articles"),
        md.index("## What happened"),
        md.index("## Fact table"),
        md.index("## Scorecard"),
        md.index("## Sources"),
        md.index("## Single-source claims and quotes"),
    ]
    assert order == sorted(order)
    assert md.startswith(f"# {LONG_TITLE}.\n")
    summary = md[: md.index("## What happened")]
    assert "  - 12 — Outlet a1" in summary and "Talks between the two delegations" in summary
    assert "002\\_863fa" not in summary
    single = md[md.index("## Single-source claims and quotes") :]
    listed = [line for line in single.splitlines() if line.startswith("- ")]
    assert len(listed) == SINGLE_SOURCE_LINES + 1
    assert "We will not sign" in listed[0] and "40 million euros" in listed[1]
    assert (
        listed[-1] == f"- … and {42 - SINGLE_SOURCE_LINES} more (all in the JSON and HTML reports)"
    )
    assert "SpacyParser(" not in md and "spaCy en\\_core\\_web\\_sm 3.8.0" in md


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short enough", 20, "short enough"),
        ("The envoy praised the talks as constructive", 25, "The envoy praised the…"),
        ("one, two, three four", 11, "one, two…"),
        ("Supercalifragilistic", 8, "Superca…"),
    ],
)
def test_shorten_cuts_at_a_word_boundary(text: str, limit: int, expected: str) -> None:
    out = shorten(text, limit)
    assert out == expected and len(out) <= limit


def test_quoted_never_doubles_quotation_marks() -> None:
    assert quoted("We will sign") == "“We will sign”"
    assert quoted("“We will sign,” he said.") == "“We will sign,” he said."
    assert quoted('He called it "theatre".') == 'He called it "theatre".'
    assert quoted("I do,” he said.") == "“I do,” he said."
    assert quoted('end the war in "24 hours.') == 'end the war in "24 hours."'
    assert quoted('I do," he said.') == '"I do," he said.'
    assert quoted("We won’t sign") == "“We won’t sign”"  # an apostrophe is not a quote


def test_model_names_for_people() -> None:
    assert model_name("SpacyParser('spacy:en_core_web_sm-3.8.0')") == "spaCy en_core_web_sm 3.8.0"
    assert model_name("HeadNLI('news-nli-deberta')") == "news-nli-deberta"
    assert model_name("EnsembleNLI(HeadNLI('a'), HeadNLI('b'))") == "a + b"
    assert model_name("news-nli-minilm") == "news-nli-minilm"


def test_labels_disambiguate_one_outlet_and_name_untitled_articles() -> None:
    articles = {
        "x": {"id": "x", "outlets": ["Gazette"], "title": "Fire at the port", "source": "x.txt"},
        "y": {"id": "y", "outlets": ["Gazette"], "title": "Port reopens", "source": "y.txt"},
        "z": {"id": "z", "outlets": [], "outlet": "z9f", "source": "/p/z9f.txt", "text": "A b c."},
    }
    labels = source_labels(["x", "y", "z"], articles)
    assert labels == {"x": "Gazette: Fire at the port", "y": "Gazette: Port reopens", "z": "A b c."}
    story = {"title": "A b…", "article_ids": ["z"]}
    assert story_title(story, articles) == "A b c."


def test_unverified_falls_back_to_claims_without_a_brief() -> None:
    data = report()
    story = dict(data["stories"][0])
    story.pop("brief")
    items = unverified(story)
    assert [i.status for i in items] == ["unverified_quote"]


def test_index_page_links_reports_and_escapes_titles() -> None:
    from storycheck.report.index import IndexEntry, entry_from_report, render_index

    entry = entry_from_report(report(), "stories/s1.html")
    assert entry.title == LONG_TITLE + "." and entry.articles == 3
    assert (entry.first, entry.last, entry.disputes) == ("2025-10-14", "2025-10-15", 1)
    evil = IndexEntry("<b>x</b>", 2, None, None, None, "javascript:alert(1)")
    page = render_index([entry, evil])
    assert f'<a href="stories/s1.html">{LONG_TITLE}.</a>' in page
    assert "2025-10-14 – 2025-10-15" in page
    assert "javascript:" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "not checked" in page and "<script" not in page
