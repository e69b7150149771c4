"""The report as Markdown: the brief with citations, disputed and unverified points, sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from storycheck.report.facts import STATUS_LABEL
from storycheck.report.facts import rows as fact_rows
from storycheck.report.html import grouped
from storycheck.report.links import http_url
from storycheck.words import plural


def _cite(numbers: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def _code(text: str) -> str:
    """Text for an inline code span: no backticks or line breaks to end it early."""
    return " ".join(text.replace("`", "'").split())


def _md(text: str) -> str:
    """Escape the characters Markdown would read as markup inside running text."""
    out = text.replace("\\", "\\\\")
    for ch in "*_`[]<>|":
        out = out.replace(ch, "\\" + ch)
    return out


def _section(section: Mapping[str, Any], outlets: Mapping[int, str]) -> list[str]:
    name = section["name"]
    sentences = section["sentences"]
    lines = [f"## {_md(section['title'])}", ""]
    if not sentences:
        return [*lines, "_Nothing here._", ""]
    if name == "what_happened":
        lines.append(
            " ".join(
                f"{_md(s['text'])} {_cite(s['citations'])}"
                + (" _(one source)_" if s.get("status") == "single_source" else "")
                for s in sentences
            )
        )
    elif name == "key_facts":
        for s in sentences:
            lines.append(
                f"- {_md(s['text'])} {_cite(s['citations'])} _({plural(s['sources'], 'source')})_"
            )
    elif name == "timeline":
        for s in sentences:
            lines.append(f"- **{_md(s['group'])}** — {_md(s['text'])} {_cite(s['citations'])}")
    elif name == "disputed":
        for group, sides in grouped(sentences):
            lines.append(f"- **{_md(group)}**")
            for side in sides:
                who = ", ".join(outlets.get(n, str(n)) for n in side["citations"])
                lines.append(f"  - {_md(side['text'])} — {_md(who)} {_cite(side['citations'])}")
    elif name in ("who_said_what", "unverified"):
        for group, items in grouped(sentences):
            if name == "who_said_what" or group:
                lines.append(f"- **{_md(group or 'Unattributed')}**")
            for s in items:
                flag = " _(one source)_" if s["sources"] <= 1 and name == "who_said_what" else ""
                where = ""
                if name == "unverified":
                    where = " — " + ", ".join(outlets.get(n, str(n)) for n in s["citations"])
                indent = "  " if (name == "who_said_what" or group) else ""
                lines.append(
                    f"{indent}- {_md(s['text'])}{flag}{_md(where)} {_cite(s['citations'])}"
                )
    lines.append("")
    return lines


def _fact_table(story: Mapping[str, Any], outlets: Mapping[int, str]) -> list[str]:
    """The slots the outlets report, disputed first, as a Markdown table."""
    shown = fact_rows(story)
    if not shown:
        return []
    number = {src_id: n for n, src_id in _numbers(story).items()}
    lines = ["## Fact table", "", "| Slot | Status | What each outlet says |", "|---|---|---|"]
    for row in shown:
        values = "; ".join(
            f"{_md(v.value)} — "
            + ", ".join(_md(outlets.get(number.get(a, 0), a)) for a in v.article_ids)
            + " "
            + _cite(sorted(number.get(a, 0) for a in v.article_ids))
            for v in row.values
        )
        lines.append(f"| {_md(row.slot)} | {STATUS_LABEL.get(row.status, row.status)} | {values} |")
    return [*lines, ""]


def _numbers(story: Mapping[str, Any]) -> dict[int, str]:
    brief = story.get("brief") or {}
    sources = brief.get("sources") or []
    if sources:
        return {int(s["number"]): str(s["article_id"]) for s in sources}
    return {n: str(a) for n, a in enumerate(story.get("article_ids", []), start=1)}


def render_markdown(report: Mapping[str, Any]) -> str:
    """One Markdown document for every story in a report/1 dict (briefs included)."""
    out: list[str] = []
    for story in report.get("stories", []):
        brief = story.get("brief")
        out += [f"# {_md(story['title'])}", ""]
        if not brief:
            out += ["_No brief was written for this story._", ""]
            continue
        outlets = {src["number"]: src["outlet"] for src in brief["sources"]}
        for section in brief["sections"]:
            out += _section(section, outlets)
        out += _fact_table(story, outlets)
        if brief.get("dropped"):
            out += [
                f"_{brief['dropped']} candidate sentences were left out because a cited "
                "source did not support them._",
                "",
            ]
        out += ["## Sources", ""]
        for src in brief["sources"]:
            parts = [f"{src['number']}. **{_md(src['outlet'])}**"]
            if src.get("title"):
                parts.append(f"“{_md(src['title'])}”")
            if src.get("published"):
                parts.append(str(src["published"])[:10])
            if src.get("location"):
                url = http_url(src["location"])
                # an autolink only for a plain http(s) URL; anything else is escaped text
                parts.append(f"<{url}>" if url else f"`{_code(str(src['location']))}`")
            if src.get("consistency") is not None:
                parts.append(f"consistency {src['consistency']:.2f}")
            out.append(" — ".join(parts))
        out.append("")
    meta = report.get("tool", {})
    out.append(
        f"_Written by storycheck {meta.get('version', '')} on {report.get('generated', '')}; "
        "every sentence cites the sources that support it._"
    )
    return "\n".join(out).rstrip() + "\n"
