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
from storycheck.model import Claim
from storycheck.models import ModelUnavailableError, get_nli
from storycheck.verify.checks import _compatible, _date_value

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


def _claim(text: str) -> Claim:
    return Claim(
        id="x",
        article_id="x",
        sentence_index=0,
        start=0,
        end=len(text),
        text=text,
        quantities=tuple(find_quantities(text)),
        dates=tuple(find_dates(text)),
    )


def rule_contradiction(premise: str, hypothesis: str) -> bool:
    """The structured checks of verify, applied to one pair: incompatible figures for the
    same unit, or different dates/weekdays, with no matching value on the other side."""
    p, h = _claim(premise), _claim(hypothesis)
    for qh in h.quantities:
        same = [q for q in p.quantities if q.unit == qh.unit and q.kind == qh.kind and q.unit]
        if same and not any(_compatible(q, qh) for q in same):
            return True
    dp, dh = _date_value(p), _date_value(h)
    return dp is not None and dh is not None and dp.split()[0] != dh.split()[0]


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
