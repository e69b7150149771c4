"""Citations: how strict must the brief's per-citation support check be?

Run: ``python -m bench.citations [--fast] [--limit N]``; prints one JSON object
(``{"skipped": ...}`` when ``../shared/data`` is absent).

The brief keeps a citation only when the cited article supports the sentence
(:meth:`storycheck.brief.writer.BriefWriter._holds`): the support checker's P(entail) on the
article's best passage (:class:`storycheck.verify.support.SupportIndex`) reaches
``BriefOptions.support``, the passage shares enough content words, and the article names
every name and figure of the sentence (:func:`storycheck.verify.support.specifics_found`).
This script measures that decision on labelled data the NLI head never trained on: the
``tune`` halves of FRANK valid (news summaries against their CNN/DM or BBC article:
consistent or not) and WiCE dev (a claim against its cited evidence: supported or not).
Each summary sentence is one "citation" of the source; an item is supported when every one
of its sentences is. For each threshold it prints the precision (of the items called
supported, the share truly supported), recall and F0.5 (precision weighted), with and
without the names-and-figures guard, and the threshold with the best F0.5 on the two sets
together: that is the default ``BriefOptions.support``. The test halves are not used.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from bench.common import SHARED_DATA, machine, spread
from bench.grounding import Item, load_frank, load_wice
from storycheck.brief import BriefOptions
from storycheck.ingest.pipeline import build_article
from storycheck.model import Article, Document, SourceFormat
from storycheck.models import get_embedder, get_nli
from storycheck.verify.support import SupportIndex, common_ground, specifics_found

THRESHOLDS = tuple(round(0.3 + 0.05 * n, 2) for n in range(14))  # 0.30 … 0.95


def _article(n: int, source: str) -> Article | None:
    try:
        return build_article(Document(source=f"item-{n}", format=SourceFormat.TEXT, text=source))
    except Exception:  # an empty source after cleaning
        return None


def score_items(
    items: Sequence[Item], coverage: float
) -> tuple[list[list[float]], list[list[bool]], list[bool]]:
    """Per item and sentence: the support checker's P(entail) (0 when the lexical
    coverage guard rejects the best passage) and whether the names guard passes."""
    embedder, nli = get_embedder(), get_nli()
    scores: list[list[float]] = []
    names: list[list[bool]] = []
    labels: list[bool] = []
    for n, item in enumerate(items):
        article = _article(n, item.source)
        if article is None or not item.claims:
            continue
        index = SupportIndex([article], embedder=embedder, nli=nli)
        found = index.support_evidence([(claim, (article.id,)) for claim in item.claims])
        row, ok = [], []
        for claim, (support, passages) in zip(item.claims, found, strict=True):
            grounded = common_ground(claim, passages[0], coverage) if passages[0] else False
            row.append(support[0] if grounded else 0.0)
            ok.append(specifics_found(claim, article.text))
        scores.append(row)
        names.append(ok)
        labels.append(item.label)
    return scores, names, labels


def sweep(
    scores: Sequence[Sequence[float]],
    names: Sequence[Sequence[bool]],
    labels: Sequence[bool],
    guard: bool,
) -> list[dict[str, float]]:
    """Precision, recall and F0.5 of "supported" per threshold."""
    gold = np.asarray(labels, dtype=bool)
    out = []
    for t in THRESHOLDS:
        pred = np.asarray(
            [
                all(s >= t and (ok or not guard) for s, ok in zip(row, flags, strict=True))
                for row, flags in zip(scores, names, strict=True)
            ],
            dtype=bool,
        )
        tp = int((pred & gold).sum())
        precision = tp / int(pred.sum()) if pred.any() else 1.0
        recall = tp / int(gold.sum()) if gold.any() else 0.0
        beta2 = 0.25
        f = (
            (1 + beta2) * precision * recall / (beta2 * precision + recall)
            if precision + recall
            else 0.0
        )
        out.append(
            {
                "threshold": t,
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "f05": round(f, 3),
                "called_supported": int(pred.sum()),
            }
        )
    return out


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fast", action="store_true", help="a spread-out subset of each set")
    ap.add_argument("--limit", type=int, default=None, help="items per set")
    args = ap.parse_args(argv)
    if not (SHARED_DATA / "frank").exists() or not (SHARED_DATA / "wice").exists():
        result: dict[str, Any] = {"benchmark": "citations", "skipped": "../shared/data is absent"}
        print(json.dumps(result))
        return result
    coverage = BriefOptions().coverage
    sets = {
        "frank_valid_tune": load_frank("valid", part="tune"),
        "wice_dev_tune": load_wice("dev", part="tune"),
    }
    limit = 80 if args.fast else args.limit
    if limit:
        sets = {k: spread(v, limit) for k, v in sets.items()}
    t0 = time.perf_counter()
    per_set: dict[str, Any] = {}
    pooled: tuple[list[list[float]], list[list[bool]], list[bool]] = ([], [], [])
    n_claims = 0
    for name, items in sets.items():
        scores, names, labels = score_items(items, coverage)
        n_claims += sum(len(r) for r in scores)
        pooled[0].extend(scores)
        pooled[1].extend(names)
        pooled[2].extend(labels)
        per_set[name] = {
            "items": len(labels),
            "supported_share": round(float(np.mean(labels)), 3) if labels else None,
            "with_names_guard": sweep(scores, names, labels, guard=True),
            "without_names_guard": sweep(scores, names, labels, guard=False),
        }
    elapsed = time.perf_counter() - t0
    both = sweep(*pooled, guard=True)
    best = max(both, key=lambda r: (r["f05"], r["threshold"]))
    result = {
        "benchmark": "citations",
        "sets": per_set,
        "pooled_with_names_guard": both,
        "pooled_without_names_guard": sweep(*pooled, guard=False),
        "chosen_threshold": best["threshold"],
        "chosen": best,
        "default_in_use": BriefOptions().support,
        "sentences_per_s": round(n_claims / elapsed, 1) if elapsed else None,
        "machine": machine(),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
