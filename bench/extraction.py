"""Extraction quality on the ScrapingHub article-extraction benchmark (181 news pages).

Run: ``python -m bench.extraction [--limit N | --fast] [--data DIR]``. Prints one JSON object, or
``{"skipped": ...}`` when the read-only data (``../shared/data/scrapinghub``) is absent.

Three extractions of the same pages are scored against the human-labelled ``articleBody``:

- ``trafilatura``: ``trafilatura.extract(html, include_comments=False)``, exactly what the
  benchmark's ``extractors/run_trafilatura.py`` runs (the published 0.958 is trafilatura 2.0);
- ``read_html``: our reader (:func:`storycheck.ingest.html.read_html`) before cleaning;
- ``ingest``: ``build_article(read_html(...)).text``, after our page-junk cleaner.

The metric is the benchmark's own (``evaluate.py`` in scrapinghub/article-extraction-benchmark):
tokens are ``\\w+`` runs (case kept), compared as multisets of 4-token shingles; each
page's TP/FP/FN are normalised to sum to 1; precision and recall are averaged over pages
(precision over pages with TP+FP > 0, recall over pages with TP+FN > 0) and F1 is the
harmonic mean of those two averages. ``f1_page_mean`` (the mean of per-page F1) is given too.

``false_removals`` lists lines our cleaner removed that are part of the ground-truth body:
the removed line is a whole ground-truth line, or (with 4+ tokens) a token run inside one.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura

from storycheck.ingest import build_article
from storycheck.ingest.clean import junk_reason
from storycheck.ingest.decode import decode_bytes
from storycheck.ingest.errors import InputError
from storycheck.ingest.html import read_html

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "scrapinghub"
SYSTEMS = ("trafilatura", "read_html", "ingest")
PUBLISHED_F1 = {
    "trafilatura 2.0": 0.958,
    "newspaper4k": 0.949,
    "news-please": 0.948,
    "readability-lxml": 0.922,
}
SHINGLE = 4
MIN_CONTAINED_TOKENS = 4  # a removed line this long counts when it sits inside a GT line

_TOKEN = re.compile(r"\w+")

TpFpFn = tuple[float, float, float]


# --- the benchmark's metric ------------------------------------------------------------


def tokenize(text: str | None) -> list[str]:
    """The benchmark's tokens: runs of word characters (case kept)."""
    return _TOKEN.findall(text or "")


def _shingles(text: str | None, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    tokens = tokenize(text)
    return Counter(
        shingle for i in range(max(1, len(tokens) - n + 1)) if (shingle := tuple(tokens[i : i + n]))
    )


def shingle_tp_fp_fn(true: str | None, pred: str | None) -> TpFpFn:
    """TP/FP/FN over 4-token shingles of one page, normalised to sum to 1."""
    t, p = _shingles(true), _shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def precision_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def metrics(pages: list[TpFpFn]) -> dict[str, float]:
    """Precision, recall and F1 over pages, as the benchmark's ``metrics_from_tp_fp_fns``."""
    precision = statistics.mean(precision_score(*c) for c in pages if c[0] + c[1] > 0)
    recall = statistics.mean(recall_score(*c) for c in pages if c[0] + c[2] > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    page_f1s = []
    for c in pages:
        p, r = precision_score(*c), recall_score(*c)
        page_f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "f1_page_mean": statistics.mean(page_f1s),
    }


def accuracy(true: str | None, pred: str | None) -> float:
    """The benchmark's exact-match accuracy: identical token sequences."""
    return float(tokenize(true) == tokenize(pred))


# --- false removals ---------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(t.casefold() for t in tokenize(text))


@dataclass(frozen=True, slots=True)
class FalseRemoval:
    page: str
    line: str
    category: str
    match: str  # "line": a whole ground-truth line; "inside": a token run within one


def false_removals(page: str, truth: str, removed: tuple[str, ...]) -> list[FalseRemoval]:
    """Removed lines that belong to the ground-truth article body."""
    gt_lines = {_key(line) for line in truth.split("\n")} - {""}
    gt_text = f" {_key(truth)} "
    found = []
    for line in removed:
        key = _key(line)
        if not key:
            continue
        if key in gt_lines:
            match = "line"
        elif len(key.split()) >= MIN_CONTAINED_TOKENS and f" {key} " in gt_text:
            match = "inside"
        else:
            continue
        # Whole junk lines have a reason; tails cut by TRAILING_PATTERNS usually do not.
        found.append(FalseRemoval(page, line, junk_reason(line) or "trailing", match))
    return found


# --- running ---------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    """Scores and diagnostics of one comparison run."""

    pages: list[str] = field(default_factory=list)
    scores: dict[str, list[TpFpFn]] = field(default_factory=lambda: {s: [] for s in SYSTEMS})
    exact: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SYSTEMS})
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SYSTEMS, 0.0))
    failures: dict[str, list[str]] = field(default_factory=lambda: {s: [] for s in SYSTEMS})
    gt_lines: int = 0
    removed_lines: int = 0
    removed_by_category: Counter[str] = field(default_factory=Counter)
    false: list[FalseRemoval] = field(default_factory=list)

    def metrics(self, system: str) -> dict[str, float]:
        return metrics(self.scores[system])

    @property
    def false_removal_rate(self) -> float:
        return len(self.false) / self.gt_lines if self.gt_lines else 0.0


def load_ground_truth(data: Path) -> dict[str, str]:
    raw = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    return {key: raw[key].get("articleBody") or "" for key in sorted(raw)}


def read_page(data: Path, page: str) -> str:
    """A page's HTML as ingest would see it: gunzipped bytes through ``decode_bytes``."""
    return decode_bytes(gzip.decompress((data / "html" / f"{page}.html.gz").read_bytes()))


def run(data: Path, limit: int | None = None) -> Run:
    """Extract and score the first ``limit`` pages (by id) three ways."""
    truth = load_ground_truth(data)
    result = Run()
    for page in list(truth)[:limit]:
        body = truth[page]
        html = read_page(data, page)
        result.pages.append(page)
        result.gt_lines += sum(1 for line in body.split("\n") if line.strip())

        start = time.perf_counter()
        raw = trafilatura.extract(html, include_comments=False) or ""
        result.seconds["trafilatura"] += time.perf_counter() - start

        start = time.perf_counter()
        try:
            doc = read_html(html, page)
        except InputError:
            doc = None
            result.failures["read_html"].append(page)
        result.seconds["read_html"] += time.perf_counter() - start

        start = time.perf_counter()
        article = None
        if doc is not None:
            try:
                article = build_article(doc)
            except InputError:
                result.failures["ingest"].append(page)
        else:
            result.failures["ingest"].append(page)
        result.seconds["ingest"] += time.perf_counter() - start

        if not raw.strip():
            result.failures["trafilatura"].append(page)
        outputs = {
            "trafilatura": raw,
            "read_html": doc.text if doc else "",
            "ingest": article.text if article else "",
        }
        for system, text in outputs.items():
            result.scores[system].append(shingle_tp_fp_fn(body, text))
            result.exact[system].append(accuracy(body, text))
        if article is not None:
            result.removed_lines += len(article.removed_lines)
            result.removed_by_category.update(
                junk_reason(line) or "trailing" for line in article.removed_lines
            )
            result.false.extend(false_removals(page, body, article.removed_lines))
    # ingest = read_html, then cleaning: its time includes the reader's
    result.seconds["ingest"] += result.seconds["read_html"]
    return result


def report(result: Run) -> dict[str, Any]:
    n = len(result.pages)
    systems: dict[str, dict[str, Any]] = {}
    f1: dict[str, float] = {}
    for system in SYSTEMS:
        m = result.metrics(system)
        f1[system] = m["f1"]
        systems[system] = {
            **{k: round(v, 4) for k, v in m.items()},
            "accuracy": round(statistics.mean(result.exact[system]), 4),
            "pages_per_s": round(n / result.seconds[system], 2) if result.seconds[system] else None,
            "empty_or_failed": result.failures[system],
        }
    by_category = Counter(f.category for f in result.false)
    return {
        "bench": "extraction",
        "dataset": "scrapinghub/article-extraction-benchmark",
        "pages": n,
        "machine": f"{platform.machine()} {platform.python_version()}",
        "trafilatura_version": trafilatura.__version__,
        "metric": "4-token shingles of \\w+ tokens; P, R averaged over pages; F1 of the averages",
        "systems": systems,
        "ingest_minus_trafilatura_f1": round(f1["ingest"] - f1["trafilatura"], 4),
        "cleaning_delta_f1": round(f1["ingest"] - f1["read_html"], 4),
        "published_f1": PUBLISHED_F1,
        "cleaner": {
            "removed_lines": result.removed_lines,
            "removed_by_category": dict(result.removed_by_category.most_common()),
            "ground_truth_lines": result.gt_lines,
            "false_removals": len(result.false),
            "false_removal_rate": round(result.false_removal_rate, 5),
            "false_removals_by_category": dict(by_category.most_common()),
            "false_removal_list": [
                {"page": f.page, "category": f.category, "match": f.match, "line": f.line}
                for f in result.false
            ],
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder")
    parser.add_argument("--limit", type=int, default=None, help="score the first N pages")
    parser.add_argument("--fast", action="store_true", help="the first 60 pages (CI gate)")
    args = parser.parse_args()
    if args.fast and args.limit is None:
        args.limit = 60
    data: Path = args.data
    if not (data / "ground-truth.json").is_file() or not (data / "html").is_dir():
        print(json.dumps({"bench": "extraction", "skipped": f"benchmark data not found: {data}"}))
        return
    print(json.dumps(report(run(data, args.limit)), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
