"""Candidate claim pairs across articles, without comparing everything with everything.

Each claim is paired with its ``k`` most similar claims in *other* articles (cosine of
unit embeddings, computed block-wise so memory stays bounded), above a similarity floor.
For stories beyond a few thousand claims an approximate index takes over (usearch, when
installed). Pairs are returned once per direction that matters: (claim, candidate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DEFAULT_K = 6
MIN_SIMILARITY = 0.45
BLOCK = 1024
ANN_THRESHOLD = 20_000


@dataclass(frozen=True, slots=True)
class Pair:
    """Claim ``i`` and a candidate ``j`` from another article, with their cosine."""

    i: int
    j: int
    similarity: float


def _exact_topk(
    vectors: npt.NDArray[np.float32], groups: npt.NDArray[np.int64], k: int, floor: float
) -> list[Pair]:
    pairs: list[Pair] = []
    n = len(vectors)
    kk = min(k + 1, n)
    for lo in range(0, n, BLOCK):
        hi = min(lo + BLOCK, n)
        sims = vectors[lo:hi] @ vectors.T
        same = groups[lo:hi, None] == groups[None, :]
        sims[same] = -1.0  # never a candidate from the claim's own article
        top = (
            np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            if kk < n
            else np.tile(np.arange(n), (hi - lo, 1))
        )
        for row, cols in enumerate(top):
            i = lo + row
            for j in cols:
                s = float(sims[row, j])
                if s >= floor:
                    pairs.append(Pair(i, int(j), s))
    return pairs


def _ann_topk(
    vectors: npt.NDArray[np.float32], groups: npt.NDArray[np.int64], k: int, floor: float
) -> list[Pair]:
    from usearch.index import Index

    index = Index(ndim=vectors.shape[1], metric="cos", dtype="f32")
    index.add(np.arange(len(vectors)), vectors)
    found = index.search(vectors, k * 3)
    pairs: list[Pair] = []
    for i in range(len(vectors)):
        kept = 0
        for key, dist in zip(found.keys[i], found.distances[i], strict=False):
            j = int(key)
            if j < 0 or groups[j] == groups[i]:
                continue
            s = 1.0 - float(dist)
            if s >= floor:
                pairs.append(Pair(i, j, s))
                kept += 1
            if kept >= k:
                break
    return pairs


def candidate_pairs(
    vectors: npt.NDArray[np.float32],
    article_of: Sequence[int],
    k: int = DEFAULT_K,
    floor: float = MIN_SIMILARITY,
) -> list[Pair]:
    """Top-``k`` cross-article neighbours of every claim, above ``floor``."""
    if len(vectors) == 0:
        return []
    groups = np.asarray(article_of, dtype=np.int64)
    if len(vectors) > ANN_THRESHOLD:
        try:
            return _ann_topk(vectors, groups, k, floor)
        except ImportError:
            pass
    return _exact_topk(vectors.astype(np.float32, copy=False), groups, k, floor)
