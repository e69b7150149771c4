"""The persisted state of story grouping, and the interface a store offers for it.

A store that implements :class:`StoryBackend` (the SQLite :class:`storycheck.store.Store`
and the optional PostgreSQL :class:`storycheck.store.postgres.PostgresStoryStore`) keeps

* every grouped article's embedding, terms, date and story (``story_vectors``),
* every story's running sums (vector sum, term counts, size, date range, title, keywords),
* the document frequency of every term and the number of grouped articles,
* the ANN index of article vectors, serialised,

so that grouping new articles later continues exactly where the last run stopped without
reading, cleaning or embedding an old article again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import numpy as np
import numpy.typing as npt

from storycheck.model import Story


@dataclass(slots=True)
class StoryRecord:
    """One story's running state (mutable while grouping; ``seq`` = creation order)."""

    id: str
    seq: int
    size: int
    vec_sum: npt.NDArray[np.float64]
    profile: dict[str, int]
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    title: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """A grouped article: its index key, id, headline, date and story."""

    key: int
    article_id: str
    title: str
    published: datetime | None
    story_id: str


@dataclass(frozen=True, slots=True)
class SavedState:
    """Everything needed to continue grouping (see the module doc)."""

    stories: list[StoryRecord]
    articles: list[ArticleRecord]
    df: dict[str, int]
    n_docs: int
    index_blob: bytes | None
    dim: int


@dataclass(slots=True)
class StateDelta:
    """What changed in one grouping run, for a store to write in one transaction.

    ``new_articles`` carry their final story id; ``merged`` lists ``(old_id, into_id)``
    for stories absorbed by an older one, whose already stored articles must move.
    """

    stories: list[StoryRecord] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    merged: list[tuple[str, str]] = field(default_factory=list)
    new_articles: list[tuple[ArticleRecord, npt.NDArray[np.float32], dict[str, float]]] = field(
        default_factory=list
    )
    df: dict[str, int] = field(default_factory=dict)
    n_docs: int = 0
    index_blob: bytes | None = None
    dim: int = 0


class StoryBackend(Protocol):
    """Where story grouping keeps its state (SQLite or PostgreSQL)."""

    def load_story_state(self) -> SavedState | None:
        """The saved state, or None when nothing was grouped yet."""
        ...

    def save_story_state(self, delta: StateDelta) -> None:
        """Write one run's changes atomically."""
        ...

    def stories(self) -> list[Story]:
        """All stories, largest first."""
        ...

    def story_articles(self, story_id: str) -> list[str]:
        """The ids of one story's articles, in the order they were grouped."""
        ...

    def grouped_article_ids(self) -> set[str]:
        """Ids of every article that already has a story."""
        ...
