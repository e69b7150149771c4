"""Grounding: does a source text support a claim?

The question behind cross-check evidence, brief citations and the audit: given a source
text (one sentence, a paragraph or a whole article) and a claim, is the claim supported by
the source? :class:`Grounder` answers it with an NLI model (``storycheck.models.get_nli``):

* the source is split into sentences (lines first, then the ingest sentence splitter),
  and cut into windows of ``window`` consecutive sentences, one every ``stride``
  sentences (the last window always reaches the end); a source of at most ``window``
  sentences is one window;
* with ``top_k`` set, only the ``top_k`` windows that share the most content words with
  the claim go to the model (a long page has a hundred windows and few of them are about
  the claim; this keeps grounding fast on whole articles);
* with ``sentences`` > 0 and windows longer than one sentence, the ``sentences`` single
  sentences sharing the most content words with the claim are scored too (a fact stated
  in one sentence is not diluted by its neighbours);
* a claim whose words the source has in a row (:func:`verbatim`: case, quote style,
  spacing and punctuation folded, whole words only) is supported without asking the
  model (``P(entail) = 1``), as in the brief's support check;
* every (window, claim) pair of every input pair is scored in one NLI call (identical
  pairs only once; the backends sort by length and batch);
* a pair's ``P(entail)`` is the maximum over its windows (some passage supports the
  claim) and ``P(contradict)`` the maximum over its windows (some passage contradicts
  it), each taken as is: a contradiction elsewhere in a long source does not lower the
  support found in one passage. ``P(neutral) = max(0, 1 - P(entail) - P(contradict))``,
  so a row sums to 1 unless one window entails and another contradicts (then it may
  sum to more than 1). A one-window source keeps the model's row.

``window``, ``stride``, ``top_k``, ``threshold`` and the model were chosen on development
data only (WiCE dev and FRANK valid, ``python -m bench.grounding --tune``; the test parts
are measured by ``python -m bench.grounding``, see ``docs/benchmarks.md``). The model is
storycheck's default NLI (``get_nli()``, ``news-nli-deberta``), whose head was fitted with
pairs from one half of WiCE dev and FRANK valid; the settings were chosen on the other
half (``--dev-part tune``). With the earlier default models the plain average of news-nli
and aegis grounded better than either, and the Grounder used it; the head beats both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from storycheck.ingest.segment import sentence_spans

if TYPE_CHECKING:
    import numpy.typing as npt

    from storycheck.models import NLI

    FloatArray = npt.NDArray[np.float32]
    BoolArray = npt.NDArray[np.bool_]

#: Defaults chosen on WiCE dev + FRANK valid with the default NLI
#: (``python -m bench.grounding --tune``; docs/benchmarks.md has the sweep).
DEFAULT_WINDOW = 3
DEFAULT_STRIDE = 1
DEFAULT_THRESHOLD = 0.6
DEFAULT_TOP_K: int | None = 4
#: Single sentences scored besides the windows (the closest by content words).
DEFAULT_SENTENCES = 1

_WORD = re.compile(r"\w+")
# fmt: off
_STOPWORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "by", "with",
    "from", "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
    "it", "its", "this", "that", "these", "those", "he", "she", "they", "his", "her", "their",
    "which", "who", "whom", "whose", "not", "no", "s", "also", "than", "then", "there",
    "into", "about", "after", "before", "over", "under", "will", "would", "can", "could",
))
# fmt: on


_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})


def normalise(text: str) -> str:
    """Case, quote style and whitespace folded, for verbatim comparisons."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return _SPACE.sub(" ", folded).strip(" .")


_VERBATIM_TOKEN = re.compile(r"\w+(?:'\w+)*")


def verbatim_key(text: str) -> str:
    """``text`` as space-separated words (:func:`normalise` first; contractions stay one
    word), with a space at both ends, for :func:`verbatim` look-ups."""
    return " " + " ".join(_VERBATIM_TOKEN.findall(normalise(text))) + " "


def verbatim(claim: str, source: str) -> bool:
    """Whether ``claim``'s words occur in ``source`` in a row, whole words only ("he won"
    is not in "she won", "Trump won" is not in "Trump won't")."""
    needle = verbatim_key(claim)
    return needle.strip() != "" and needle in verbatim_key(source)


def content_words(text: str) -> set[str]:
    """Lower-cased words of ``text`` without a short list of function words."""
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS}


def closest_windows(windows: Sequence[str], claim: str, k: int) -> list[str]:
    """The ``k`` windows sharing the most content words with ``claim`` (earlier first on
    ties), in source order."""
    if len(windows) <= k:
        return list(windows)
    wanted = content_words(claim)
    overlap = [len(wanted & content_words(w)) for w in windows]
    best = sorted(range(len(windows)), key=lambda i: (-overlap[i], i))[:k]
    return [windows[i] for i in sorted(best)]


def source_sentences(text: str) -> list[str]:
    """The sentences of a source: each non-empty line split by the ingest segmenter."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        out.extend(line[a:b] for a, b in sentence_spans(line))
    return out


def source_windows(text: str, window: int, stride: int) -> list[str]:
    """:func:`sentence_windows` of a source text's :func:`source_sentences`."""
    return sentence_windows(source_sentences(text), window, stride)


def sentence_windows(sentences: Sequence[str], window: int, stride: int) -> list[str]:
    """Windows of ``window`` consecutive sentences every ``stride`` sentences.

    At most ``window`` sentences make one window (the sentences joined); the last window
    always ends at the last sentence, so no sentence is left out. No sentences give one
    empty window.
    """
    if window < 1 or stride < 1:
        raise ValueError("window and stride must be at least 1")
    if len(sentences) <= window:
        return [" ".join(sentences)]
    starts = list(range(0, len(sentences) - window + 1, stride))
    if starts[-1] + window < len(sentences):
        starts.append(len(sentences) - window)
    return [" ".join(sentences[s : s + window]) for s in starts]


class Grounder:
    """Decide whether source texts support claims (see the module doc).

    ``Grounder().support([(source, claim), ...])`` gives ``P(entail)`` per pair;
    :meth:`supported` compares it with ``threshold``; :meth:`scores` gives all three
    probabilities. The NLI model loads on first use (the default one unless given).
    """

    def __init__(
        self,
        nli: NLI | None = None,
        *,
        window: int = DEFAULT_WINDOW,
        stride: int = DEFAULT_STRIDE,
        threshold: float = DEFAULT_THRESHOLD,
        top_k: int | None = DEFAULT_TOP_K,
        sentences: int = DEFAULT_SENTENCES,
    ) -> None:
        if sentences < 0:
            raise ValueError("sentences must be 0 or more")
        if window < 1 or stride < 1:
            raise ValueError("window and stride must be at least 1")
        if top_k is not None and top_k < 1:
            raise ValueError("top_k must be at least 1 (or None for every window)")
        if not 0.0 <= threshold <= 1.0:
            raise ValueError("threshold must be between 0 and 1")
        self._nli = nli
        self.window = window
        self.stride = stride
        self.threshold = threshold
        self.top_k = top_k
        self.sentences = sentences

    @property
    def nli(self) -> NLI:
        if self._nli is None:
            from storycheck.models import get_nli

            self._nli = get_nli()
        return self._nli

    def scores(self, pairs: Sequence[tuple[str, str]]) -> FloatArray:
        """``P(entail), P(neutral), P(contradict)`` per ``(source, claim)``: ``(n, 3)``.

        Entail and contradict are maxima over the source's windows (module doc).
        """
        if isinstance(pairs, tuple) and len(pairs) == 2 and isinstance(pairs[0], str):
            raise TypeError("scores() takes a sequence of (source, claim) pairs, not one pair")
        if not pairs:
            return np.zeros((0, 3), dtype=np.float32)
        index: dict[tuple[str, str], int] = {}
        units: list[int] = []
        owners: list[int] = []
        copied: list[int] = []
        for n, (source, claim) in enumerate(pairs):
            if verbatim(claim, source):
                copied.append(n)
                continue
            sentences = source_sentences(source)
            windows = sentence_windows(sentences, self.window, self.stride)
            if self.top_k is not None:
                windows = closest_windows(windows, claim, self.top_k)
            if self.sentences and self.window > 1:
                singles = closest_windows(sentences, claim, self.sentences)
                windows = list(dict.fromkeys([*windows, *singles]))
            for text in windows:
                units.append(index.setdefault((text, claim), len(index)))
                owners.append(n)
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        out[copied] = (1.0, 0.0, 0.0)
        if not index:
            return out
        probs = np.asarray(self.nli.relations(list(index)), dtype=np.float32)
        rows = probs[np.asarray(units, dtype=np.int64)]
        owner = np.asarray(owners, dtype=np.int64)
        entail = np.zeros(len(pairs), dtype=np.float32)
        contra = np.zeros(len(pairs), dtype=np.float32)
        np.maximum.at(entail, owner, rows[:, 0])
        np.maximum.at(contra, owner, rows[:, 2])
        neutral = np.clip(1.0 - entail - contra, 0.0, 1.0)
        counts = np.bincount(owner, minlength=len(pairs))
        scored = counts > 0
        out[scored] = np.stack([entail, neutral, contra], axis=1)[scored]
        single = counts == 1
        out[single] = rows[np.searchsorted(owner, np.flatnonzero(single))]
        return out

    def support(self, pairs: Sequence[tuple[str, str]]) -> FloatArray:
        """``P(entail)`` per ``(source, claim)`` after windowing: ``(n,)``."""
        return self.scores(pairs)[:, 0].copy()

    def supported(self, pairs: Sequence[tuple[str, str]]) -> BoolArray:
        """Whether each claim's support reaches :attr:`threshold`: ``(n,)`` bools."""
        return self.support(pairs) >= self.threshold
