"""The report as one self-contained HTML file: inline CSS, inline SVG charts, a little
vanilla JavaScript, no network access. Built from the ``storycheck.report/1`` dict (with
briefs and article texts), so the CLI, ``batch`` and the web UI render exactly the same page.

Layout, top to bottom: the editor's summary (disputes with every outlet on each side,
unverified quotes, the least consistent articles), the brief, the fact table and the
claim matrix, the timeline, who said what, the scorecard, the sources and their texts,
and last the long single-source list (collapsed, ranked, filterable). A small "how this
was made" footer names the models.

Every string from an article is escaped; the script only reads ``data-`` attributes and
the page's own text and writes with ``textContent`` or ``hidden``.
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
from storycheck.report.svg import bar_chart, timeline
from storycheck.report.view import (
    CITATION_RULE,
    LINE_MARKS,
    disputes,
    full_name,
    least_consistent,
    model_lines,
    quoted,
    score_colour,
    score_note,
    scores,
    shorten,
    source_articles,
    source_labels,
    story_sources,
    story_title,
    unverified,
    unverified_quotes,
)
from storycheck.words import plural

CSS = """
:root{--ink:#1b1f23;--muted:#57606a;--line:#d0d7de;--bg:#fff;--panel:#f6f8fa;
--ok:#2e7d32;--bad:#c62828;--warn:#8a5a00;--info:#1f4e79;--quote:#8a5a00;--mixed:#6a1b9a;
--single:#57606a}
*{box-sizing:border-box}body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;
color:var(--ink);background:var(--bg);margin:0 auto;max-width:1100px;padding:0 16px 80px;
overflow-wrap:break-word}
header{border-bottom:1px solid var(--line);padding:16px 0 8px}h1{font-size:1.5rem;margin:0;
line-height:1.3}.kicker{margin:0 0 4px;font-size:.8rem;text-transform:uppercase;
letter-spacing:.06em;color:var(--muted)}
h2{font-size:1.35rem;margin:2rem 0 .4rem}h3{font-size:1.15rem;margin:1.8rem 0 .4rem;
border-bottom:1px solid var(--line);padding-bottom:4px}h4{font-size:1rem;margin:1.1rem 0 .3rem}
.muted{color:var(--muted)}code{overflow-wrap:anywhere}
@media (max-width:600px){h1{font-size:1.25rem}body{font-size:15px}}
nav.toc{display:flex;flex-wrap:wrap;gap:4px 14px}a{color:#0b5cad}
a:focus,button:focus,input:focus,summary:focus{outline:3px solid #ffbf47;outline-offset:1px}
.cite{font:inherit;font-size:.8em;vertical-align:super;border:0;
background:none;color:#0b5cad;cursor:pointer;padding:0 1px}.cite:hover{text-decoration:underline}
.lead{font-size:1.05rem}ul.facts li,ul.plain li{margin:.25rem 0}.badge{display:inline-block;
font-size:.75rem;border-radius:10px;padding:0 8px;margin-left:6px;border:1px solid currentColor;
white-space:nowrap}
.corroborated,.supports{color:var(--ok)}.contradicted,.disputed,.contradicts{color:var(--bad)}
.mixed{color:var(--mixed)}.single_source{color:var(--single)}.unverified_quote{color:var(--quote)}
.badge.update{color:var(--warn)}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid var(--line);text-align:left;padding:5px 6px;vertical-align:top}
th{background:var(--panel)}
.summary{background:var(--panel);border:1px solid var(--line);border-radius:8px;
padding:2px 16px 12px;margin-top:16px}.summary h3{margin-top:1rem}
.dispute{border-left:4px solid var(--bad);padding:4px 12px;margin:10px 0;background:#fff5f5}
.dispute.update{border-left-color:#d4a017;background:#fffbea}
.dispute ul{margin:4px 0;padding-left:18px}.dispute li{margin:3px 0}
.who{white-space:normal}.who+.who:before{content:", "}
ul.quotes li{margin:.35rem 0}.speaker{font-weight:600}
ol.least li{margin:.3rem 0}.chart{max-width:100%;height:auto}
details.article{border:1px solid var(--line);border-radius:6px;margin:8px 0;padding:6px 12px}
details summary{cursor:pointer;font-weight:600}
mark{background:none;color:inherit;border-bottom:3px solid;padding:0 1px}
mark.corroborated{border-color:var(--ok);background:#e8f5e9}
mark.contradicted{border-color:var(--bad);background:#ffebee}
mark.mixed{border-color:#8e24aa;background:#f3e5f5}
mark.single_source{border-color:#8c959f;background:#eef1f4}
mark.unverified_quote{border-color:#d4a017;background:#fff4d6}
#evidence{position:fixed;right:12px;bottom:12px;left:auto;max-width:min(520px,calc(100vw - 24px));
background:#fff;border:2px solid var(--info);border-radius:8px;padding:12px 14px;
box-shadow:0 4px 16px #0003;max-height:70vh;overflow:auto}
#evidence[hidden]{display:none}#evidence blockquote{margin:6px 0;padding-left:10px;
border-left:3px solid var(--line)}.legend span{margin-right:14px;display:inline-block}
.scroll{overflow-x:auto;max-width:100%;position:relative}.cite.fact{vertical-align:baseline;font-size:.9rem;
text-align:left}tr.disputed td:first-of-type{border-left:4px solid var(--bad)}
tr.update td:first-of-type{border-left:4px solid #d4a017}tr.agreed td:first-of-type{
border-left:4px solid var(--ok)}td.odd{background:#fff5f5;font-weight:600}
th.src{min-width:7em;max-width:12em;font-weight:600;font-size:.85rem}
table.matrix th.claim{font-weight:normal;background:none;min-width:16em;max-width:34em}
table.matrix td.cell{text-align:center;font-size:1.05rem;min-width:4em}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
ol.single-list li{margin:.35rem 0}.filter-row{display:flex;flex-wrap:wrap;gap:6px 10px;
align-items:center;margin:8px 0}.filter-row input{font:inherit;padding:4px 8px;
border:1px solid var(--line);border-radius:6px;min-width:0;width:16em;max-width:100%}
footer.made{margin-top:3rem;border-top:1px solid var(--line);font-size:.85rem;color:var(--muted)}
footer.made h2{font-size:1rem;margin:1rem 0 .3rem}footer.made ul{padding-left:18px;margin:0}
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
  Array.prototype.forEach.call(document.querySelectorAll('input.filter'),function(input){
    var list=document.getElementById(input.dataset.list);
    var count=document.getElementById(input.dataset.count);
    if(!list){return;}
    var items=list.querySelectorAll('li');
    function apply(){
      var words=input.value.toLowerCase().split(/\\s+/).filter(Boolean);
      var shown=0;
      Array.prototype.forEach.call(items,function(li){
        var text=li.textContent.toLowerCase();
        var ok=words.every(function(w){return text.indexOf(w)>=0;});
        li.hidden=!ok;if(ok){shown++;}
      });
      if(count){count.textContent=shown+' of '+items.length+' shown';}
    }
    input.addEventListener('input',apply);
    apply();
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

_MATRIX_STATE = {
    "states": ("●", "states it"),
    "supports": ("✓", "supports it"),
    "contradicts": ("✗", "contradicts it"),
    "silent": ("", "does not mention it"),
}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


class _Story:
    """Lookups over one story of the report."""

    def __init__(self, story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]):
        self.story = story
        self.id = str(story["id"])
        self.articles = articles
        self.brief = story.get("brief") or {}
        self.sources: list[Mapping[str, Any]] = story_sources(story, articles)
        self.number = {str(s["article_id"]): int(s["number"]) for s in self.sources}
        ids = [str(s["article_id"]) for s in self.sources]
        known = source_articles(self.sources, articles)
        #: a readable name per article (outlet, else title, else its opening words)
        self.outlet = source_labels(ids, known)
        #: the same at full length (outlet and title, or the whole title)
        self.full = {a: full_name(known[a]) for a in ids}
        self.title = story_title(story, articles)

    def anchor(self, article_id: str) -> str:
        return f"a-{self.id}-{article_id}"

    def name(self, article_id: str) -> str:
        return self.outlet.get(article_id, article_id)

    def cite(self, article_id: str, evidence: str = "", support: float | None = None) -> str:
        n = self.number.get(article_id, 0)
        outlet = self.name(article_id)
        sup = "" if support is None else f"{support:.2f}"
        return (
            f'<button type="button" class="cite" data-source="{n}" data-outlet="{_e(outlet)}" '
            f'data-evidence="{_e(evidence)}" data-support="{sup}" '
            f'data-target="{_e(self.anchor(article_id))}" '
            f'aria-label="source {n}, {_e(outlet)}: show evidence" '
            f'title="{_e(outlet)}: {_e(shorten(evidence, 200))}">[{n}]</button>'
        )

    def cites(self, sentence: Mapping[str, Any]) -> str:
        ids = sentence.get("article_ids") or []
        evidence = sentence.get("evidence") or [""] * len(ids)
        support = sentence.get("support") or [None] * len(ids)
        return "".join(self.cite(a, e, s) for a, e, s in zip(ids, evidence, support, strict=False))

    def named(self, article_id: str, evidence: str = "") -> str:
        """An article by its name, with its citation button."""
        cite = self.cite(article_id, evidence)
        return f'<span class="who">{_e(self.name(article_id))}{cite}</span>'


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


def _badge(status: str, label: str | None = None) -> str:
    text = label if label is not None else _STATUS_LABEL.get(status, status)
    return f'<span class="badge {_e(status)}">{_e(text)}</span>' if text else ""


def _speaker(speaker: str, text: str) -> str:
    """ "Name: " before a quote, unless the quote's sentence already names them."""
    if not speaker or speaker.lower() in text.lower():
        return ""
    return f'<span class="speaker">{_e(speaker)}:</span> '


# --- the editor's summary ------------------------------------------------------------

_SUMMARY_QUOTES = 8


def _summary_html(st: _Story) -> str:
    parts: list[str] = []
    found = disputes(st.story)
    rising = sum(1 for d in found if d.status == "update")
    parts.append(
        f"<h4>Disputes ({len(found) - rising})"
        + (f" and {plural(rising, 'figure')} that rose between reports" if rising else "")
        + "</h4>"
    )
    if not found:
        parts.append(
            '<p class="muted">The sources do not contradict each other on any point found.</p>'
        )
    for d in found:
        update = d.status == "update"
        label = "rose between reports" if update else d.kind or "dispute"
        sides = "".join(
            f"<li><b>{_e(side.value)}</b> — "
            + "".join(
                st.named(a, ev) for a, ev in zip(side.article_ids, side.evidence, strict=False)
            )
            + f' <span class="muted">({plural(len(side.article_ids), "article")})</span></li>'
            for side in d.sides
        )
        parts.append(
            f'<div class="dispute{" update" if update else ""}"><strong>{_e(d.title)}</strong>'
            f"{_badge('update' if update else 'contradicted', label)}<ul>{sides}</ul></div>"
        )
    quotes = unverified_quotes(st.story)
    parts.append(f"<h4>Unverified quotes ({len(quotes)})</h4>")
    if quotes:
        parts.append(
            '<p class="muted">Quotes only one outlet carries: no other source has the same words '
            'or credits them to the same person.</p><ul class="quotes">'
        )
        for q in quotes[:_SUMMARY_QUOTES]:
            speaker = _speaker(q.speaker, q.text)
            who = st.named(q.article_id, q.evidence)
            parts.append(f"<li>{speaker}{_e(quoted(q.text))} — {who}</li>")
        parts.append("</ul>")
        if len(quotes) > _SUMMARY_QUOTES:
            parts.append(
                f'<p class="muted">… and {len(quotes) - _SUMMARY_QUOTES} more in '
                f'<a href="#{_e(st.id)}-single">the single-source list</a>.</p>'
            )
    else:
        parts.append('<p class="muted">Every quote is carried by more than one outlet.</p>')
    worst = least_consistent(st.story, st.articles)
    parts.append("<h4>Least consistent articles</h4>")
    if worst:
        parts.append('<ol class="least">')
        for s in worst:
            tone = (
                "contradicted"
                if s.card.get("contradicted", 0) or s.card.get("mixed", 0)
                else "single_source"
            )
            parts.append(
                f"<li>{st.named(s.article_id)} — consistency "
                f'<strong class="{tone}">{s.consistency:.2f}</strong>: '
                f"{_e(score_note(s.card))}</li>"
            )
        parts.append(
            '</ol><p class="muted">A low score with nothing contradicted means the article '
            "carries much that no other source has, not that it is wrong. "
            f'<a href="#{_e(st.id)}-scorecard">All scores</a>.</p>'
        )
    else:
        parts.append('<p class="muted">Only one article is scored.</p>')
    return "".join(parts)


# --- the brief -----------------------------------------------------------------------


def _brief_html(st: _Story) -> str:
    b = st.brief
    if not b:
        return '<p class="muted">No brief was written for this story.</p>'
    parts: list[str] = []
    what = _section(b, "what_happened")
    parts.append(f'<h4 id="{_e(st.id)}-what">What happened</h4>')
    if what:
        parts.append(
            '<p class="lead">'
            + " ".join(
                f"{_e(s['text'])}{st.cites(s)}"
                + (
                    f" {_badge(s['status'], LINE_MARKS[s['status']])}"
                    if s.get("status") in LINE_MARKS
                    else ""
                )
                for s in what
            )
            + "</p>"
        )
    else:
        parts.append(
            '<p class="muted">No statement is supported by two or more independent sources.</p>'
        )
    facts = _section(b, "key_facts")
    parts.append(f'<h4 id="{_e(st.id)}-keyfacts">Key facts</h4>')
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


# --- fact table and claim matrix -------------------------------------------------------


def _fact_cell(st: _Story, article_id: str, cell: Mapping[str, Any], odd: bool) -> str:
    n = st.number.get(article_id, 0)
    outlet = st.name(article_id)
    evidence = str(cell.get("evidence", ""))
    value = str(cell.get("value", ""))
    return (
        f'<td{" class=odd" if odd else ""}><button type="button" class="cite fact" '
        f'data-source="{n}" data-outlet="{_e(outlet)}" data-evidence="{_e(evidence)}" '
        f'data-support="" data-target="{_e(st.anchor(article_id))}" '
        f'aria-label="{_e(outlet)} says {_e(value)}: show the sentence" '
        f'title="{_e(shorten(evidence, 200))}">{_e(value)}</button></td>'
    )


def _source_head(st: _Story, source: Mapping[str, Any]) -> str:
    a = str(source["article_id"])
    return (
        f'<th scope="col" class="src" title="{_e(st.name(a))}">'
        f'{_e(shorten(st.name(a), 40))} <span class="muted">[{int(source["number"])}]</span></th>'
    )


def _facts_html(st: _Story) -> str:
    """Slot × outlet: each cell the value that outlet gives, linked to its sentence."""
    shown = fact_rows(st.story, agreed=25)
    if not shown:
        return '<p class="muted">No figures, dates, times, ages or speakers to compare.</p>'
    used = [s for s in st.sources if any(str(s["article_id"]) in r.cells for r in shown)]
    head = "".join(_source_head(st, s) for s in used)
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


def _claim_groups(story: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Claim groups (report/1 ``group``: the same claim in several articles) as matrix
    rows, most discussed first."""
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
    """Claims (rows, in words) × sources (columns, by name): who states, supports or
    contradicts each claim that more than one source touches."""
    groups = [g for g in _claim_groups(st.story) if g["weight"] >= 2][:limit]
    if not groups:
        return '<p class="muted">No claim is discussed by more than one source.</p>'
    head = "".join(_source_head(st, s) for s in st.sources)
    rows: list[str] = []
    for g in groups:
        cells: list[str] = []
        for src in st.sources:
            a = str(src["article_id"])
            state = (
                "states"
                if a in g["states"]
                else "supports"
                if a in g["supports"]
                else "contradicts"
                if a in g["contradicts"]
                else "silent"
            )
            mark, words = _MATRIX_STATE[state]
            cells.append(
                f'<td class="cell {state}" title="{_e(st.name(a))} {words}">'
                f'<span aria-hidden="true">{mark}</span><span class="sr">{words}</span></td>'
            )
        rows.append(
            f'<tr><th scope="row" class="claim" title="{_e(g["text"])}">'
            f"{_e(shorten(str(g['text']), 160))}</th>{''.join(cells)}</tr>"
        )
    legend = (
        '<p class="legend muted">'
        + "".join(
            f'<span class="{k}"><span aria-hidden="true">{m}</span> {w}</span>'
            for k, (m, w) in _MATRIX_STATE.items()
            if m
        )
        + "</p>"
    )
    return (
        legend
        + f'<div class="scroll" id="{_e(st.id)}-matrix-chart"><table class="matrix">'
        + f'<thead><tr><th scope="col">Claim</th>{head}</tr></thead>'
        + f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


# --- timeline, actors, scorecard, sources, articles ------------------------------------


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
        (d, st.name(str(src["article_id"])))
        for src in st.sources
        if (d := _parse_date(src.get("published"))) is not None
    ]
    svg = timeline(events, published, title="Timeline of the dated events the sources agree on")
    listing = "".join(
        f"<li><strong>{_e(s.get('group', ''))}</strong> — {_e(s['text'])}{st.cites(s)}</li>"
        for s in items
    )
    return svg + (f'<ul class="plain">{listing}</ul>' if listing else "")


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
        '<div class="scroll"><table><thead><tr><th scope=col>Actor</th>'
        "<th scope=col>Statement</th><th scope=col>Sources</th><th scope=col>Status</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
    )


def _scorecard_html(st: _Story) -> str:
    ranked = scores(st.story, st.articles)
    if not ranked:
        return '<p class="muted">No scores.</p>'
    svg = bar_chart(
        [st.name(s.article_id) for s in ranked],
        [s.consistency for s in ranked],
        colours=[score_colour(s) for s in ranked],
        title="Consistency of each article with the other sources (lowest first)",
    )
    table: list[str] = []
    for s in ranked:
        table.append(
            f"<tr><td>[{st.number.get(s.article_id, 0)}]</td><td>{_e(st.name(s.article_id))}</td>"
            f"<td>{s.consistency:.2f}</td>"
            + "".join(
                f"<td>{int(s.card.get(k, 0))}</td>"
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
        svg + '<p class="legend muted"><span class="corroborated">■ green: nothing contradicted, '
        'well corroborated</span><span class="single_source">■ grey: nothing contradicted, '
        'mostly single-source</span><span class="contradicted">■ orange / red: part of it is '
        "contradicted</span></p>"
        + '<div class="scroll"><table><thead><tr><th scope=col>#</th><th scope=col>Article</th>'
        "<th scope=col>Consistency</th><th scope=col>Checkable</th><th scope=col>Corroborated</th>"
        "<th scope=col>Contradicted</th><th scope=col>Mixed</th><th scope=col>One source</th>"
        "<th scope=col>Unverified quotes</th></tr></thead><tbody>"
        + "".join(table)
        + "</tbody></table></div>"
        + '<p class="muted">Consistency = (corroborated + ½ mixed + ½ one-source + ¼ unverified '
        "quotes) ÷ checkable claims. Evidence, not headcount: support from near-copies of an "
        "article's own text does not count, and being outvoted in a dispute costs nothing.</p>"
    )


def _sources_html(st: _Story) -> str:
    items: list[str] = []
    for s in st.sources:
        a = str(s["article_id"])
        loc = str(s.get("location") or "")
        url = http_url(loc)
        link = (
            f'<a href="{_e(url)}" rel="noopener noreferrer nofollow">{_e(url)}</a>'
            if url
            else f"<code>{_e(loc)}</code>"
        )
        cons = s.get("consistency")
        items.append(
            f'<li value="{int(s["number"])}"><strong>{_e(st.full.get(a, st.name(a)))}</strong>'
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
            f"{_e(st.full.get(a, st.name(a)))}</summary>"
            + _article_text(article, by_article.get(a, []))
            + "</details>"
        )
    return "".join(out)


def _single_html(st: _Story) -> str:
    """Everything only one outlet carries: collapsed, ranked (quotes and the most specific
    claims first) and filterable by any word, name or outlet."""
    items = unverified(st.story)
    if not items:
        return '<p class="muted">Everything checkable is carried by more than one source.</p>'
    sid = _e(st.id)
    lines = "".join(
        f"<li>{_badge(i.status)} "
        + _speaker(i.speaker, i.text)
        + _e(quoted(i.text) if i.status == "unverified_quote" else i.text)
        + f" — {st.named(i.article_id, i.evidence)}</li>"
        for i in items
    )
    quotes = sum(1 for i in items if i.status == "unverified_quote")
    return (
        f'<details class="single"><summary>Show all {len(items)} '
        f"({plural(quotes, 'quote')} first, then the claims with names, numbers or dates)"
        "</summary>"
        f'<div class="filter-row"><label for="{sid}-filter">Filter</label>'
        f'<input type="search" class="filter" id="{sid}-filter" data-list="{sid}-single-list" '
        f'data-count="{sid}-single-count" placeholder="a word, name or outlet" autocomplete="off">'
        f'<span id="{sid}-single-count" class="muted" aria-live="polite"></span></div>'
        f'<ol class="single-list" id="{sid}-single-list">{lines}</ol></details>'
    )


# --- the page --------------------------------------------------------------------------


def _date_range(st: _Story) -> str:
    days = sorted(d for s in st.sources if (d := _parse_date(s.get("published"))) is not None)
    if not days:
        return ""
    lo, hi = days[0].isoformat(), days[-1].isoformat()
    return lo if lo == hi else f"{lo} to {hi}"


def _story_html(
    story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]], *, titled: bool
) -> str:
    st = _Story(story, articles)
    sid = _e(st.id)
    counts: dict[str, int] = defaultdict(int)
    for c in story.get("claims", []):
        counts[str(c.get("status"))] += 1
    tally = " · ".join(
        f'<span class="{k}">'
        + _e(plural(counts.get(k, 0), v) if k == "unverified_quote" else f"{counts.get(k, 0)} {v}")
        + "</span>"
        for k, v in _STATUS_LABEL.items()
    )
    span = _date_range(st)
    sections = [
        ("summary", "Editor’s summary", _summary_html(st)),
        ("brief", "Brief", _brief_html(st)),
        ("facts", "Fact table", _facts_html(st)),
        ("matrix", "Claims × sources", _matrix_html(st)),
        ("timeline", "Timeline", _timeline_html(st)),
        ("actors", "Who said what", _actors_html(st)),
        ("scorecard", "Scorecard", _scorecard_html(st)),
        ("sources", "Sources", _sources_html(st)),
        ("articles", "Articles", _articles_html(st)),
        ("single", "Single-source claims and quotes", _single_html(st)),
    ]
    toc = "".join(f'<a href="#{sid}-{key}">{_e(title)}</a>' for key, title, _ in sections)
    body = "".join(
        f'<section id="{sid}-{key}" aria-labelledby="{sid}-{key}-h"'
        + (' class="summary"' if key == "summary" else "")
        + f'><h3 id="{sid}-{key}-h">{_e(title)}</h3>{html}</section>'
        for key, title, html in sections
    )
    return (
        f'<article class="story" id="story-{sid}">'
        + (f"<h2>{_e(st.title)}</h2>" if titled else "")
        + f'<p class="muted">{plural(len(st.sources), "article")}'
        + (f" · {_e(span)}" if span else "")
        + f" · {tally}</p>"
        f'<nav class="toc" aria-label="sections">{toc}</nav>{body}</article>'
    )


def _footer(report: Mapping[str, Any]) -> str:
    tool = report.get("tool", {})
    lines = [
        f"Generated {_e(report.get('generated', ''))} by storycheck {_e(tool.get('version', ''))}."
    ]
    lines += [f"{_e(role)}: {_e(name)}" for role, name in model_lines(report.get("models") or {})]
    writers = sorted(
        {str(s["brief"]["writer"]) for s in report.get("stories", []) if s.get("brief")}
    )
    if writers:
        lines.append(f"Brief writer: {_e(', '.join(writers))}")
    return (
        '<footer class="made"><h2>How this was made</h2><ul>'
        + "".join(f"<li>{line}</li>" for line in lines)
        + f"</ul><p>{_e(CITATION_RULE)} Click a "
        "citation to see the evidence. Claims are compared across outlets with the models "
        "above, offline; nothing in this page is fetched from the network.</p></footer>"
    )


def render_html(report: Mapping[str, Any]) -> str:
    """The whole report/1 document as one self-contained, offline HTML page."""
    articles = {str(a["id"]): a for a in report.get("articles", [])}
    stories = report.get("stories", [])
    single = len(stories) == 1
    title = story_title(stories[0], articles) if single else plural(len(stories), "story")
    story_nav = (
        '<nav aria-label="stories"><ul>'
        + "".join(
            f'<li><a href="#story-{_e(s["id"])}">{_e(story_title(s, articles))}</a></li>'
            for s in stories
        )
        + "</ul></nav>"
        if len(stories) > 1
        else ""
    )
    body = "".join(_story_html(s, articles, titled=not single) for s in stories) or (
        '<p class="muted">No story was analysed.</p>'
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(shorten(title, 90))} — storycheck</title><style>{CSS}</style></head><body>"
        f'<header><p class="kicker">storycheck report</p><h1>{_e(title)}</h1>'
        f"{story_nav}</header><main>{body}</main>{_footer(report)}"
        '<aside id="evidence" role="dialog" aria-modal="false" aria-labelledby="evidence-title" '
        'hidden><h4 id="evidence-title" style="margin:0">Evidence</h4>'
        '<div id="evidence-body"></div>'
        '<button type="button" id="evidence-close">Close</button></aside>'
        f"<script>{_JS}</script></body></html>"
    )
