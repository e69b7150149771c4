"""Near-duplicate detection: MinHash over word shingles with LSH candidate search.

Syndicated copies (estimated Jaccard ≥ threshold, 0.8 by default) are collapsed into one
article. Signatures are plain ``uint64`` arrays so the store can persist them and a later
run can rebuild the index without re-reading old articles.
"""

from __future__ import annotations

import re

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE = 3
SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures depend on it
_TOKEN = re.compile(r"\w+")
_TEMPLATE = MinHash(num_perm=NUM_PERM, scheme=SCHEME)


def _minhash(hashvalues: np.ndarray | None = None) -> MinHash:
    return MinHash(
        num_perm=NUM_PERM,
        hashvalues=hashvalues,
        permutations=_TEMPLATE.permutations,
        scheme=SCHEME,
    )


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    words = _TOKEN.findall(text.lower())
    if len(words) < k:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def signature(text: str) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` uint64 values) of the text's word shingles."""
    mh = _minhash()
    mh.update_batch(list(shingles(text)))
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / float(len(a))


class NearDuplicateIndex:
    """LSH index of article signatures; ``find`` returns the best match above threshold."""

    def __init__(self, threshold: float = 0.8) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, key: str) -> bool:
        return key in self._signatures

    def add(self, key: str, sig: np.ndarray) -> None:
        if key in self._signatures:
            return
        self._signatures[key] = sig
        self._lsh.insert(key, _minhash(sig))

    def find(self, sig: np.ndarray) -> tuple[str, float] | None:
        candidates = self._lsh.query(_minhash(sig))
        best: tuple[str, float] | None = None
        for key in sorted(candidates):
            score = estimated_jaccard(sig, self._signatures[key])
            if score >= self.threshold and (best is None or score > best[1]):
                best = (key, score)
        return best
