"""#17: article URLs that are not plain http(s) never become links."""

from __future__ import annotations

import pytest

from storycheck.report.links import http_url

BAD = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "http://x/<script>",
    'http://x/"onmouseover="alert(1)',
    "http://",
    "/relative/path",
    "http://x/\u009b31m",
]


@pytest.mark.parametrize("url", BAD)
def test_unsafe_urls_are_not_links(url: str) -> None:
    assert http_url(url) is None


def test_http_urls_are_links() -> None:
    assert http_url("https://example.org/a?b=1#c") == "https://example.org/a?b=1#c"
    assert http_url("HTTP://Example.org/") == "HTTP://Example.org/"


@pytest.mark.parametrize("url", BAD[:3])
def test_reports_never_link_unsafe_article_urls(url: str) -> None:
    """#17: the Markdown report wrote ``<data:text/html,<script>…>`` (raw HTML through a
    CommonMark renderer) and ``<javascript:…>`` (an autolink)."""
    from markdown_it import MarkdownIt

    from storycheck.report.html import render_html
    from storycheck.report.markdown import render_markdown
    from tests.report.test_render import report

    data = report()
    data["stories"][0]["brief"]["sources"][0]["location"] = url
    html = MarkdownIt("commonmark").render(render_markdown(data))
    assert "<script" not in html and 'href="javascript' not in html.lower()
    assert 'href="data:' not in html
    page = render_html(data)
    assert 'href="javascript' not in page.lower() and 'href="data:' not in page
