"""Stage 2: group articles into stories (online, time-aware, ANN candidates).

Typical use::

    from storycheck.stories import group_articles, update_store

    stories = group_articles(articles)              # from scratch, in the given order
    stories = update_store(store, new_articles)     # continue the store's grouping
    topics = topics_of(articles, stories)           # stories on the same subject

See :mod:`storycheck.stories.cluster` for the algorithm, :mod:`storycheck.stories.topics`
for the topic level and docs/stories.md for the
parameters, their tuning and measured accuracy and speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from storycheck.model import Article, Story, Topic
from storycheck.stories.cluster import (
    StoryClusterer,
    StoryOptions,
    group_features,
    story_id_for,
    story_title,
)
from storycheck.stories.features import ArticleFeatures, FeatureOptions, featurize
from storycheck.stories.state import SavedState, StateDelta, StoryBackend, StoryRecord
from storycheck.stories.topics import TopicOptions, group_topics, topic_id_for

if TYPE_CHECKING:
    from storycheck.models import Embedder

__all__ = [
    "ArticleFeatures",
    "FeatureOptions",
    "SavedState",
    "StateDelta",
    "StoryBackend",
    "StoryClusterer",
    "StoryOptions",
    "StoryRecord",
    "TopicOptions",
    "featurize",
    "group_articles",
    "group_features",
    "group_topics",
    "story_id_for",
    "story_title",
    "topic_id_for",
    "topics_of",
    "update_store",
]


def _embedder(embedder: Embedder | None) -> Embedder:
    if embedder is not None:
        return embedder
    from storycheck.models import get_fast_embedder

    return get_fast_embedder()


def group_articles(
    articles: Sequence[Article],
    *,
    embedder: Embedder | None = None,
    options: StoryOptions | None = None,
    features: FeatureOptions | None = None,
) -> list[Story]:
    """The stories of ``articles``, largest first (every article is in exactly one)."""
    if not articles:
        return []
    feats = featurize(articles, _embedder(embedder), features)
    return group_features(feats, options)


def update_store(
    store: StoryBackend,
    articles: Sequence[Article],
    *,
    embedder: Embedder | None = None,
    options: StoryOptions | None = None,
    features: FeatureOptions | None = None,
    batch: int = 4096,
) -> list[Story]:
    """Group the ``articles`` the store has not grouped yet into its stories; all stories.

    Old articles are not read, cleaned or embedded again: the store keeps their vectors,
    the stories' running sums and the ANN index.
    """
    clusterer = StoryClusterer(options, store.load_story_state())
    fresh = [a for a in articles if not clusterer.knows(a.id)]
    if fresh:
        model = _embedder(embedder)
        added: list[ArticleFeatures] = []
        for start in range(0, len(fresh), batch):
            added += featurize(fresh[start : start + batch], model, features)
            clusterer.add(added[start:])
        clusterer.finish(added)
        store.save_story_state(clusterer.delta())
    return store.stories()


def topics_of(
    articles: Sequence[Article],
    stories: Sequence[Story],
    *,
    embedder: Embedder | None = None,
    options: TopicOptions | None = None,
    features: FeatureOptions | None = None,
) -> list[Topic]:
    """The topics of ``stories`` (grouped from ``articles``), largest first.

    Every story is in exactly one topic; articles not in any story are ignored.
    """
    if not stories:
        return []
    grouped = {aid for s in stories for aid in s.article_ids}
    members = [a for a in articles if a.id in grouped]
    feats = featurize(members, _embedder(embedder), features) if members else []
    return group_topics(feats, stories, options)
