"""The report as Markdown, in the order an editor reads it: the editor's summary
(disputes with every outlet on each side, unverified quotes, the least consistent
articles), the brief, the fact table, timeline, who said what, the scorecard, the
sources, and last the single-source list (ranked, capped with "… and N more")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from storycheck.report.facts import STATUS_LABEL
from storycheck.report.facts import rows as fact_rows
from storycheck.report.html import grouped
from storycheck.report.links import http_url
from storycheck.report.view import (
    CITATION_RULE,
    LINE_MARKS,
    disputes,
    full_name,
    least_consistent,
    model_lines,
    quoted,
    score_note,
    scores,
    source_articles,
    source_labels,
    story_sources,
    story_title,
    unverified,
    unverified_quotes,
)
from storycheck.words import plural

#: how many single-source lines the Markdown lists before "… and N more"
SINGLE_SOURCE_LINES = 25
SUMMARY_QUOTES = 10


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


class _Names:
    """Numbers and readable names of a story's sources."""

    def __init__(self, story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]):
        self.sources = story_sources(story, articles)
        self.number = {str(s["article_id"]): int(s["number"]) for s in self.sources}
        known = source_articles(self.sources, articles)
        ids = [str(s["article_id"]) for s in self.sources]
        self.label = source_labels(ids, known)
        self.full = {a: full_name(known[a]) for a in ids}

    def name(self, article_id: str) -> str:
        return self.label.get(article_id, article_id)

    def who(self, article_ids: Sequence[str]) -> str:
        """``Outlet A [1], Outlet B [3]``: every article by name with its number."""
        return ", ".join(
            f"{_md(self.name(a))} {_cite([self.number.get(a, 0)])}" for a in article_ids
        )

    def cite(self, article_ids: Sequence[str]) -> str:
        return _cite(sorted(self.number.get(a, 0) for a in article_ids))


def _summary(story: Mapping[str, Any], articles: Mapping[str, Any], names: _Names) -> list[str]:
    lines = ["## Editor’s summary", ""]
    found = disputes(story)
    rising = sum(1 for d in found if d.status == "update")
    also = f" and {plural(rising, 'figure')} that rose between reports" if rising else ""
    lines += [f"### Disputes ({len(found) - rising}){also}", ""]
    if not found:
        lines += ["_The sources do not contradict each other on any point found._", ""]
    for d in found:
        kind = "rose between reports" if d.status == "update" else d.kind
        lines.append(f"- **{_md(d.title)}**" + (f" _({_md(kind)})_" if kind else ""))
        for side in d.sides:
            lines.append(
                f"  - {_md(side.value)} — {names.who(side.article_ids)} "
                f"_({plural(len(side.article_ids), 'article')})_"
            )
    if found:
        lines.append("")
    quotes = unverified_quotes(story)
    lines += [f"### Unverified quotes ({len(quotes)})", ""]
    if not quotes:
        lines += ["_Every quote is carried by more than one outlet._", ""]
    for q in quotes[:SUMMARY_QUOTES]:
        named = not q.speaker or q.speaker.lower() in q.text.lower()
        speaker = "" if named else f"**{_md(q.speaker)}:** "
        lines.append(f"- {speaker}{_md(quoted(q.text))} — {names.who([q.article_id])}")
    if len(quotes) > SUMMARY_QUOTES:
        lines.append(f"- … and {len(quotes) - SUMMARY_QUOTES} more (see the single-source list)")
    if quotes:
        lines.append("")
    worst = least_consistent(story, articles)
    if worst:
        lines += ["### Least consistent articles", ""]
        for n, s in enumerate(worst, start=1):
            lines.append(
                f"{n}. {names.who([s.article_id])} — consistency {s.consistency:.2f}: "
                f"{_md(score_note(s.card))}"
            )
        lines += [
            "",
            "_A low score with nothing contradicted means the article carries much that no "
            "other source has, not that it is wrong._",
            "",
        ]
    return lines


def _section(section: Mapping[str, Any], names: _Names) -> list[str]:
    name = section["name"]
    sentences = section["sentences"]
    lines = [f"## {_md(section['title'])}", ""]
    if not sentences:
        return [*lines, "_Nothing here._", ""]
    if name == "what_happened":
        lines.append(
            " ".join(
                f"{_md(s['text'])} {_cite(s['citations'])}"
                + (f" _({LINE_MARKS[s['status']]})_" if s.get("status") in LINE_MARKS else "")
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
    elif name == "who_said_what":
        for group, items in grouped(sentences):
            lines.append(f"- **{_md(group or 'Unattributed')}**")
            for s in items:
                flag = " _(one source)_" if s["sources"] <= 1 else ""
                lines.append(f"  - {_md(s['text'])}{flag} {_cite(s['citations'])}")
    lines.append("")
    return lines


def _fact_table(story: Mapping[str, Any], names: _Names) -> list[str]:
    """The slots the outlets report, disputed first, as a Markdown table."""
    shown = fact_rows(story)
    if not shown:
        return []
    lines = ["## Fact table", "", "| Slot | Status | What each outlet says |", "|---|---|---|"]
    for row in shown:
        values = "; ".join(
            f"{_md(v.value)} — "
            + ", ".join(_md(names.name(a)) for a in v.article_ids)
            + " "
            + names.cite(v.article_ids)
            for v in row.values
        )
        lines.append(f"| {_md(row.slot)} | {STATUS_LABEL.get(row.status, row.status)} | {values} |")
    return [*lines, ""]


def _scorecard(story: Mapping[str, Any], articles: Mapping[str, Any], names: _Names) -> list[str]:
    ranked = scores(story, articles)
    if not ranked:
        return []
    lines = [
        "## Scorecard",
        "",
        "| # | Article | Consistency | Corroborated | Contradicted | Mixed | One source "
        "| Unverified quotes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in ranked:
        c = s.card
        lines.append(
            f"| {names.number.get(s.article_id, 0)} | {_md(names.name(s.article_id))} "
            f"| {s.consistency:.2f} | {c.get('corroborated', 0)} | {c.get('contradicted', 0)} "
            f"| {c.get('mixed', 0)} | {c.get('single_source', 0)} "
            f"| {c.get('unverified_quotes', 0)} |"
        )
    return [*lines, ""]


def _single(story: Mapping[str, Any], names: _Names) -> list[str]:
    items = unverified(story)
    lines = [f"## Single-source claims and quotes ({len(items)})", ""]
    if not items:
        return [*lines, "_Everything checkable is carried by more than one source._", ""]
    lines += ["_Quotes first, then the claims with names, numbers or dates._", ""]
    for i in items[:SINGLE_SOURCE_LINES]:
        text = quoted(i.text) if i.status == "unverified_quote" else i.text
        tag = "quote" if i.status == "unverified_quote" else "one source"
        lines.append(f"- {_md(text)} _({tag})_ — {names.who([i.article_id])}")
    if len(items) > SINGLE_SOURCE_LINES:
        lines.append(
            f"- … and {len(items) - SINGLE_SOURCE_LINES} more (all in the JSON and HTML reports)"
        )
    return [*lines, ""]


def _sources(names: _Names) -> list[str]:
    out = ["## Sources", ""]
    for src in names.sources:
        a = str(src["article_id"])
        parts = [f"{src['number']}. **{_md(names.full.get(a, names.name(a)))}**"]
        if src.get("published"):
            parts.append(str(src["published"])[:10])
        if src.get("location"):
            url = http_url(src["location"])
            # an autolink only for a plain http(s) URL; anything else is escaped text
            parts.append(f"<{url}>" if url else f"`{_code(str(src['location']))}`")
        if src.get("consistency") is not None:
            parts.append(f"consistency {src['consistency']:.2f}")
        out.append(" — ".join(parts))
    return [*out, ""]


def render_markdown(report: Mapping[str, Any]) -> str:
    """One Markdown document for every story in a report/1 dict (briefs included)."""
    articles = {str(a["id"]): a for a in report.get("articles", [])}
    out: list[str] = []
    for story in report.get("stories", []):
        brief = story.get("brief")
        out += [f"# {_md(story_title(story, articles))}", ""]
        names = _Names(story, articles)
        out += _summary(story, articles, names)
        if not brief:
            out += ["_No brief was written for this story._", ""]
        else:
            sections = {s["name"]: s for s in brief["sections"]}
            for name in ("what_happened", "key_facts"):
                if name in sections:
                    out += _section(sections[name], names)
            if brief.get("dropped"):
                out += [
                    f"_{brief['dropped']} candidate sentences were left out because a cited "
                    "source did not support them._",
                    "",
                ]
        out += _fact_table(story, names)
        if brief:
            sections = {s["name"]: s for s in brief["sections"]}
            for name in ("timeline", "who_said_what"):
                if name in sections:
                    out += _section(sections[name], names)
        out += _scorecard(story, articles, names)
        out += _sources(names)
        out += _single(story, names)
    meta = report.get("tool", {})
    made = [f"storycheck {meta.get('version', '')} on {report.get('generated', '')}"]
    made += [f"{role}: {name}" for role, name in model_lines(report.get("models") or {})]
    out.append("_How this was made: " + _md("; ".join(made)) + ". " + CITATION_RULE + "_")
    return "\n".join(out).rstrip() + "\n"
