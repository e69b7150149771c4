"""The three model interfaces the rest of storycheck uses.

* :class:`Embedder` — sentences to L2-normalised float32 vectors, batched, with an
  on-disk cache keyed by model id and text hash.
* :class:`NLI` — (premise, hypothesis) pairs to ``P(entail), P(neutral), P(contradict)``,
  batched and length-sorted, with premise windowing for long premises.
* :class:`Parser` — a thin spaCy wrapper that runs only the components a caller needs.

Backends subclass these (see :mod:`storycheck.models.embedders`,
:mod:`storycheck.models.nli`, :mod:`storycheck.models.parser`); callers get instances
from :mod:`storycheck.models.registry`. Weights load lazily, on first use or on an
explicit :meth:`load`. Nothing here imports numpy or a model library at import time.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

from storycheck.models.cache import EmbeddingCache, default_cache, text_key

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from spacy.tokens import Doc

    FloatArray = npt.NDArray[np.float32]

#: Column order of :meth:`NLI.relations`.
NLI_LABELS: tuple[str, str, str] = ("entailment", "neutral", "contradiction")
ENTAIL, NEUTRAL, CONTRADICT = 0, 1, 2


if TYPE_CHECKING:
    from storycheck.models.cpu import Numerics


class _Lazy:
    """Load-once support shared by the model classes."""

    def __init__(self) -> None:
        self._load_lock = threading.Lock()
        self._loaded = False

    @property
    def loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        """Load the weights now (otherwise they load on first use). Idempotent."""
        if self._loaded:
            return
        with self._load_lock:
            if not self._loaded:
                self._load()
                self._loaded = True

    @abstractmethod
    def _load(self) -> None: ...

    def numerics(self) -> Numerics:
        """The precision and kernel path this model computes with on this CPU
        (loads the model). Backends without ONNX graphs compute in fp32."""
        from storycheck.models.cpu import FP32, numerics

        return numerics(FP32)


def normalize_rows(matrix: FloatArray) -> FloatArray:
    """L2-normalise rows as float32; all-zero rows stay zero (never NaN)."""
    import numpy as np

    out = np.ascontiguousarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


class Embedder(_Lazy, ABC):
    """Sentence embeddings.

    :meth:`encode` returns an ``(n, dim)`` float32 array whose rows have unit L2 norm
    (a text the model has no token for, such as ``""`` for a static model, gets a zero
    row). Texts are deduplicated, looked up in the on-disk cache (``model_id`` + BLAKE2b
    of the text), and only the misses are run through the model, ``batch_size`` at a
    time; new vectors are written back, so a re-run over the same texts is free.
    """

    #: Used when :meth:`encode` gets no ``batch_size``.
    default_batch_size: ClassVar[int] = 64
    #: Whether instances use the on-disk cache unless told otherwise. Off for models
    #: that are faster than a cache lookup.
    cache_by_default: ClassVar[bool] = True

    def __init__(self, model_id: str, *, cache: EmbeddingCache | bool | None = None) -> None:
        super().__init__()
        self.model_id = model_id
        self._dim: int | None = None
        if cache is None:
            cache = self.cache_by_default
        self._cache_arg = cache

    @property
    def cache(self) -> EmbeddingCache | None:
        if isinstance(self._cache_arg, EmbeddingCache):
            return self._cache_arg
        return default_cache() if self._cache_arg else None

    @property
    def dim(self) -> int:
        """Vector size (loads the model if the size is not known without it)."""
        if self._dim is None:
            self.load()
        if self._dim is None:  # pragma: no cover - a backend bug
            raise RuntimeError(f"{type(self).__name__} did not set its dimension")
        return self._dim

    def encode(
        self, texts: Sequence[str], batch_size: int | None = None, *, use_cache: bool = True
    ) -> FloatArray:
        """Embed ``texts``: an ``(len(texts), dim)`` float32 array of unit rows.

        ``use_cache=False`` bypasses the on-disk cache for this call (benchmarks).
        """
        import numpy as np

        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not one string")
        size = batch_size or self.default_batch_size
        if size < 1:
            raise ValueError("batch_size must be at least 1")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        unique: dict[str, int] = {}
        rows = [unique.setdefault(t, len(unique)) for t in texts]
        distinct = list(unique)
        cache = self.cache if use_cache else None
        keys: list[bytes] = []
        found: dict[int, FloatArray] = {}
        if cache is not None:
            keys = [text_key(t) for t in distinct]
            blobs = cache.get_many(self.model_id, keys)
            for i, key in enumerate(keys):
                blob = blobs.get(key)
                if blob is not None and (self._dim is None or len(blob) == 4 * self._dim):
                    found[i] = np.frombuffer(blob, dtype=np.float32)
        missing = [i for i in range(len(distinct)) if i not in found]
        computed: FloatArray | None = None
        if missing:
            self.load()
            computed = normalize_rows(self._embed([distinct[i] for i in missing], size))
            if computed.shape[0] != len(missing):  # pragma: no cover - a backend bug
                raise RuntimeError(f"{self!r} returned {computed.shape[0]} rows for {len(missing)}")
            if cache is not None:
                dim = int(computed.shape[1])
                cache.put_many(
                    self.model_id,
                    ((keys[i], dim, computed[j].tobytes()) for j, i in enumerate(missing)),
                )
        width = computed.shape[1] if computed is not None else next(iter(found.values())).shape[0]
        vectors = np.empty((len(distinct), width), dtype=np.float32)
        if computed is not None:
            vectors[missing] = computed
        for i, vec in found.items():
            vectors[i] = vec
        if self._dim is None:
            self._dim = int(width)
        return np.ascontiguousarray(vectors[rows])

    @abstractmethod
    def _embed(self, texts: list[str], batch_size: int) -> FloatArray:
        """Run the model on ``texts`` (distinct, uncached); rows need not be normalised."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model_id!r})"


@dataclass
class NLIStats:
    """Pairs, windows and seconds spent in :meth:`NLI.relations` (cumulative)."""

    pairs: int = 0
    windows: int = 0
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, pairs: int, windows: int, seconds: float) -> None:
        with self._lock:
            self.pairs += pairs
            self.windows += windows
            self.seconds += seconds

    def snapshot(self) -> tuple[int, int, float]:
        with self._lock:
            return self.pairs, self.windows, self.seconds


class NLI(_Lazy, ABC):
    """Natural-language inference: how a premise bears on a hypothesis.

    :meth:`relations` returns an ``(n, 3)`` float32 array with columns
    ``P(entail), P(neutral), P(contradict)`` (:data:`NLI_LABELS`); rows sum to 1.

    Long premises are windowed (:mod:`storycheck.models.windows`): the hypothesis is
    kept whole (it is cut only if it alone leaves fewer than ``min_premise_tokens``
    for the premise) and each window is scored as its own pair. Windows of all pairs
    are sorted by token length and run ``batch_size`` at a time, which keeps padding
    small. The windows of one pair are combined by :func:`combine_windows`.
    """

    default_batch_size: ClassVar[int] = 32

    def __init__(
        self,
        model_id: str,
        *,
        max_length: int,
        window_sentences: int | None = None,
        min_premise_tokens: int = 32,
    ) -> None:
        super().__init__()
        self.model_id = model_id
        self.max_length = max_length
        self.window_sentences = window_sentences
        self.min_premise_tokens = min_premise_tokens
        self._pair_specials = 3
        #: Work done so far by :meth:`relations` in this process (for per-stage timings).
        self.stats = NLIStats()

    # --- what a backend provides ------------------------------------------------------

    @abstractmethod
    def _token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character offsets of ``text``'s tokens, without special tokens."""

    @abstractmethod
    def _predict(self, pairs: list[tuple[str, str]]) -> FloatArray:
        """Scores for pairs that fit in ``max_length``: ``(len(pairs), 3)`` probabilities."""

    # --- shared machinery -------------------------------------------------------------

    def windows(self, premise: str, hypothesis: str) -> list[tuple[str, str, int]]:
        """The ``(premise_window, hypothesis, approx_tokens)`` units one pair is scored as."""
        self.load()
        usable = self.max_length - self._pair_specials
        h_offsets = self._token_offsets(hypothesis)
        room = max(1, min(self.min_premise_tokens, usable // 2))
        if len(h_offsets) > usable - room:
            keep = max(1, usable - room)
            hypothesis = hypothesis[: h_offsets[keep - 1][1]]
            h_offsets = h_offsets[:keep]
        budget = usable - len(h_offsets)
        from storycheck.models.windows import premise_windows

        p_offsets = self._token_offsets(premise)
        texts = premise_windows(premise, p_offsets, budget, sentences=self.window_sentences)
        if len(texts) == 1 and texts[0] is premise:
            return [(premise, hypothesis, len(p_offsets) + len(h_offsets))]
        return [(t, hypothesis, len(self._token_offsets(t)) + len(h_offsets)) for t in texts]

    def relations(
        self, pairs: Sequence[tuple[str, str]], batch_size: int | None = None
    ) -> FloatArray:
        """``P(entail), P(neutral), P(contradict)`` for each ``(premise, hypothesis)``."""
        import numpy as np

        size = batch_size or self.default_batch_size
        if size < 1:
            raise ValueError("batch_size must be at least 1")
        if not pairs:
            return np.zeros((0, 3), dtype=np.float32)
        self.load()
        started = time.perf_counter()
        units: list[tuple[str, str]] = []
        owners: list[int] = []
        lengths: list[int] = []
        for index, (premise, hypothesis) in enumerate(pairs):
            for window, hyp, n_tokens in self.windows(premise, hypothesis):
                units.append((window, hyp))
                owners.append(index)
                lengths.append(n_tokens)
        order = sorted(range(len(units)), key=lengths.__getitem__)
        probs = np.empty((len(units), 3), dtype=np.float32)
        for start in range(0, len(order), size):
            batch = order[start : start + size]
            probs[batch] = self._predict([units[i] for i in batch])
        combined = combine_windows(probs, np.asarray(owners, dtype=np.int64), len(pairs))
        self.stats.add(len(pairs), len(units), time.perf_counter() - started)
        return combined

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model_id!r})"


def combine_windows(probs: FloatArray, owners: npt.NDArray[np.int64], n_pairs: int) -> FloatArray:
    """Combine per-window probabilities into one row per pair.

    ``P(entail)`` is the maximum over the pair's windows (some window supports the
    hypothesis) and ``P(contradict)`` likewise (some window contradicts it); both come
    from the window that is most sure of that relation, not from one shared window.
    ``P(neutral) = 1 - P(entail) - P(contradict)``. When one window entails and another
    contradicts so strongly that the two maxima add up to more than 1, they are
    rescaled to sum to 1 and ``P(neutral)`` is 0. A pair with one window keeps that
    window's row unchanged.
    """
    import numpy as np

    entail = np.zeros(n_pairs, dtype=np.float32)
    contra = np.zeros(n_pairs, dtype=np.float32)
    np.maximum.at(entail, owners, probs[:, ENTAIL])
    np.maximum.at(contra, owners, probs[:, CONTRADICT])
    total = entail + contra
    over = total > 1.0
    entail[over] /= total[over]
    contra[over] /= total[over]
    neutral = np.clip(1.0 - entail - contra, 0.0, 1.0)
    return np.stack([entail, neutral, contra], axis=1).astype(np.float32)


@runtime_checkable
class Parser(Protocol):
    """A spaCy pipeline behind a small interface.

    ``parse(texts, components=("ner",))`` runs the tokenizer and only the named
    components (plus what they need, e.g. the shared ``tok2vec``) over the texts, in
    one process, ``batch_size`` texts at a time. ``components=None`` runs the
    pipeline's default components.
    """

    model_id: str

    def parse(
        self,
        texts: Sequence[str],
        *,
        components: Sequence[str] | None = None,
        batch_size: int = 64,
    ) -> list[Doc]: ...

    def load(self) -> None: ...
