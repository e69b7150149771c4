"""Online, time-aware story clustering with an ANN candidate search.

Articles arrive in order. Each one is compared only with the stories of its ``k`` nearest
earlier articles (found in a usearch HNSW index, plus exact neighbours inside the current
chunk) — never with all stories — and joins the best of them when

    score = (w·emb + (1 − w)·terms) · decay  ≥  threshold

where ``emb`` mixes the cosine to the story's centroid with the cosine to its nearest
member (``link_weight``), ``terms`` is how much of the article's weighted, IDF-scaled
content words and — separately, mixed by ``name_share`` — of its names and numbers
(entity overlap) the story's articles share, and ``decay``
falls off exponentially (``decay_days``) once the article is more than ``grace_days``
outside the story's date range (articles without a date are not decayed). Otherwise the
article opens a new story. Every ``merge_every`` articles and at the end, each story that
changed looks for similar stories (its centroid against the index) and the two merge when
their story-to-story score passes ``merge_threshold``; the older story survives and keeps
its id.

Everything runs single-threaded in a fixed order, so the same input order gives the same
stories. The cost per article is one ANN query plus a handful of candidate scores, so
the total grows close to linearly with the corpus.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from storycheck.model import Story
from storycheck.stories.features import NAME_MARK, ArticleFeatures
from storycheck.stories.state import ArticleRecord, SavedState, StateDelta, StoryRecord

FloatArray = npt.NDArray[np.float32]
# a section label in front of a headline: "OPINION: …", "Exclusive: …", "WATCH LIVE – …"
_LABEL = re.compile(
    r"^\s*(?P<label>opinion|analysis|commentary|editorial|column|op-ed|perspective|"
    r"exclusive|breaking(?: news)?|watch(?: live)?|live(?: updates)?|video|update[d]?|"
    r"just in|developing)\s*[:|–—-]\s+(?=\S)",
    re.IGNORECASE,
)
_VIEWS = {"opinion", "analysis", "commentary", "editorial", "column", "op-ed", "perspective"}


def headline_label(title: str) -> tuple[str, str]:
    """``(label, headline)``: a section label a headline opens with ("OPINION", "Exclusive",
    lower-cased; "" when none) and the headline without it."""
    m = _LABEL.match(title)
    if not m:
        return "", title.strip()
    return m.group("label").lower(), title[m.end() :].strip()


_YEAR = re.compile(re.escape(NAME_MARK) + r"(?:19[5-9]\d|20[0-4]\d)")


@dataclass(frozen=True, slots=True)
class StoryOptions:
    """Clustering parameters (defaults tuned on ECB+ train topics and NeuS val; see docs)."""

    threshold: float = 0.4
    #: the threshold of a small collection (at most ``small_corpus`` articles, the store's
    #: included): there one event's own words are in most articles, so IDF weighs them
    #: low and the term scores of one event's reports run lower than in a large corpus
    small_threshold: float = 0.35
    small_corpus: int = 100
    emb_weight: float = 0.5
    link_weight: float = 0.5
    candidate_floor: float = 0.3
    neighbours: int = 10
    merge_threshold: float = 0.45
    merge_every: int = 2000
    merge_neighbours: int = 8
    grace_days: float = 2.0
    decay_days: float = 7.0
    chunk: int = 256
    connectivity: int = 16
    expansion_add: int = 64
    expansion_search: int = 48
    keywords: int = 6
    idf_prior: float = 50.0
    name_share: float = 0.3
    min_name_overlap: float = 0.1
    final_merge_rounds: int = 3
    refine_rounds: int = 3
    year_clash: float = 0.5


def short_id(prefix: str, key: str) -> str:
    """``prefix`` + the first 12 hex digits of the SHA-1 of ``key`` (stable ids)."""
    return prefix + hashlib.sha1(key.encode()).hexdigest()[:12]


def story_id_for(article_id: str) -> str:
    """A story's id: derived from its first article, so it never changes."""
    return short_id("s-", article_id)


def _days(a: datetime, b: datetime) -> float:
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return abs((a - b).total_seconds()) / 86400.0


class StoryClusterer:
    """Groups articles into stories, incrementally; see the module doc."""

    def __init__(self, options: StoryOptions | None = None, state: SavedState | None = None):
        self.opts = options or StoryOptions()
        self._stories: dict[int, StoryRecord] = {}
        self._parent: dict[int, int] = {}
        self._key_story: list[int] = []
        self._article_ids: list[str] = []
        self._titles: list[str] = []
        self._dates: list[datetime | None] = []
        self._df: dict[str, int] = {}
        self._n_docs = 0
        self._planned = 0  # articles the collection will hold once this add is done
        self._dim = 0
        self._index: object | None = None
        self._next_seq = 0
        self._touched: set[int] = set()
        self._since_merge = 0
        self._first_new_key = 0
        self._changed_df: set[str] = set()
        self._changed: set[int] = set()
        self._removed: list[str] = []
        self._merged: list[tuple[str, str]] = []
        self._new: list[tuple[int, FloatArray, dict[str, float]]] = []
        self._key_of: dict[str, int] = {}
        self._years: dict[int, frozenset[str]] = {}  # story seq -> its usual years (cache)
        if state is not None:
            self._load(state)

    # state ---------------------------------------------------------------------------

    def _load(self, state: SavedState) -> None:
        by_id: dict[str, int] = {}
        for rec in sorted(state.stories, key=lambda r: r.seq):
            self._stories[rec.seq] = rec
            self._parent[rec.seq] = rec.seq
            by_id[rec.id] = rec.seq
            self._next_seq = max(self._next_seq, rec.seq + 1)
        for art in sorted(state.articles, key=lambda r: r.key):
            if art.key != len(self._article_ids):
                raise ValueError("story state: article keys are not contiguous")
            self._article_ids.append(art.article_id)
            self._titles.append(art.title)
            self._dates.append(art.published)
            self._key_story.append(by_id[art.story_id])
        self._key_of = {aid: k for k, aid in enumerate(self._article_ids)}
        self._df = dict(state.df)
        self._n_docs = state.n_docs
        self._dim = state.dim
        self._first_new_key = len(self._article_ids)
        if state.index_blob is not None:
            from usearch.index import Index

            self._index = Index.restore(state.index_blob)

    def _new_index(self, dim: int) -> object:
        from usearch.index import Index

        return Index(
            ndim=dim,
            metric="cos",
            dtype="f16",
            connectivity=self.opts.connectivity,
            expansion_add=self.opts.expansion_add,
            expansion_search=self.opts.expansion_search,
        )

    def knows(self, article_id: str) -> bool:
        return article_id in self._key_of

    def __len__(self) -> int:
        return len(self._article_ids)

    # union-find over story seqs --------------------------------------------------------

    def _find(self, seq: int) -> int:
        root = seq
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[seq] != root:
            self._parent[seq], seq = root, self._parent[seq]
        return root

    # scoring ---------------------------------------------------------------------------

    def _idf(self, term: str) -> float:
        # ``idf_prior`` virtual documents without the term keep early IDFs from favouring
        # words that merely have not been seen twice yet (cold start of a small corpus).
        n = self._n_docs + self.opts.idf_prior
        return math.log((n + 1) / (self._df.get(term, 0) + 1)) + 1.0

    def _decay(self, when: datetime | None, story: StoryRecord) -> float:
        if when is None or story.first_seen is None or story.last_seen is None:
            return 1.0
        if story.first_seen <= when <= story.last_seen:
            return 1.0
        gap = min(_days(when, story.first_seen), _days(when, story.last_seen))
        over = gap - self.opts.grace_days
        return 1.0 if over <= 0 else math.exp(-over / self.opts.decay_days)

    @staticmethod
    def _centroid_cos(vec: FloatArray, story: StoryRecord) -> float:
        norm = float(np.linalg.norm(story.vec_sum))
        return 0.0 if norm == 0.0 else float(np.dot(story.vec_sum, vec)) / norm

    # adding articles -----------------------------------------------------------------

    def add(self, features: Sequence[ArticleFeatures]) -> list[str]:
        """Group ``features`` (skipping articles already grouped); their story ids."""
        fresh: list[ArticleFeatures] = []
        seen: set[str] = set()
        for f in features:
            if f.article_id not in self._key_of and f.article_id not in seen:
                fresh.append(f)
                seen.add(f.article_id)
        self._planned = self._n_docs + len(fresh)
        size = max(1, self.opts.chunk)
        for start in range(0, len(fresh), size):
            self._add_chunk(fresh[start : start + size])
        return [self.story_of(f.article_id) or "" for f in features]

    def _add_chunk(self, chunk: Sequence[ArticleFeatures]) -> None:
        vecs = np.stack([f.vector for f in chunk]).astype(np.float32)
        if self._dim == 0:
            self._dim = int(vecs.shape[1])
        if self._index is None:
            self._index = self._new_index(self._dim)
        index = self._index
        base = len(self._article_ids)
        k = self.opts.neighbours
        hits_keys: npt.NDArray[np.int64] | None = None
        hits_sims: npt.NDArray[np.float32] | None = None
        n_indexed = len(index)  # type: ignore[arg-type]
        if n_indexed:
            found = index.search(vecs, min(k, n_indexed), threads=1)  # type: ignore[attr-defined]
            hits_keys = np.asarray(found.keys, dtype=np.int64).reshape(len(chunk), -1)
            hits_sims = 1.0 - np.asarray(found.distances, dtype=np.float32).reshape(len(chunk), -1)
        intra = vecs @ vecs.T
        for i, feat in enumerate(chunk):
            key = base + i
            for term in feat.terms:
                self._df[term] = self._df.get(term, 0) + 1
                self._changed_df.add(term)
            self._n_docs += 1
            best_member: dict[int, float] = {}
            if hits_keys is not None and hits_sims is not None:
                for hk, hs in zip(hits_keys[i], hits_sims[i], strict=True):
                    if hk < 0 or hs < self.opts.candidate_floor:
                        continue
                    root = self._find(self._key_story[int(hk)])
                    if hs > best_member.get(root, -1.0):
                        best_member[root] = float(hs)
            if i:
                row = intra[i, :i]
                order = np.argsort(-row, kind="stable")[:k]
                for j in order:
                    sim = float(row[j])
                    if sim < self.opts.candidate_floor:
                        break
                    root = self._find(self._key_story[base + int(j)])
                    if sim > best_member.get(root, -1.0):
                        best_member[root] = sim
            choice = self._choose(feat, vecs[i], best_member)
            self._place(key, feat, vecs[i], choice)
        index.add(np.arange(base, base + len(chunk)), vecs, threads=1)  # type: ignore[attr-defined]
        self._since_merge += len(chunk)
        if self._since_merge >= self.opts.merge_every:
            self.merge()

    def threshold(self) -> float:
        """The score an article needs to join a story: ``small_threshold`` while the
        collection (with what is being added) is small, else ``threshold``."""
        size = max(self._n_docs, self._planned)
        small = size <= self.opts.small_corpus
        return self.opts.small_threshold if small else self.opts.threshold

    def _choose(self, feat: ArticleFeatures, vec: FloatArray, best: dict[int, float]) -> int | None:
        if not best:
            return None
        idf = self._idf
        words = {t: w * idf(t) for t, w in feat.terms.items() if t[0] != NAME_MARK}
        names = {t: w * idf(t) for t, w in feat.terms.items() if t[0] == NAME_MARK}
        o = self.opts
        chosen: int | None = None
        chosen_score = self.threshold()
        for seq in sorted(best):
            story = self._stories[seq]
            emb = o.link_weight * best[seq] + (1 - o.link_weight) * self._centroid_cos(vec, story)
            terms = self._terms_score(words, names, story)
            score = (o.emb_weight * emb + (1 - o.emb_weight) * terms) * self._decay(
                feat.published, story
            )
            if score >= chosen_score and (chosen is None or score > chosen_score):
                chosen, chosen_score = seq, score
        return chosen

    def _coverage(self, weights: dict[str, float], story: StoryRecord) -> float | None:
        total = sum(weights.values())
        if not total:
            return None
        prof, size = story.profile, story.size
        return sum(w * min(1.0, prof.get(t, 0) / size) for t, w in weights.items()) / total

    def _terms_score(
        self, words: dict[str, float], names: dict[str, float], story: StoryRecord
    ) -> float:
        """Weighted share of the article's words and of its names that the story has."""
        w_cov = self._coverage(words, story)
        n_cov = self._coverage(names, story)
        if n_cov is None:
            return w_cov or 0.0
        if n_cov < self.opts.min_name_overlap:
            return -1.0  # names and numbers, but none of the story's: another event
        clash = 1.0 - self.opts.year_clash if self._years_clash(names, story) else 1.0
        if w_cov is None:
            return n_cov * clash
        share = self.opts.name_share
        return ((1 - share) * w_cov + share * n_cov) * clash

    def _years_clash(self, names: dict[str, float], story: StoryRecord) -> bool:
        """The text names years, and the story's usual years (named by at least a third of
        its articles) are all other ones: most likely another event of the same kind."""
        mine = [t for t in names if _YEAR.fullmatch(t)]
        if not mine:
            return False
        theirs = self._years.get(story.seq)
        if theirs is None:
            theirs = frozenset(
                t for t, c in story.profile.items() if 3 * c >= story.size and _YEAR.fullmatch(t)
            )
            self._years[story.seq] = theirs
        return bool(theirs) and not theirs.intersection(mine)

    def _place(
        self, key: int, feat: ArticleFeatures, vec: FloatArray, seq: int | None
    ) -> StoryRecord:
        if seq is None:
            seq = self._next_seq
            self._next_seq += 1
            story = StoryRecord(
                id=story_id_for(feat.article_id),
                seq=seq,
                size=0,
                vec_sum=np.zeros(len(vec), dtype=np.float64),
                profile={},
            )
            self._stories[seq] = story
            self._parent[seq] = seq
        story = self._join(seq, feat)
        self._article_ids.append(feat.article_id)
        self._titles.append(feat.title)
        self._dates.append(feat.published)
        self._key_story.append(seq)
        self._key_of[feat.article_id] = key
        self._touched.add(seq)
        self._changed.add(seq)
        self._new.append((key, feat.vector, feat.terms))
        return story

    # merging ---------------------------------------------------------------------------

    def _story_pair_score(self, a: StoryRecord, b: StoryRecord) -> float:
        small, large = (a, b) if (a.size, a.seq) <= (b.size, b.seq) else (b, a)
        na, nb = np.linalg.norm(a.vec_sum), np.linalg.norm(b.vec_sum)
        emb = float(np.dot(a.vec_sum, b.vec_sum) / (na * nb)) if na and nb else 0.0
        words: dict[str, float] = {}
        names: dict[str, float] = {}
        for term, count in small.profile.items():
            (names if term[0] == NAME_MARK else words)[term] = count / small.size * self._idf(term)
        terms = self._terms_score(words, names, large)
        decay = 1.0
        if small.first_seen is not None and large.first_seen is not None:
            decay = min(self._decay(small.first_seen, large), self._decay(small.last_seen, large))
        o = self.opts
        return (o.emb_weight * emb + (1 - o.emb_weight) * terms) * decay

    def merge(self) -> int:
        """Merge stories that converged; returns how many merges happened."""
        self._since_merge = 0
        touched = sorted(s for s in self._touched if s in self._stories)
        self._touched = set()
        if not touched or self._index is None or not len(self._index):  # type: ignore[arg-type]
            return 0
        cents = np.stack([self._stories[s].vec_sum for s in touched]).astype(np.float32)
        norms = np.linalg.norm(cents, axis=1, keepdims=True)
        cents = (cents / np.where(norms == 0, 1.0, norms)).astype(np.float32)
        n_indexed = len(self._index)  # type: ignore[arg-type]
        count = min(self.opts.merge_neighbours, n_indexed)
        found = self._index.search(cents, count, threads=1)  # type: ignore[attr-defined]
        keys = np.asarray(found.keys, dtype=np.int64).reshape(len(touched), -1)
        merges = 0
        for row, seq in enumerate(touched):
            if seq not in self._stories:
                continue
            cands = sorted(
                {self._find(self._key_story[int(k)]) for k in keys[row] if k >= 0} - {seq}
            )
            for other in cands:
                a = self._stories.get(self._find(seq))
                b = self._stories.get(other)
                if a is None or b is None or a.seq == b.seq:
                    continue
                if self._story_pair_score(a, b) >= self.opts.merge_threshold:
                    self._absorb(min(a.seq, b.seq), max(a.seq, b.seq))
                    merges += 1
        return merges

    def _absorb(self, keep: int, gone: int) -> None:
        a, b = self._stories[keep], self._stories.pop(gone)
        self._years.pop(keep, None)
        self._years.pop(gone, None)
        a.size += b.size
        a.vec_sum += b.vec_sum
        for term, count in b.profile.items():
            a.profile[term] = a.profile.get(term, 0) + count
        for when in (b.first_seen, b.last_seen):
            if when is not None:
                if a.first_seen is None or _earlier(when, a.first_seen):
                    a.first_seen = when
                if a.last_seen is None or _earlier(a.last_seen, when):
                    a.last_seen = when
        self._parent[gone] = keep
        self._changed.add(keep)
        self._touched.add(keep)
        self._changed.discard(gone)
        self._removed.append(b.id)
        self._merged.append((b.id, a.id))

    def finish(self, features: Sequence[ArticleFeatures] = ()) -> None:
        """The final merge passes (call after the last :meth:`add`), then
        :meth:`refine` over ``features`` (the articles just added) and merges again."""
        self._final_merges()
        if features and self.refine(features):
            self._final_merges()

    def _final_merges(self) -> None:
        """Up to ``final_merge_rounds`` merge passes over every story changed so far."""
        self._touched |= set(self._changed)
        for _ in range(max(1, self.opts.final_merge_rounds)):
            if not self.merge():
                break

    # refining --------------------------------------------------------------------------

    def refine(self, features: Sequence[ArticleFeatures]) -> int:
        """Move articles that fit another story better than their own; returns the moves.

        A single pass in arrival order decides early articles before their story has
        formed. Each round takes every article of ``features`` out of its story, scores
        it against the stories of its ``neighbours`` nearest articles exactly as
        :meth:`add` does (the story it left included, now without it), and puts it back
        into the best one at or above ``threshold`` — into its own story when none is.
        Up to ``refine_rounds`` rounds, fewer when a round moves nothing. A story left
        empty is removed; a story's date range is not narrowed when an article leaves.
        """
        index = self._index
        known = [f for f in features if f.article_id in self._key_of]
        if index is None or not known or self.opts.refine_rounds < 1:
            return 0
        vecs = np.stack([f.vector for f in known]).astype(np.float32)
        count = min(self.opts.neighbours + 1, len(index))  # type: ignore[arg-type]
        found = index.search(vecs, count, threads=1)  # type: ignore[attr-defined]
        keys = np.asarray(found.keys, dtype=np.int64).reshape(len(known), -1)
        sims = 1.0 - np.asarray(found.distances, dtype=np.float32).reshape(len(known), -1)
        total = 0
        for _ in range(self.opts.refine_rounds):
            moves = 0
            for row, feat in enumerate(known):
                key = self._key_of[feat.article_id]
                home = self._find(self._key_story[key])
                self._leave(home, feat)
                best: dict[int, float] = {}
                for hk, hs in zip(keys[row], sims[row], strict=True):
                    if hk < 0 or hk == key or hs < self.opts.candidate_floor:
                        continue
                    root = self._find(self._key_story[int(hk)])
                    if self._stories[root].size and hs > best.get(root, -1.0):
                        best[root] = float(hs)
                target = self._choose(feat, feat.vector, best)
                if target is None or target == home:
                    target = home
                else:
                    moves += 1
                    self._key_story[key] = target
                    self._changed.update((home, target))
                    self._touched.update((home, target))
                self._join(target, feat)
                if not self._stories[home].size:
                    self._drop(home)
            total += moves
            if not moves:
                break
        return total

    def _leave(self, seq: int, feat: ArticleFeatures) -> None:
        """Take an article out of a story's running sums (its date range stays)."""
        story = self._stories[seq]
        self._years.pop(seq, None)
        story.size -= 1
        story.vec_sum -= feat.vector
        for term in feat.terms:
            left = story.profile.get(term, 0) - 1
            if left > 0:
                story.profile[term] = left
            else:
                story.profile.pop(term, None)

    def _join(self, seq: int, feat: ArticleFeatures) -> StoryRecord:
        """Count an article into a story's running sums (size, vector, terms, dates)."""
        story = self._stories[seq]
        self._years.pop(seq, None)
        story.size += 1
        story.vec_sum += feat.vector
        for term in feat.terms:
            story.profile[term] = story.profile.get(term, 0) + 1
        when = feat.published
        if when is not None:
            if story.first_seen is None or _earlier(when, story.first_seen):
                story.first_seen = when
            if story.last_seen is None or _earlier(story.last_seen, when):
                story.last_seen = when
        return story

    def _drop(self, seq: int) -> None:
        """Forget a story every article has left."""
        story = self._stories.pop(seq)
        self._years.pop(seq, None)
        self._changed.discard(seq)
        self._touched.discard(seq)
        self._removed.append(story.id)

    # reading -------------------------------------------------------------------------

    def story_of(self, article_id: str) -> str | None:
        key = self._key_of.get(article_id)
        if key is None:
            return None
        return self._stories[self._find(self._key_story[key])].id

    def assignments(self) -> dict[str, str]:
        """Article id → story id for every grouped article."""
        return {
            aid: self._stories[self._find(seq)].id
            for aid, seq in zip(self._article_ids, self._key_story, strict=True)
        }

    def _members(self) -> dict[int, list[int]]:
        members: dict[int, list[int]] = {}
        for key, seq in enumerate(self._key_story):
            members.setdefault(self._find(seq), []).append(key)
        return members

    def _describe(self, story: StoryRecord, keys: list[int]) -> None:
        """Title = headline of the member nearest the centroid; keywords = top terms."""
        index = self._index
        titled = [k for k in keys if self._titles[k]] or keys
        if index is not None and len(titled) > 1:
            vecs = np.asarray(index.get(np.asarray(titled)), dtype=np.float32)  # type: ignore[attr-defined]
            nearest = nearest_to(vecs.reshape(len(titled), -1), story.vec_sum)
            story.title = self._titles[titled[nearest]]
        else:
            story.title = self._titles[titled[0]]
        floor = 2 if story.size >= 2 else 1
        ranked = sorted(
            ((c * self._idf(t), t) for t, c in story.profile.items() if c >= floor),
            key=lambda x: (-x[0], x[1]),
        )
        shown = dict.fromkeys(t.lstrip(NAME_MARK) for _, t in ranked)
        story.keywords = tuple(shown)[: self.opts.keywords]

    def stories(self) -> list[Story]:
        """Every story (titles and keywords refreshed), largest first, then oldest."""
        members = self._members()
        out: list[Story] = []
        for seq in sorted(members, key=lambda s: (-len(members[s]), s)):
            story = self._stories[seq]
            if seq in self._changed or not story.title:
                self._describe(story, members[seq])
            out.append(
                Story(
                    id=story.id,
                    title=story.title or "Untitled story",
                    article_ids=tuple(self._article_ids[k] for k in members[seq]),
                    keywords=story.keywords,
                    first_seen=story.first_seen,
                    last_seen=story.last_seen,
                )
            )
        return out

    def delta(self) -> StateDelta:
        """The changes since loading (or the last delta), for a store to save."""
        members = self._members() if self._changed else {}
        for seq in self._changed:
            if seq in self._stories:
                self._describe(self._stories[seq], members.get(seq, []))
        new_articles = []
        for key, vec, terms in self._new:
            story = self._stories[self._find(self._key_story[key])]
            rec = ArticleRecord(
                key, self._article_ids[key], self._titles[key], self._dates[key], story.id
            )
            new_articles.append((rec, vec, terms))
        index = self._index
        blob = None if index is None else bytes(index.save())  # type: ignore[attr-defined]
        delta = StateDelta(
            stories=[self._stories[s] for s in sorted(self._changed) if s in self._stories],
            removed=list(self._removed),
            merged=list(self._merged),
            new_articles=new_articles,
            df={t: self._df[t] for t in sorted(self._changed_df)},
            n_docs=self._n_docs,
            index_blob=blob,
            dim=self._dim,
        )
        self._changed, self._removed, self._merged, self._new = set(), [], [], []
        self._changed_df = set()
        return delta


def _earlier(a: datetime, b: datetime) -> bool:
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return a < b


def nearest_to(vectors: FloatArray, direction: npt.NDArray[np.floating[Any]]) -> int:
    """Row of ``vectors`` with the largest dot product with ``direction`` (a centroid)."""
    return int(np.argmax(vectors @ np.asarray(direction, dtype=np.float32)))


def story_title(features: Sequence[ArticleFeatures]) -> str:
    """The headline a story of these articles gets: the member's nearest the centroid.

    A piece its headline labels as a view ("OPINION:", "Analysis:") names the story only
    when no report does, and a section label ("Exclusive:", "WATCH:") is left out.
    """
    titled = [f for f in features if f.title] or list(features)
    if not titled:
        return ""
    vectors = np.stack([f.vector for f in titled]).astype(np.float32)
    centroid = vectors.sum(axis=0)
    reports = [n for n, f in enumerate(titled) if headline_label(f.title)[0] not in _VIEWS]
    pool = reports or list(range(len(titled)))
    best = pool[nearest_to(vectors[pool], centroid)]
    return headline_label(titled[best].title)[1]


def group_features(
    features: Iterable[ArticleFeatures], options: StoryOptions | None = None
) -> list[Story]:
    """Stories of ``features`` from scratch (in the given order)."""
    clusterer = StoryClusterer(options)
    feats = list(features)
    clusterer.add(feats)
    clusterer.finish(feats)
    return clusterer.stories()
