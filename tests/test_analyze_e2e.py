"""End to end: analyze the example corpus and the seed reports with the real models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bench.gold_eval import evaluate

from storycheck.models import ModelUnavailableError
from storycheck.pipeline import analyze
from storycheck.report import build_report, schema_path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


def _report(inputs: list[str]) -> dict[str, Any]:
    try:
        analysis = analyze(inputs)
    except ModelUnavailableError as exc:
        pytest.skip(f"models not installed: {exc}")
    report = build_report(analysis.checks, models=analysis.models)
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(json.dumps(report)), schema)
    return report


@pytest.fixture(scope="module")
def example_report() -> dict[str, Any]:
    return _report([str(REPO / "examples" / "corpus")])


@pytest.fixture(scope="module")
def seeds_report() -> dict[str, Any]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not available")
    return _report([str(SEEDS)])


def test_example_corpus_against_gold(example_report: dict[str, Any]) -> None:
    gold = json.loads((REPO / "examples" / "gold.json").read_text(encoding="utf-8"))
    scores = evaluate(example_report, gold)
    assert scores["conflicts"]["recall"] >= 0.9, scores
    assert scores["conflicts"]["precision"] >= 0.9, scores
    assert scores["corroborated_recall"] >= 0.9, scores
    assert scores["fabricated_quote_recall"] >= 0.9, scores
    assert scores["single_source_recall"] >= 0.5, scores


def test_example_claim_spans(example_report: dict[str, Any]) -> None:
    ids = {a["id"] for a in example_report["articles"]}
    for claim in example_report["stories"][0]["claims"]:
        assert claim["article_id"] in ids
        start, end = claim["span"]
        assert end - start == len(claim["text"])


def _by_seed(report: dict[str, Any]) -> dict[str, str]:
    return {a["id"]: Path(a["source"]).name[:3] for a in report["articles"]}


def test_seeds_trump_time_frame_is_disputed(seeds_report: dict[str, Any]) -> None:
    seed = _by_seed(seeds_report)
    conflicts = seeds_report["stories"][0]["conflicts"]
    trump = [c for c in conflicts if c["kind"] == "role" and "Trump" in c["subject"]]
    assert trump, conflicts
    sides = {s["value"]: {seed[a] for a in s["article_ids"]} for s in trump[0]["sides"]}
    in_office = next(v for k, v in sides.items() if k == "in office")
    out = next(v for k, v in sides.items() if k != "in office")
    assert "004" in in_office
    assert {"000", "002"} <= out


def test_seeds_quotes_found_in_one_report_only_are_unverified(
    seeds_report: dict[str, Any],
) -> None:
    seed = _by_seed(seeds_report)
    claims = seeds_report["stories"][0]["claims"]
    bremmer = [c for c in claims if c["kind"] == "quote" and c["speaker"] == "Ian Bremmer"]
    assert bremmer and all(c["status"] == "unverified_quote" for c in bremmer)
    rally = [c for c in claims if "They don’t know how to negotiate" in c["text"]]
    assert (
        rally and rally[0]["status"] == "unverified_quote" and seed[rally[0]["article_id"]] == "002"
    )


def test_seeds_five_hour_meeting_is_corroborated(seeds_report: dict[str, Any]) -> None:
    """001 and 004 both report a five-hour meeting: one must support the other."""
    seed = _by_seed(seeds_report)
    claims = seeds_report["stories"][0]["claims"]
    five = [c for c in claims if "five hours" in c["text"] or "five-hour" in c["text"]]
    links = {
        (seed[c["article_id"]], seed[a])
        for c in five
        if c["status"] in ("corroborated", "mixed")
        for a in c["supported_by"]
    }
    assert ("001", "004") in links or ("004", "001") in links, links


def test_seeds_no_false_number_conflict(seeds_report: dict[str, Any]) -> None:
    numbers = [c for c in seeds_report["stories"][0]["conflicts"] if c["kind"] == "number"]
    assert not any("hour" in c["summary"] for c in numbers), numbers


def test_seeds_page_junk_never_becomes_a_claim(seeds_report: dict[str, Any]) -> None:
    texts = " ".join(c["text"] for c in seeds_report["stories"][0]["claims"])
    for junk in ("Failed to load", "Must Read", "Picture credit", "Related Sources"):
        assert junk not in texts
