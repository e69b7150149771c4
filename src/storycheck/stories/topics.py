"""Topics: stories on the same subject, grouped one level above events.

Stories are events ("a 6.1 quake strikes Aceh"); a topic gathers the stories of one
subject ("earthquakes in Aceh": the July quake and the one a year later). Topics are
built bottom-up from the stories by average-linkage agglomeration (UPGMA): two groups
merge while the mean similarity of their article pairs is at least ``threshold``, where an
article pair's similarity is

    w·cos(embedding) + (1 − w)·cos(TF-IDF of headline and lead terms)

Both parts are dot products of unit vectors, so the mean over all pairs of two groups is
the dot product of the groups' vector sums divided by the product of their sizes: a group
is kept as two sums and a merge adds them, exact and without any article-pair loop.
Candidate pairs come from each story's nearest stories by embedding and from the stories
that share its heaviest rare terms (blocking), never from all pairs. Every story is in
exactly one topic, so the two levels always agree.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from storycheck.model import Story, Topic
from storycheck.stories.cluster import short_id
from storycheck.stories.features import NAME_MARK, ArticleFeatures

Sparse = dict[str, float]


@dataclass(frozen=True, slots=True)
class TopicOptions:
    """Topic parameters (tuned on ECB+ topics 1–35; see docs/stories.md)."""

    threshold: float = 0.06
    emb_weight: float = 0.1
    neighbours: int = 20
    max_neighbours: int = 32
    term_candidates: int = 8
    max_posting: int = 50
    exact_limit: int = 4096
    keywords: int = 6
    chunk: int = 2048


def topic_id_for(story_id: str) -> str:
    """A topic's id: derived from its first story's id."""
    return short_id("t-", story_id)


def _tfidf(features: Sequence[ArticleFeatures]) -> list[Sparse]:
    """Unit-length sublinear TF-IDF vectors of the articles' terms (IDF over ``features``)."""
    df: dict[str, int] = defaultdict(int)
    for f in features:
        for term in f.terms:
            df[term] += 1
    n = len(features)
    out: list[Sparse] = []
    for f in features:
        vec = {
            t: (1.0 + math.log(max(w, 1.0))) * math.log((n + 1) / (df[t] + 1))
            for t, w in f.terms.items()
        }
        norm = math.sqrt(sum(v * v for v in vec.values()))
        out.append({t: v / norm for t, v in vec.items() if v > 0} if norm > 0 else {})
    return out


IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class _Groups:
    """Growing groups of stories: vector sums, term sums and sizes (see the module doc).

    A group's term sum is a sorted array of term ids and one of weights; the similarities
    of one group to many others are computed in one vectorised pass.
    """

    def __init__(self, emb: FloatArray, terms: list[Sparse], sizes: list[int], w: float) -> None:
        vocab = sorted({t for row in terms for t in row})
        self.vocab = vocab
        ids = {t: i for i, t in enumerate(vocab)}
        self.idx: list[IntArray] = []
        self.val: list[FloatArray] = []
        for row in terms:
            order = sorted(row, key=ids.__getitem__)
            self.idx.append(np.fromiter((ids[t] for t in order), np.int64, len(order)))
            self.val.append(np.fromiter((row[t] for t in order), np.float64, len(order)))
        self.emb = emb
        self.size = np.asarray(sizes, dtype=np.float64)
        self.w = w
        self.members: list[list[int]] = [[i] for i in range(len(sizes))]
        self._dense = np.zeros(len(vocab), dtype=np.float64)

    def similarities(self, a: int, others: Sequence[int]) -> FloatArray:
        """Mean article-pair similarity of group ``a`` to each of ``others``."""
        rows = np.asarray(others, dtype=np.int64)
        emb = self.emb[rows] @ self.emb[a]
        lengths = np.fromiter((len(self.idx[o]) for o in others), np.int64, len(others))
        terms = np.zeros(len(others), dtype=np.float64)
        if lengths.sum() and len(self.idx[a]):
            dense = self._dense
            dense[self.idx[a]] = self.val[a]
            cat_idx = np.concatenate([self.idx[o] for o in others])
            cat_val = np.concatenate([self.val[o] for o in others])
            owner = np.repeat(np.arange(len(others)), lengths)
            products = cat_val * dense[cat_idx]
            terms = np.bincount(owner, products, minlength=len(others)).astype(np.float64)
            dense[self.idx[a]] = 0.0
        sims: FloatArray = (self.w * emb + (1.0 - self.w) * terms) / (
            self.size[a] * self.size[rows]
        )
        return sims

    def merge(self, keep: int, gone: int) -> None:
        self.emb[keep] += self.emb[gone]
        ids, inverse = np.unique(
            np.concatenate([self.idx[keep], self.idx[gone]]), return_inverse=True
        )
        weights = np.concatenate([self.val[keep], self.val[gone]])
        self.idx[keep] = ids
        self.val[keep] = np.bincount(inverse, weights, minlength=len(ids)).astype(np.float64)
        self.size[keep] += self.size[gone]
        self.members[keep] += self.members[gone]
        self.idx[gone] = np.zeros(0, dtype=np.int64)
        self.val[gone] = np.zeros(0, dtype=np.float64)
        self.members[gone] = []

    def heaviest_ids(self, g: int, k: int) -> list[int]:
        """Term ids of the ``k`` heaviest terms of group ``g`` (ties by term)."""
        idx, val = self.idx[g], self.val[g]
        order = sorted(range(len(idx)), key=lambda i: (-val[i], idx[i]))
        return [int(idx[i]) for i in order[:k]]

    def heaviest(self, g: int, k: int) -> list[str]:
        """The ``k`` heaviest terms of group ``g`` (ties by term)."""
        return [self.vocab[i] for i in self.heaviest_ids(g, k)]


def _nearest(unit: FloatArray, k: int, opts: TopicOptions) -> IntArray:
    """The ``k`` nearest rows of each row of ``unit`` (itself excluded; -1 pads).

    Exact block products up to ``exact_limit`` rows; an HNSW index (usearch) beyond.
    """
    n = len(unit)
    if n <= opts.exact_limit:
        out = np.empty((n, k), dtype=np.int64)
        for start in range(0, n, opts.chunk):
            block = unit[start : start + opts.chunk] @ unit.T
            rows = np.arange(block.shape[0])
            block[rows, start + rows] = -np.inf
            out[start : start + len(rows)] = np.argpartition(-block, k - 1, axis=1)[:, :k]
        return out
    from usearch.index import Index

    index = Index(ndim=unit.shape[1], metric="cos", dtype="f16")
    vectors = unit.astype(np.float32)
    index.add(np.arange(n), vectors, threads=1)
    found = index.search(vectors, k + 1, threads=1)
    return np.asarray(found.keys, dtype=np.int64).reshape(n, -1)


def _candidates(groups: _Groups, opts: TopicOptions) -> dict[int, set[int]]:
    """Each story's candidate partners: nearest by embedding, and sharers of rare terms."""
    n = len(groups.size)
    pairs: dict[int, set[int]] = defaultdict(set)
    means = groups.emb / groups.size[:, None]
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    unit = means / np.where(norms > 0, norms, 1.0)
    k = min(opts.neighbours, n - 1)
    if k > 0:
        for a, row in enumerate(_nearest(unit, k, opts).tolist()):
            for b in row:
                if 0 <= b != a:
                    pairs[min(a, b)].add(max(a, b))
    df = np.bincount(np.concatenate(groups.idx), minlength=len(groups.vocab))
    postings: dict[int, list[int]] = defaultdict(list)
    for g in range(n):
        for term in groups.heaviest_ids(g, opts.term_candidates):
            if df[term] <= opts.max_posting:
                postings[term].append(g)
    for members in postings.values():
        for x, a in enumerate(members):
            for b in members[x + 1 :]:
                pairs[min(a, b)].add(max(a, b))
    return pairs


def group_topics(
    features: Sequence[ArticleFeatures],
    stories: Sequence[Story],
    options: TopicOptions | None = None,
) -> list[Topic]:
    """The topics of ``stories`` (whose articles are described by ``features``), largest first.

    Articles without features are ignored; a story with none becomes a topic of its own.
    """
    opts = options or TopicOptions()
    if not stories:
        return []
    by_id = {f.article_id: f for f in features}
    present = [f for s in stories for a in s.article_ids if (f := by_id.get(a)) is not None]
    tfidf = dict(zip((f.article_id for f in present), _tfidf(present), strict=True))
    dim = len(present[0].vector) if present else 1
    emb = np.zeros((len(stories), dim), dtype=np.float64)
    terms: list[Sparse] = []
    sizes: list[int] = []
    for i, story in enumerate(stories):
        acc: Sparse = {}
        count = 0
        for aid in story.article_ids:
            feat = by_id.get(aid)
            if feat is None:
                continue
            emb[i] += feat.vector
            for t, v in tfidf[aid].items():
                acc[t] = acc.get(t, 0.0) + v
            count += 1
        terms.append(acc)
        sizes.append(max(count, 1))
    groups = _Groups(emb, terms, sizes, opts.emb_weight)
    # Only pairs at or above the threshold are kept as neighbours: a merged group's mean
    # similarity to another is the size-weighted mean of its parts', so it can pass the
    # threshold only if one part did — the heap holds every pair that can merge (exact
    # UPGMA over the candidate pairs) as long as no group has more than max_neighbours
    # such partners; past that a merged group keeps its most similar ones (bounded cost).
    neighbours: dict[int, set[int]] = defaultdict(set)
    heap: list[tuple[float, int, int, int, int]] = []  # (-sim, a, b, a's version, b's)
    for a, partners in _candidates(groups, opts).items():
        others = sorted(partners)
        for b, sim in zip(others, groups.similarities(a, others).tolist(), strict=True):
            if sim >= opts.threshold:
                heap.append((-sim, a, b, 0, 0))
                neighbours[a].add(b)
                neighbours[b].add(a)
    heapq.heapify(heap)
    version = [0] * len(stories)
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        if not groups.members[a] or not groups.members[b]:
            continue
        if (va, vb) != (version[a], version[b]):  # scored before a or b changed
            continue
        keep, gone = min(a, b), max(a, b)
        groups.merge(keep, gone)
        version[keep] += 1
        joined = sorted((neighbours.pop(gone, set()) | neighbours[keep]) - {keep, gone})
        for other in joined:
            neighbours[other].discard(gone)
            neighbours[other].discard(keep)
        neighbours[keep] = set()
        if not joined:
            continue
        sims = groups.similarities(keep, joined)
        scored = sorted(
            (
                (sim, other)
                for other, sim in zip(joined, sims.tolist(), strict=True)
                if sim >= opts.threshold
            ),
            reverse=True,
        )
        for sim, other in scored[: opts.max_neighbours]:
            neighbours[other].add(keep)
            neighbours[keep].add(other)
            x, y = min(keep, other), max(keep, other)
            heapq.heappush(heap, (-sim, x, y, version[x], version[y]))
    return _topics(stories, groups, opts)


def _topics(stories: Sequence[Story], groups: _Groups, opts: TopicOptions) -> list[Topic]:
    out: list[Topic] = []
    for i, members in enumerate(groups.members):
        if not members:
            continue
        ordered = sorted(members, key=lambda m: (-len(stories[m].article_ids), m))
        heaviest = groups.heaviest(i, 4 * opts.keywords)
        keywords = tuple(dict.fromkeys(t.lstrip(NAME_MARK) for t in heaviest))
        out.append(
            Topic(
                id=topic_id_for(stories[min(members)].id),
                title=stories[ordered[0]].title,
                story_ids=tuple(stories[m].id for m in ordered),
                article_count=sum(len(stories[m].article_ids) for m in members),
                keywords=keywords[: opts.keywords],
            )
        )
    out.sort(key=lambda t: (-t.article_count, -len(t.story_ids), t.id))
    return out
