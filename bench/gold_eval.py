"""Score a storycheck.report/1 JSON against examples/gold.json (precision/recall).

Run: ``python -m bench.gold_eval REPORT.json [GOLD.json]``; prints one JSON object.
Used by the end-to-end test on the example corpus, so the test and the benchmark
measure the same thing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

GOLD = Path(__file__).resolve().parents[1] / "examples" / "gold.json"


def _resolve_ids(report: dict[str, Any], gold: dict[str, Any]) -> dict[str, str]:
    """gold article id → report article id (syndicated copies map to their original)."""
    by_title = {a["title"]: a["id"] for a in report["articles"] if a.get("title")}
    ids = {g: by_title[m["title"]] for g, m in gold["articles"].items() if m["title"] in by_title}
    for event in gold["events"]:
        for pair in event["syndicated"]:
            if pair["original"] in ids:
                ids[pair["copy"]] = ids[pair["original"]]
    return ids


def _claims(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for story in report["stories"] for c in story["claims"]]


def _conflicts(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for story in report["stories"] for c in story["conflicts"]]


def _matches(finding: dict[str, Any], kind: str, sides: list[set[str]]) -> bool:
    if finding["kind"] != kind:
        return False
    found = [set(side["article_ids"]) for side in finding["sides"]]
    used: set[int] = set()
    for wanted in sides:
        hit = next((n for n, f in enumerate(found) if n not in used and f & wanted), None)
        if hit is None:
            return False
        used.add(hit)
    return True


def evaluate(report: dict[str, Any], gold: dict[str, Any]) -> dict[str, Any]:
    ids = _resolve_ids(report, gold)
    findings = _conflicts(report)
    claims = _claims(report)
    wanted: list[tuple[str, list[set[str]]]] = []
    for event in gold["events"]:
        for conflict in event["conflicts"]:
            wanted.append(
                (
                    conflict["kind"],
                    [{ids[a] for a in s["articles"] if a in ids} for s in conflict["sides"]],
                )
            )
        others = {ids[a] for a in event["articles"] if a in ids}
        for item in event["anachronisms"]:
            mine = {ids[item["article"]]}
            wanted.append(("role", [mine, others - mine]))
    found_wanted = [any(_matches(f, k, s) for f in findings) for k, s in wanted]
    useful = [any(_matches(f, k, s) for k, s in wanted) for f in findings]

    def claim_at(article: str, sentence: str) -> list[dict[str, Any]]:
        aid = ids.get(article)
        return [
            c
            for c in claims
            if (c["article_id"] == aid and c["text"] in sentence)
            or (c["article_id"] == aid and sentence in c["text"])
        ]

    corroborated: list[bool] = []
    for event in gold["events"]:
        for fact in event["corroborated"]:
            supporters = {ids[a] for a in fact["articles"] if a in ids}
            ok = False
            for article, sentence in fact["evidence"].items():
                for claim in claim_at(article, sentence):
                    if claim["status"] in ("corroborated", "mixed") and (
                        set(claim["supported_by"]) & (supporters - {claim["article_id"]})
                    ):
                        ok = True
            corroborated.append(ok)
    single: list[bool] = []
    for event in gold["events"]:
        for item in event["single_source"]:
            hits = claim_at(item["article"], item["text"])
            single.append(
                bool(hits)
                and all(h["status"] in ("single_source", "unverified_quote") for h in hits)
            )
    fabricated: list[bool] = []
    for event in gold["events"]:
        for item in event["fabricated_quotes"]:
            aid = ids.get(item["article"])
            hits = [c for c in claims if c["article_id"] == aid and item["quote"][:40] in c["text"]]
            fabricated.append(bool(hits) and all(h["status"] == "unverified_quote" for h in hits))

    def rate(xs: list[bool]) -> float:
        return round(sum(xs) / len(xs), 3) if xs else 1.0

    return {
        "conflicts": {
            "gold": len(wanted),
            "found": len(findings),
            "recall": rate(found_wanted),
            "precision": rate(useful),
            "missed": [w[0] for w, ok in zip(wanted, found_wanted, strict=True) if not ok],
            "unmatched": [f["summary"] for f, ok in zip(findings, useful, strict=True) if not ok],
        },
        "corroborated_recall": rate(corroborated),
        "single_source_recall": rate(single),
        "fabricated_quote_recall": rate(fabricated),
    }


def main() -> None:
    report = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    gold_path = Path(sys.argv[2]) if len(sys.argv) > 2 else GOLD
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    print(json.dumps(evaluate(report, gold), indent=2))


if __name__ == "__main__":
    main()
