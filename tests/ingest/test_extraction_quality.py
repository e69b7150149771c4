"""Extraction quality on the ScrapingHub benchmark: ingest must not lose to trafilatura.

Runs ``bench.extraction`` on the first 40 pages (by id) of the read-only benchmark copy in
``../shared/data/scrapinghub``; skipped when that is absent. The metric tests need no data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.extraction import (
    Run,
    false_removals,
    metrics,
    run,
    shingle_tp_fp_fn,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
BENCHMARK = DATA / "scrapinghub"
PAGES = 40
MAX_F1_DROP = 0.01
MAX_FALSE_REMOVAL_RATE = 0.01


@pytest.fixture(scope="module")
def result() -> Run:
    if not (BENCHMARK / "ground-truth.json").is_file() or not (BENCHMARK / "html").is_dir():
        pytest.skip("../shared/data/scrapinghub is not available")
    return run(BENCHMARK, PAGES)


def test_ingest_f1_not_below_trafilatura(result: Run) -> None:
    assert len(result.pages) == PAGES
    ours = result.metrics("ingest")["f1"]
    raw = result.metrics("trafilatura")["f1"]
    assert ours >= raw - MAX_F1_DROP, f"ingest F1 {ours:.4f} vs trafilatura {raw:.4f}"


def test_cleaner_rarely_removes_article_text(result: Run) -> None:
    assert result.gt_lines > 0
    listing = "\n".join(f"{f.page[:12]} [{f.category}] {f.line!r}" for f in result.false)
    assert result.false_removal_rate <= MAX_FALSE_REMOVAL_RATE, (
        f"{len(result.false)} of {result.gt_lines} ground-truth lines removed:\n{listing}"
    )


# --- the metric, as in the benchmark's evaluate.py (no data needed) ---------------------


def test_shingles_identical_and_disjoint() -> None:
    text = "one two three four five"
    assert shingle_tp_fp_fn(text, text) == (1.0, 0.0, 0.0)
    # 2 true shingles, 1 predicted, none shared: tp=0, fp=1, fn=2, normalised by 3
    assert shingle_tp_fp_fn(text, "six seven eight nine") == pytest.approx((0.0, 1 / 3, 2 / 3))


def test_shingles_use_word_tokens_not_whitespace() -> None:
    # punctuation and line breaks do not matter: tokens are \w+ runs
    assert shingle_tp_fp_fn("Fire, crews; worked all night.", "Fire crews\nworked all night") == (
        1.0,
        0.0,
        0.0,
    )


def test_shingles_count_a_page_with_extra_text() -> None:
    # truth has 2 shingles, prediction 4 (2 shared): tp=2, fp=2, fn=0, normalised by 4
    assert shingle_tp_fp_fn("a b c d e", "a b c d e f g") == (0.5, 0.5, 0.0)


def test_short_texts_form_one_shingle() -> None:
    assert shingle_tp_fp_fn("a b", "a b") == (1.0, 0.0, 0.0)
    assert shingle_tp_fp_fn("a b", "a b c") == (0.0, 0.5, 0.5)


def test_metrics_average_over_pages_then_combine() -> None:
    pages = [(0.5, 0.5, 0.0), (1.0, 0.0, 0.0), (0.0, 0.0, 1.0)]
    m = metrics(pages)
    # precision skips the page with nothing predicted; recall averages all three
    assert m["precision"] == pytest.approx(0.75)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))


def test_false_removals_need_a_whole_line_or_a_long_run() -> None:
    truth = "Fire crews worked all night.\nRelated stories\nShare prices fell 4% on Monday."
    removed = ("Related stories", "Share", "Share prices fell 4%", "Subscribe now")
    found = false_removals("p", truth, removed)
    assert [(f.line, f.match) for f in found] == [
        ("Related stories", "line"),
        ("Share prices fell 4%", "inside"),
    ]
