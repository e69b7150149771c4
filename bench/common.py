"""Helpers shared by the benchmark scripts: data paths, metrics, machine description."""

from __future__ import annotations

import hashlib
import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("STORYCHECK_SHARED_DATA", str(REPO.parent / "shared" / "data")))


def machine() -> dict[str, Any]:
    """Where and when a benchmark ran."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else [],
    }


def balanced_accuracy(
    gold: Sequence[bool] | np.ndarray, pred: Sequence[bool] | np.ndarray
) -> float:
    """Mean of the recall of the positive and of the negative class."""
    y = np.asarray(gold, dtype=bool)
    p = np.asarray(pred, dtype=bool)
    recalls = [float(np.mean(p[y == c] == c)) for c in (True, False) if np.any(y == c)]
    return float(np.mean(recalls)) if recalls else 0.0


def roc_auc(gold: Sequence[bool] | np.ndarray, score: Sequence[float] | np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U on average ranks, so ties count one half)."""
    y = np.asarray(gold, dtype=bool)
    s = np.asarray(score, dtype=np.float64)
    pos, neg = int(y.sum()), int((~y).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    _, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)
    upper = np.cumsum(counts)
    average_rank = upper - (counts - 1) / 2.0  # 1-based mean rank of each distinct value
    ranks = average_rank[inverse]
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def best_threshold(gold: Sequence[bool] | np.ndarray, score: Sequence[float] | np.ndarray) -> float:
    """The threshold that maximises balanced accuracy (midpoint between scores)."""
    s = np.unique(np.asarray(score, dtype=np.float64))
    if s.size == 0:
        return 0.5
    cuts = np.concatenate([[s[0] - 1e-6], (s[1:] + s[:-1]) / 2, [s[-1] + 1e-6]])
    values = [balanced_accuracy(gold, np.asarray(score) >= c) for c in cuts]
    return float(cuts[int(np.argmax(values))])


def precision_recall(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float]:
    """Precision, recall and F1 of the positive class, plus the counts."""
    y = np.asarray(gold, dtype=bool)
    p = np.asarray(pred, dtype=bool)
    tp = int(np.sum(y & p))
    fp = int(np.sum(~y & p))
    fn = int(np.sum(y & ~p))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def spread(items: Sequence[Any], n: int | None) -> list[Any]:
    """``n`` items spread evenly over the sequence (all when ``n`` is None): a
    deterministic subset that keeps the data's mix."""
    if n is None or n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def dev_half(key: str) -> str:
    """Split a grounding dev set in two by item: ``fit`` (training pairs) or ``tune``.

    sha1 of the key mod 2: 0 -> fit, 1 -> tune. The key is the WiCE claim, or FRANK's
    article hash (all summaries of one article fall in one half). The NLI head
    (``train.nli.head``) trains on pairs from the fit half; ``bench.grounding --split dev``
    reports the tune half, so grounding settings are chosen on items the head never saw.
    """
    return "fit" if int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "tune"
