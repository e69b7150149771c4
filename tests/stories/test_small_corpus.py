"""A small collection joins at ``small_threshold``, a large one at ``threshold``."""

from __future__ import annotations

import numpy as np

from storycheck.stories import StoryClusterer, StoryOptions
from storycheck.stories.features import ArticleFeatures


def _features(n: int) -> list[ArticleFeatures]:
    rng = np.random.default_rng(3)
    out = []
    for k in range(n):
        vector = rng.normal(0.0, 1.0, 8).astype(np.float32)
        out.append(
            ArticleFeatures(
                article_id=f"a{k}",
                title=f"a{k}",
                vector=vector / np.linalg.norm(vector),
                terms={f"w{k}": 1.0},
            )
        )
    return out


def test_the_threshold_follows_the_size_of_the_collection() -> None:
    options = StoryOptions(threshold=0.4, small_threshold=0.35, small_corpus=10)
    small = StoryClusterer(options)
    small.add(_features(10))
    assert small.threshold() == 0.35
    large = StoryClusterer(options)
    large.add(_features(11))
    assert large.threshold() == 0.4


def test_a_collection_that_grows_past_the_limit_uses_the_large_threshold() -> None:
    options = StoryOptions(small_corpus=10)
    clusterer = StoryClusterer(options)
    feats = _features(15)
    clusterer.add(feats[:8])
    assert clusterer.threshold() == options.small_threshold
    clusterer.add(feats[8:])
    assert clusterer.threshold() == options.threshold


def test_a_score_between_the_two_thresholds_joins_only_a_small_collection() -> None:
    # two articles whose vectors have cosine 0.75 and no shared terms score
    # 0.5 * 0.75 = 0.375 (embedding weight 0.5, link and centroid cosines equal)
    first = np.array([1.0, 0.0], dtype=np.float32)
    second = np.array([0.75, np.sqrt(1 - 0.75**2)], dtype=np.float32)
    feats = [
        ArticleFeatures(article_id="x", title="x", vector=first, terms={"flood": 1.0}),
        ArticleFeatures(article_id="y", title="y", vector=second, terms={"levee": 1.0}),
    ]
    for small_corpus, together in ((10, True), (1, False)):
        clusterer = StoryClusterer(StoryOptions(small_corpus=small_corpus, refine_rounds=0))
        clusterer.add(feats)
        assert (clusterer.story_of("x") == clusterer.story_of("y")) is together
