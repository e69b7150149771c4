"""Markdown and HTML rendering of a report/1 document (no models needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from storycheck.report import format_of, render_html, render_markdown, schema_path, write_report


def _sentence(text: str, ids: list[str], **extra: Any) -> dict[str, Any]:
    numbers = {"a1": 1, "a2": 2}
    return {
        "text": text,
        "citations": [numbers[i] for i in ids],
        "article_ids": ids,
        "support": [0.9 for _ in ids],
        "evidence": [f"evidence of {i}" for i in ids],
        "claim_ids": [],
        "sources": len(ids),
        "group": extra.get("group", ""),
        "status": extra.get("status", "corroborated"),
        "date": extra.get("date"),
    }


def report() -> dict[str, Any]:
    evil = "<script>alert('x')</script>"
    return {
        "schema": "storycheck.report/1",
        "generated": "2026-11-23T12:00:00+00:00",
        "tool": {"name": "storycheck", "version": "0"},
        "models": {},
        "articles": [
            {
                "id": i,
                "source": f"{i}.txt",
                "outlet": f"Outlet {i} {evil}",
                "title": f"Title {i}",
                "published": "2025-10-14T08:00:00+00:00",
                "consistency": c,
                "flags": [],
                "text": f"The bridge reopened on Monday. {evil} Twelve people attended.",
                "scorecard": {"checkable": 2, "corroborated": 1},
            }
            for i, c in (("a1", 0.9), ("a2", 0.4))
        ],
        "stories": [
            {
                "id": "s1",
                "title": f"Bridge {evil}",
                "article_ids": ["a1", "a2"],
                "claims": [
                    {
                        "id": f"{i}:c0",
                        "group": "a1:c0",
                        "article_id": i,
                        "text": "The bridge reopened on Monday.",
                        "span": [0, 30],
                        "kind": "fact",
                        "speaker": None,
                        "status": "corroborated",
                        "supported_by": ["a2" if i == "a1" else "a1"],
                        "contradicted_by": [],
                        "evidence": [],
                    }
                    for i in ("a1", "a2")
                ],
                "conflicts": [],
                "fact_table": [
                    {
                        "key": "injured",
                        "slot": "people injured",
                        "kind": "quantity",
                        "status": "disputed",
                        "cells": [
                            {
                                "article_id": "a1",
                                "value": "12",
                                "fact_ids": ["a1:f0"],
                                "evidence": f"Twelve people were hurt {evil}.",
                            },
                            {
                                "article_id": "a2",
                                "value": "15",
                                "fact_ids": ["a2:f0"],
                                "evidence": "15 people were hurt.",
                            },
                        ],
                    },
                    {
                        "key": "date|occur|bridge",
                        "slot": "when bridge reopen",
                        "kind": "date",
                        "status": "agreed",
                        "cells": [
                            {"article_id": i, "value": "Monday", "fact_ids": [f"{i}:f1"]}
                            for i in ("a1", "a2")
                        ],
                    },
                ],
                "facts": [
                    {
                        "id": f"{i}:f0",
                        "article_id": i,
                        "sentence_index": 0,
                        "kind": "quantity",
                        "key": "injured",
                        "slot": "people injured",
                        "value": v,
                        "span": [0, 2],
                        "number": float(v),
                        "upper": None,
                        "qualifier": None,
                        "unit": None,
                        "scope": "main",
                        "source": None,
                        "claim_id": "",
                    }
                    for i, v in (("a1", "12"), ("a2", "15"))
                ],
                "brief": {
                    "writer": "extractive",
                    "dropped": 1,
                    "sections": [
                        {
                            "name": "what_happened",
                            "title": "What happened",
                            "sentences": [
                                _sentence("The bridge reopened on Monday.", ["a1", "a2"])
                            ],
                        },
                        {"name": "key_facts", "title": "Key facts", "sentences": []},
                        {
                            "name": "timeline",
                            "title": "Timeline",
                            "sentences": [
                                _sentence(
                                    "The bridge reopened.",
                                    ["a1", "a2"],
                                    group="13 October 2025",
                                    date="2025-10-13",
                                )
                            ],
                        },
                        {
                            "name": "who_said_what",
                            "title": "Who said what",
                            "sentences": [
                                _sentence(
                                    f"“Open,” said Ana {evil}.",
                                    ["a1"],
                                    group="Ana Ruiz",
                                    status="unverified_quote",
                                )
                            ],
                        },
                        {
                            "name": "disputed",
                            "title": "Disputed",
                            "sentences": [
                                _sentence(
                                    "12 people",
                                    ["a1"],
                                    group="Conflicting figures",
                                    status="number",
                                ),
                                _sentence(
                                    "15 people",
                                    ["a2"],
                                    group="Conflicting figures",
                                    status="number",
                                ),
                            ],
                        },
                        {"name": "unverified", "title": "Unverified", "sentences": []},
                    ],
                    "sources": [
                        {
                            "number": n,
                            "article_id": i,
                            "outlet": f"Outlet {i}",
                            "title": "T",
                            "published": None,
                            "location": f"{i}.txt",
                            "consistency": c,
                        }
                        for n, i, c in ((1, "a1", 0.9), (2, "a2", 0.4))
                    ],
                },
            }
        ],
    }


def test_report_fixture_is_valid_report_1() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.validate(report(), schema)


def test_html_is_self_contained_and_escapes_article_text() -> None:
    page = render_html(report())
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert not re.search(r'(?:src|href)="https?://', page)  # no CDN, nothing fetched
    assert "<link" not in page and "@import" not in page
    assert page.count("<script>") == 1  # only our own inline script
    assert '<table class="matrix">' in page and 'class="chart bars"' in page
    assert 'class="chart timeline"' in page
    assert 'class="cite"' in page and 'data-evidence="evidence of a1"' in page
    assert "Conflicting figures" in page and "15 people" in page
    assert '<mark class="corroborated"' in page
    # the fact table: one row per slot, disputed first, a cell per outlet with its sentence
    table = page[page.index('<table class="facts">') :]
    assert table.index("people injured") < table.index("when bridge reopen")
    assert '<tr class="disputed">' in table and 'class="cite fact"' in table
    assert "Twelve people were hurt &lt;script&gt;" in table


def test_markdown_has_sections_citations_and_sources() -> None:
    md = render_markdown(report())
    assert "## What happened" in md and "The bridge reopened on Monday. [1][2]" in md
    assert "- **Conflicting figures**" in md and "15 people" in md
    assert "## Sources" in md and "consistency 0.40" in md
    assert "\\<script\\>" in md  # markup in text is escaped
    assert "## Fact table" in md
    assert "| people injured | disputed | 12 — Outlet a1 [1]; 15 — Outlet a2 [2] |" in md


def test_write_report_picks_the_format_by_suffix(tmp_path: Path) -> None:
    for name in ("r.json", "r.md", "r.html"):
        write_report(report(), tmp_path / name)
    assert json.loads((tmp_path / "r.json").read_text())["schema"] == "storycheck.report/1"
    assert (tmp_path / "r.md").read_text().startswith("# Bridge")
    assert (tmp_path / "r.html").read_text().startswith("<!doctype html>")
    with pytest.raises(ValueError, match="unknown report format"):
        format_of("r.pdf")
