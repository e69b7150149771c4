"""An index page for a batch run: every story with its title, article count, date
range and number of disputes, linking to that story's self-contained HTML report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from storycheck.report.html import CSS
from storycheck.report.links import http_url
from storycheck.report.view import story_title
from storycheck.words import plural


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One story's row of the index."""

    title: str
    articles: int
    first: str | None  # ISO date of the earliest article (None: undated)
    last: str | None
    disputes: int | None  # None: the story was not cross-checked
    href: str | None  # the story's HTML report, relative to the index


def entry_from_report(report: Mapping[str, Any], href: str | None) -> IndexEntry:
    """The index row of a one-story report/1 document."""
    story = report["stories"][0]
    articles = {str(a["id"]): a for a in report.get("articles", [])}
    days = sorted(
        str(articles[a]["published"])[:10]
        for a in story.get("article_ids", [])
        if a in articles and articles[a].get("published")
    )
    conflicts = [
        c for c in story.get("conflicts") or [] if c.get("status", "contradiction") != "update"
    ]
    return IndexEntry(
        title=story_title(story, articles),
        articles=len(story.get("article_ids", [])),
        first=days[0] if days else None,
        last=days[-1] if days else None,
        disputes=len(conflicts),
        href=href,
    )


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _dates(entry: IndexEntry) -> str:
    if not entry.first:
        return '<span class="muted">undated</span>'
    if entry.last and entry.last != entry.first:
        return f"{_e(entry.first)} – {_e(entry.last)}"
    return _e(entry.first)


def _link(href: str | None, title: str) -> str:
    """A link to a story's report: relative paths inside the batch folder, or http(s)."""
    if href is None:
        return _e(title)
    safe = href if (http_url(href) or _relative(href)) else None
    return f'<a href="{_e(safe)}">{_e(title)}</a>' if safe else _e(title)


def _relative(href: str) -> bool:
    return (
        bool(href)
        and ":" not in href.split("/", 1)[0]
        and not href.startswith(("/", "\\"))
        and not any(ch in href for ch in "<>\"'` \t\r\n")
    )


def render_index(entries: Sequence[IndexEntry], *, title: str = "storycheck batch") -> str:
    """The index as one self-contained HTML page (inline CSS, no script)."""
    rows = "".join(
        f"<tr><td>{_link(e.href, e.title)}</td><td>{e.articles}</td><td>{_dates(e)}</td>"
        + (
            f'<td class="{"contradicted" if e.disputes else "muted"}">{e.disputes}</td>'
            if e.disputes is not None
            else '<td class="muted">not checked</td>'
        )
        + "</tr>"
        for e in entries
    )
    articles = sum(e.articles for e in entries)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f'<header><p class="kicker">storycheck</p><h1>{_e(title)}</h1>'
        f'<p class="muted">{plural(len(entries), "story")} from '
        f"{plural(articles, 'article')}; each links to its cross-checked report.</p></header>"
        '<main><div class="scroll"><table class="index"><thead><tr>'
        '<th scope="col">Story</th><th scope="col">Articles</th><th scope="col">Dates</th>'
        '<th scope="col">Disputes</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div></main></body></html>"
    )
