"""Story grouping: the example corpus, the seeds, determinism, incremental store updates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bench.grouping import ari, bcubed
from bench.storygen import generate

from storycheck.ingest import IngestOptions, Ingestor
from storycheck.model import Article
from storycheck.models import ModelUnavailableError, get_fast_embedder
from storycheck.store import Store
from storycheck.stories import StoryClusterer, StoryOptions, featurize, group_articles, update_store

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def embedder():  # type: ignore[no-untyped-def]
    try:
        model = get_fast_embedder()
        model.encode(["probe"], use_cache=False)
    except ModelUnavailableError as exc:
        pytest.skip(f"fast embedder not installed: {exc}")
    return model


def _read(path: Path) -> list[Article]:
    ingestor = Ingestor(IngestOptions(), None)
    try:
        return list(ingestor.run([str(path)]).articles)
    finally:
        ingestor.close()


def _gold_event(article: Article, gold: dict[str, Any]) -> str:
    path = article.source.split("#")[0]
    found = [g for g in gold["articles"].values() if path.endswith(g["path"])]
    if len(found) > 1:
        found = [g for g in found if g["title"] == article.title]
    assert len(found) == 1, article.source
    return str(found[0]["event"])


def test_example_corpus_stories_match_gold_events(embedder) -> None:  # type: ignore[no-untyped-def]
    gold = json.loads((REPO / "examples" / "gold.json").read_text(encoding="utf-8"))
    articles = _read(REPO / "examples" / "corpus")
    stories = group_articles(articles, embedder=embedder)
    owner = {i: s.id for s in stories for i in s.article_ids}
    assert sorted(owner) == sorted(a.id for a in articles)
    pred = [owner[a.id] for a in articles]
    events = [_gold_event(a, gold) for a in articles]
    assert len(stories) == len(set(events)) == 3
    assert bcubed(pred, events)["f1"] == 1.0
    titles = {a.title for a in articles}
    for story in stories:
        assert story.title in titles
        assert story.keywords


def test_seeds_are_one_story(embedder) -> None:  # type: ignore[no-untyped-def]
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not available")
    stories = group_articles(_read(SEEDS), embedder=embedder)
    assert len(stories) == 1
    assert len(stories[0].article_ids) == 5


def test_synthetic_corpus_quality_and_determinism(embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = generate(1500, seed=3)
    articles = [a for a, _ in corpus]
    gold = [label for _, label in corpus]
    feats = featurize(articles, embedder)

    def run() -> list[str]:
        clusterer = StoryClusterer()
        clusterer.add(feats)
        clusterer.finish()
        owner = clusterer.assignments()
        return [owner[a.id] for a in articles]

    first, second = run(), run()
    assert first == second
    assert bcubed(first, gold)["f1"] >= 0.9
    assert ari(first, gold) >= 0.8


def test_incremental_store_matches_and_skips_old_articles(  # type: ignore[no-untyped-def]
    embedder, tmp_path: Path
) -> None:
    corpus = generate(900, seed=5)
    articles = [a for a, _ in corpus]
    gold = {a.id: label for a, label in corpus}
    calls: list[int] = []

    class Counting:
        def encode(self, texts, batch_size=None, *, use_cache=True):  # type: ignore[no-untyped-def]
            calls.append(len(texts))
            return embedder.encode(texts, batch_size, use_cache=use_cache)

    with Store(tmp_path / "s.db") as store:
        update_store(store, articles[:600], embedder=Counting())  # type: ignore[arg-type]
        before = {s.id: set(s.article_ids) for s in store.stories()}
        assert sum(calls) == 600
    with Store(tmp_path / "s.db") as store:
        stories = update_store(store, articles, embedder=Counting())  # type: ignore[arg-type]
        assert sum(calls) == 900  # only the 300 new articles were embedded
        assert store.grouped_article_ids() == {a.id for a in articles}
        owner = {i: s.id for s in stories for i in s.article_ids}
        # old stories keep their ids; an old article's story still holds its old mates
        for sid, members in before.items():
            assert len({owner[i] for i in members}) == 1
            assert owner[next(iter(members))] == sid or sid not in {s.id for s in stories}
        assert update_store(store, articles, embedder=Counting()) == stories  # type: ignore[arg-type]
        assert sum(calls) == 900
    pred = [owner[a.id] for a in articles]
    assert bcubed(pred, [gold[a.id] for a in articles])["f1"] >= 0.9


def test_options_threshold_controls_granularity(embedder) -> None:  # type: ignore[no-untyped-def]
    articles = [a for a, _ in generate(300, seed=9)]
    feats = featurize(articles, embedder)
    strict = StoryClusterer(StoryOptions(threshold=0.95, merge_threshold=2.0))
    strict.add(feats)
    loose = StoryClusterer(StoryOptions(threshold=0.2, merge_threshold=0.3))
    loose.add(feats)
    loose.finish()
    assert len(strict.stories()) > len(loose.stories())


def test_a_story_is_not_named_by_an_opinion_piece_nor_a_section_label() -> None:
    import numpy as np

    from storycheck.stories.cluster import headline_label, story_title
    from storycheck.stories.features import ArticleFeatures

    def feat(title: str, vector: list[float]) -> ArticleFeatures:
        return ArticleFeatures(title, title, np.asarray(vector, dtype=np.float32), {})

    views = [
        feat("OPINION: The ferry strike shames the port", [0.8, 0.6]),  # the most central
        feat("Ferry crews strike over pay", [1.0, 0.0]),
        feat("Port closes as ferry crews walk out", [0.0, 1.0]),
    ]
    assert story_title(views) == "Ferry crews strike over pay"
    labelled = [feat("Exclusive: Ferry crews strike over pay", [1.0, 0.0])]
    assert story_title(labelled) == "Ferry crews strike over pay"
    assert headline_label("WATCH LIVE - Mayor speaks") == ("watch live", "Mayor speaks")
    assert headline_label("Opinion: Why it matters")[0] == "opinion"
    assert headline_label("Trump: I will not resign") == ("", "Trump: I will not resign")
