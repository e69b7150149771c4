"""The ``storycheck.report/1`` JSON document: the contract other tools rely on.

Its JSON Schema ships with the package (``report-1.schema.json`` beside this module) and
every report the tests produce is validated against it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storycheck import __version__
from storycheck.model import (
    BRIEF_SECTIONS,
    Article,
    Brief,
    Claim,
    Fact,
    FactRow,
    Finding,
    StoryCheck,
)
from storycheck.verify.groups import group_ids

SCHEMA_ID = "storycheck.report/1"
#: 2 added stories[].facts, stories[].fact_table and conflicts[].status (docs/report.md)
SCHEMA_REVISION = 3


def schema_path() -> Path:
    return Path(__file__).with_name("report-1.schema.json")


def article_summary(article: Article, consistency: float | None = None) -> dict[str, Any]:
    """An article's metadata as report/1 lists it (also used by ``storycheck ls --json``)."""
    return {
        "id": article.id,
        "source": article.source,
        "outlet": article.display_outlet,
        "outlets": list(article.outlets),
        "title": article.title,
        "author": article.author,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
        "consistency": consistency,
        "flags": list(article.flags),
    }


def _claim(claim: Claim, group: str | None = None) -> dict[str, Any]:
    return {
        "id": claim.id,
        "group": group or claim.id,
        "article_id": claim.article_id,
        "text": claim.text,
        "standalone": claim.standalone,
        "span": [claim.start, claim.end],
        "kind": claim.kind.value,
        "speaker": claim.speaker,
        "status": claim.status.value,
        "supported_by": list(claim.supported_by),
        "contradicted_by": list(claim.contradicted_by),
        "evidence": [
            {
                "article_id": e.article_id,
                "text": e.text,
                "relation": e.relation.value,
                "score": e.score,
                "claim_id": e.claim_id,
            }
            for e in claim.evidence
        ],
    }


def _conflict(finding: Finding) -> dict[str, Any]:
    return {
        "kind": finding.kind,
        "status": finding.status,
        "summary": finding.summary,
        "subject": finding.subject,
        "sides": [
            {
                "value": side.value,
                "claim_ids": list(side.claim_ids),
                "article_ids": list(side.article_ids),
                "evidence": list(side.evidence),
            }
            for side in finding.sides
        ],
    }


def _fact(fact: Fact) -> dict[str, Any]:
    return {
        "id": fact.id,
        "article_id": fact.article_id,
        "sentence_index": fact.sentence_index,
        "kind": fact.kind,
        "key": fact.key,
        "slot": fact.slot,
        "value": fact.value,
        "span": [fact.start, fact.end],
        "number": fact.number,
        "upper": fact.upper,
        "qualifier": fact.qualifier,
        "unit": fact.unit,
        "scope": fact.scope,
        "source": fact.source,
        "claim_id": fact.claim_id,
    }


def _fact_row(row: FactRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "slot": row.slot,
        "kind": row.kind,
        "status": row.status,
        "cells": [
            {
                "article_id": c.article_id,
                "value": c.value,
                "fact_ids": list(c.fact_ids),
                "evidence": c.evidence,
            }
            for c in row.cells
        ],
    }


def brief_json(brief: Brief) -> dict[str, Any]:
    """A brief as report/1 stores it: sections → sentences → text, citations, support."""
    titles = dict(BRIEF_SECTIONS)
    return {
        "writer": brief.writer,
        "dropped": brief.dropped,
        "sections": [
            {
                "name": name,
                "title": titles[name],
                "sentences": [
                    {
                        "text": s.text,
                        "citations": [brief.number(a) for a in s.citations],
                        "article_ids": list(s.citations),
                        "support": list(s.support),
                        "evidence": list(s.evidence),
                        "claim_ids": list(s.claim_ids),
                        "sources": s.sources,
                        "group": s.group,
                        "status": s.status,
                        "date": s.when.isoformat() if s.when else None,
                    }
                    for s in brief.sections.get(name, ())
                ],
            }
            for name, _title in BRIEF_SECTIONS
        ],
        "sources": [
            {
                "number": src.number,
                "article_id": src.article_id,
                "outlet": src.outlet,
                "title": src.title,
                "published": src.published.isoformat() if src.published else None,
                "location": src.location,
                "consistency": src.consistency,
            }
            for src in brief.sources
        ],
    }


def build_report(
    checks: Sequence[StoryCheck],
    *,
    models: Mapping[str, str] | None = None,
    extra_articles: Sequence[Article] = (),
    briefs: Mapping[str, Brief] | None = None,
    texts: bool = False,
) -> dict[str, Any]:
    """The report document for the cross-checked stories (plus articles not analysed).

    ``briefs`` maps story ids to their brief; ``texts`` adds each article's clean text and
    sentence spans (the HTML report shows them with their sentences highlighted).
    """
    consistency = {s.article_id: s.consistency for c in checks for s in c.scores}
    breakdown = {s.article_id: s for c in checks for s in c.scores}
    articles: dict[str, dict[str, Any]] = {}
    for check in checks:
        for article in check.articles:
            row = article_summary(article, consistency.get(article.id))
            score = breakdown.get(article.id)
            if score is not None:
                row["scorecard"] = {
                    "checkable": score.checkable,
                    "corroborated": score.corroborated,
                    "contradicted": score.contradicted,
                    "mixed": score.mixed,
                    "single_source": score.single_source,
                    "unverified_quotes": score.unverified_quotes,
                }
            if texts:
                row["text"] = article.text
                row["sentences"] = [[x.start, x.end] for x in article.sentences]
            articles[article.id] = row
    for article in extra_articles:
        articles.setdefault(article.id, article_summary(article))
    return {
        "schema": SCHEMA_ID,
        "revision": SCHEMA_REVISION,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "tool": {"name": "storycheck", "version": __version__},
        "models": dict(models or {}),
        "articles": list(articles.values()),
        "stories": [
            {
                "id": check.story.id,
                "title": check.story.title,
                "article_ids": list(check.story.article_ids),
                "claims": [_claim(c, groups.get(c.id)) for c in check.claims],
                "conflicts": [_conflict(f) for f in check.findings],
                "fact_table": [_fact_row(r) for r in check.table],
                "facts": [_fact(f) for f in check.facts],
                "quotes": [
                    {
                        "id": q.id,
                        "article_id": q.article_id,
                        "text": q.text,
                        "span": [q.start, q.end],
                        "speaker": q.speaker,
                        "anonymous": q.anonymous,
                        "direct": q.direct,
                    }
                    for q in check.quotes
                ],
                "entities": [
                    {
                        "article_id": e.article_id,
                        "name": e.name,
                        "label": e.label,
                        "roles": list(e.roles),
                    }
                    for e in check.entities
                    if e.label == "PERSON" or e.roles
                ],
                **(
                    {"brief": brief_json(briefs[check.story.id])}
                    if briefs and check.story.id in briefs
                    else {}
                ),
            }
            for check in checks
            for groups in (group_ids(check.claims),)
        ],
    }
