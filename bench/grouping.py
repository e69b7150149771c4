"""Story-grouping accuracy on human-labelled data: ECB+ and NeuS (prints one JSON object).

* ECB+ (``../shared/data/ecbplus``): 43 topics, each with two similar but different events
  (the ``ecb`` and ``ecbplus`` halves). Test topics 36–45 (the usual split) are grouped as
  one corpus; B³ precision/recall/F1 and ARI against the topic labels and the event
  labels (topic, half). Tuning uses topics 1–35 only (``--tune``).
* NeuS (``../shared/data/neus``): AllSides roundups, 3 articles (left/centre/right) per
  story; all articles of the test split are grouped as one corpus, gold = the roundup.
  Tuning uses the val split only.

Published/baseline numbers for the same data and metric are printed beside ours.

    python -m bench.grouping            # test splits, default parameters
    python -m bench.grouping --tune     # grid search on ECB+ 1–35 and NeuS val
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from storycheck.model import Article, SourceFormat, Story
from storycheck.stories import StoryOptions, featurize, group_features
from storycheck.stories.features import ArticleFeatures
from storycheck.stories.topics import TopicOptions, group_topics

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ECB = SHARED / "ecbplus" / "ECB+_LREC2014" / "ECB+"
NEUS = SHARED / "neus"
TEST_TOPICS = tuple(range(36, 46))

PUBLISHED = {
    "ecbplus_topic_b3_f1": {"tfidf_agglomerative_baseline": 0.952},
    "ecbplus_event_b3_f1": {"tfidf_agglomerative_baseline": "0.857-0.870"},
}


def _article(uid: str, title: str, body: str, source: str) -> Article:
    text = body.strip()
    return Article(
        id=hashlib.sha1(uid.encode()).hexdigest()[:16],
        source=source,
        format=SourceFormat.TEXT,
        text=text,
        paragraphs=(text,),
        sentences=(),
        content_hash=hashlib.sha1(text.encode()).hexdigest(),
        title=title.strip() or None,
    )


_SPACE_BEFORE = re.compile(r"\s+([.,;:!?%)\]'’]|n't|'s)")


def _detok(tokens: Sequence[str]) -> str:
    return _SPACE_BEFORE.sub(r"\1", " ".join(tokens)).replace("( ", "(")


def ecb_corpus(topics: Sequence[int]) -> tuple[list[Article], list[str], list[str]]:
    """ECB+ documents of ``topics``: articles, topic labels, event labels."""
    articles: list[Article] = []
    topic_labels: list[str] = []
    event_labels: list[str] = []
    for topic in topics:
        folder = ECB / str(topic)
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.xml"), key=lambda p: p.name):
            root = ET.parse(path).getroot()
            sentences: dict[int, list[str]] = defaultdict(list)
            for tok in root.iter("token"):
                sentences[int(tok.get("sentence", "0"))].append(tok.text or "")
            ordered = [_detok(sentences[k]) for k in sorted(sentences)]
            if not ordered:
                continue
            half = "ecbplus" if path.stem.endswith("ecbplus") else "ecb"
            articles.append(_article(path.name, ordered[0], " ".join(ordered[1:]), str(path)))
            topic_labels.append(str(topic))
            event_labels.append(f"{topic}-{half}")
    return articles, topic_labels, event_labels


def neus_corpus(split: str) -> tuple[list[Article], list[str]]:
    """NeuS ``split`` articles and their roundup labels."""
    articles: list[Article] = []
    labels: list[str] = []
    lines = (NEUS / f"{split}.source").read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        for m, part in enumerate(line.split("[SEP]")):
            title, _, body = part.partition("ARTICLE=>")
            title = title.replace("TITLE=>", "").strip()
            if not body.strip():
                continue
            articles.append(_article(f"{split}-{n}-{m}", title, body, f"neus/{split}/{n}/{m}"))
            labels.append(f"{split}-{n}")
    return articles, labels


# --- metrics ------------------------------------------------------------------------


def bcubed(pred: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    """B³ precision, recall and F1 (Bagga & Baldwin), averaged over items."""
    pairs = Counter(zip(pred, gold, strict=True))
    psize, gsize = Counter(pred), Counter(gold)
    n = len(pred)
    p = sum(c * c / psize[pc] for (pc, _), c in pairs.items()) / n
    r = sum(c * c / gsize[gc] for (_, gc), c in pairs.items()) / n
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def ari(pred: Sequence[str], gold: Sequence[str]) -> float:
    """Adjusted Rand index."""

    def c2(x: int) -> float:
        return x * (x - 1) / 2

    n = len(pred)
    index = sum(c2(c) for c in Counter(zip(pred, gold, strict=True)).values())
    a = sum(c2(c) for c in Counter(pred).values())
    b = sum(c2(c) for c in Counter(gold).values())
    expected = a * b / c2(n) if n > 1 else 0.0
    top = (a + b) / 2 - expected
    return round((index - expected) / top, 4) if top else 1.0


def _predict(feats: list[ArticleFeatures], options: StoryOptions) -> list[str]:
    stories = group_features(feats, options)
    owner = {aid: s.id for s in stories for aid in s.article_ids}
    return [owner[f.article_id] for f in feats]


def _topic_labels(
    feats: list[ArticleFeatures], stories: list[Story], topic_options: TopicOptions
) -> list[str]:
    """Each article's topic id, the topics grouped over ``stories``."""
    story_of = {aid: s.id for s in stories for aid in s.article_ids}
    topic_of = {
        sid: t.id for t in group_topics(feats, stories, topic_options) for sid in t.story_ids
    }
    return [topic_of[story_of[f.article_id]] for f in feats]


def _predict_topics(
    feats: list[ArticleFeatures], options: StoryOptions, topic_options: TopicOptions
) -> list[str]:
    return _topic_labels(feats, group_features(feats, options), topic_options)


def _score(pred: list[str], gold: list[str]) -> dict[str, Any]:
    return {**bcubed(pred, gold), "ari": ari(pred, gold), "clusters": len(set(pred))}


# --- runs ---------------------------------------------------------------------------


def _data(tune: bool) -> dict[str, tuple[list[ArticleFeatures], dict[str, list[str]]]]:
    from storycheck.models import get_fast_embedder

    embedder = get_fast_embedder()
    out: dict[str, tuple[list[ArticleFeatures], dict[str, list[str]]]] = {}
    topics = [t for t in range(1, 46) if t not in TEST_TOPICS] if tune else list(TEST_TOPICS)
    if ECB.is_dir():
        arts, tl, el = ecb_corpus(topics)
        out["ecbplus"] = (featurize(arts, embedder), {"topic": tl, "event": el})
    if NEUS.is_dir():
        arts, labels = neus_corpus("val" if tune else "test")
        out["neus"] = (featurize(arts, embedder), {"story": labels})
    return out


def evaluate(options: StoryOptions, topic_options: TopicOptions) -> dict[str, Any]:
    data = _data(tune=False)
    result: dict[str, Any] = {"parameters": {"default": _asdict(options)}}
    if "ecbplus" in data:
        feats, gold = data["ecbplus"]
        start = time.perf_counter()
        pred = _predict(feats, options)
        result["ecbplus_test_36_45"] = {
            "documents": len(feats),
            "event": _score(pred, gold["event"]),
            "seconds": round(time.perf_counter() - start, 3),
            "stories_vs_topics": _score(pred, gold["topic"]),
            "topic": _score(_predict_topics(feats, options, topic_options), gold["topic"]),
        }
        result["parameters"]["topics"] = {
            "threshold": topic_options.threshold,
            "emb_weight": topic_options.emb_weight,
        }
    if "neus" in data:
        feats, gold = data["neus"]
        result["neus_test"] = {
            "articles": len(feats),
            **_score(_predict(feats, options), gold["story"]),
        }
    result["published"] = PUBLISHED
    return result


def _asdict(options: StoryOptions) -> dict[str, Any]:
    keys = (
        "threshold",
        "emb_weight",
        "name_share",
        "link_weight",
        "merge_threshold",
        "min_name_overlap",
    )
    return {k: getattr(options, k) for k in keys}


def tune() -> dict[str, Any]:
    """Grid search on the tuning splits; the objective is the mean event/story B³-F1."""
    data = _data(tune=True)
    grid = {
        "threshold": [0.3, 0.35, 0.4, 0.45, 0.5],
        "emb_weight": [0.3, 0.5],
        "name_share": [0.3, 0.5, 0.7],
        "merge_threshold": [0.35, 0.45],
        "min_name_overlap": [0.0, 0.05, 0.1],
    }
    rows = []
    for values in itertools.product(*grid.values()):
        opts = replace(StoryOptions(), **dict(zip(grid, values, strict=True)))
        row: dict[str, Any] = _asdict(opts)
        scores = []
        if "ecbplus" in data:
            feats, gold = data["ecbplus"]
            pred = _predict(feats, opts)
            row["ecb_event_f1"] = bcubed(pred, gold["event"])["f1"]
            row["ecb_topic_f1"] = bcubed(pred, gold["topic"])["f1"]
            scores.append(row["ecb_event_f1"])
        if "neus" in data:
            feats, gold = data["neus"]
            row["neus_f1"] = bcubed(_predict(feats, opts), gold["story"])["f1"]
            scores.append(row["neus_f1"])
        row["objective"] = round(sum(scores) / max(1, len(scores)), 4)
        rows.append(row)
    rows.sort(key=lambda r: -r["objective"])
    return {"best": rows[:8], "grid": grid, "topics": _tune_topics(data)}


def _tune_topics(
    data: dict[str, tuple[list[ArticleFeatures], dict[str, list[str]]]],
) -> dict[str, Any]:
    """The topic level's grid on ECB+ 1–35 (topic B³-F1 over the default stories)."""
    if "ecbplus" not in data:
        return {}
    feats, gold = data["ecbplus"]
    stories = group_features(feats, StoryOptions())
    grid = {
        "emb_weight": [0.0, 0.1, 0.2, 0.3, 0.4],
        "threshold": [round(0.04 + 0.005 * i, 3) for i in range(25)],
    }
    rows = []
    for w, thr in itertools.product(*grid.values()):
        pred = _topic_labels(feats, stories, TopicOptions(threshold=thr, emb_weight=w))
        rows.append(
            {"emb_weight": w, "threshold": thr, "ecb_topic_f1": bcubed(pred, gold["topic"])["f1"]}
        )
    rows.sort(key=lambda r: -r["ecb_topic_f1"])
    return {"best": rows[:10], "grid": grid}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tune", action="store_true", help="grid search on the tuning splits")
    args = parser.parse_args(argv)
    if not ECB.is_dir() and not NEUS.is_dir():
        print(json.dumps({"skipped": "../shared/data is not available"}))
        return
    if args.tune:
        print(json.dumps(tune(), indent=1))
        return
    print(json.dumps(evaluate(StoryOptions(), TopicOptions()), indent=1))


if __name__ == "__main__":
    sys.exit(main())
