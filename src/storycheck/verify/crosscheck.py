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
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from storycheck.claims.entities import extract_entities
from storycheck.claims.extract import extract_claims
from storycheck.claims.quotes import extract_quotes
from storycheck.model import (
    Article,
    ArticleScore,
    Claim,
    ClaimKind,
    ClaimStatus,
    Entity,
    Evidence,
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
    date_conflicts,
    group_findings,
    is_named,
    number_conflicts,
    role_conflicts,
    timeframe_conflicts,
)
from storycheck.verify.grounding import normalise
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
    claims = [
        dataclasses.replace(
            c,
            speaker=people.canonical(c.speaker) if c.speaker else None,
            entities=tuple(dict.fromkeys(people.canonical(e) or e for e in c.entities)),
        )
        for c in claims
    ]
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
    similarity = _pair_similarity(embedder)
    conflicts: list[Conflict] = [
        *number_conflicts(checkable, pairs, similarity),
        *date_conflicts(checkable, pairs, similarity),
        *attribution_conflicts(checkable, pairs, people),
    ]
    conflicts += _statement_conflicts(checkable, pairs, probs, conflicts, opts)
    article_conflicts = [
        *role_conflicts(articles, entities, people),
        *timeframe_conflicts(articles, entities, people),
    ]
    probs = _confirm_contradictions(checkable, pairs, probs, by_id, nli, opts)
    checked = _verdicts(checkable, pairs, probs, grounded, conflicts, by_id, opts, people)
    checked_by_id = {c.id: c for c in checked}
    final_claims = tuple(checked_by_id.get(c.id, c) for c in claims)
    findings: list[Finding] = group_findings(
        [*conflicts, *article_conflicts], checked_by_id, by_id.keys()
    )
    scores = _scores(articles, final_claims, findings)
    return StoryCheck(
        story=story,
        articles=tuple(articles),
        claims=final_claims,
        quotes=tuple(dataclasses.replace(q, speaker=people.canonical(q.speaker)) for q in quotes),
        entities=tuple(entities),
        findings=tuple(findings),
        scores=scores,
    )


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
        elif claim.kind is ClaimKind.QUOTE:
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


_WEIGHTS = {
    ClaimStatus.CORROBORATED: 1.0,
    ClaimStatus.MIXED: 0.5,
    ClaimStatus.SINGLE_SOURCE: 0.5,
    ClaimStatus.UNVERIFIED_QUOTE: 0.25,
    ClaimStatus.CONTRADICTED: 0.0,
}


def _scores(
    articles: Sequence[Article], claims: Sequence[Claim], findings: Sequence[Finding]
) -> tuple[ArticleScore, ...]:
    minority: dict[str, int] = defaultdict(int)  # article → conflicts it is outvoted on
    for finding in findings:
        sizes = [len(side.article_ids) for side in finding.sides]
        if len(sizes) >= 2 and max(sizes) > min(sizes):
            top = max(sizes)
            for side in finding.sides:
                if len(side.article_ids) < top:
                    for a in side.article_ids:
                        minority[a] += 1
    scores: list[ArticleScore] = []
    for article in articles:
        mine = [c for c in claims if c.article_id == article.id and c.status in _WEIGHTS]
        counts = {s: sum(1 for c in mine if c.status is s) for s in _WEIGHTS}
        total = len(mine) + minority[article.id]
        credit = sum(_WEIGHTS[c.status] for c in mine)
        scores.append(
            ArticleScore(
                article_id=article.id,
                consistency=round(credit / total, 3) if total else 0.0,
                checkable=len(mine),
                corroborated=counts[ClaimStatus.CORROBORATED],
                contradicted=counts[ClaimStatus.CONTRADICTED],
                mixed=counts[ClaimStatus.MIXED],
                single_source=counts[ClaimStatus.SINGLE_SOURCE],
                unverified_quotes=counts[ClaimStatus.UNVERIFIED_QUOTE],
            )
        )
    return tuple(scores)
