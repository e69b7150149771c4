"""The refinement pass: articles that fit another story better move there."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from storycheck.stories import StoryClusterer, StoryOptions
from storycheck.stories.features import ArticleFeatures

RNG = np.random.default_rng(7)
EVENT_A = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
EVENT_B = np.array([0.2, 0.98, 0.0, 0.0], dtype=np.float32)
TERMS_A = {"flood": 1.0, "levee": 1.0, "@riverton": 2.0}
TERMS_B = {"wildfire": 1.0, "evacuation": 1.0, "@pinecrest": 2.0}


def _feature(name: str, direction: np.ndarray, terms: dict[str, float]) -> ArticleFeatures:
    vector = direction + RNG.normal(0.0, 0.02, direction.shape).astype(np.float32)
    return ArticleFeatures(
        article_id=name, title=name, vector=vector / np.linalg.norm(vector), terms=dict(terms)
    )


def _corpus() -> list[ArticleFeatures]:
    return [
        *(_feature(f"a{n}", EVENT_A, TERMS_A) for n in range(4)),
        *(_feature(f"b{n}", EVENT_B, TERMS_B) for n in range(4)),
    ]


def _grouped(options: StoryOptions) -> tuple[StoryClusterer, list[ArticleFeatures]]:
    feats = _corpus()
    clusterer = StoryClusterer(options)
    clusterer.add(feats)
    clusterer.finish()
    return clusterer, feats


def test_a_misplaced_article_goes_back_to_its_event() -> None:
    clusterer, feats = _grouped(StoryOptions())
    assert clusterer.story_of("b3") == clusterer.story_of("b0") != clusterer.story_of("a0")
    # put b3 into event A's story by hand, as an early arrival might have been placed
    by_name = {f.article_id: f for f in feats}
    key = clusterer._key_of["b3"]
    home = clusterer._find(clusterer._key_story[key])
    wrong = clusterer._find(clusterer._key_story[clusterer._key_of["a0"]])
    clusterer._leave(home, by_name["b3"])
    clusterer._key_story[key] = wrong
    clusterer._join(wrong, by_name["b3"])
    assert clusterer.story_of("b3") == clusterer.story_of("a0")

    assert clusterer.refine(feats) == 1
    assert clusterer.story_of("b3") == clusterer.story_of("b0")
    assert clusterer.refine(feats) == 0  # stable: nothing left to move
    sizes = sorted(len(s.article_ids) for s in clusterer.stories())
    assert sizes == [4, 4]


def test_a_story_every_article_leaves_is_removed() -> None:
    clusterer, feats = _grouped(StoryOptions())
    by_name = {f.article_id: f for f in feats}
    # b2 alone in a story of its own: refining moves it to event B and drops that story
    key = clusterer._key_of["b2"]
    home = clusterer._find(clusterer._key_story[key])
    clusterer._leave(home, by_name["b2"])
    lonely = clusterer._next_seq
    clusterer._next_seq += 1
    clusterer._stories[lonely] = replace(
        clusterer._stories[home],
        id="s-lonely",
        seq=lonely,
        size=0,
        vec_sum=np.zeros(4, dtype=np.float64),
        profile={},
    )
    clusterer._parent[lonely] = lonely
    clusterer._key_story[key] = lonely
    clusterer._join(lonely, by_name["b2"])
    assert len(clusterer.stories()) == 3

    ids_before = {s.id for s in clusterer.stories()}
    assert clusterer.refine(feats) >= 1
    stories = clusterer.stories()
    assert sorted(len(s.article_ids) for s in stories) == [4, 4]
    assert len({clusterer.story_of(f"b{n}") for n in range(4)}) == 1
    delta = clusterer.delta()
    (gone,) = ids_before - {s.id for s in stories}  # one of the two B stories emptied
    assert gone in delta.removed
    assert all(s.id != gone for s in delta.stories)


def test_refine_rounds_zero_leaves_the_online_result() -> None:
    options = StoryOptions(refine_rounds=0)
    clusterer, feats = _grouped(options)
    assert clusterer.refine(feats) == 0
