"""Year clash: a report naming only other years than a story's is likely another event."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from storycheck.stories import StoryOptions, group_features
from storycheck.stories.features import ArticleFeatures


def _feature(name: str, angle: float, year: str) -> ArticleFeatures:
    vector = np.array([np.cos(angle), np.sin(angle), 0.0], dtype=np.float32)
    terms = {"earthquake": 2.0, "magnitude": 1.0, "@aceh": 2.0, f"@{year}": 1.0}
    return ArticleFeatures(article_id=name, title=name, vector=vector, terms=terms)


def _stories(options: StoryOptions, second_year: str) -> list[tuple[str, ...]]:
    # cos(1.27 rad) ≈ 0.3: the wording differs, the words and the place are the same
    feats = [_feature("july", 0.0, "2013"), _feature("later", 1.27, second_year)]
    return sorted(s.article_ids for s in group_features(feats, options))


def test_other_years_split_what_the_words_would_join() -> None:
    assert _stories(replace(StoryOptions(), year_clash=0.0), "2008") == [("july", "later")]
    assert _stories(StoryOptions(), "2008") == [("july",), ("later",)]


def test_the_same_year_does_not_clash() -> None:
    assert _stories(StoryOptions(), "2013") == [("july", "later")]
