"""Cross-check one story: every claim against the other independent sources.

Steps: parse each article once (spaCy) → entities, quotes, claims → embed the checkable
claims → top-k candidate claims in other articles → NLI on candidates (premise = the
candidate's sentence, hypothesis = the claim made standalone) → structured checks →
verdict per claim → findings per disputed slot → consistency per article.

A claim is **corroborated** when at least one other outlet entails it, **contradicted**
when one contradicts it (NLI with high confidence on a closely matching claim, or a
structured conflict), **mixed** when both, and **single_source** when no other source
speaks to it (a quote found in one source only is an **unverified_quote**). Syndicated
copies were merged at ingest, so each article counts once.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from storycheck.claims.entities import extract_entities
from storycheck.claims.extract import extract_claims
from storycheck.claims.quotes import extract_quotes, quote_spans
from storycheck.facts.compare import build_table
from storycheck.facts.extract import extract_facts, story_year
from storycheck.facts.stats import STATS as FACT_STATS
from storycheck.model import (
    Article,
    ArticleScore,
    Claim,
    ClaimKind,
    ClaimStatus,
    Entity,
    Evidence,
    Fact,
    Finding,
    Quote,
    Relation,
    Story,
    StoryCheck,
)
from storycheck.models import NLI, Embedder, Parser
from storycheck.verify.align import Pair, candidate_pairs
from storycheck.verify.checks import (
    Conflict,
    attribution_conflicts,
    contrast_cue,
    group_findings,
    is_named,
    role_conflicts,
    timeframe_conflicts,
    voice_conflicts,
)
from storycheck.verify.grounding import normalise, verbatim_key
from storycheck.verify.people import People
from storycheck.verify.support import coverage


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """Thresholds of the cross-check.

    ``entail`` maximises entailment F1 of the default NLI on the news NLI dev split
    (0.875 at 0.50 with ``news-nli-deberta``; 0.800 with the earlier ``stacked``).
    ``contradict`` is the P(contradict) both directions must reach: with
    ``news-nli-deberta`` on the news NLI train + dev pairs, 0.6 both ways gives precision
    0.93 / recall 0.51 (0.9, right for the over-confident earlier models, kept only
    0.22 of the contradictions). The others were set on the example corpus.
    ``support_coverage`` is the share of a claim's content words the supporting sentence
    must contain too: the NLI model calls many merely topical pairs "entailed", and a
    sentence that shares a quarter of the words or less rarely states the same fact.
    """

    k: int = 6
    min_similarity: float = 0.45
    entail: float = 0.5
    support_coverage: float = 0.25
    contradict: float = 0.6
    contradict_similarity: float = 0.6
    statement_contradict: float = 0.97
    statement_similarity: float = 0.7


Progress = Callable[[str], None]
# quotes are checked for attribution; hedged claims cannot contradict anything outright
_NOT_STATEMENTS = frozenset({ClaimKind.HEDGED, ClaimKind.QUOTE})


def _sentence(articles: Mapping[str, Article], claim: Claim) -> str:
    """The whole sentence a claim comes from (the NLI premise and the evidence shown)."""
    return articles[claim.article_id].sentences[claim.sentence_index].text


def cross_check(
    articles: Sequence[Article],
    story: Story,
    *,
    parser: Parser,
    embedder: Embedder,
    nli: NLI,
    options: VerifyOptions | None = None,
    progress: Progress | None = None,
) -> StoryCheck:
    """Extract and cross-check the claims of one story's articles."""
    opts = options or VerifyOptions()
    say = progress or (lambda _msg: None)
    by_id = {a.id: a for a in articles}
    say("parsing")
    docs = parser.parse([a.text for a in articles])
    entities: list[Entity] = []
    quotes: list[Quote] = []
    claims: list[Claim] = []
    for article, doc in zip(articles, docs, strict=True):
        ents = extract_entities(doc, article.id)
        qs = extract_quotes(doc, article.id, ents)
        entities.extend(ents)
        quotes.extend(qs)
        claims.extend(extract_claims(article, doc, ents, qs))
    people = People(entities)
    by_role = _role_speakers(entities, [(q.article_id, q.speaker) for q in quotes if q.anonymous])
    quotes = [
        dataclasses.replace(q, speaker=by_role[(q.article_id, q.speaker)], anonymous=False)
        if (q.article_id, q.speaker) in by_role
        else q
        for q in quotes
    ]
    claims = [
        dataclasses.replace(
            c,
            speaker=people.canonical(by_role.get((c.article_id, c.speaker), c.speaker))
            if c.speaker
            else None,
            entities=tuple(dict.fromkeys(people.canonical(e) or e for e in c.entities)),
        )
        for c in claims
    ]
    say("reading facts")
    started = time.perf_counter()
    year = story_year(articles)
    facts: list[Fact] = []
    for article, doc in zip(articles, docs, strict=True):
        facts.extend(
            extract_facts(
                article,
                doc,
                entities=entities,
                quotes=quotes,
                claims=claims,
                people=people,
                year=year,
            )
        )
    similarity = _pair_similarity(embedder)
    table, fact_findings = build_table(facts, articles, similarity)
    FACT_STATS["seconds"] += time.perf_counter() - started
    FACT_STATS["facts"] += len(facts)
    checkable = [c for c in claims if c.kind is not ClaimKind.OPINION]
    article_index = {a.id: n for n, a in enumerate(articles)}
    say("embedding")
    vectors = embedder.encode([c.standalone or c.text for c in checkable])
    pairs = candidate_pairs(
        np.asarray(vectors, dtype=np.float32),
        [article_index[c.article_id] for c in checkable],
        k=opts.k,
        floor=opts.min_similarity,
    )
    say("checking entailment")
    # a pair that shares too little to support and is too far apart to contradict cannot
    # change any verdict: it is neutral without asking the model
    grounded = [
        _same_ground(checkable[p.i], checkable[p.j], _sentence(by_id, checkable[p.j]), opts)
        for p in pairs
    ]
    ask = [
        n
        for n, p in enumerate(pairs)
        if grounded[n] or p.similarity >= min(opts.contradict_similarity, opts.statement_similarity)
    ]
    probs = np.tile(_NEUTRAL, (len(pairs), 1))
    if ask:
        probs[ask] = relations(
            nli,
            [
                (
                    _sentence(by_id, checkable[pairs[n].j]),
                    checkable[pairs[n].i].standalone or checkable[pairs[n].i].text,
                )
                for n in ask
            ],
        )
    say("structured checks")
    # figures, dates, times, ages and speakers are compared slot by slot in the fact
    # table; their disputes mark the claims that state them contradicted
    slot_conflicts = fact_conflicts(fact_findings)
    conflicts: list[Conflict] = [*attribution_conflicts(checkable, pairs, people, similarity)]
    conflicts += _statement_conflicts(checkable, pairs, probs, [*conflicts, *slot_conflicts], opts)
    article_conflicts = [
        *role_conflicts(articles, entities, people),
        *timeframe_conflicts(articles, entities, people),
        *voice_conflicts(checkable, entities, people),
    ]
    probs = _confirm_contradictions(checkable, pairs, probs, by_id, nli, opts)
    checked = _verdicts(
        checkable, pairs, probs, grounded, [*conflicts, *slot_conflicts], by_id, opts, people
    )
    checked_by_id = {c.id: c for c in checked}
    final_claims = tuple(checked_by_id.get(c.id, c) for c in claims)
    findings: list[Finding] = [
        *fact_findings,
        *group_findings([*conflicts, *article_conflicts], checked_by_id, by_id.keys()),
    ]
    scores = _scores(articles, final_claims, findings)
    return StoryCheck(
        story=story,
        articles=tuple(articles),
        claims=final_claims,
        quotes=tuple(dataclasses.replace(q, speaker=people.canonical(q.speaker)) for q in quotes),
        entities=tuple(entities),
        findings=tuple(findings),
        scores=scores,
        facts=tuple(facts),
        table=table,
    )


_DEFINITE_ROLE = re.compile(r"^(?:the|The)\s+((?:[\w.-]+\s+){0,3})([a-z][\w-]+)$")


def _role_speakers(
    entities: Sequence[Entity], speakers: Iterable[tuple[str, str | None]]
) -> dict[tuple[str, str | None], str]:
    """``(article id, "The Russian president") → "Vladimir Putin"``: a speaker an article
    names only by a definite role phrase, resolved to the one person that article
    mentions whom some article of the story gives that role (its head word and every
    modifier: "Russian president" in another report). Ambiguous phrases stay as they are."""
    roles: dict[str, set[str]] = defaultdict(set)
    mentioned: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        if entity.label != "PERSON":
            continue
        mentioned[entity.article_id].add(entity.name)
        roles[entity.name].update(role.lower() for role in entity.roles)
    out: dict[tuple[str, str | None], str] = {}
    for article_id, phrase in set(speakers):
        match = _DEFINITE_ROLE.match(phrase or "")
        if match is None:
            continue
        modifiers = set(match.group(1).lower().split())
        head = match.group(2).lower()
        fits = [
            name
            for name in sorted(mentioned[article_id])
            if any(r.split()[-1] == head and modifiers <= set(r.split()) for r in roles[name])
        ]
        if len(fits) == 1:
            out[(article_id, phrase)] = fits[0]
    return out


def fact_conflicts(findings: Sequence[Finding]) -> list[Conflict]:
    """Claim-level conflicts behind the fact table's disputes (updates excluded: a toll
    that rose between reports makes neither report wrong)."""
    out: list[Conflict] = []
    for finding in findings:
        if finding.status != "contradiction":
            continue
        for x, side in enumerate(finding.sides):
            for other in finding.sides[x + 1 :]:
                for a in side.claim_ids:
                    for b in other.claim_ids:
                        out.append(
                            Conflict(
                                finding.kind,
                                finding.subject,
                                a,
                                b,
                                side.value,
                                other.value,
                                "",
                                "",
                            )
                        )
    return out


def _confirm_contradictions(
    claims: Sequence[Claim],
    pairs: Sequence[Pair],
    probs: Any,
    articles: dict[str, Article],
    nli: NLI,
    opts: VerifyOptions,
) -> Any:
    """Keep an NLI contradiction only if it also holds the other way round.

    A one-way "contradiction" is usually a paraphrase that adds or drops detail; two
    claims that really exclude each other contradict in both directions.
    """
    suspects = [
        n
        for n, (pair, p) in enumerate(zip(pairs, probs, strict=True))
        if float(p[2]) >= opts.contradict and pair.similarity >= opts.contradict_similarity
    ]
    if not suspects:
        return probs
    reverse = relations(
        nli,
        [
            (
                _sentence(articles, claims[pairs[n].i]),
                claims[pairs[n].j].standalone or claims[pairs[n].j].text,
            )
            for n in suspects
        ],
    )
    confirmed = np.array(probs, dtype=np.float32, copy=True)
    for n, back in zip(suspects, reverse, strict=True):
        if float(back[2]) < opts.contradict or float(back[0]) >= opts.entail:
            confirmed[n, 2] = min(float(back[2]), float(confirmed[n, 2]))
    return confirmed


_SAME = np.array([1.0, 0.0, 0.0], dtype=np.float32)
_NEUTRAL = np.array([0.0, 1.0, 0.0], dtype=np.float32)


def relations(nli: NLI, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """``nli.relations`` with each distinct pair asked once, and a hypothesis that is the
    premise itself (same words, case and quotes aside; wire copy repeats sentences
    verbatim) taken as entailed without asking the model."""
    out = np.zeros((len(pairs), 3), dtype=np.float32)
    todo: dict[tuple[str, str], list[int]] = {}
    for n, (premise, hypothesis) in enumerate(pairs):
        if normalise(premise) == normalise(hypothesis):
            out[n] = _SAME
        else:
            todo.setdefault((premise, hypothesis), []).append(n)
    if todo:
        asked = nli.relations(list(todo))
        for rows, p in zip(todo.values(), asked, strict=True):
            out[rows] = p
    return out


def _pair_similarity(embedder: Embedder) -> Callable[[Sequence[tuple[str, str]]], list[float]]:
    def similarity(pairs: Sequence[tuple[str, str]]) -> list[float]:
        left = embedder.encode([a for a, _ in pairs])
        right = embedder.encode([b for _, b in pairs])
        return [float(x) for x in np.sum(left * right, axis=1)]

    return similarity


def _statement_conflicts(
    claims: Sequence[Claim],
    pairs: Sequence[Pair],
    probs: Any,
    structured: Sequence[Conflict],
    opts: VerifyOptions,
) -> list[Conflict]:
    """Confident NLI contradictions between closely matching claims no check explains.

    Both directions must contradict and neither may entail: one-way contradictions are
    mostly paraphrases with extra detail.
    """
    explained = {(c.a, c.b) for c in structured} | {(c.b, c.a) for c in structured}
    by_pair = {(p.i, p.j): (p, row) for p, row in zip(pairs, probs, strict=True)}
    found: list[Conflict] = []
    for (i, j), (pair, p) in by_pair.items():
        if i > j or (j, i) not in by_pair:
            continue
        q = by_pair[(j, i)][1]
        ca, cb = claims[i], claims[j]
        if (ca.id, cb.id) in explained or {ca.kind, cb.kind} & _NOT_STATEMENTS:
            continue
        if pair.similarity < opts.statement_similarity:
            continue
        if min(float(p[2]), float(q[2])) < opts.statement_contradict:
            continue
        if max(float(p[0]), float(q[0])) >= opts.entail or contrast_cue(ca, cb) is None:
            continue
        found.append(
            Conflict(
                "statement", ca.standalone[:90], ca.id, cb.id, ca.text, cb.text, ca.text, cb.text
            )
        )
    return found


def _verdicts(
    claims: Sequence[Claim],
    pairs: Sequence[Pair],
    probs: Any,
    grounded: Sequence[bool],
    conflicts: Sequence[Conflict],
    articles: dict[str, Article],
    opts: VerifyOptions,
    people: People,
) -> list[Claim]:
    entail: dict[int, dict[str, tuple[float, int]]] = defaultdict(dict)
    contra: dict[int, dict[str, tuple[float, int]]] = defaultdict(dict)
    for pair, p, ground in zip(pairs, probs, grounded, strict=True):
        other = claims[pair.j].article_id
        pe, pc = float(p[0]), float(p[2])
        if not ground or not can_support(claims[pair.i], claims[pair.j], people):
            pe = 0.0
        if pe >= opts.entail and pe > entail[pair.i].get(other, (0.0, -1))[0]:
            entail[pair.i][other] = (pe, pair.j)
        if (
            pc >= opts.contradict
            and pair.similarity >= opts.contradict_similarity
            and pc > contra[pair.i].get(other, (0.0, -1))[0]
        ):
            contra[pair.i][other] = (pc, pair.j)
    index = {c.id: n for n, c in enumerate(claims)}
    for conflict in conflicts:
        if conflict.a in index and conflict.b in index:
            a, b = index[conflict.a], index[conflict.b]
            contra[a][claims[b].article_id] = (1.0, b)
            contra[b][claims[a].article_id] = (1.0, a)
    carried = QuotedWords(articles.values())
    out: list[Claim] = []
    for n, claim in enumerate(claims):
        supported = entail.get(n, {})
        contradicted = {a: v for a, v in contra.get(n, {}).items() if a not in supported}
        evidence = [
            Evidence(a, _sentence(articles, claims[j]), Relation.ENTAILS, round(s, 3), claims[j].id)
            for a, (s, j) in sorted(supported.items(), key=lambda kv: -kv[1][0])
        ] + [
            Evidence(
                a, _sentence(articles, claims[j]), Relation.CONTRADICTS, round(s, 3), claims[j].id
            )
            for a, (s, j) in sorted(contradicted.items(), key=lambda kv: -kv[1][0])
        ]
        if supported and contradicted:
            status = ClaimStatus.MIXED
        elif supported:
            status = ClaimStatus.CORROBORATED
        elif contradicted:
            status = ClaimStatus.CONTRADICTED
        elif claim.kind is ClaimKind.QUOTE and not carried.elsewhere(claim):
            status = ClaimStatus.UNVERIFIED_QUOTE
        else:
            status = ClaimStatus.SINGLE_SOURCE
        out.append(
            dataclasses.replace(
                claim,
                status=status,
                supported_by=tuple(sorted(supported)),
                contradicted_by=tuple(sorted(contradicted)),
                evidence=tuple(evidence),
            )
        )
    return out


#: words in a row that make a quotation's words "the same words" in another article
QUOTE_SHINGLE = 4
#: the share of a quotation's word runs another article must contain
QUOTE_CARRIED = 0.6


class QuotedWords:
    """Which quotations another article carries too: the words in quotation marks, in
    runs of ``QUOTE_SHINGLE`` words, found in another article's text (case, punctuation
    and quotation marks aside). A quote whose words two outlets print is not an
    unverified quote, even when the sentences around it differ too much for one to
    entail the other ("…warned of 'the darkest winter in modern history'" / "The nation
    could face 'the darkest winter in modern history' unless…"); the sentence is then a
    single-source claim unless another outlet supports all of it."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self._texts = {a.id: a.text for a in articles}
        self._runs: dict[str, set[tuple[str, ...]]] = {}

    @staticmethod
    def runs(text: str) -> set[tuple[str, ...]]:
        """Every ``QUOTE_SHINGLE`` words in a row of ``text`` (:func:`verbatim_key`'s
        words: case, quote style and punctuation folded)."""
        words = verbatim_key(text).split()
        return {tuple(words[i : i + QUOTE_SHINGLE]) for i in range(len(words) - QUOTE_SHINGLE + 1)}

    def _article_runs(self, article_id: str) -> set[tuple[str, ...]]:
        runs = self._runs.get(article_id)
        if runs is None:
            runs = self._runs[article_id] = self.runs(self._texts[article_id])
        return runs

    def elsewhere(self, claim: Claim) -> tuple[str, ...]:
        """The other articles that print the claim's quoted words."""
        runs = set().union(*(self.runs(claim.text[s:e]) for s, e in quote_spans(claim.text)))
        if not runs:
            return ()
        return tuple(
            a
            for a in self._texts
            if a != claim.article_id
            and len(runs & self._article_runs(a)) >= QUOTE_CARRIED * len(runs)
        )


def _same_ground(claim: Claim, evidence: Claim, sentence: str, opts: VerifyOptions) -> bool:
    """Enough shared words, or the same figure or date, for "entails" to be about the same
    fact (a guard against the NLI model's topical false positives)."""
    if coverage(claim.standalone or claim.text, sentence) >= opts.support_coverage:
        return True
    figures = {(q.value, q.unit) for q in claim.quantities if q.unit}
    if figures & {(q.value, q.unit) for q in evidence.quantities}:
        return True
    days = {d.value for d in claim.dates if d.value}
    return bool(days & {d.value for d in evidence.dates})


def can_support(claim: Claim, evidence: Claim, people: People) -> bool:
    """Who said it matters: a quote is corroborated only by the same quote or the same
    speaker saying it elsewhere, and a statement attributed to a named person only by a
    source that names that person too. Plain facts can be supported by any claim."""
    if claim.kind is ClaimKind.QUOTE:
        if evidence.kind is ClaimKind.QUOTE and (
            fuzz.token_set_ratio(claim.text, evidence.text) >= SAME_QUOTE
        ):
            return True
        return bool(claim.speaker) and people.same(claim.speaker, evidence.speaker)
    if claim.kind is ClaimKind.ATTRIBUTED and is_named(claim.speaker):
        assert claim.speaker is not None
        surname = claim.speaker.split()[-1]
        return people.same(claim.speaker, evidence.speaker) or surname in evidence.text
    return True


SAME_QUOTE = 75


#: how much a claim the other outlets speak to counts for its article's consistency
_WEIGHTS = {
    ClaimStatus.CORROBORATED: 1.0,
    ClaimStatus.MIXED: 0.5,
    ClaimStatus.UNVERIFIED_QUOTE: 0.25,
    ClaimStatus.CONTRADICTED: 0.0,
}
#: the statuses an article's scorecard counts (a single-source claim is counted, not weighed)
_SCORED = frozenset({*_WEIGHTS, ClaimStatus.SINGLE_SOURCE})


NEAR_COPY = 0.5  # word-trigram Jaccard above which two articles share one text


def near_copies(articles: Sequence[Article]) -> dict[str, set[str]]:
    """For each article, the other articles of the story that are near-copies of it
    (one wire text lightly edited: below the ingest's syndicated-copy threshold of 0.8,
    but mostly the same sentences)."""
    shingles = {}
    for article in articles:
        words = normalise(article.text).split()
        shingles[article.id] = {" ".join(words[n : n + 3]) for n in range(len(words) - 2)}
    out: dict[str, set[str]] = {a.id: set() for a in articles}
    ids = [a.id for a in articles]
    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            sa, sb = shingles[a], shingles[b]
            if sa and sb and len(sa & sb) / len(sa | sb) >= NEAR_COPY:
                out[a].add(b)
                out[b].add(a)
    return out


#: what an article's consistency starts from before any evidence, and how many claims'
#: worth of weight that presumption carries (an article nobody else checks scores 0.75;
#: one unverified quote brings it to 0.5, one corroborated claim to 0.875)
PRIOR = 0.75
PRIOR_WEIGHT = 1.0


def _scores(
    articles: Sequence[Article], claims: Sequence[Claim], findings: Sequence[Finding]
) -> tuple[ArticleScore, ...]:
    """Consistency by evidence, not by headcount: the weighted share of an article's
    claims that agree with the other outlets, among the claims they speak to
    (corroborated 1, mixed ½, unverified quote ¼, contradicted 0), started from ``PRIOR``.
    A claim backed only by near-copies of its own article counts as one source, a claim
    no other outlet addresses is neither for nor against (a long article full of detail
    nobody repeats is not less consistent for it), and an outlet on the smaller side of
    a dispute loses nothing for being outvoted (both sides' claims are marked
    contradicted)."""
    del findings  # disputes act through the claims they mark contradicted
    copies = near_copies(articles)
    by_id = {c.id: c for c in claims}
    # a claim whose sentence supports another outlet's claim agrees with that outlet too
    # (004's "five-hour meeting" backs 001's "protracted session"), so it is consistent
    # with the others even where the other outlet says less
    echoed: set[str] = {
        e.claim_id
        for c in claims
        for e in c.evidence
        if e.relation is Relation.ENTAILS
        and e.claim_id in by_id
        and c.article_id not in copies.get(by_id[e.claim_id].article_id, set())
    }
    scores: list[ArticleScore] = []
    for article in articles:
        mine = [c for c in claims if c.article_id == article.id and c.status in _SCORED]
        statuses = [
            ClaimStatus.CORROBORATED
            if c.id in echoed and c.status is ClaimStatus.SINGLE_SOURCE
            else _by_evidence(c, copies.get(article.id, set()))
            for c in mine
        ]
        counts = {s: sum(1 for x in statuses if x is s) for s in _SCORED}
        # only what the others speak to is evidence of (in)consistency: a claim no other
        # outlet addresses says nothing either way (the scorecard counts it apart)
        judged = [x for x in statuses if x in _WEIGHTS]
        credit = sum(_WEIGHTS[x] for x in judged) + PRIOR_WEIGHT * PRIOR
        scores.append(
            ArticleScore(
                article_id=article.id,
                consistency=round(credit / (len(judged) + PRIOR_WEIGHT), 3) if mine else 0.0,
                checkable=len(mine),
                corroborated=counts[ClaimStatus.CORROBORATED],
                contradicted=counts[ClaimStatus.CONTRADICTED],
                mixed=counts[ClaimStatus.MIXED],
                single_source=counts[ClaimStatus.SINGLE_SOURCE],
                unverified_quotes=counts[ClaimStatus.UNVERIFIED_QUOTE],
            )
        )
    return tuple(scores)


def _by_evidence(claim: Claim, copies: set[str]) -> ClaimStatus:
    """A claim's status with support from near-copies of its own article discounted."""
    independent = set(claim.supported_by) - copies
    if claim.supported_by and not independent:
        if claim.status is ClaimStatus.CORROBORATED:
            return ClaimStatus.SINGLE_SOURCE
        if claim.status is ClaimStatus.MIXED:
            return ClaimStatus.CONTRADICTED
    return claim.status
