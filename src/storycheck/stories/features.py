"""What story grouping looks at in an article: a vector, weighted terms and a date.

An article is reduced once, when it is first seen, to :class:`ArticleFeatures`:

* ``vector`` — the fast embedder's unit vector of the headline and the lead (the first
  ``lead_words`` words of the body), the part of a news report that says what happened;
* ``terms`` — up to ``max_terms`` content words of headline and lead with a weight each:
  capitalised words inside a body sentence (names of people, places, organisations),
  acronyms and numbers count more than common words and are marked as names (``@term``,
  scored separately as entity overlap); headline words count more than body words;
* ``published`` — the date, for the time decay.

Nothing here depends on other articles, so features can be computed in parallel (the
batch engines do) and are stored with the article's assignment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from storycheck.model import Article

if TYPE_CHECKING:
    from storycheck.models import Embedder

FloatArray = npt.NDArray[np.float32]

# A compact English stop list: function words plus the words every news report uses.
STOPWORDS = frozenset(
    """a about above after again against ago all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    said says say told according reported report reports news new one two three first last
    year years day days week weeks month months time times people also would could may might
    must shall us many much per since via including like get got make made us mr mrs ms dr
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    am pm et its it's don't can't won't i'm he's she's that's there's they're we're
    """.split()
)

# Terms that are names (capitalised inside a body sentence, acronyms) or numbers carry
# this mark; the clustering scores their overlap separately (entity overlap). Headlines
# are often in title case, so headline words are never marked.
NAME_MARK = "@"

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|\d[\d,.]*\d|\d")
_SENTENCE_END = re.compile(r"[.!?]['\"’”)]*\s+")


@dataclass(frozen=True, slots=True)
class FeatureOptions:
    """How much of an article is read and how terms are weighted."""

    lead_words: int = 60
    term_words: int = 220
    max_terms: int = 48
    title_weight: float = 2.0
    name_weight: float = 2.0
    number_weight: float = 1.0


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """One article as story grouping sees it (see the module doc)."""

    article_id: str
    title: str
    vector: FloatArray
    terms: dict[str, float]
    published: datetime | None = None


def lead_text(article: Article, words: int) -> str:
    """The headline and the first ``words`` words of the body."""
    body = " ".join(article.text.split()[:words])
    title = (article.title or "").strip()
    if title and body.startswith(title):
        return body
    return f"{title}. {body}" if title else body


def _weighted_tokens(
    text: str, weight: float, opts: FeatureOptions, out: dict[str, float], *, names: bool
) -> None:
    for sentence in _SENTENCE_END.split(text):
        first = True
        for match in _TOKEN.finditer(sentence):
            token = match.group(0)
            low = token.lower().replace("’", "'")
            if low in STOPWORDS or (len(low) < 2 and not low.isdigit()):
                first = False
                continue
            w = weight
            if token[0].isdigit():
                if len(token) == 1:
                    first = False
                    continue
                w *= opts.number_weight
                low = low.replace(",", "")
                if names:
                    low = NAME_MARK + low
            elif (token[0].isupper() and not first and not token.isupper()) or token.isupper():
                w *= opts.name_weight
                if names:
                    low = NAME_MARK + low
            first = False
            if low.endswith("'s"):
                low = low[:-2]
            out[low] = out.get(low, 0.0) + w


def article_terms(article: Article, opts: FeatureOptions) -> dict[str, float]:
    """The weighted content terms of headline and lead (at most ``opts.max_terms``)."""
    terms: dict[str, float] = {}
    if article.title:
        _weighted_tokens(article.title, opts.title_weight, opts, terms, names=False)
    body = " ".join(article.text.split()[: opts.term_words])
    _weighted_tokens(body, 1.0, opts, terms, names=True)
    if len(terms) > opts.max_terms:
        ranked = sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[: opts.max_terms]
        terms = dict(ranked)
    return terms


def featurize(
    articles: Sequence[Article],
    embedder: Embedder,
    options: FeatureOptions | None = None,
) -> list[ArticleFeatures]:
    """Features of ``articles`` (one embedder call for all of them)."""
    opts = options or FeatureOptions()
    if not articles:
        return []
    texts = [lead_text(a, opts.lead_words) for a in articles]
    vectors = np.asarray(embedder.encode(texts, use_cache=False), dtype=np.float32)
    return [
        ArticleFeatures(
            article_id=a.id,
            title=(a.title or "").strip() or _first_words(a.text),
            vector=vectors[i],
            terms=article_terms(a, opts),
            published=a.published,
        )
        for i, a in enumerate(articles)
    ]


def _first_words(text: str, n: int = 12) -> str:
    words = text.split()
    head = " ".join(words[:n])
    return head + ("…" if len(words) > n else "")
