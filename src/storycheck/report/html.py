"""The report as one self-contained HTML file: inline CSS, inline SVG charts, a little
vanilla JavaScript, no network access. Built from the ``storycheck.report/1`` dict (with
briefs and article texts), so the CLI and the web UI render exactly the same page.

Every string from an article is escaped; the script only reads ``data-`` attributes and
writes with ``textContent``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from storycheck.report.facts import STATUS_LABEL as FACT_STATUS
from storycheck.report.facts import counts as fact_counts
from storycheck.report.facts import rows as fact_rows
from storycheck.report.links import http_url
from storycheck.report.svg import bar_chart, matrix, timeline
from storycheck.words import plural

CSS = """
:root{--ink:#1b1f23;--muted:#57606a;--line:#d0d7de;--bg:#fff;--panel:#f6f8fa;
--ok:#2e7d32;--bad:#c62828;--warn:#8a5a00;--info:#1f4e79;--quote:#6a1b9a}
*{box-sizing:border-box}body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;
color:var(--ink);background:var(--bg);margin:0 auto;max-width:1100px;padding:0 20px 80px}
header{border-bottom:1px solid var(--line);padding:16px 0 8px}h1{font-size:1.5rem;margin:0}
h2{font-size:1.35rem;margin:2rem 0 .4rem}h3{font-size:1.1rem;margin:1.6rem 0 .4rem;
border-bottom:1px solid var(--line);padding-bottom:4px}.muted{color:var(--muted)}
nav.toc a{margin-right:12px}a{color:#0b5cad}a:focus,button:focus{outline:3px solid #ffbf47;
outline-offset:1px}.cite{font:inherit;font-size:.8em;vertical-align:super;border:0;
background:none;color:#0b5cad;cursor:pointer;padding:0 1px}.cite:hover{text-decoration:underline}
.lead{font-size:1.05rem}ul.facts li,ul.plain li{margin:.25rem 0}.badge{display:inline-block;
font-size:.75rem;border-radius:10px;padding:0 8px;margin-left:6px;border:1px solid currentColor}
.corroborated{color:var(--ok)}.contradicted,.disputed{color:var(--bad)}.mixed{color:var(--warn)}
.single_source{color:var(--info)}.unverified_quote{color:var(--quote)}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid var(--line);text-align:left;padding:5px 6px;vertical-align:top}
th{background:var(--panel)}
.dispute{border-left:4px solid var(--bad);padding:4px 12px;margin:10px 0;background:#fff5f5}
.side{margin:4px 0}.side b{margin-right:6px}.chart{max-width:100%;height:auto}
details.article{border:1px solid var(--line);border-radius:6px;margin:8px 0;padding:6px 12px}
details.article summary{cursor:pointer;font-weight:600}
mark{background:none;border-bottom:3px solid;padding:0 1px}mark.corroborated{border-color:var(--ok);
background:#e8f5e9}mark.contradicted{border-color:var(--bad);background:#ffebee}mark.mixed{
border-color:#f9a825;background:#fff8e1}mark.single_source{border-color:#90caf9}
mark.unverified_quote{border-color:#ce93d8;background:#f3e5f5}
#evidence{position:fixed;right:16px;bottom:16px;max-width:520px;background:#fff;
border:2px solid var(--info);border-radius:8px;padding:12px 14px;box-shadow:0 4px 16px #0003}
#evidence[hidden]{display:none}#evidence blockquote{margin:6px 0;padding-left:10px;
border-left:3px solid var(--line)}.legend span{margin-right:14px}
ol.columns{columns:2;font-size:.85rem}
.scroll{overflow-x:auto;max-width:100%}.cite.fact{vertical-align:baseline;font-size:.9rem;
text-align:left}tr.disputed td:first-child{border-left:4px solid var(--bad)}
tr.update td:first-child{border-left:4px solid #f9a825}tr.agreed td:first-child{
border-left:4px solid var(--ok)}td.odd{background:#fff5f5;font-weight:600}
"""

_JS = """
(function(){
  var panel=document.getElementById('evidence');
  var body=document.getElementById('evidence-body');
  var closeBtn=document.getElementById('evidence-close');
  var last=null;
  function show(btn){
    last=btn;
    body.textContent='';
    var head=document.createElement('p');
    var strong=document.createElement('strong');
    strong.textContent='['+btn.dataset.source+'] '+btn.dataset.outlet;
    head.appendChild(strong);
    if(btn.dataset.support){head.appendChild(document.createTextNode(
      ' \u2014 support '+btn.dataset.support));}
    body.appendChild(head);
    var q=document.createElement('blockquote');
    q.textContent=btn.dataset.evidence||'(the sentence is this source\\'s own wording)';
    body.appendChild(q);
    var link=document.createElement('a');
    link.href='#'+btn.dataset.target;link.textContent='Open the article';
    link.addEventListener('click',function(){var d=document.getElementById(btn.dataset.target);
      if(d){d.open=true;}});
    body.appendChild(link);
    panel.hidden=false;closeBtn.focus();
  }
  document.addEventListener('click',function(e){
    var btn=e.target.closest('.cite');
    if(btn){e.preventDefault();show(btn);}
  });
  closeBtn.addEventListener('click',function(){panel.hidden=true;if(last){last.focus();}});
  document.addEventListener('keydown',function(e){
    if(e.key==='Escape'&&!panel.hidden){panel.hidden=true;if(last){last.focus();}}
  });
})();
"""

_STATUS_LABEL = {
    "corroborated": "corroborated",
    "contradicted": "contradicted",
    "mixed": "mixed",
    "single_source": "one source",
    "unverified_quote": "unverified quote",
}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


class _Story:
    """Lookups over one story of the report."""

    def __init__(self, story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]):
        self.story = story
        self.id = str(story["id"])
        self.articles = articles
        brief = story.get("brief") or {}
        self.brief = brief
        sources = brief.get("sources") or [
            {
                "number": n,
                "article_id": a,
                "outlet": articles.get(a, {}).get("outlet", a),
                "title": articles.get(a, {}).get("title"),
                "published": articles.get(a, {}).get("published"),
                "location": articles.get(a, {}).get("url") or articles.get(a, {}).get("source"),
                "consistency": articles.get(a, {}).get("consistency"),
            }
            for n, a in enumerate(story["article_ids"], start=1)
        ]
        self.sources: list[Mapping[str, Any]] = list(sources)
        self.number = {str(s["article_id"]): int(s["number"]) for s in self.sources}
        self.outlet = {str(s["article_id"]): str(s["outlet"]) for s in self.sources}

    def anchor(self, article_id: str) -> str:
        return f"a-{self.id}-{article_id}"

    def cite(self, article_id: str, evidence: str = "", support: float | None = None) -> str:
        n = self.number.get(article_id, 0)
        outlet = self.outlet.get(article_id, article_id)
        sup = "" if support is None else f"{support:.2f}"
        return (
            f'<button type="button" class="cite" data-source="{n}" data-outlet="{_e(outlet)}" '
            f'data-evidence="{_e(evidence)}" data-support="{sup}" '
            f'data-target="{_e(self.anchor(article_id))}" '
            f'aria-label="source {n}, {_e(outlet)}: show evidence" '
            f'title="{_e(outlet)}: {_e(evidence[:200])}">[{n}]</button>'
        )

    def cites(self, sentence: Mapping[str, Any]) -> str:
        ids = sentence.get("article_ids") or []
        evidence = sentence.get("evidence") or [""] * len(ids)
        support = sentence.get("support") or [None] * len(ids)
        return "".join(self.cite(a, e, s) for a, e, s in zip(ids, evidence, support, strict=False))


def _section(brief: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    for section in brief.get("sections", []):
        if section["name"] == name:
            return list(section["sentences"])
    return []


def grouped(sentences: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """Brief lines by their ``group`` (a dispute, an actor), in first-seen order."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for s in sentences:
        groups.setdefault(str(s.get("group", "")), []).append(s)
    return list(groups.items())


def _badge(status: str) -> str:
    label = _STATUS_LABEL.get(status, status)
    return f'<span class="badge {_e(status)}">{_e(label)}</span>' if label else ""


def _brief_html(st: _Story) -> str:
    b = st.brief
    if not b:
        return '<p class="muted">No brief was written for this story.</p>'
    parts: list[str] = []
    what = _section(b, "what_happened")
    parts.append(f'<h3 id="{_e(st.id)}-what">What happened</h3>')
    if what:
        parts.append(
            '<p class="lead">'
            + " ".join(
                f"{_e(s['text'])}{st.cites(s)}"
                + (f" {_badge('single_source')}" if s.get("status") == "single_source" else "")
                for s in what
            )
            + "</p>"
        )
    else:
        parts.append(
            '<p class="muted">No statement is supported by two or more independent sources.</p>'
        )
    facts = _section(b, "key_facts")
    parts.append(f'<h3 id="{_e(st.id)}-facts">Key facts</h3>')
    parts.append(
        '<ul class="facts">'
        + "".join(
            f"<li>{_e(s['text'])}{st.cites(s)} "
            f'<span class="muted">({plural(s["sources"], "source")})</span></li>'
            for s in facts
        )
        + "</ul>"
        if facts
        else '<p class="muted">None.</p>'
    )
    if b.get("dropped"):
        parts.append(
            f'<p class="muted">{int(b["dropped"])} candidate sentences were left out because '
            "a cited source did not support them.</p>"
        )
    return "".join(parts)


def _disputed_html(st: _Story) -> str:
    items = _section(st.brief, "disputed") if st.brief else []
    if not items:
        return '<p class="muted">The sources do not contradict each other on any point found.</p>'
    out: list[str] = []
    for group, sides in grouped(items):
        out.append(f'<div class="dispute"><strong>{_e(group)}</strong>')
        for side in sides:
            who = ", ".join(st.outlet.get(a, a) for a in side.get("article_ids", []))
            out.append(
                f'<div class="side"><b>{_e(side["text"])}</b>'
                f'<span class="muted">{_e(who)}</span> {st.cites(side)}</div>'
            )
        out.append("</div>")
    return "".join(out)


def _fact_cell(st: _Story, article_id: str, cell: Mapping[str, Any], odd: bool) -> str:
    n = st.number.get(article_id, 0)
    outlet = st.outlet.get(article_id, article_id)
    evidence = str(cell.get("evidence", ""))
    value = str(cell.get("value", ""))
    return (
        f'<td{" class=odd" if odd else ""}><button type="button" class="cite fact" '
        f'data-source="{n}" data-outlet="{_e(outlet)}" data-evidence="{_e(evidence)}" '
        f'data-support="" data-target="{_e(st.anchor(article_id))}" '
        f'aria-label="{_e(outlet)} says {_e(value)}: show the sentence" '
        f'title="{_e(evidence[:200])}">{_e(value)}</button></td>'
    )


def _facts_html(st: _Story) -> str:
    """Slot × outlet: each cell the value that outlet gives, linked to its sentence."""
    shown = fact_rows(st.story, agreed=25)
    if not shown:
        return '<p class="muted">No figures, dates, times, ages or speakers to compare.</p>'
    used = [s for s in st.sources if any(str(s["article_id"]) in r.cells for r in shown)]
    head = "".join(
        f'<th scope="col" title="{_e(s["outlet"])}">'
        f"[{s['number']}] {_e(str(s['outlet'])[:18])}</th>"
        for s in used
    )
    body: list[str] = []
    for row in shown:
        majority = row.values[0].value.lower() if row.values else ""
        cells = "".join(
            _fact_cell(
                st,
                str(s["article_id"]),
                row.cells[str(s["article_id"])],
                row.status in ("disputed", "update")
                and str(row.cells[str(s["article_id"])].get("value", "")).lower() != majority,
            )
            if str(s["article_id"]) in row.cells
            else "<td></td>"
            for s in used
        )
        body.append(
            f'<tr class="{_e(row.status)}"><th scope="row">{_e(row.slot)}</th>'
            f"<td>{_e(FACT_STATUS.get(row.status, row.status))}</td>{cells}</tr>"
        )
    tally = fact_counts(st.story)
    note = (
        f'<p class="muted">{tally["disputed"]} disputed, {tally["update"]} rising, '
        f"{tally['agreed']} agreed; {tally['single']} slots that one outlet alone gives are "
        "in the JSON report. Click a value to read the sentence it comes from.</p>"
    )
    return (
        note
        + '<div class="scroll"><table class="facts"><thead><tr><th scope="col">Slot</th>'
        + f'<th scope="col">Status</th>{head}</tr></thead><tbody>{"".join(body)}'
        + "</tbody></table></div>"
    )


def _unverified_html(st: _Story) -> str:
    items = _section(st.brief, "unverified") if st.brief else []
    if not items:
        return '<p class="muted">Everything checkable is carried by more than one source.</p>'
    rows = "".join(
        f"<tr><td>{_e(s['text'])}{st.cites(s)}</td><td>{_e(s.get('group') or '')}</td>"
        f"<td>{_e(', '.join(st.outlet.get(a, a) for a in s.get('article_ids', [])))}</td>"
        f"<td>{_badge(str(s.get('status', '')))}</td></tr>"
        for s in items
    )
    return (
        "<table><thead><tr><th scope=col>Claim or quote</th><th scope=col>Speaker</th>"
        f"<th scope=col>Only in</th><th scope=col>Status</th></tr></thead><tbody>{rows}"
        "</tbody></table>"
    )


def _actors_html(st: _Story) -> str:
    items = _section(st.brief, "who_said_what") if st.brief else []
    if not items:
        return '<p class="muted">No attributed statements were found.</p>'
    rows: list[str] = []
    for actor, lines in grouped(items):
        for n, s in enumerate(lines):
            head = f'<th scope="row" rowspan="{len(lines)}">{_e(actor)}</th>' if n == 0 else ""
            rows.append(
                f"<tr>{head}<td>{_e(s['text'])}{st.cites(s)}</td><td>{s['sources']}</td>"
                f"<td>{_badge(str(s.get('status', '')))}</td></tr>"
            )
    return (
        "<table><thead><tr><th scope=col>Actor</th><th scope=col>Statement</th>"
        "<th scope=col>Sources</th><th scope=col>Status</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _claim_groups(story: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Claim groups (report/1 ``group``: the same claim in several articles) as matrix
    columns, most discussed first."""
    claims = [c for c in story.get("claims", []) if c.get("status") not in ("unchecked", None)]
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for c in claims:
        groups[str(c.get("group") or c["id"])].append(c)
    out: list[dict[str, Any]] = []
    for members in groups.values():
        states = {m["article_id"] for m in members}
        supports = set(members[0].get("supported_by", [])) - states
        contradicts = {a for m in members for a in m.get("contradicted_by", [])} - states - supports
        head = min(members, key=lambda m: len(m["text"]))
        out.append(
            {
                "text": head["text"],
                "states": states,
                "supports": supports,
                "contradicts": contradicts,
                "weight": len(states | supports | contradicts),
                "first": min(m["id"] for m in members),
            }
        )
    out.sort(key=lambda g: (-g["weight"], -len(g["contradicts"]), g["first"]))
    return out


def _matrix_html(st: _Story, limit: int = 40) -> str:
    groups = [g for g in _claim_groups(st.story) if g["weight"] >= 2][:limit]
    if not groups:
        return '<p class="muted">No claim is discussed by more than one source.</p>'
    rows: list[str] = []
    cells: list[list[str]] = []
    for src in st.sources:
        a = str(src["article_id"])
        rows.append(f"[{src['number']}] {src['outlet']}")
        cells.append(
            [
                "states"
                if a in g["states"]
                else "supports"
                if a in g["supports"]
                else "contradicts"
                if a in g["contradicts"]
                else "silent"
                for g in groups
            ]
        )
    svg = matrix(
        rows,
        [g["text"] for g in groups],
        cells,
        title="Sources by claim: states, supports, contradicts or silent",
    )
    legend = "".join(f"<li>{_e(g['text'])}</li>" for g in groups)
    return (
        f'<div id="{_e(st.id)}-matrix-chart" class="matrix-wrap">{svg}</div>'
        "<details><summary>Claims by column number</summary>"
        f'<ol class="columns">{legend}</ol></details>'
    )


def _parse_date(value: object) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _timeline_html(st: _Story) -> str:
    items = _section(st.brief, "timeline") if st.brief else []
    events = [
        (d, str(s.get("group") or d.isoformat()), str(s["text"]))
        for s in items
        if (d := _parse_date(s.get("date"))) is not None
    ]
    published = [
        (d, str(src["outlet"]))
        for src in st.sources
        if (d := _parse_date(src.get("published"))) is not None
    ]
    svg = timeline(events, published, title="Timeline of the dated events the sources agree on")
    listing = "".join(
        f"<li><strong>{_e(s.get('group', ''))}</strong> — {_e(s['text'])}{st.cites(s)}</li>"
        for s in items
    )
    return svg + (f'<ul class="plain">{listing}</ul>' if listing else "")


def _scorecard_html(st: _Story) -> str:
    rows = sorted(
        (s for s in st.sources if s.get("consistency") is not None),
        key=lambda s: float(s["consistency"]),
    )
    if not rows:
        return '<p class="muted">No scores.</p>'
    svg = bar_chart(
        [f"[{s['number']}] {s['outlet']}" for s in rows],
        [float(s["consistency"]) for s in rows],
        title="Consistency of each article with the other sources (lowest first)",
    )
    table: list[str] = []
    for s in rows:
        card = st.articles.get(str(s["article_id"]), {}).get("scorecard", {})
        table.append(
            f"<tr><td>[{s['number']}]</td><td>{_e(s['outlet'])}</td>"
            f"<td>{float(s['consistency']):.2f}</td>"
            + "".join(
                f"<td>{int(card.get(k, 0))}</td>"
                for k in (
                    "checkable",
                    "corroborated",
                    "contradicted",
                    "mixed",
                    "single_source",
                    "unverified_quotes",
                )
            )
            + "</tr>"
        )
    return (
        svg + "<table><thead><tr><th scope=col>#</th><th scope=col>Outlet</th>"
        "<th scope=col>Consistency</th><th scope=col>Checkable</th><th scope=col>Corroborated</th>"
        "<th scope=col>Contradicted</th><th scope=col>Mixed</th><th scope=col>One source</th>"
        "<th scope=col>Unverified quotes</th></tr></thead><tbody>"
        + "".join(table)
        + "</tbody></table>"
        + '<p class="muted">Consistency = (corroborated + ½ mixed + ½ one-source + ¼ unverified '
        "quotes) ÷ checkable claims. Evidence, not headcount: support from near-copies of an "
        "article's own text does not count, and being outvoted in a dispute costs nothing.</p>"
    )


def _sources_html(st: _Story) -> str:
    items: list[str] = []
    for s in st.sources:
        loc = str(s.get("location") or "")
        url = http_url(loc)
        link = (
            f'<a href="{_e(url)}" rel="noopener noreferrer nofollow">{_e(url)}</a>'
            if url
            else f"<code>{_e(loc)}</code>"
        )
        cons = s.get("consistency")
        items.append(
            f'<li value="{int(s["number"])}"><strong>{_e(s["outlet"])}</strong>'
            + (f" — “{_e(s['title'])}”" if s.get("title") else "")
            + (f" — {_e(str(s['published'])[:10])}" if s.get("published") else "")
            + f" — {link}"
            + (f" — consistency {float(cons):.2f}" if cons is not None else "")
            + "</li>"
        )
    return "<ol>" + "".join(items) + "</ol>"


def _article_text(article: Mapping[str, Any], claims: Sequence[Mapping[str, Any]]) -> str:
    text = str(article.get("text") or "")
    if not text:
        return '<p class="muted">The text is not included in this report.</p>'
    spans = sorted(
        (int(c["span"][0]), int(c["span"][1]), str(c["status"]))
        for c in claims
        if c.get("status") in _STATUS_LABEL and c.get("span")
    )
    out: list[str] = []
    pos = 0
    for start, end, status in spans:
        if start < pos or end > len(text) or end <= start:
            continue
        out.append(_e(text[pos:start]))
        out.append(
            f'<mark class="{_e(status)}" title="{_e(_STATUS_LABEL[status])}">'
            f"{_e(text[start:end])}</mark>"
        )
        pos = end
    out.append(_e(text[pos:]))
    paragraphs = "".join(out).split("\n\n")
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip())


def _articles_html(st: _Story) -> str:
    by_article: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for c in st.story.get("claims", []):
        by_article[str(c["article_id"])].append(c)
    legend = (
        '<p class="legend">'
        + "".join(
            f'<span><mark class="{k}">{_e(v)}</mark></span>' for k, v in _STATUS_LABEL.items()
        )
        + "</p>"
    )
    out = [legend]
    for src in st.sources:
        a = str(src["article_id"])
        article = st.articles.get(a, {})
        out.append(
            f'<details class="article" id="{_e(st.anchor(a))}"><summary>[{src["number"]}] '
            f"{_e(src['outlet'])}"
            + (f" — {_e(src['title'])}" if src.get("title") else "")
            + "</summary>"
            + _article_text(article, by_article.get(a, []))
            + "</details>"
        )
    return "".join(out)


def _story_html(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> str:
    st = _Story(story, articles)
    sid = _e(st.id)
    counts: dict[str, int] = defaultdict(int)
    for c in story.get("claims", []):
        counts[str(c.get("status"))] += 1
    summary = " · ".join(
        f'<span class="{k}">{counts.get(k, 0)} {v}</span>' for k, v in _STATUS_LABEL.items()
    )
    sections = [
        ("brief", "Brief", _brief_html(st)),
        ("disputed", "Disputed", _disputed_html(st)),
        ("facts", "Fact table", _facts_html(st)),
        ("unverified", "Unverified", _unverified_html(st)),
        ("matrix", "Source × claim matrix", _matrix_html(st)),
        ("timeline", "Timeline", _timeline_html(st)),
        ("actors", "Who said what", _actors_html(st)),
        ("scorecard", "Scorecard", _scorecard_html(st)),
        ("sources", "Sources", _sources_html(st)),
        ("articles", "Articles", _articles_html(st)),
    ]
    toc = "".join(f'<a href="#{sid}-{key}">{_e(title)}</a>' for key, title, _ in sections)
    body = "".join(
        f'<section id="{sid}-{key}" aria-labelledby="{sid}-{key}-h">'
        f'<h3 id="{sid}-{key}-h">{_e(title)}</h3>{html}</section>'
        if key != "brief"
        else f'<section id="{sid}-{key}">{html}</section>'
        for key, title, html in sections
    )
    return (
        f'<article class="story" id="story-{sid}"><h2>{_e(story["title"])}</h2>'
        f'<p class="muted">{plural(len(st.sources), "source")} · {summary}</p>'
        f'<nav class="toc" aria-label="sections">{toc}</nav>{body}</article>'
    )


def render_html(report: Mapping[str, Any]) -> str:
    """The whole report/1 document as one self-contained, offline HTML page."""
    articles = {str(a["id"]): a for a in report.get("articles", [])}
    stories = report.get("stories", [])
    title = stories[0]["title"] if len(stories) == 1 else plural(len(stories), "story")
    story_nav = (
        "<nav aria-label=stories><ul>"
        + "".join(f'<li><a href="#story-{_e(s["id"])}">{_e(s["title"])}</a></li>' for s in stories)
        + "</ul></nav>"
        if len(stories) > 1
        else ""
    )
    tool = report.get("tool", {})
    models = ", ".join(f"{k}: {v}" for k, v in (report.get("models") or {}).items())
    body = "".join(_story_html(s, articles) for s in stories) or (
        '<p class="muted">No story was analysed.</p>'
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>storycheck — {_e(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>storycheck report: {_e(title)}</h1>"
        f'<p class="muted">Generated {_e(report.get("generated", ""))} by storycheck '
        f"{_e(tool.get('version', ''))}. Every sentence cites the sources that support it; "
        "click a citation to see the evidence.</p>"
        + (f'<p class="muted">Models: {_e(models)}</p>' if models else "")
        + f"{story_nav}</header><main>{body}</main>"
        '<aside id="evidence" role="dialog" aria-modal="false" aria-labelledby="evidence-title" '
        'hidden><h4 id="evidence-title" style="margin:0">Evidence</h4>'
        '<div id="evidence-body"></div>'
        '<button type="button" id="evidence-close">Close</button></aside>'
        f"<script>{_JS}</script></body></html>"
    )
