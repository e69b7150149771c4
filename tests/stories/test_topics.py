"""The topic level: stories on one subject are grouped by exact average linkage."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storycheck.model import Story
from storycheck.stories import TopicOptions, group_topics, topic_id_for
from storycheck.stories.features import ArticleFeatures
from storycheck.stories.topics import _tfidf

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"


def _feature(
    name: str, vector: list[float], terms: dict[str, float], rng: np.random.Generator
) -> ArticleFeatures:
    v = np.asarray(vector, dtype=np.float32) + rng.normal(0, 0.01, len(vector)).astype(np.float32)
    return ArticleFeatures(article_id=name, title=name, vector=v / np.linalg.norm(v), terms=terms)


def _story(sid: str, feats: list[ArticleFeatures]) -> Story:
    return Story(id=sid, title=feats[0].title, article_ids=tuple(f.article_id for f in feats))


def _quakes() -> tuple[list[ArticleFeatures], list[Story]]:
    rng = np.random.default_rng(3)
    july = [
        _feature(f"july{n}", [1, 0.2, 0, 0], {"earthquake": 2, "@aceh": 2, "july": 1}, rng)
        for n in range(3)
    ]
    later = [
        _feature(f"later{n}", [1, -0.2, 0, 0], {"earthquake": 2, "@aceh": 2, "aftershock": 1}, rng)
        for n in range(2)
    ]
    vote = [
        _feature(f"vote{n}", [0, 0, 1, 0], {"tram": 2, "@varnbridge": 2, "council": 1}, rng)
        for n in range(3)
    ]
    stories = [_story("s-july", july), _story("s-vote", vote), _story("s-later", later)]
    return july + later + vote, stories


def test_stories_on_one_subject_share_a_topic_and_others_do_not() -> None:
    feats, stories = _quakes()
    topics = group_topics(feats, stories, TopicOptions(threshold=0.1, emb_weight=0.2))
    assert [t.story_ids for t in topics] == [("s-july", "s-later"), ("s-vote",)]
    assert [t.article_count for t in topics] == [5, 3]
    assert topics[0].title == "july0"  # the largest story's headline
    assert topics[0].id == topic_id_for("s-july")
    assert "aceh" in topics[0].keywords and "earthquake" in topics[0].keywords


def test_the_ann_candidate_search_finds_the_same_topics() -> None:
    feats, stories = _quakes()
    exact = group_topics(feats, stories, TopicOptions(threshold=0.1, emb_weight=0.2))
    ann = group_topics(feats, stories, TopicOptions(threshold=0.1, emb_weight=0.2, exact_limit=0))
    assert [t.story_ids for t in ann] == [t.story_ids for t in exact]


def test_a_high_threshold_keeps_every_story_apart() -> None:
    feats, stories = _quakes()
    topics = group_topics(feats, stories, TopicOptions(threshold=0.99))
    assert sorted(t.story_ids for t in topics) == [("s-july",), ("s-later",), ("s-vote",)]


def test_empty_input_and_stories_without_features() -> None:
    assert group_topics([], []) == []
    lonely = Story(id="s-x", title="x", article_ids=("unknown",))
    feats, stories = _quakes()
    topics = group_topics(feats, [*stories, lonely], TopicOptions(threshold=0.1))
    assert ("s-x",) in [t.story_ids for t in topics]


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def _brute_force(
    feats: list[ArticleFeatures], stories: list[Story], opts: TopicOptions
) -> set[frozenset[str]]:
    """UPGMA the slow way: mean of every article pair's similarity, best pair first."""
    tfidf = dict(zip((f.article_id for f in feats), _tfidf(feats), strict=True))
    by_id = {f.article_id: f for f in feats}

    def sim(a: str, b: str) -> float:
        emb = float(by_id[a].vector @ by_id[b].vector)
        return opts.emb_weight * emb + (1 - opts.emb_weight) * _dot(tfidf[a], tfidf[b])

    groups = [([s.id], list(s.article_ids)) for s in stories]
    while len(groups) > 1:
        scored = [
            (np.mean([sim(a, b) for a in groups[i][1] for b in groups[j][1]]), i, j)
            for i, j in itertools.combinations(range(len(groups)), 2)
        ]
        best, i, j = max(scored)
        if best < opts.threshold:
            break
        groups[i] = (groups[i][0] + groups[j][0], groups[i][1] + groups[j][1])
        del groups[j]
    return {frozenset(g[0]) for g in groups}


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 3), min_size=2, max_size=7),
    seed=st.integers(0, 10_000),
    threshold=st.sampled_from([0.05, 0.15, 0.3]),
)
def test_matches_brute_force_average_linkage(sizes: list[int], seed: int, threshold: float) -> None:
    rng = np.random.default_rng(seed)
    vocab = [f"w{n}" for n in range(8)]
    feats: list[ArticleFeatures] = []
    stories: list[Story] = []
    for s, size in enumerate(sizes):
        centre = rng.normal(0, 1, 4)
        members = []
        for n in range(size):
            terms = {t: float(rng.integers(1, 4)) for t in rng.choice(vocab, 3, replace=False)}
            members.append(_feature(f"a{s}-{n}", list(centre + rng.normal(0, 0.3, 4)), terms, rng))
        feats += members
        stories.append(_story(f"s{s}", members))
    opts = TopicOptions(threshold=threshold, emb_weight=0.3, neighbours=50, max_posting=1000)
    got = {frozenset(t.story_ids) for t in group_topics(feats, stories, opts)}
    assert got == _brute_force(feats, stories, opts)


def test_example_corpus_topics_cover_every_story_once() -> None:
    from storycheck.ingest import Ingestor
    from storycheck.stories import group_articles, topics_of

    articles = [a for a in Ingestor().run([str(EXAMPLES)]).articles if a.language in (None, "en")]
    stories = group_articles(articles)
    topics = topics_of(articles, stories)
    listed = [sid for t in topics for sid in t.story_ids]
    assert sorted(listed) == sorted(s.id for s in stories)
    assert sum(t.article_count for t in topics) == sum(len(s.article_ids) for s in stories)
    # the port fire and the tram vote are different subjects
    fire = next(s for s in stories if "fire" in s.title.lower() or "blaze" in s.title.lower())
    tram = next(s for s in stories if "tram" in s.title.lower())
    topic_of = {sid: t.id for t in topics for sid in t.story_ids}
    assert topic_of[fire.id] != topic_of[tram.id]
