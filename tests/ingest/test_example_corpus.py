"""Golden test: the bundled example corpus ingests exactly as examples/gold.json says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storycheck.ingest import ingest
from storycheck.model import Article

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    return dict(json.loads((EXAMPLES / "gold.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    result = ingest([str(EXAMPLES / "corpus")])
    assert not result.problems, result.problems
    return {a.title or a.id: a for a in result.articles}


def _copies(gold: dict[str, Any]) -> set[str]:
    return {pair["copy"] for event in gold["events"] for pair in event["syndicated"]}


def test_every_original_is_read_with_its_metadata(
    gold: dict[str, Any], articles: dict[str, Article]
) -> None:
    copies = _copies(gold)
    originals = {k: v for k, v in gold["articles"].items() if k not in copies}
    assert len(articles) == len(originals)
    for meta in originals.values():
        article = articles[meta["title"]]
        assert article.outlet == meta["outlet"]
        assert article.published is not None
        assert article.published.date().isoformat() == meta["published"]
        assert article.language == "en"


def test_syndicated_copies_are_merged_into_one_source(
    gold: dict[str, Any], articles: dict[str, Article]
) -> None:
    for event in gold["events"]:
        for pair in event["syndicated"]:
            original = gold["articles"][pair["original"]]
            copy = gold["articles"][pair["copy"]]
            merged = articles[original["title"]]
            assert merged.outlets == (original["outlet"], copy["outlet"])
            assert "syndicated" in merged.flags
            assert copy["title"] not in articles


def test_junk_lines_are_removed_and_evidence_is_kept(
    gold: dict[str, Any], articles: dict[str, Article]
) -> None:
    all_text = "\n".join(a.text for a in articles.values())
    copies = _copies(gold)
    for event in gold["events"]:
        for junk in event["junk_lines"]:
            assert junk["line"] not in all_text, junk
        evidence: list[tuple[str, str]] = []
        for fact in event["corroborated"]:
            evidence += list(fact["evidence"].items())
        for conflict in event["conflicts"]:
            for side in conflict["sides"]:
                evidence += list(side["evidence"].items())
        evidence += [(item["article"], item["text"]) for item in event["single_source"]]
        for gold_id, sentence in evidence:
            if gold_id in copies:
                continue
            article = articles[gold["articles"][gold_id]["title"]]
            sentences = {s.text for s in article.sentences}
            assert sentence in sentences, (gold_id, sentence)
