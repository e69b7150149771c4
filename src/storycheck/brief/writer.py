"""The extractive brief: pick, order and cite the claims the sources agree on.

Claims the cross-check found corroborated by at least two independent outlets and that no
conflict touches fill **What happened**, **Key facts** and the **Timeline**. When too few
are corroborated for **What happened** (short reports, one source, outlets that cover
different angles), it is completed, after the corroborated lines, from the story's most
representative article (the one closest to all the others), in that article's order,
leaving out what the brief tells elsewhere or must not assert (disputed or contradicted
claims, quotes no other outlet carries, opinion, sentences with nothing checkable such as
headings): each such line cites that article plus every other article the support check
finds supporting it, and a line only one outlet carries is marked ``single_source``.

Equivalent claims (linked by entailment across articles) are grouped; each group is one
candidate, worded by its plainest member (the most representative article's when it is as
plain), scored by how many outlets carry it, how central it is to the story and how early
the articles report it, and chosen with maximal marginal relevance so the brief does not
repeat itself. Every sentence is then checked against each article it cites
(:mod:`storycheck.verify.support`); citations the model does not find support for are
removed, and a sentence left with fewer than two is dropped.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np

from storycheck.model import (
    Article,
    Brief,
    BriefSentence,
    BriefSource,
    Claim,
    ClaimKind,
    ClaimStatus,
    DateMention,
    Sentence,
    StoryCheck,
)
from storycheck.models import NLI, Embedder
from storycheck.stories.features import lead_text
from storycheck.verify.checks import is_named, side_sentence_indexes, side_sentences
from storycheck.verify.groups import claim_groups
from storycheck.verify.support import SupportIndex, common_ground, specifics_found

Length = Literal["short", "standard", "long"]

# sentences in What happened, bullets in Key facts, Timeline entries, lines per actor
LENGTHS: dict[str, tuple[int, int, int, int]] = {
    "short": (3, 4, 6, 2),
    "standard": (5, 8, 10, 3),
    "long": (6, 14, 20, 6),
}


@dataclass(frozen=True, slots=True)
class BriefOptions:
    """How long the brief is and how strict its support check is.

    ``support`` is the P(entail) each cited article must give a sentence (0.65: the best
    F0.5 of the per-citation check on the tune halves of FRANK valid and WiCE dev,
    ``python -m bench.citations``); ``specifics`` also requires the cited article to name
    every name and figure of the sentence; ``mmr`` weighs
    relevance against novelty; a candidate whose embedding is closer than ``redundancy``
    to a chosen sentence is a repeat. ``max_words`` caps What happened + Key facts.
    ``coverage`` is the share of a sentence's content words the supporting passage must
    contain too (a lexical guard against the NLI model's topical false positives).
    ``weights`` weigh outlets, centrality, lead position and specificity (names,
    numbers, dates) when ranking candidates. ``fill_lead`` completes a short What happened
    from the most representative article (see the module doc); ``lead_words`` is how much
    of each article is compared to find it. ``lead_sentences`` is how far into each
    article the news lead is looked for, ``lead_checked`` how many lead candidates (the
    most central) are checked against the other articles; ``lead`` opens What happened with
    the news lead, ``lead_follow`` sentences of its article at most following it (see
    :meth:`BriefWriter.lead`). A What happened line that an earlier line entails with
    P ≥ ``restated`` and that names nothing new is a repeat and is left out (1.0: never).
    """

    length: Length = "standard"
    max_words: int | None = None
    support: float = 0.65
    mmr: float = 0.7
    redundancy: float = 0.85
    min_sources: int = 2
    coverage: float = 0.3
    weights: tuple[float, float, float, float] = field(default=(0.35, 0.2, 0.15, 0.3))
    specifics: bool = True
    fill_lead: bool = True
    lead_words: int = 60
    lead: bool = True
    lead_sentences: int = 3
    lead_follow: int = 1
    lead_checked: int = 8
    restated: float = 0.7


_FILLER = re.compile(
    r"^(?:(?:but|and|however|meanwhile|also|moreover|furthermore|additionally|"
    r"in addition|still|separately|in turn|so),?\s+"
    r"|(?:earlier|later|now|then|instead|overall),\s+)",
    re.IGNORECASE,
)
_QUOTE_MARKS = re.compile(r"[\"“”«»]")
# a run-in heading left in front of a sentence by the page layout ("Russia's Position: The
# Kremlin …"): up to six capitalised words (small function words allowed) and a colon,
# then a capitalised word (not a quotation: "Peskov said: “…”" keeps its speaker)
_RUN_IN_HEADING = re.compile(
    r"^(?:[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|the|and|in|on|for|to|a|an)){0,5}):\s+"
    r"(?=[A-Z][a-z])"
)


def compress(text: str) -> str:
    """Light compression: drop a run-in heading and a leading discourse filler, tidy
    spacing and the full stop."""
    out = text.strip()
    while (headless := _RUN_IN_HEADING.sub("", out, count=1)) != out and _words(headless) >= 4:
        out = headless
    while True:
        stripped = _FILLER.sub("", out, count=1)
        if stripped == out or not stripped:
            break
        out = stripped
    out = re.sub(r"\s+", " ", out).strip()
    out = balance_quotes(out)
    if out and out[0].islower():
        out = out[0].upper() + out[1:]
    if out and out[-1] not in '.!?"”’)':
        out = out.rstrip(",;:") + "."
    return out


_BROKEN = re.compile(r"(?:[:,;]|\b(?:and|or|but|that|which|as|to|of|the|a))\s*[.!?]$|\s[.!?]$")


def well_formed(text: str) -> bool:
    """False for a clause cut short by claim splitting ("… a lesson: ." / "…, and .")."""
    return bool(text) and _BROKEN.search(text) is None and _words(text) >= 4


# a sentence that opens by pointing back ("Their journey …", "These events …", "Afterward
# he …") only makes sense after the sentence it followed in its article; the brief
# reorders lines
_DANGLING = re.compile(
    r"^[“\"']?(?:he|she|they|their|his|her|its|it|these|those|this|that|such|afterwards?)\b",
    re.IGNORECASE,
)
# … or with a definite phrase that names what came before only by its kind ("The decision
# means …", "The dramatic turn of events …", "According to the report, …")
_BACK_REFERENCE = re.compile(
    r"^[“\"']?(?:the\s+(?:[\w-]+\s+){0,2}?(?:decision|move|development|turn of events|"
    r"announcement|incident|episode|revelation|news|remarks|comments|setback|outcome|step|"
    r"situation|latest|former|latter|same)\b|according to (?:the|this|that)\s+(?:[\w-]+\s+)?"
    r"(?:report|statement|document|study|survey|letter|filing|source|official|outlet)s?\b)",
    re.IGNORECASE,
)


def dangling(text: str) -> bool:
    """True for a sentence that opens with a pronoun, a demonstrative or a definite phrase
    pointing back (see ``_BACK_REFERENCE``): it only makes sense after its article's
    previous sentence."""
    return _DANGLING.match(text) is not None or _BACK_REFERENCE.match(text) is not None


# commentary: a sentence that interprets the news ("This underscores …", "… signals a
# shift") rather than reporting it never leads
_ANALYSIS = re.compile(
    r"\b(?:underscor|highlight|signal|suggest|reflect|illustrat|demonstrat|symboli[sz]|"
    r"exemplif|epitomi[sz])\w*|\bmeans?\b|\bserves? (?:as|to)\b|"
    r"\brais\w* (?:\w+ )?(?:questions|doubts|concerns|fears)\b",
    re.IGNORECASE,
)


# an appeal to readers ("Anyone with information is asked to call police on …") is a
# service line, not a fact of the story
_APPEAL = re.compile(
    r"\b(?:any(?:one|body) (?:with|who has) (?:any )?information|(?:is|are) (?:being )?asked to "
    r"(?:call|contact|ring)|(?:call|contact|ring) (?:the )?(?:police|crimestoppers|us) on)\b|"
    r"\b\d{3,5}[ -]\d{3}[ -]?\d{3,4}\b",
    re.IGNORECASE,
)


def commentary(text: str) -> bool:
    """True for a sentence that interprets rather than reports (see ``_ANALYSIS``), or
    that appeals to readers rather than tells the story (see ``_APPEAL``)."""
    return _ANALYSIS.search(text) is not None or _APPEAL.search(text) is not None


def balance_quotes(text: str) -> str:
    """Re-open a quotation the claim span cut into: ``we won," she said`` → ``“we won," …``."""
    opens, closes = text.count("“"), text.count("”")
    if closes > opens and not text.startswith("“"):
        return "“" + text
    if text.count('"') % 2 == 1 and not text.startswith('"'):
        first = text.find('"')
        if first > 0 and text[first - 1] in ",.!?":
            return '"' + text
    return text


def _words(text: str) -> int:
    return len(text.split())


def date_of(mention: DateMention) -> date | None:
    """The calendar date a mention stands for (first of the month/year when vaguer)."""
    if mention.value is not None:
        return mention.value
    if mention.year is not None:
        return date(mention.year, mention.month or 1, mention.day or 1)
    return None


def date_label(mention: DateMention) -> str:
    """How precisely the sources date it: "12 March 2025", "March 2025" or "2025"."""
    when = date_of(mention)
    if when is None:
        return mention.text
    if mention.value is not None or mention.day is not None:
        return f"{when.day} {when:%B %Y}"
    if mention.month is not None:
        return f"{when:%B %Y}"
    return str(when.year)


@dataclass(slots=True)
class _Candidate:
    claims: list[Claim]
    articles: tuple[str, ...]
    text: str
    position: float
    when: DateMention | None
    has_detail: bool
    specificity: int = 0
    dated_text: str = ""
    score: float = 0.0
    support: tuple[float, ...] = ()
    evidence: tuple[str, ...] = ()
    status: str = ClaimStatus.CORROBORATED.value
    # the article sentence the text is worded from: ``(article id, sentence index)``
    origin: tuple[str, int] | None = None


def _plainest(claims: Sequence[Claim], representative: str | None = None) -> Claim:
    """The member a group is worded by: a fact before a credited statement, no quotation
    marks, then the ``representative`` article's wording (the story's most typical
    report), then a middling length."""

    def cost(c: Claim) -> tuple[int, int, int, int]:
        text = c.standalone or c.text
        n = _words(text)
        return (
            0 if c.kind is ClaimKind.FACT else 1,
            1 if _QUOTE_MARKS.search(text) else 0,
            0 if c.article_id == representative else 1,
            abs(n - 18) if n < 8 or n > 35 else n // 4,
        )

    return min(claims, key=lambda c: (cost(c), c.id))


def claims_by_sentence(check: StoryCheck) -> dict[tuple[str, int], list[Claim]]:
    """The story's claims by the sentence they sit in: ``(article id, sentence index)``."""
    out: dict[tuple[str, int], list[Claim]] = defaultdict(list)
    for claim in check.claims:
        out[(claim.article_id, claim.sentence_index)].append(claim)
    return out


def disputed_claim_ids(check: StoryCheck) -> set[str]:
    return {cid for f in check.findings for side in f.sides for cid in side.claim_ids}


def disputed_sentences(check: StoryCheck) -> set[tuple[str, int]]:
    """``(article id, sentence index)`` of every sentence that puts an article on a side
    of a dispute, article-level ones (a title, a time frame) included."""
    return {
        (a, n)
        for finding in check.findings
        for side in finding.sides
        for a, n in side_sentence_indexes(check, side)
        if n is not None
    }


def background_sentences(check: StoryCheck) -> set[tuple[str, int]]:
    """``(article id, sentence index)`` of every sentence the facts stage scoped as
    background about another time (another year, "last month", "weeks earlier")."""
    return {
        (f.article_id, f.sentence_index) for f in check.facts if f.scope.startswith("background")
    }


def _position(claim: Claim, articles: Mapping[str, Article]) -> float:
    article = articles[claim.article_id]
    return claim.sentence_index / max(1, len(article.sentences))


class BriefWriter:
    """Writes the :class:`~storycheck.model.Brief` of one cross-checked story."""

    name = "extractive"

    def __init__(
        self,
        *,
        embedder: Embedder,
        nli: NLI,
        options: BriefOptions | None = None,
    ) -> None:
        self.embedder = embedder
        self.nli = nli
        self.options = options or BriefOptions()
        self._articles: dict[str, Article] = {}
        # the story whose disputed sentences were worked out last, and those sentences
        # (one write asks for them from the lead, the candidates, the fill and who said what)
        self._disputed: tuple[StoryCheck, set[tuple[str, int]]] | None = None

    # -- candidates ----------------------------------------------------------------

    def _behind_dispute(self, check: StoryCheck) -> set[tuple[str, int]]:
        if self._disputed is None or self._disputed[0] is not check:
            self._disputed = (check, disputed_sentences(check))
        return self._disputed[1]

    def candidates(self, check: StoryCheck) -> list[_Candidate]:
        """Groups of equivalent corroborated, undisputed claims, scored."""
        articles = {a.id: a for a in check.articles}
        disputed = disputed_claim_ids(check)
        allowed = {
            c.id
            for c in check.claims
            if c.status is ClaimStatus.CORROBORATED
            and c.kind in (ClaimKind.FACT, ClaimKind.ATTRIBUTED)
            and not c.contradicted_by
            and c.id not in disputed
        }
        out: list[_Candidate] = []
        behind_dispute = self._behind_dispute(check)
        representative = self.representative(check)
        typical = representative.id if representative is not None else None
        for members in claim_groups(check.claims, allowed):
            if any((m.article_id, m.sentence_index) in behind_dispute for m in members):
                continue  # a sentence that puts its article on a side of a dispute
            sources = sorted(
                {m.article_id for m in members} | set(members[0].supported_by),
                key=lambda a: list(articles).index(a) if a in articles else 0,
            )
            if len(sources) < self.options.min_sources:
                continue
            best = _plainest(members, typical)
            specificity = len(best.entities) + len(best.quantities) + len(best.dates)
            text = compress(best.standalone or best.text)
            if specificity == 0 or not well_formed(text) or dangling(text):
                continue  # nothing concrete (commentary), a broken clause, or out of context
            if _APPEAL.search(text):
                continue  # an appeal to readers for information
            dated = [
                (m, d)
                for m in sorted(members, key=lambda m: m is not best)
                for d in m.dates
                if date_of(d) is not None
            ]
            out.append(
                _Candidate(
                    claims=members,
                    articles=tuple(sources),
                    text=text,
                    position=min(_position(m, articles) for m in members),
                    when=dated[0][1] if dated else None,
                    dated_text=compress(dated[0][0].standalone or dated[0][0].text)
                    if dated
                    else "",
                    has_detail=any(m.quantities or m.dates for m in members),
                    specificity=specificity,
                    origin=(best.article_id, best.sentence_index),
                )
            )
        if not out:
            return out
        vectors = np.asarray(self.embedder.encode([c.text for c in out]), dtype=np.float32)
        centroid = vectors.mean(axis=0)
        norm = float(np.linalg.norm(centroid)) or 1.0
        centrality = vectors @ (centroid / norm)
        top_sources = max(len(c.articles) for c in out)
        w_sources, w_central, w_lead, w_specific = self.options.weights
        for n, cand in enumerate(out):
            cand.score = (
                w_sources * len(cand.articles) / top_sources
                + w_central * float(centrality[n])
                + w_lead * (1.0 - cand.position)
                + w_specific * min(1.0, cand.specificity / 3)
            )
        order = self._mmr(out, vectors)
        return [out[i] for i in order]

    def _mmr(self, cands: Sequence[_Candidate], vectors: np.ndarray) -> list[int]:
        """Maximal marginal relevance order; near-repeats are left out."""
        left = list(range(len(cands)))
        chosen: list[int] = []
        sims = vectors @ vectors.T
        lam = self.options.mmr
        while left:

            def gain(i: int) -> float:
                repeat = max((float(sims[i, j]) for j in chosen), default=0.0)
                return lam * cands[i].score - (1 - lam) * repeat

            best = max(left, key=lambda i: (gain(i), -i))
            left.remove(best)
            if any(float(sims[best, j]) >= self.options.redundancy for j in chosen):
                continue
            chosen.append(best)
        return chosen

    # -- writing -------------------------------------------------------------------

    def index(self, check: StoryCheck) -> SupportIndex:
        """The support checker over the story's articles, with the lexical guard."""
        self._articles = {a.id: a for a in check.articles}
        need = self.options.coverage
        return SupportIndex(
            check.articles,
            embedder=self.embedder,
            nli=self.nli,
            prefilter=lambda hypothesis, passage: common_ground(hypothesis, passage, need),
        )

    def write(self, check: StoryCheck, index: SupportIndex | None = None) -> Brief:
        index = index or self.index(check)
        self._articles = {a.id: a for a in check.articles}
        n_what, n_facts, n_timeline, n_lines = LENGTHS[self.options.length]
        ranked = self.candidates(check)
        # verify lazily, in rank order, until the main sections are full
        verified: list[_Candidate] = []
        dropped, pos = 0, 0
        budget = 2 * (n_what + n_facts)  # candidates verified at most
        while len(verified) < n_what + n_facts and pos < min(len(ranked), budget):
            batch = ranked[pos : pos + n_what + n_facts - len(verified) + 2]
            pos += len(batch)
            kept, lost = self._verify(batch, index)
            verified += kept
            dropped += lost
        lead = self.lead(check, index) if self.options.lead else []
        verified = self._not_repeating(lead, verified)
        what, rest = verified[: n_what - len(lead)], verified[n_what - len(lead) :]
        # the news lead, the cross-checked lines in story order, then the fill in its order
        what = lead + _story_order(what)
        if self.options.fill_lead and len(what) < n_what:
            what += self._lead_fill(check, index, what, n_what - len(what))
        if self.options.fill_lead and len(what) == 1 and what[0].origin is not None:
            # the lead alone: its own article goes on with the story (the representative
            # one had nothing more the brief may say)
            own = self._articles.get(what[0].origin[0])
            if own is not None:
                what += self._lead_fill(check, index, what, n_what - 1, own)
        if not what and self.options.fill_lead:
            what = self._fallback(check, index)
        what = _article_order(what)
        what = self._not_restating(what)
        facts = sorted(rest, key=lambda c: (not c.has_detail, -c.score))[:n_facts]
        what, facts = self._fit_words(what, facts)
        # the timeline words each dated group by a member that carries the date
        # only the story's own events: not background about another time (facts' scope)
        background = background_sentences(check)
        dated = [
            dataclasses.replace(c, text=c.dated_text, support=())
            for c in ranked
            if c.when is not None
            and not any((m.article_id, m.sentence_index) in background for m in c.claims)
        ]
        dated = _one_per_date(
            sorted(dated, key=lambda c: (date_of(c.when) if c.when else None) or date.min)
        )
        timeline, lost = self._verify(dated[: n_timeline + 3], index)
        dropped += lost
        timeline = timeline[:n_timeline]
        sections: dict[str, tuple[BriefSentence, ...]] = {
            "what_happened": tuple(self._line(c) for c in what),
            "key_facts": tuple(self._line(c) for c in facts),
            "timeline": tuple(
                self._line(c, group=date_label(c.when) if c.when else "") for c in timeline
            ),
            "who_said_what": self._who_said_what(check, index, n_lines),
            "disputed": _disputed(check),
            "unverified": _unverified(check),
        }
        return Brief(
            story_id=check.story.id,
            title=check.story.title,
            sections=sections,
            sources=sources_of(check),
            writer=self.name,
            dropped=dropped,
        )

    # -- the lead ------------------------------------------------------------------

    def lead(self, check: StoryCheck, index: SupportIndex) -> list[_Candidate]:
        """The story's news lead: one or two sentences that state the main event.

        Candidates are the first ``lead_sentences`` sentences of every article that report
        (a fact or a statement credited to someone named, with at least one name, figure
        or date; not opinion, hedged, commentary, background about another time, a quote,
        a pointer back, nor anything disputed or contradicted). The most central of them (closest
        to the other articles' leads) are checked against the other articles; the one
        best supported — then most central, earliest and most specific — leads, citing
        its own article and every other article that supports it. The sentence that
        follows it in its article joins when it is a candidate too and adds a name or a
        figure (the second sentence of a news lead usually gives the who and where).
        """
        disputed = disputed_claim_ids(check)
        claims_at = claims_by_sentence(check)
        # background about another time, and the sentences behind a dispute, never lead
        background = background_sentences(check) | self._behind_dispute(check)
        pool: list[tuple[Article, Sentence, str, list[Claim], set[str]]] = []
        for article in check.articles:
            for sentence in article.sentences[
                : self.options.lead_sentences + self.options.lead_follow
            ]:
                claims = claims_at.get((article.id, sentence.index), [])
                text = compress(sentence.text)
                if (article.id, sentence.index) in background or not _reports(
                    text, claims, disputed
                ):
                    continue
                details = {x for c in claims for x in c.entities} | {
                    q.text for c in claims for q in c.quantities
                }
                details |= {d.text for c in claims for d in c.dates}
                if details:
                    pool.append((article, sentence, text, claims, details))
        if not pool:
            return []
        leads = {a.id: lead_text(a, self.options.lead_words) for a in check.articles}
        others_of = {a.id: [b for b in leads if b != a.id] for a in check.articles}
        ids = list(leads)
        vectors = np.asarray(
            self.embedder.encode([p[2] for p in pool] + [leads[a] for a in ids]),
            dtype=np.float32,
        )
        sims = vectors[: len(pool)] @ vectors[len(pool) :].T
        central = []
        for n, (article, *_rest) in enumerate(pool):
            cols = [ids.index(b) for b in others_of[article.id]]
            central.append(float(sims[n, cols].mean()) if cols else 0.0)
        span = self.options.lead_sentences

        def prior(n: int) -> float:
            _article, sentence, _text, _claims, details = pool[n]
            return (
                central[n] + 0.1 * (1.0 - sentence.index / span) + 0.05 * min(1.0, len(details) / 4)
            )

        leading = [n for n in range(len(pool)) if pool[n][1].index < span]
        checked = sorted(leading, key=lambda n: -prior(n))[: self.options.lead_checked]
        if not checked:
            return []  # only later sentences report: no lead to give
        queries = [(pool[n][2], others_of[pool[n][0].id]) for n in checked]
        scores = index.support_evidence(queries)
        best: tuple[float, int, list[tuple[str, float, str]]] | None = None
        for n, (_text, others), (support, passages) in zip(checked, queries, scores, strict=True):
            good = self._supporting(pool[n][2], others, support, passages)
            share = len(good) / max(1, len(others_of[pool[n][0].id]))
            score = share + prior(n)
            if best is None or score > best[0]:
                best = (score, n, good)
        assert best is not None
        _score, n, good = best
        out = [self._lead_line(pool[n], good)]
        article, sentence, _text, _claims, details = pool[n]
        for step in range(1, self.options.lead_follow + 1):
            after = next(
                (p for p in pool if p[0].id == article.id and p[1].index == sentence.index + step),
                None,
            )
            if after is None or not after[4] - details:
                break  # the lead paragraph ends at a sentence that adds no name or figure
            details = details | after[4]
            others = others_of[article.id]
            more = self._supporting(
                after[2], others, *index.support_evidence([(after[2], others)])[0]
            )
            out.append(self._lead_line(after, more))
        return out

    def _supporting(
        self,
        text: str,
        articles: Sequence[str],
        support: Sequence[float],
        passages: Sequence[str],
    ) -> list[tuple[str, float, str]]:
        """``(article, P(entail), passage)`` of each of ``articles`` that supports ``text``
        (:meth:`_holds`), given the support index's scores and best passages for them."""
        return [
            (a, s, e)
            for a, s, e in zip(articles, support, passages, strict=True)
            if self._holds(text, a, s, e)
        ]

    def _holds(self, text: str, article_id: str, score: float, passage: str) -> bool:
        """Does the cited article support the sentence? The model's P(entail) on its best
        passage reaches ``support``, the passage shares enough content words
        (``coverage``), and (``specifics``) the article names every name and figure of the
        sentence."""
        if score < self.options.support or not common_ground(text, passage, self.options.coverage):
            return False
        if not self.options.specifics:
            return True
        article = self._articles.get(article_id)
        return article is None or specifics_found(text, article.text)

    def _lead_line(
        self,
        entry: tuple[Article, Sentence, str, list[Claim], set[str]],
        good: Sequence[tuple[str, float, str]],
    ) -> _Candidate:
        article, sentence, text, claims, details = entry
        cites = (article.id, *(a for a, _, _ in good))
        return _Candidate(
            claims=claims,
            articles=cites,
            text=text,
            position=sentence.index / max(1, len(article.sentences)),
            when=None,
            has_detail=any(c.quantities or c.dates for c in claims),
            specificity=len(details),
            support=(1.0, *(s for _, s, _ in good)),
            evidence=(sentence.text, *(e for _, _, e in good)),
            status=ClaimStatus.CORROBORATED.value
            if len(cites) >= self.options.min_sources
            else ClaimStatus.SINGLE_SOURCE.value,
            origin=(article.id, sentence.index),
        )

    def _verify(
        self, cands: Sequence[_Candidate], index: SupportIndex
    ) -> tuple[list[_Candidate], int]:
        """Keep each candidate with the citations that support it (≥ min_sources)."""
        scores = index.support_evidence([(c.text, c.articles) for c in cands])
        kept: list[_Candidate] = []
        dropped = 0
        for cand, (support, passages) in zip(cands, scores, strict=True):
            good = self._supporting(cand.text, cand.articles, support, passages)
            if len(good) < self.options.min_sources:
                dropped += 1
                continue
            cand.articles = tuple(a for a, _, _ in good)
            cand.support = tuple(s for _, s, _ in good)
            cand.evidence = tuple(e for _, _, e in good)
            kept.append(cand)
        return kept, dropped

    def _line(self, cand: _Candidate, group: str = "") -> BriefSentence:
        return BriefSentence(
            text=cand.text,
            citations=cand.articles,
            support=cand.support,
            evidence=cand.evidence,
            claim_ids=tuple(c.id for c in cand.claims),
            sources=len(cand.articles),
            group=group,
            status=cand.status,
            when=date_of(cand.when) if cand.when else None,
        )

    def representative(self, check: StoryCheck) -> Article | None:
        """The article closest to all the others (its lead against the leads' centroid)."""
        central = self.by_centrality(check)
        return central[0] if central else None

    def by_centrality(self, check: StoryCheck) -> list[Article]:
        """The articles that have sentences, the closest to all the others first (each
        lead against the leads' centroid; ties keep the story's order)."""
        articles = [a for a in check.articles if a.sentences]
        if len(articles) <= 1:
            return articles
        texts = [lead_text(a, self.options.lead_words) for a in articles]
        vectors = np.asarray(self.embedder.encode(texts), dtype=np.float32)
        closeness = vectors @ vectors.mean(axis=0)
        return [articles[n] for n in sorted(range(len(articles)), key=lambda n: -closeness[n])]

    def _lead_fill(
        self,
        check: StoryCheck,
        index: SupportIndex,
        chosen: Sequence[_Candidate],
        need: int,
        article: Article | None = None,
    ) -> list[_Candidate]:
        """Up to ``need`` sentences of ``article`` (by default the representative one), in
        its order, each cited to it and to the other articles that support it (see the
        module doc)."""
        article = article or self.representative(check)
        if article is None or need <= 0:
            return []
        disputed = disputed_claim_ids(check)
        claims_at = claims_by_sentence(check)
        taken = {c.id for cand in chosen for c in cand.claims}
        behind_dispute = self._behind_dispute(check)
        picked: list[tuple[Sentence, str, list[Claim]]] = []
        for sentence in article.sentences:
            if (article.id, sentence.index) in behind_dispute:
                continue
            claims = claims_at.get((article.id, sentence.index), [])
            if any(
                c.id in disputed
                or c.id in taken
                or c.contradicted_by
                or c.status is ClaimStatus.UNVERIFIED_QUOTE
                for c in claims
            ):
                continue  # told in Disputed or Unverified, or already a line of its own
            if not claims or all(c.kind is ClaimKind.OPINION for c in claims):
                continue  # nothing checkable (a heading, a caption) or opinion only
            text = compress(sentence.text)
            if _APPEAL.search(text):
                continue  # an appeal to readers for information
            # a pointer back reads right after the sentence it followed in the article:
            # the fill's previous line, or the brief's last line before the fill
            follows = (
                picked[-1][0].index == sentence.index - 1
                if picked
                else bool(chosen) and chosen[-1].origin == (article.id, sentence.index - 1)
            )
            if well_formed(text) and (follows or not dangling(text)):
                picked.append((sentence, text, claims))
        if not picked:
            return []
        if chosen:  # leave out what the corroborated lines already say
            vectors = np.asarray(
                self.embedder.encode([c.text for c in chosen] + [t for _, t, _ in picked]),
                dtype=np.float32,
            )
            sims = vectors[len(chosen) :] @ vectors[: len(chosen)].T
            keep = sims.max(axis=1) < self.options.redundancy
            picked = [p for p, k in zip(picked, keep, strict=True) if k]
        picked = picked[:need]
        others = tuple(a.id for a in check.articles if a.id != article.id)
        scores = index.support_evidence([(text, others) for _, text, _ in picked]) if others else []
        out: list[_Candidate] = []
        for n, (sentence, text, claims) in enumerate(picked):
            cites, support, evidence = [article.id], [1.0], [sentence.text]
            if others:
                for a, s, e in self._supporting(text, others, *scores[n]):
                    cites.append(a)
                    support.append(s)
                    evidence.append(e)
            out.append(
                _Candidate(
                    claims=claims,
                    articles=tuple(cites),
                    text=text,
                    position=sentence.index / max(1, len(article.sentences)),
                    when=None,
                    has_detail=False,
                    support=tuple(support),
                    evidence=tuple(evidence),
                    status=ClaimStatus.CORROBORATED.value
                    if len(cites) >= self.options.min_sources
                    else ClaimStatus.SINGLE_SOURCE.value,
                    origin=(article.id, sentence.index),
                )
            )
        return out

    def _fallback(self, check: StoryCheck, index: SupportIndex) -> list[_Candidate]:
        """The lead of last resort, so a story with a usable lead never gets an empty brief.

        When nothing may lead or fill What happened (every opening sentence is behind a
        dispute, quotes words, is hedged or rests on an unnamed source), the first
        well-formed sentence that reports something, looked for in the articles' first
        ``lead_sentences`` from the most central article on, is given, marked by what
        holds it up: ``mixed`` when a dispute or contradiction touches it (the Disputed
        section tells the two sides), ``unverified_quote`` when it quotes words no other
        outlet carries, otherwise corroborated or ``single_source`` by the support check.
        Sentences that are not in dispute and quote nothing unverified are preferred; a
        bare quotation, a pointer back, commentary or an appeal to readers never leads.
        """
        disputed = disputed_claim_ids(check)
        behind = self._behind_dispute(check) | background_sentences(check)
        claims_at = claims_by_sentence(check)
        best: tuple[bool, bool, Article, Sentence, str, list[Claim]] | None = None
        for article in self.by_centrality(check):
            for sentence in article.sentences[: self.options.lead_sentences]:
                claims = claims_at.get((article.id, sentence.index), [])
                text = compress(sentence.text)
                if (
                    not claims
                    or not well_formed(text)
                    or dangling(text)
                    or commentary(text)
                    or _APPEAL.search(text)
                    or not 6 <= _words(text) <= 60
                    or text[:1] in "\"“'‘«"
                    or all(c.kind is ClaimKind.OPINION for c in claims)
                ):
                    continue
                held = (article.id, sentence.index) in behind or any(
                    c.id in disputed or c.contradicted_by for c in claims
                )
                quoted = any(c.status is ClaimStatus.UNVERIFIED_QUOTE for c in claims)
                if best is None or ((best[0] or best[1]) and not (held or quoted)):
                    best = (held, quoted, article, sentence, text, claims)
                break  # one sentence per article: its first that reports
            if best is not None and not (best[0] or best[1]):
                break
        if best is None:
            return []
        held, quoted, article, sentence, text, claims = best
        others = tuple(a.id for a in check.articles if a.id != article.id)
        good = (
            self._supporting(text, others, *index.support_evidence([(text, others)])[0])
            if others
            else []
        )
        line = self._lead_line((article, sentence, text, claims, set()), good)
        if held:
            line.status = ClaimStatus.MIXED.value
        elif quoted:
            line.status = ClaimStatus.UNVERIFIED_QUOTE.value
        return [line]

    def _not_repeating(
        self, lead: Sequence[_Candidate], cands: Sequence[_Candidate]
    ) -> list[_Candidate]:
        """The candidates that neither share a claim with the lead nor repeat it."""
        if not lead:
            return list(cands)
        taken = {c.id for cand in lead for c in cand.claims}
        left = [c for c in cands if not taken.intersection(m.id for m in c.claims)]
        if not left:
            return left
        vectors = np.asarray(
            self.embedder.encode([c.text for c in lead] + [c.text for c in left]),
            dtype=np.float32,
        )
        sims = vectors[len(lead) :] @ vectors[: len(lead)].T
        return [
            c
            for c, row in zip(left, sims, strict=True)
            if float(row.max()) < self.options.redundancy
        ]

    def _not_restating(self, lines: Sequence[_Candidate]) -> list[_Candidate]:
        """The lines without those an earlier line already says.

        A line that an earlier one entails (P ≥ ``restated``) and that names no name or
        figure they do not adds nothing: "… again threatened to cut off federal funds to
        fight California wildfires", then "… has threatened to cut off federal emergency
        aid to California for forest fires".
        """
        if len(lines) < 2 or self.options.restated >= 1.0:
            return list(lines)
        asked = [(i, j) for i in range(1, len(lines)) for j in range(i)]
        entail = self.nli.relations([(lines[j].text, lines[i].text) for i, j in asked])[:, 0]
        said: dict[int, float] = defaultdict(float)  # line → P(an earlier line entails it)
        for (i, _j), p in zip(asked, entail, strict=True):
            said[i] = max(said[i], float(p))
        out = [lines[0]]
        for i in range(1, len(lines)):
            before = " ".join(c.text for c in lines[:i])
            if said[i] < self.options.restated or not specifics_found(lines[i].text, before):
                out.append(lines[i])  # new, or the same event with a name or figure more
        return out

    def _fit_words(
        self, what: list[_Candidate], facts: list[_Candidate]
    ) -> tuple[list[_Candidate], list[_Candidate]]:
        limit = self.options.max_words
        if limit is None:
            return what, facts
        what, facts = list(what), list(facts)
        while facts and sum(_words(c.text) for c in (*what, *facts)) > limit:
            facts.pop()
        while len(what) > 1 and sum(_words(c.text) for c in what) > limit:
            what.pop()
        return what, facts

    def _who_said_what(
        self, check: StoryCheck, index: SupportIndex, per_actor: int
    ) -> tuple[BriefSentence, ...]:
        """Named speakers → their quotes and statements, each cited."""
        disputed = disputed_claim_ids(check)
        allowed = {
            c.id
            for c in check.claims
            if c.kind in (ClaimKind.QUOTE, ClaimKind.ATTRIBUTED)
            and c.speaker
            and c.status
            in (ClaimStatus.CORROBORATED, ClaimStatus.SINGLE_SOURCE, ClaimStatus.UNVERIFIED_QUOTE)
        }
        articles = {a.id: a for a in check.articles}
        by_speaker: dict[str, list[list[Claim]]] = defaultdict(list)
        named = {
            e.name.casefold() for e in check.entities if e.label in ("PERSON", "ORG", "GPE", "NORP")
        }
        behind_dispute = self._behind_dispute(check)
        # the sentences next to a quote only one outlet carries frame it ("Speaking at a
        # rally, he insisted …" before the quote): they rest on the same single source
        framing = {
            (c.article_id, c.sentence_index + step)
            for c in check.claims
            if c.status is ClaimStatus.UNVERIFIED_QUOTE
            for step in (-1, 1)
        }
        for members in claim_groups(check.claims, allowed):
            if disputed.intersection(m.id for m in members) or any(
                (m.article_id, m.sentence_index) in behind_dispute for m in members
            ):
                continue  # its attribution or content is disputed: see Disputed
            if not any(m.kind is ClaimKind.QUOTE or said(m.text) for m in members):
                continue  # a fact or an analysis that names someone is not a statement
            if not any(m.status is ClaimStatus.CORROBORATED for m in members) and any(
                m.kind is ClaimKind.QUOTE
                or m.status is ClaimStatus.UNVERIFIED_QUOTE
                or quotes_words(m.text)
                or (m.article_id, m.sentence_index) in framing
                for m in members
            ):
                continue  # a quote only one outlet carries, or its framing: see Unverified
            speakers = Counter(m.speaker for m in members if m.speaker)
            speaker = speakers.most_common(1)[0][0] if speakers else None
            if speaker and is_named(speaker) and speaker.casefold() in named:
                by_speaker[speaker].append(members)
        picked: list[tuple[str, Claim, tuple[str, ...], str]] = []
        ranked = sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        for speaker, groups in ranked:
            scored = []
            for members in groups:
                cited = tuple(
                    dict.fromkeys(
                        [m.article_id for m in members]
                        + [a for m in members for a in m.supported_by]
                    )
                )
                corroborated = any(m.status is ClaimStatus.CORROBORATED for m in members)
                lead = min(_position(m, articles) for m in members)
                scored.append((not corroborated, -len(cited), lead, members, cited))
            scored.sort(key=lambda t: (t[0], t[1], t[2], t[3][0].id))
            for not_corr, _n, _lead, members, cited in scored[:per_actor]:
                claim = min(members, key=lambda m: (m.kind is not ClaimKind.QUOTE, m.id))
                status = (
                    ClaimStatus.CORROBORATED.value
                    if not not_corr
                    else ClaimStatus.UNVERIFIED_QUOTE.value
                    if claim.kind is ClaimKind.QUOTE
                    else ClaimStatus.SINGLE_SOURCE.value
                )
                picked.append((speaker, claim, cited, status))
        support = index.support_evidence([(c.text, cited) for _, c, cited, _ in picked])
        out: list[BriefSentence] = []
        for (speaker, claim, cited, status), (scores, passages) in zip(
            picked, support, strict=True
        ):
            good = self._supporting(compress(claim.text), cited, scores, passages)
            if not good or (len(good) == 1 and quotes_words(claim.text)):
                continue  # quoted words only one outlet carries: see Unverified
            out.append(
                BriefSentence(
                    text=compress(claim.text),
                    citations=tuple(a for a, _, _ in good),
                    support=tuple(s for _, s, _ in good),
                    evidence=tuple(e for _, _, e in good),
                    claim_ids=(claim.id,),
                    sources=len(good),
                    group=speaker_label(speaker, check),
                    status=status if len(good) > 1 else status_single(claim),
                )
            )
        return tuple(out)


# a verb (or phrase) of saying: a line of Who said what reports what someone said
_SAID = re.compile(
    r"\b(?:sa(?:id|ys|y)|told|tells?|stat(?:ed|es|e)|add(?:ed|s)|announc\w*|claim\w*|insist\w*|"
    r"warn\w*|den(?:ied|ies|y)|confirm\w*|describ\w*|call(?:ed|s)|prais\w*|not(?:ed|es)|"
    r"argu\w*|maintain\w*|admit\w*|acknowledg\w*|emphasi[sz]\w*|stress(?:ed|es)|"
    r"according to|explain\w*|proclaim\w*|declar\w*|repl(?:ied|ies)|respond\w*|accus\w*|"
    r"critici[sz]\w*|reject\w*|dismiss\w*|vow\w*|pledg\w*|promis\w*|urg(?:ed|es)|"
    r"predict\w*|signal(?:l?ed)|communicat\w*|articulat\w*|recall\w*|ask(?:ed|s)|"
    r"wr(?:ote|ites)|tweet\w*|posted|quoted|spok(?:e|en)|speaking)\b",
    re.IGNORECASE,
)


_PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?$", re.IGNORECASE)


_QUOTATION = re.compile(r"[“\"«]\s*\S+(?:\s+\S+){2,}?[^“\"«]*?[”\"»]")


def quotes_words(text: str) -> bool:
    """True when a sentence quotes someone's words (a quotation of three words or more),
    not just a term in scare quotes."""
    return _QUOTATION.search(text) is not None


def said(text: str) -> bool:
    """True when a sentence reports something said (a verb of saying, "according to");
    a passive ("residents were asked to stay in") is not a statement."""
    return any(_PASSIVE.search(text[: m.start()]) is None for m in _SAID.finditer(text))


def speaker_label(speaker: str, check: StoryCheck) -> str:
    """A speaker with the role the articles give them ("Dmitry Peskov (Kremlin
    spokesperson)"): the role most articles use, the longest of those; none when the
    person's title is disputed or no article gives one."""
    if any(f.kind == "role" and f.subject.startswith(speaker) for f in check.findings):
        return speaker
    given: dict[str, set[str]] = defaultdict(set)
    for entity in check.entities:
        if entity.name != speaker:
            continue
        for role in entity.roles:
            words = role.split()
            if words and not (words[-1].endswith("s") and not words[-1].endswith(("ss", "us"))):
                given[role.strip()].add(entity.article_id)  # not a plural ("special envoys")
    if not given:
        return speaker
    # the head most articles use ("president"), worded by its longest form there
    heads: dict[str, set[str]] = defaultdict(set)
    for role, articles in given.items():
        heads[role.split()[-1].lower()] |= articles
    head = max(heads, key=lambda h: (len(heads[h]), h))
    role = max(
        (r for r in given if r.split()[-1].lower() == head), key=lambda r: (len(r.split()), r)
    )
    return f"{speaker} ({role})"


def status_single(claim: Claim) -> str:
    if claim.kind is ClaimKind.QUOTE:
        return ClaimStatus.UNVERIFIED_QUOTE.value
    return ClaimStatus.SINGLE_SOURCE.value


def _reports(text: str, claims: Sequence[Claim], disputed: set[str]) -> bool:
    """A sentence that reports news and may lead (see :meth:`BriefWriter.lead`)."""
    if not claims or not well_formed(text) or dangling(text) or commentary(text):
        return False
    if not 8 <= _words(text) <= 50 or text[:1] in "\"“'‘«":
        return False
    if any(c.kind in (ClaimKind.OPINION, ClaimKind.HEDGED, ClaimKind.QUOTE) for c in claims):
        return False
    if any(c.kind is ClaimKind.ATTRIBUTED and not is_named(c.speaker) for c in claims):
        return False  # a lead does not rest on unnamed sources ("sources close to the talks")
    return not any(
        c.id in disputed or c.contradicted_by or c.status is ClaimStatus.UNVERIFIED_QUOTE
        for c in claims
    )


def _story_order(cands: Sequence[_Candidate]) -> list[_Candidate]:
    """Lead-first order, with dated sentences kept in chronological order among themselves."""
    ordered = sorted(cands, key=lambda c: (c.position, -c.score))
    slots = [n for n, c in enumerate(ordered) if c.when is not None]
    dated = sorted(
        (ordered[n] for n in slots), key=lambda c: (date_of(c.when) if c.when else None) or date.min
    )
    for n, cand in zip(slots, dated, strict=True):
        ordered[n] = cand
    return ordered


def _article_order(cands: Sequence[_Candidate]) -> list[_Candidate]:
    """Lines worded from one article read in that article's order.

    The places the lines of an article hold keep their turn in the section, and the
    lines are dealt into them by sentence index: a lead taken from an article's second
    sentence is not followed by the first sentence it continues from ("… were charged
    with …", then "Two men were arrested …").
    """
    out = list(cands)
    slots: dict[str, list[int]] = defaultdict(list)
    for n, cand in enumerate(out):
        if cand.origin is not None:
            slots[cand.origin[0]].append(n)
    for places in slots.values():
        lines = sorted((out[n] for n in places), key=lambda c: c.origin[1] if c.origin else 0)
        for n, cand in zip(places, lines, strict=True):
            out[n] = cand
    return out


def _one_per_date(cands: Sequence[_Candidate]) -> list[_Candidate]:
    seen: set[str] = set()
    out: list[_Candidate] = []
    for cand in cands:
        key = date_label(cand.when) if cand.when else ""
        if key in seen:
            continue
        seen.add(key)
        out.append(cand)
    return out


def _disputed(check: StoryCheck) -> tuple[BriefSentence, ...]:
    """Each conflict: one line per side, citing the articles on that side."""
    out: list[BriefSentence] = []
    for finding in check.findings:
        for side in finding.sides:
            out.append(
                BriefSentence(
                    text=side.value,
                    citations=side.article_ids,
                    support=tuple(1.0 for _ in side.article_ids),
                    evidence=side_sentences(check, side),
                    claim_ids=side.claim_ids,
                    sources=len(side.article_ids),
                    group=finding.summary,
                    status=finding.kind,
                )
            )
    return tuple(out)


def _unverified(check: StoryCheck) -> tuple[BriefSentence, ...]:
    """Quotes and claims only one outlet carries, in the article's own words."""
    disputed = disputed_claim_ids(check)
    quotes = [c for c in check.claims if c.status is ClaimStatus.UNVERIFIED_QUOTE]
    facts = [
        c
        for c in check.claims
        if c.status is ClaimStatus.SINGLE_SOURCE and c.kind is not ClaimKind.OPINION
    ]
    out: list[BriefSentence] = []
    for claim in [*quotes, *facts]:
        if claim.id in disputed:
            continue
        out.append(
            BriefSentence(
                text=compress(claim.text),
                citations=(claim.article_id,),
                support=(1.0,),
                evidence=(claim.text,),
                claim_ids=(claim.id,),
                sources=1,
                # under its speaker only when it reports what they said: an outlet's
                # analysis that names someone is the outlet's, not theirs
                group=claim.speaker
                if claim.speaker and (claim.kind is ClaimKind.QUOTE or said(claim.text))
                else "",
                status=claim.status.value,
            )
        )
    return tuple(out)


def sources_of(check: StoryCheck) -> tuple[BriefSource, ...]:
    consistency = {s.article_id: s.consistency for s in check.scores}
    return tuple(
        BriefSource(
            number=n,
            article_id=a.id,
            outlet=a.display_outlet,
            title=a.title,
            published=a.published,
            location=a.url or a.source,
            consistency=consistency.get(a.id),
        )
        for n, a in enumerate(check.articles, start=1)
    )


def write_brief(
    check: StoryCheck,
    *,
    embedder: Embedder,
    nli: NLI,
    options: BriefOptions | None = None,
    index: SupportIndex | None = None,
) -> Brief:
    """The extractive, fully local brief of one cross-checked story."""
    return BriefWriter(embedder=embedder, nli=nli, options=options).write(check, index)
