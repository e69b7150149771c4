from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storycheck.ingest import IngestOptions, InputError, build_article, detect_format, ingest
from storycheck.ingest.feeds import read_feed
from storycheck.ingest.html import read_html
from storycheck.ingest.jsondoc import iter_jsonl, read_json
from storycheck.ingest.text import read_markdown, read_text
from storycheck.model import SourceFormat

BODY = (
    "A fire broke out at the Northgate chemical depot on Tuesday night, forcing the evacuation "
    "of about 300 homes. Fire chief Ana Ruiz said twelve people were treated for smoke "
    "inhalation. Crews brought the blaze under control after five hours."
)


def test_text_title_byline_and_date() -> None:
    doc = read_text(
        f"Depot fire forces evacuation\nBy Jane Roe | The Harbour Gazette\n"
        f"Published: 2025-03-04\n\n{BODY}",
        "a.txt",
    )
    assert doc.title == "Depot fire forces evacuation"
    assert doc.author == "Jane Roe"
    assert doc.outlet == "The Harbour Gazette"
    assert doc.published is not None and doc.published.date().isoformat() == "2025-03-04"
    assert doc.text.strip() == BODY


def test_text_with_a_url_line_and_a_date_line_above_the_headline() -> None:
    """Saved pages and corpora put the address and the date above the headline: they are
    metadata (outlet from the host), not the article's first sentences."""
    doc = read_text(
        "http://www.example-news.com/2005/11/quake.html\n\n27 NOVEMBER, 2005\n\n"
        "Quake Kills 10 on Iranian Island\n\nA strong earthquake struck the island on Sunday.",
        "a.txt",
    )
    assert doc.url == "http://www.example-news.com/2005/11/quake.html"
    assert doc.outlet == "example-news.com"
    assert doc.published is not None and doc.published.date().isoformat() == "2005-11-27"
    assert doc.title == "Quake Kills 10 on Iranian Island"
    assert doc.text.startswith("A strong earthquake")
    # a short line that only looks like a date inside prose stays text
    body = read_text("Headline Here\n\nThe vote was on 12 May.\n\nMore text follows.", "b.txt")
    assert body.published is None and "12 May" in body.text


def test_text_without_title_line_keeps_first_paragraph() -> None:
    doc = read_text(f"{BODY}\nSecond paragraph follows here.", "a.txt")
    assert doc.title is None
    assert doc.text.startswith("A fire broke out")


def test_no_title_line_option() -> None:
    doc = read_text(f"Depot fire forces evacuation\n\n{BODY}", "a.txt", title_line=False)
    assert doc.title is None
    assert doc.text.startswith("Depot fire")


def test_junk_above_the_title_is_skipped() -> None:
    doc = read_text(f"world news\nFailed to load visualization\nDepot fire latest\n{BODY}", "a.txt")
    assert doc.title == "Depot fire latest"
    article = build_article(doc)
    assert "Failed to load" not in article.text
    assert "Failed to load visualization" in article.removed_lines


def test_markdown_front_matter_and_rendering() -> None:
    md = (
        "---\ntitle: Depot fire\noutlet: Coast Wire\nauthor: Sam Lee\n"
        "published: 2025-03-05T08:00:00Z\n"
        "url: https://coastwire.example/depot\n---\n# Depot fire\n\n"
        "The **fire** started at [the depot](https://x.example) on Tuesday.\n\n"
        "- Twelve people were treated.\n- 300 homes were evacuated.\n"
    )
    doc = read_markdown(md, "a.md")
    assert (doc.title, doc.outlet, doc.author) == ("Depot fire", "Coast Wire", "Sam Lee")
    assert doc.url == "https://coastwire.example/depot"
    assert "The fire started at the depot on Tuesday." in doc.text
    assert "Twelve people were treated." in doc.text
    assert "**" not in doc.text and "](" not in doc.text


HTML_PAGE = f"""<!doctype html><html><head><title>Depot fire | Coast Wire</title>
<meta property="og:site_name" content="Coast Wire"><meta name="author" content="Sam Lee">
<meta property="article:published_time" content="2025-03-05T08:00:00Z"></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<div class="cookie">We use cookies to improve your experience. <button>Accept</button></div>
<article><h1>Depot fire</h1><p>{BODY}</p>
<p>Officials said the cause of the fire was still under investigation on Wednesday.</p>
<p>Share this article</p></article>
<aside><h3>Related stories</h3><ul><li><a href="/x">Other news</a></li></ul></aside>
<footer>Copyright 2025 Coast Wire. All rights reserved.</footer></body></html>"""


def test_html_main_text_and_metadata() -> None:
    doc = read_html(HTML_PAGE, "a.html")
    assert doc.title == "Depot fire"
    assert doc.outlet == "Coast Wire"
    assert doc.author == "Sam Lee"
    assert doc.published is not None and doc.published.year == 2025
    article = build_article(doc)
    assert "Fire chief Ana Ruiz" in article.text
    for junk in ("cookies", "Home", "Related stories", "Copyright", "Share this"):
        assert junk not in article.text


@pytest.mark.parametrize("html", ["<html><body></body></html>", "<<<>>>", "<p>"])
def test_malformed_or_empty_html_raises_input_error(html: str) -> None:
    with pytest.raises(InputError):
        read_html(html, "bad.html")


@pytest.mark.parametrize("key", ["text", "content", "body"])
def test_json_article_fields(key: str) -> None:
    obj = {"title": "T", "outlet": "O", "published": "2025-03-04T10:00:00+00:00", key: BODY}
    (doc,) = read_json(json.dumps(obj), "a.json")
    assert (doc.title, doc.outlet, doc.text) == ("T", "O", BODY)
    assert doc.published is not None and doc.published.hour == 10


def test_json_list_and_wrapper() -> None:
    items = [{"title": f"T{i}", "text": BODY} for i in range(3)]
    assert len(read_json(json.dumps(items), "a.json")) == 3
    assert len(read_json(json.dumps({"articles": items}), "a.json")) == 3


@pytest.mark.parametrize(
    ("text", "reason"),
    [("{bad json", "malformed JSON"), ('{"title": "no body"}', "no article text"), ("[]", "empty")],
)
def test_json_errors(text: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        read_json(text, "a.json")


def test_jsonl_bad_line_does_not_stop_the_rest() -> None:
    lines = [
        json.dumps({"title": "A", "text": BODY}),
        "{oops",
        json.dumps({"title": "B", "body": BODY}),
    ]
    results = list(iter_jsonl("\n".join(lines), "a.jsonl"))
    assert [type(r).__name__ for r in results] == ["Document", "InputError", "Document"]
    assert "line 2" in str(results[1])


RSS = f"""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Coast Wire</title>
<item><title>Depot fire</title><link>https://coastwire.example/depot</link>
<pubDate>Wed, 05 Mar 2025 08:00:00 GMT</pubDate><author>Sam Lee</author>
<content:encoded><![CDATA[<p>{BODY}</p><p>More text follows.</p>]]></content:encoded></item>
<item><title>Teaser only</title><link>LINK</link><description>Short teaser.</description></item>
</channel></rss>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Bay Times</title><entry><title>Depot blaze</title><link href="https://baytimes.example/a"/>
<updated>2025-03-05T09:00:00Z</updated><author><name>Ana Lima</name></author>
<content type="html">&lt;p&gt;{BODY}&lt;/p&gt;</content></entry></feed>"""


def test_rss_full_text_and_pending_links() -> None:
    feed = read_feed(RSS, "wire.rss")
    (doc,) = feed.documents
    assert (doc.title, doc.outlet, doc.author) == ("Depot fire", "Coast Wire", "Sam Lee")
    assert doc.url == "https://coastwire.example/depot"
    assert doc.published is not None and doc.published.day == 5
    assert BODY in doc.text
    assert [p.title for p in feed.pending] == ["Teaser only"]


def test_atom_entry() -> None:
    (doc,) = read_feed(ATOM, "bay.atom").documents
    assert (doc.title, doc.outlet, doc.author) == ("Depot blaze", "Bay Times", "Ana Lima")
    assert BODY in doc.text


def test_malformed_feed() -> None:
    with pytest.raises(InputError, match="feed"):
        read_feed("<rss><channel><item><title>x</tit", "bad.rss")


def test_feed_links_are_fetched(http_server: Callable[..., str]) -> None:
    other = (
        "Port authorities reopened the eastern terminal on Thursday after inspectors cleared it. "
        "Shipping companies said the two-day closure delayed about forty vessels."
    )
    page = HTML_PAGE.replace(BODY, other).replace("Depot fire", "Terminal reopens").encode()
    base = http_server({"/story": (200, {"Content-Type": "text/html; charset=utf-8"}, page)})
    feed = RSS.replace("LINK", f"{base}/story").encode()
    base2 = http_server({"/feed.rss": (200, {"Content-Type": "application/rss+xml"}, feed)})
    result = ingest([f"{base2}/feed.rss"], IngestOptions(allow_private=True))
    assert not result.problems, result.problems
    assert sorted(a.title or "" for a in result.articles) == ["Depot fire", "Terminal reopens"]
    assert all(a.format is SourceFormat.FEED for a in result.articles)
    fetched = next(a for a in result.articles if a.title == "Terminal reopens")
    assert "forty vessels" in fetched.text


def test_feed_links_to_private_hosts_are_refused_by_default(
    http_server: Callable[..., str], tmp_path: Path
) -> None:
    base = http_server({"/story": (200, {"Content-Type": "text/html"}, HTML_PAGE.encode())})
    feed = tmp_path / "wire.rss"
    feed.write_text(RSS.replace("LINK", f"{base}/story"), encoding="utf-8")
    result = ingest([str(feed)])
    assert [a.title for a in result.articles] == ["Depot fire"]
    assert len(result.problems) == 1
    assert "non-public address" in result.problems[0].reason


@pytest.mark.parametrize(
    ("name", "text", "ctype", "expected"),
    [
        ("a.txt", "x", "", SourceFormat.TEXT),
        ("a.md", "x", "", SourceFormat.MARKDOWN),
        ("a.html.gz", "x", "", SourceFormat.HTML),
        ("a.xml", "<rss>", "", SourceFormat.FEED),
        ("http://x/feed", "<?xml version='1.0'?><feed>", "application/atom+xml", SourceFormat.FEED),
        ("http://x/page", "<html>", "text/html", SourceFormat.HTML),
        ("<stdin>", '{"text": "x"}', "", SourceFormat.JSON),
        ("<stdin>", '{"text": "x"}\n{"text": "y"}', "", SourceFormat.JSONL),
        ("<stdin>", "Plain words.", "", SourceFormat.TEXT),
    ],
)
def test_detect_format(name: str, text: str, ctype: str, expected: SourceFormat) -> None:
    assert detect_format(name, text, ctype) is expected


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=800))
def test_readers_never_crash_on_arbitrary_text(text: str) -> None:
    for reader in (
        lambda t: [read_text(t, "x.txt")],
        lambda t: [read_markdown(t, "x.md")],
        lambda t: [read_html(t, "x.html")],
        lambda t: read_json(t, "x.json"),
        lambda t: list(read_feed(t, "x.rss").documents),
    ):
        try:
            docs = reader(text)
        except InputError:
            continue
        for doc in docs:
            if isinstance(doc, InputError):
                continue
            try:
                article = build_article(doc)
            except InputError:
                continue
            for s in article.sentences:
                assert article.text[s.start : s.end] == s.text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"title": "x", "text": "y", "n": ' + "9" * 5000 + "}", "unreadable JSON value"),
    ],
)
def test_json_that_python_cannot_parse_is_an_input_error(text: str, reason: str) -> None:
    """#17: deep nesting raised RecursionError, a 5,000-digit number ValueError."""
    with pytest.raises(InputError, match=reason):
        read_json(text, "a.json")
    (entry,) = iter_jsonl(text, "a.jsonl")
    assert isinstance(entry, InputError) and reason in str(entry)


def test_json_list_with_one_bad_item_keeps_the_others() -> None:
    """#17: one bad element discarded the whole file."""
    items = [{"title": "A", "text": BODY}, {"title": "no body"}, 7, {"title": "B", "text": BODY}]
    entries = read_json(json.dumps(items), "a.json")
    docs = [e for e in entries if not isinstance(e, InputError)]
    errors = [str(e) for e in entries if isinstance(e, InputError)]
    assert [d.title for d in docs] == ["A", "B"]
    assert errors == [
        "item 2: no article text (expected a 'text', 'content' or 'body' field)",
        "item 3: expected a JSON object, got int",
    ]
