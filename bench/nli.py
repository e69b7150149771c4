"""Entailment/contradiction quality of every NLI backend on storycheck's news NLI set.

Run: ``python -m bench.nli [--split test] [--models news-nli,aegis-nli]``; prints one JSON
object: accuracy, macro-F1, per-class recall and per-phenomenon accuracy for each model,
and for each model combined with storycheck's structured rules (a number or date that
cannot match turns the pair into a contradiction), plus pairs/s. The test split is never
used for tuning; thresholds and training use train/dev only.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from storycheck.claims.dates import find_dates
from storycheck.claims.numbers import find_quantities
from storycheck.facts import compatible
from storycheck.model import DateMention, Fact, Quantity
from storycheck.models import ModelUnavailableError, get_nli

LABELS = ("entailment", "neutral", "contradiction")
DATA = Path(__file__).resolve().parents[1] / "data" / "nli"


def load(split: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted(DATA.glob("news_nli_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row["split"] == split:
                    rows.append(row)
    return rows


def _fact(q: Quantity) -> Fact:
    """A figure of one sentence as a fact of the fact table (slot = its unit)."""
    return Fact("x", "x", 0, "quantity", q.unit or "", q.unit or "", q.text, q.start, q.end,
                q.value, None, q.qualifier, q.unit)  # fmt: skip


def _day(dates: Sequence[DateMention]) -> str | None:
    known = [d for d in dates if d.value is not None or d.weekday is not None]
    if len(known) != 1:
        return None
    d = known[0]
    return str(d.value.weekday() if d.value is not None else d.weekday)


def rule_contradiction(premise: str, hypothesis: str) -> bool:
    """The fact table's comparison applied to one pair: incompatible figures of the same
    unit (qualifiers as intervals), or different days, with no matching value on the
    other side."""
    p, h = find_quantities(premise), find_quantities(hypothesis)
    for qh in h:
        same = [q for q in p if q.unit == qh.unit and q.kind == qh.kind and q.unit]
        if same and not any(compatible(_fact(q), _fact(qh)) for q in same):
            return True
    dp, dh = _day(find_dates(premise)), _day(find_dates(hypothesis))
    return dp is not None and dh is not None and dp != dh


def metrics(gold: Sequence[str], pred: Sequence[str], phenomena: Sequence[str]) -> dict[str, Any]:
    recall = {}
    f1s = []
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label and g != label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        r = tp / (tp + fn) if tp + fn else 0.0
        pr = tp / (tp + fp) if tp + fp else 0.0
        recall[label] = round(r, 3)
        f1s.append(2 * pr * r / (pr + r) if pr + r else 0.0)
    by_phen: dict[str, list[bool]] = defaultdict(list)
    for g, p, ph in zip(gold, pred, phenomena, strict=True):
        by_phen[ph].append(g == p)
    return {
        "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 3),
        "macro_f1": round(float(np.mean(f1s)), 3),
        "recall": recall,
        "by_phenomenon": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_phen.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    parser.add_argument(
        "--models",
        default="news-nli,aegis-nli,ensemble:news-nli+aegis-nli,stacked,news-nli-deberta",
    )
    args = parser.parse_args()
    rows = load(args.split)
    gold = [r["label"] for r in rows]
    phenomena = [r["phenomenon"] for r in rows]
    pairs = [(r["premise"], r["hypothesis"]) for r in rows]
    rules = [rule_contradiction(p, h) for p, h in pairs]
    out: dict[str, Any] = {
        "bench": "nli",
        "machine": f"{platform.machine()} {platform.python_version()}",
        "data": f"data/nli news_nli_*.jsonl split={args.split}",
        "pairs": len(rows),
        "labels": dict(Counter(gold)),
        "rules_fire": sum(rules),
        "models": {},
    }
    for name in args.models.split(","):
        try:
            nli = get_nli(name)
            nli.load()
        except ModelUnavailableError as exc:
            out["models"][name] = {"skipped": str(exc)}
            continue
        start = time.perf_counter()
        probs = nli.relations(pairs)
        seconds = time.perf_counter() - start
        pred = [LABELS[int(np.argmax(p))] for p in probs]
        combined = ["contradiction" if r else p for p, r in zip(pred, rules, strict=True)]
        out["models"][name] = {
            **metrics(gold, pred, phenomena),
            "pairs_per_s": round(len(pairs) / seconds, 1),
            "with_rules": metrics(gold, combined, phenomena),
        }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
