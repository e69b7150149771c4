"""Audit results as JSON (``storycheck.audit/1``), Markdown and self-contained HTML."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from html import escape
from typing import Any

from storycheck import __version__
from storycheck.model import AuditResult
from storycheck.report.html import CSS
from storycheck.report.jsonreport import article_summary
from storycheck.words import plural

AUDIT_SCHEMA_ID = "storycheck.audit/1"
_STYLE = {
    "supported": "corroborated",
    "contradicted": "contradicted",
    "not_found": "unverified_quote",  # amber: unverified, not contradicted
}
_LABEL = {"supported": "supported", "contradicted": "contradicted", "not_found": "not found"}


def audit_json(result: AuditResult, models: Mapping[str, str] | None = None) -> dict[str, Any]:
    numbers = {a.id: n for n, a in enumerate(result.sources, start=1)}
    return {
        "schema": AUDIT_SCHEMA_ID,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "tool": {"name": "storycheck", "version": __version__},
        "models": dict(models or {}),
        "draft": article_summary(result.draft),
        "summary": {"sentences": len(result.sentences), **result.counts()},
        "sources": [{**article_summary(a), "number": numbers[a.id]} for a in result.sources],
        "sentences": [
            {
                "index": s.index,
                "span": [s.start, s.end],
                "text": s.text,
                "verdict": s.verdict.value,
                "score": s.score,
                "reason": s.reason,
                "evidence": [
                    {
                        "article_id": e.article_id,
                        "source": numbers.get(e.article_id, 0),
                        "outlet": e.outlet,
                        "text": e.text,
                        "relation": e.relation,
                        "score": e.score,
                    }
                    for e in s.evidence
                ],
            }
            for s in result.sentences
        ],
    }


def audit_markdown(doc: Mapping[str, Any]) -> str:
    s = doc["summary"]
    title = doc["draft"].get("title") or doc["draft"]["source"]
    lines = [
        f"# Audit: {title}",
        "",
        f"{plural(s['sentences'], 'sentence')}: **{s['supported']} supported**, "
        f"**{s['contradicted']} contradicted**, **{s['not_found']} not found** in "
        f"{plural(len(doc['sources']), 'source')}.",
        "",
    ]
    for row in doc["sentences"]:
        cites = "".join(f"[{e['source']}]" for e in row["evidence"])
        lines.append(f"- **{_LABEL[row['verdict']]}** — {row['text']} {cites}")
        if row["verdict"] != "supported" and row["reason"]:
            lines.append(f"  - {row['reason']}")
        for e in row["evidence"][:2]:
            lines.append(f"  - {e['outlet']} ({e['relation']} {e['score']:.2f}): “{e['text']}”")
    lines += ["", "## Sources", ""]
    for src in doc["sources"]:
        lines.append(
            f"{src['number']}. {src['outlet']} — {src.get('title') or ''} ({src['source']})"
        )
    return "\n".join(lines) + "\n"


def audit_html(doc: Mapping[str, Any]) -> str:
    s = doc["summary"]
    title = str(doc["draft"].get("title") or doc["draft"]["source"])
    rows = []
    for row in doc["sentences"]:
        ev = "".join(
            f"<li><strong>[{e['source']}] {escape(e['outlet'])}</strong> "
            f"({escape(e['relation'])} {float(e['score']):.2f}): "
            f"<q>{escape(e['text'])}</q></li>"
            for e in row["evidence"]
        )
        rows.append(
            f'<tr class="verdict-{escape(row["verdict"])}"><td><mark class="'
            f'{_STYLE[row["verdict"]]}">{escape(row["text"])}</mark></td>'
            f'<td><span class="badge {_STYLE[row["verdict"]]}">{_LABEL[row["verdict"]]}</span>'
            f"<br><small>{escape(row['reason'])}</small></td><td><ul>{ev}</ul></td></tr>"
        )
    sources = "".join(
        f'<li value="{int(src["number"])}">{escape(src["outlet"])} — '
        f"{escape(src.get('title') or '')} <code>{escape(src['source'])}</code></li>"
        for src in doc["sources"]
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>storycheck audit — {escape(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>Audit: {escape(title)}</h1><p>{plural(s['sentences'], 'sentence')}: "
        f'<span class="corroborated">{s["supported"]} supported</span> · '
        f'<span class="contradicted">{s["contradicted"]} contradicted</span> · '
        f'<span class="unverified_quote">{s["not_found"]} not found</span> in '
        f"{len(doc['sources'])} sources</p></header>"
        "<main><table><thead><tr><th scope=col>Sentence</th>"
        "<th scope=col>Verdict</th><th scope=col>Evidence</th></tr></thead><tbody>"
        + "".join(rows)
        + f"</tbody></table><h2>Sources</h2><ol>{sources}</ol></main></body></html>"
    )
