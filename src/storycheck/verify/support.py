"""Does a source support a sentence? Retrieve the closest passages, then ask the NLI model.

Used by the brief (is every cited article behind each sentence?) and by audit (which
source sentence best supports or contradicts each sentence of a draft?). Each article's
sentences are embedded once; for a hypothesis the ``top`` most similar sentences of the
articles in scope are retrieved (exact top-k over a small matrix per story), and every
retrieved sentence is scored alone and inside a three-sentence window (so facts spread over
neighbouring sentences still count). The benchmarked grounding checker's passages are
added (:mod:`storycheck.verify.grounding`: the ``top_k`` windows of ``window`` sentences
sharing the most content words with the hypothesis), so a passage the Grounder would
accept is always among those scored. The verdict is the maximum over the passages.
Everything goes to the NLI model in one batch. The brief and the audit call a passage
supporting at P(entail) >= 0.5, the entailment threshold chosen on news dev for
sentence-level pairs (the Grounder's 0.6 is its operating point for the best of a few
windows of long documents, chosen on WiCE dev / FRANK valid).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from storycheck.model import Article
from storycheck.models import NLI, Embedder
from storycheck.verify.grounding import (
    DEFAULT_TOP_K,
    DEFAULT_WINDOW,
    closest_windows,
    sentence_windows,
    verbatim_key,
)

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]+|\d[\d.,]*")
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself said says say told according""".split()
)


def content_words(text: str) -> set[str]:
    """Lower-cased content words cut to a 5-letter stem (a plural "s" dropped first) so
    inflections still match; figures kept whole, small number words as digits ("five-hour"
    and "5 hours" share "5" and "hour")."""
    out: set[str] = set()
    for token in _TOKEN.findall(text):
        word = token.lower().replace("’", "'").removesuffix("'s")
        if word[0].isdigit():
            out.add(word.rstrip(".,").replace(",", ""))
            continue
        if word in _NUMBER_WORDS:
            out.add(_NUMBER_WORDS[word])
            continue
        if word in _STOP or len(word) < 3:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.add(word[:5])
    return out


def shares_figure(sentence: str, passage: str) -> bool:
    """Do both mention the same figure (digits or a small number word)?"""
    mine = {w for w in content_words(sentence) if w[0].isdigit()}
    return bool(mine & content_words(passage))


_CAPITALISED = re.compile(
    r"(?<![.!?:;]\s)(?<!^)(?<![“\"'‘(])\b[A-Z][A-Za-z’'.-]*(?:\s+(?:of\s+|and\s+)?[A-Z][A-Za-z’'.-]*)*"
)
# capitalised words that are not names of anyone or anything in particular
_NOT_NAMES = frozenset(
    """i monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december mr mrs ms dr""".split()
)


def specifics(sentence: str) -> list[set[str]]:
    """The names and figures a sentence asserts: each figure, and each run of capitalised
    words after the first word ("NATO", "Larrow Valley Fire and Rescue Service") as the
    :func:`content_words` stems of the run's last word and of its initials."""
    out = [{w} for w in content_words(sentence) if w[0].isdigit()]
    for match in _CAPITALISED.finditer(sentence):
        words = [w for w in re.split(r"\s+", match.group(0)) if w not in ("of", "and")]
        words = [w for w in words if w.lower().strip(".") not in _NOT_NAMES]
        if not words or all(w.lower() in _STOP for w in words):
            continue
        last = content_words(words[-1])
        initials = "".join(w[0] for w in words if w[:1].isupper())
        options = set(last)
        if len(words) > 1:
            options.add(initials.lower())
        if options:
            out.append(options)
    return out


def _initials(text: str) -> set[str]:
    """Acronyms in a text, dots dropped ("U.S." → "us")."""
    return {
        m.replace(".", "").lower() for m in re.findall(r"\b(?:[A-Z]\.){2,}|\b[A-Z]{2,}\b", text)
    }


def specifics_found(sentence: str, source: str) -> bool:
    """Does the source mention every name and figure of the sentence (see
    :func:`specifics`)? A citation whose article never names NATO cannot support a
    sentence about NATO, however topical the model finds the passage. A name counts as
    mentioned by its last word ("Trump" for "Donald Trump") or its initials ("U.S." for
    "United States")."""
    wanted = specifics(sentence)
    if not wanted:
        return True
    have = content_words(source) | _initials(source)
    if not all(options & have for options in wanted):
        # the initials of the source's own names ("Larrow Valley Fire" gives "lvf")
        have |= {o for options in specifics(source) for o in options}
    return all(options & have for options in wanted)


def common_ground(sentence: str, passage: str, need: float) -> bool:
    """Worth asking the NLI model: enough shared content words, or a shared figure and
    half of that."""
    share = coverage(sentence, passage)
    return share >= need or (share >= need / 2 and shares_figure(sentence, passage))


def coverage(sentence: str, passage: str) -> float:
    """Share of the sentence's content words that the passage also has (1.0 if none)."""
    words = content_words(sentence)
    if not words:
        return 1.0
    return len(words & content_words(passage)) / len(words)


@dataclass(frozen=True, slots=True)
class Passage:
    """What one article says about one hypothesis: its most supportive passage and its
    most contradicting one, with the NLI model's probabilities."""

    article_id: str
    text: str
    entail: float
    contradict: float = 0.0
    contra_text: str = ""
    verbatim: bool = False


class SupportIndex:
    """Sentence embeddings of a set of articles, queried by hypothesis."""

    def __init__(
        self,
        articles: Sequence[Article],
        *,
        embedder: Embedder,
        nli: NLI,
        top: int = 2,
        window: int = DEFAULT_WINDOW,
        top_windows: int | None = DEFAULT_TOP_K,
        prefilter: Callable[[str, str], bool] | None = None,
    ) -> None:
        self.articles = {a.id: a for a in articles}
        self.nli = nli
        self.embedder = embedder
        self.top = top
        self.prefilter = prefilter  # (hypothesis, passage) -> worth asking the model?
        self.top_windows = top_windows
        self._windows = {
            a.id: sentence_windows([s.text for s in a.sentences], window, 1) if a.sentences else []
            for a in articles
        }
        self._rows: list[tuple[str, int]] = [
            (a.id, n) for a in articles for n in range(len(a.sentences))
        ]
        texts = [a.sentences[n].text for a in articles for n in range(len(a.sentences))]
        self._vectors = (
            np.asarray(embedder.encode(texts), dtype=np.float32)
            if texts
            else np.zeros((0, 1), dtype=np.float32)
        )
        groups: dict[str, list[int]] = {}
        for row, (article_id, _n) in enumerate(self._rows):
            groups.setdefault(article_id, []).append(row)
        self._by_article = {k: np.asarray(v, dtype=np.int64) for k, v in groups.items()}
        self._verbatim = {a.id: verbatim_key(a.text) for a in articles}

    def _window(self, article_id: str, n: int) -> str:
        sentences = self.articles[article_id].sentences
        lo, hi = max(0, n - 1), min(len(sentences), n + 2)
        return " ".join(s.text for s in sentences[lo:hi])

    def best(self, queries: Sequence[tuple[str, Sequence[str]]]) -> list[dict[str, Passage]]:
        """For each (hypothesis, article ids) the best passage per article.

        A hypothesis found verbatim in an article is supported by it with score 1.0
        without asking the model.
        """
        if not queries:
            return []
        hyp_vectors = np.asarray(self.embedder.encode([q for q, _ in queries]), dtype=np.float32)
        jobs: list[tuple[int, str, str]] = []  # (query, article, premise)
        results: list[dict[str, Passage]] = [{} for _ in queries]
        for qi, (hypothesis, article_ids) in enumerate(queries):
            needle = verbatim_key(hypothesis)
            for article_id in article_ids:
                if article_id not in self.articles:
                    continue
                if needle.strip() and needle in self._verbatim[article_id]:
                    results[qi][article_id] = Passage(article_id, hypothesis, 1.0, verbatim=True)
                    continue
                rows = self._by_article.get(article_id)
                if rows is None or not len(rows):
                    continue
                sims = self._vectors[rows] @ hyp_vectors[qi]
                order = np.argsort(-sims, kind="stable")[: self.top]
                premises: list[str] = []
                for r in order:
                    n = self._rows[int(rows[int(r)])][1]
                    premises += [self.articles[article_id].sentences[n].text]
                    premises += [self._window(article_id, n)]
                if self.top_windows:
                    windows = self._windows[article_id]
                    premises += closest_windows(windows, hypothesis, self.top_windows)
                for premise in dict.fromkeys(premises):
                    if self.prefilter is None or self.prefilter(hypothesis, premise):
                        jobs.append((qi, article_id, premise))
        if jobs:
            probs = self.nli.relations([(premise, queries[qi][0]) for qi, _, premise in jobs])
            scored: dict[tuple[int, str], list[tuple[float, float, str]]] = {}
            for (qi, article_id, premise), p in zip(jobs, probs, strict=True):
                scored.setdefault((qi, article_id), []).append((float(p[0]), float(p[2]), premise))
            for (qi, article_id), options in scored.items():
                entail = max(options, key=lambda o: o[0])
                contra = max(options, key=lambda o: o[1])
                results[qi][article_id] = Passage(
                    article_id, entail[2], entail[0], contra[1], contra[2]
                )
        return results

    def support(self, queries: Sequence[tuple[str, Sequence[str]]]) -> list[tuple[float, ...]]:
        """P(entail) of each hypothesis given each of its articles (in the order given)."""
        return [scores for scores, _ in self.support_evidence(queries)]

    def support_evidence(
        self, queries: Sequence[tuple[str, Sequence[str]]]
    ) -> list[tuple[tuple[float, ...], tuple[str, ...]]]:
        """Like :meth:`support`, with the passage of each article that gave the score."""
        best = self.best(queries)
        return [
            (
                tuple(round(found[a].entail, 3) if a in found else 0.0 for a in article_ids),
                tuple(found[a].text if a in found else "" for a in article_ids),
            )
            for (_, article_ids), found in zip(queries, best, strict=True)
        ]
