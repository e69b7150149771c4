"""A cross-check in the terminal (rich), readable in 100 columns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from storycheck.model import Brief, ClaimStatus, StoryCheck
from storycheck.report.facts import STATUS_LABEL
from storycheck.report.view import (
    LINE_MARKS,
    article_record,
    balance_quotes,
    full_name,
    short_quote,
    shorten,
    source_labels,
    story_title,
)
from storycheck.words import plural

_STATUS_STYLE = {
    "corroborated": "green",
    "contradicted": "red",
    "mixed": "yellow",
    "single_source": "cyan",
    "unverified_quote": "magenta",
}


def render_brief(brief: Brief, console: Console, cite: Callable[[Sequence[str]], str]) -> None:
    """What happened, key facts, timeline and who said what, each line cited."""
    sections = brief.sections
    console.print(Text("\nWhat happened", style="bold green"))
    what = sections.get("what_happened", ())
    if what:
        console.print(
            "  "
            + " ".join(
                f"{s.text} {cite(s.citations)}"
                + (f" ({LINE_MARKS[s.status]})" if s.status in LINE_MARKS else "")
                for s in what
            ),
            markup=False,
        )
    else:
        console.print("  no statement is supported by two or more independent sources")
    facts = sections.get("key_facts", ())
    if facts:
        console.print(Text("\nKey facts", style="bold green"))
        for s in facts:
            console.print(
                f"  • {s.text} {cite(s.citations)} ({plural(s.sources, 'source')})", markup=False
            )
    timeline = sections.get("timeline", ())
    if timeline:
        console.print(Text("\nTimeline", style="bold green"))
        for s in timeline:
            console.print(f"  {s.group}: {s.text} {cite(s.citations)}", markup=False)
    actors = sections.get("who_said_what", ())
    if actors:
        console.print(Text("\nWho said what", style="bold green"))
        last = None
        for s in actors:
            if s.group != last:
                console.print(Text(f"  {s.group}", style="bold"))
                last = s.group
            one = " (one source)" if s.sources <= 1 else ""
            line = balance_quotes(shorten(s.text, 220))
            console.print(f"    – {line} {cite(s.citations)}{one}", markup=False)
    if brief.dropped:
        console.print(
            Text(
                f"  ({brief.dropped} candidate sentences left out: a cited source did not "
                "support them)",
                style="dim",
            )
        )


_ROW_STYLE = {"disputed": "red", "update": "yellow", "agreed": "green"}


def outlet_names(check: StoryCheck) -> dict[str, str]:
    """A readable, unique name per article: its outlet, else its title, else its opening
    words (never a file-name hash when anything better is known)."""
    records = {a.id: article_record(a) for a in check.articles}
    return source_labels([a.id for a in check.articles], records, limit=40)


def render_fact_table(
    check: StoryCheck, console: Console, cite: Callable[[Sequence[str]], str], agreed: int = 8
) -> None:
    """The slots the outlets report (disputed first), each value with its outlets."""
    shown = [r for r in check.table if r.status in ("disputed", "update")]
    shown += [r for r in check.table if r.status == "agreed"][:agreed]
    if not shown:
        return
    outlet = outlet_names(check)
    table = Table(title="Fact table", title_justify="left", show_lines=False)
    table.add_column("slot", max_width=34)
    table.add_column("status")
    table.add_column("what each outlet says", max_width=60)
    for row in shown:
        groups: dict[str, list[str]] = {}
        for cell in row.cells:
            groups.setdefault(cell.value.lower(), [cell.value]).append(cell.article_id)
        values = "; ".join(
            f"{ids[0]}: " + ", ".join(outlet[a] for a in ids[1:]) + " " + cite(ids[1:])
            for ids in sorted(groups.values(), key=lambda v: -len(v))
        )
        table.add_row(
            Text(row.slot),
            Text(STATUS_LABEL.get(row.status, row.status), style=_ROW_STYLE.get(row.status, "")),
            Text(values),
        )
    console.print()
    console.print(table)


def render_check(check: StoryCheck, console: Console, brief: Brief | None = None) -> None:
    """The brief, disputed points, unverified material and the consistency scorecard."""
    number = {a.id: n for n, a in enumerate(check.articles, start=1)}
    outlet = outlet_names(check)
    records = {a.id: article_record(a) for a in check.articles}

    def cite(ids: Sequence[str]) -> str:
        return "".join(f"[{number[i]}]" for i in sorted(ids, key=lambda i: number.get(i, 0)))

    title = story_title(
        {"title": check.story.title, "article_ids": check.story.article_ids}, records
    )
    console.print(Text(title, style="bold"))
    counts = Counter(c.status.value for c in check.claims if c.status is not ClaimStatus.UNCHECKED)
    summary = Text(
        f"{plural(len(check.articles), 'source')} · "
        f"{plural(sum(counts.values()), 'checkable claim')}: "
    )
    for status, style in _STATUS_STYLE.items():
        n = counts.get(status, 0)
        label = plural(n, "unverified quote") if status == "unverified_quote" else f"{n} {status}"
        summary.append(f"{label.replace('_', ' ')}  ", style=style)
    console.print(summary)
    if brief is not None:
        render_brief(brief, console, cite)

    console.print(Text("\nDisputed", style="bold red"))
    if not check.findings:
        console.print("  nothing disputed")
    for finding in check.findings:
        console.print(Text(f"• [{finding.kind}] {finding.summary}", style="red"))
        for side in finding.sides:
            line = Text(f"    {side.value}: ", style="bold")
            line.append(
                ", ".join(outlet[a] for a in side.article_ids) + " " + cite(side.article_ids)
            )
            console.print(line)

    render_fact_table(check, console, cite)

    unverified = [c for c in check.claims if c.status is ClaimStatus.UNVERIFIED_QUOTE]
    console.print(Text("\nUnverified quotes (one source only)", style="bold magenta"))
    for claim in unverified[:15]:
        named = claim.speaker and claim.speaker.lower() in claim.text.lower()
        who = "" if named else f"{claim.speaker or 'unattributed'}: "
        console.print(
            f"  • {who}{short_quote(claim.text, 200)} {cite([claim.article_id])} "
            f"({outlet[claim.article_id]})",
            markup=False,
        )
    if not unverified:
        console.print("  none")
    single = [c for c in check.claims if c.status is ClaimStatus.SINGLE_SOURCE]
    if single:
        console.print(
            Text(
                f"\nSingle-source claims: {len(single)} (all in the JSON/HTML report)",
                style="bold cyan",
            )
        )
        for claim in single[:8]:
            console.print(
                f"  • {shorten(claim.text, 180)} {cite([claim.article_id])} "
                f"({outlet[claim.article_id]})",
                markup=False,
            )

    table = Table(title="Consistency scorecard", title_justify="left")
    for column in ("#", "outlet", "consistency", "corrob.", "contra.", "mixed", "single", "unv. q"):
        table.add_column(column, justify="right" if column != "outlet" else "left")
    for score in sorted(check.scores, key=lambda s: s.consistency):
        bar = "█" * round(score.consistency * 10)
        table.add_row(
            str(number[score.article_id]),
            shorten(outlet[score.article_id], 28),
            f"{score.consistency:.2f} {bar}",
            str(score.corroborated),
            str(score.contradicted),
            str(score.mixed),
            str(score.single_source),
            str(score.unverified_quotes),
        )
    console.print()
    console.print(table)
    console.print(Text("Sources", style="bold"))
    for article in check.articles:
        date = article.published.date().isoformat() if article.published else "undated"
        console.print(
            f"  [{number[article.id]}] {full_name(records[article.id])}"
            f" · {date} · {article.url or article.source}",
            markup=False,
        )
