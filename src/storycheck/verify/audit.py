"""Audit a draft against sources, sentence by sentence.

For each sentence of the draft: **supported** when a source passage entails it (and shares
enough of its content words), **contradicted** when a source contradicts it — by the NLI
model with high confidence in both directions, or by the structured checks of the
cross-check (numbers, dates, roles, time frame, attribution) in which the draft stands
alone against the sources — and **not found** otherwise (this includes quotes no source
carries). The cross-check runs on the draft plus the sources, so the same rules judge a
draft as judge any article.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from storycheck.model import (
    Article,
    AuditEvidence,
    AuditResult,
    AuditSentence,
    ClaimKind,
    ClaimStatus,
    FindingSide,
    Sentence,
    Story,
    StoryCheck,
    Verdict,
)
from storycheck.models import NLI, Embedder, Parser
from storycheck.verify.checks import side_sentences
from storycheck.verify.crosscheck import VerifyOptions, cross_check
from storycheck.verify.support import Passage, SupportIndex, common_ground
from storycheck.words import plural

__all__ = ["AuditOptions", "AuditResult", "AuditSentence", "Verdict", "audit_draft"]


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """``support``: P(entail) for supported; ``contradict``: P(contradict) for an NLI
    contradiction; ``coverage``: share of content words the passage must share."""

    support: float = 0.5
    contradict: float = 0.9
    coverage: float = 0.3
    min_words: int = 4
    structured: bool = True  # run the cross-check's structured checks too


def _checkable(text: str, min_words: int) -> bool:
    return len(text.split()) >= min_words and any(ch.isalpha() for ch in text)


def audit_draft(
    draft: Article,
    sources: Sequence[Article],
    *,
    embedder: Embedder,
    nli: NLI,
    parser: Parser | None = None,
    options: AuditOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> AuditResult:
    """Check every sentence of ``draft`` against ``sources``."""
    opts = options or AuditOptions()
    say = progress or (lambda _msg: None)
    others = [a for a in sources if a.id != draft.id]
    outlet = {a.id: a.display_outlet for a in others}
    check: StoryCheck | None = None
    flagged: dict[int, tuple[str, list[AuditEvidence]]] = {}
    unquoted: set[int] = set()
    if opts.structured and parser is not None and others:
        say("cross-checking the draft with the sources")
        story = Story(id="audit", title=draft.title or "draft", article_ids=())
        check = cross_check(
            [draft, *others],
            story,
            parser=parser,
            embedder=embedder,
            nli=nli,
            options=VerifyOptions(),
        )
        flagged, unquoted = _structured(draft, check, outlet)
    index = SupportIndex(
        others,
        embedder=embedder,
        nli=nli,
        top=2,
        prefilter=lambda h, p: common_ground(h, p, opts.coverage),
    )
    wanted = [(n, s) for n, s in enumerate(draft.sentences) if _checkable(s.text, opts.min_words)]
    say("looking for evidence")
    found = index.best([(s.text, [a.id for a in others]) for _, s in wanted])
    confirmed = _two_way(nli, wanted, found, opts)
    out: list[AuditSentence] = []
    for (n, sentence), passages in zip(wanted, found, strict=True):
        support = sorted(
            (p for p in passages.values() if p.entail >= opts.support),
            key=lambda p: -p.entail,
        )
        contra = sorted(
            (
                p
                for p in passages.values()
                if p.contradict >= opts.contradict and (n, p.article_id) in confirmed
            ),
            key=lambda p: -p.contradict,
        )
        if n in flagged:
            reason, evidence = flagged[n]
            verdict, score = Verdict.CONTRADICTED, 1.0
            evidence = evidence or [
                AuditEvidence(p.article_id, outlet[p.article_id], p.contra_text, "contradicts", 1.0)
                for p in contra
            ]
        elif n in unquoted:
            verdict, score = Verdict.NOT_FOUND, 0.0
            reason = "a quote no source carries"
            evidence = []
        elif support:
            verdict, score = Verdict.SUPPORTED, round(support[0].entail, 3)
            reason = f"supported by {plural(len(support), 'source')}"
            evidence = [
                AuditEvidence(
                    p.article_id, outlet[p.article_id], p.text, "entails", round(p.entail, 3)
                )
                for p in support
            ]
        elif contra:
            verdict, score = Verdict.CONTRADICTED, round(contra[0].contradict, 3)
            reason = "a source says otherwise"
            evidence = [
                AuditEvidence(
                    p.article_id,
                    outlet[p.article_id],
                    p.contra_text,
                    "contradicts",
                    round(p.contradict, 3),
                )
                for p in contra
            ]
        else:
            best = max(passages.values(), key=lambda p: p.entail, default=None)
            verdict, score = Verdict.NOT_FOUND, round(best.entail, 3) if best else 0.0
            reason = "no source supports it"
            evidence = []
        out.append(
            AuditSentence(
                index=n,
                start=sentence.start,
                end=sentence.end,
                text=sentence.text,
                verdict=verdict,
                score=score,
                reason=reason,
                evidence=tuple(evidence),
            )
        )
    return AuditResult(draft=draft, sources=tuple(others), sentences=tuple(out), check=check)


def _two_way(
    nli: NLI,
    wanted: Sequence[tuple[int, Sentence]],
    found: Sequence[dict[str, Passage]],
    opts: AuditOptions,
) -> set[tuple[int, str]]:
    """(sentence, article) pairs whose NLI contradiction also holds the other way round —
    as in the cross-check, a one-way "contradiction" is usually a paraphrase that adds or
    drops a detail."""
    suspects = [
        (n, p)
        for (n, sentence), passages in zip(wanted, found, strict=True)
        for p in passages.values()
        if p.contradict >= opts.contradict and p.contra_text
    ]
    if not suspects:
        return set()
    text = {n: sentence.text for n, sentence in wanted}
    back = nli.relations([(text[n], p.contra_text) for n, p in suspects])
    return {
        (n, p.article_id)
        for (n, p), row in zip(suspects, back, strict=True)
        if float(row[2]) >= opts.contradict
    }


def _structured(
    draft: Article, check: StoryCheck, outlet: dict[str, str]
) -> tuple[dict[int, tuple[str, list[AuditEvidence]]], set[int]]:
    """Sentences of the draft that a structured conflict puts against every source, and
    sentences whose quote no source carries."""
    sentence_of = {c.id: c.sentence_index for c in check.claims if c.article_id == draft.id}
    flagged: dict[int, tuple[str, list[AuditEvidence]]] = {}
    for finding in check.findings:
        if finding.status != "contradiction":
            continue  # a figure that rose between reports makes no version wrong
        mine = [s for s in finding.sides if draft.id in s.article_ids]
        if not mine:
            continue
        side = mine[0]
        if any(a != draft.id for a in side.article_ids):
            continue  # some source agrees with the draft
        against = [
            AuditEvidence(
                a, outlet.get(a, a), _side_text(check, other, a, text), "contradicts", 1.0
            )
            for other in finding.sides
            if other is not side
            for a, text in zip(other.article_ids, side_sentences(check, other), strict=True)
            if a != draft.id
        ]
        if not against:
            continue
        rows = {sentence_of[c] for c in side.claim_ids if c in sentence_of}
        for text in side.evidence:
            rows |= {
                n
                for n, s in enumerate(draft.sentences)
                if text and (text in s.text or s.text in text)
            }
        for n in rows:
            flagged.setdefault(n, (finding.summary, against))
    unquoted = {
        c.sentence_index
        for c in check.claims
        if c.article_id == draft.id
        and c.kind is ClaimKind.QUOTE
        and c.status is ClaimStatus.UNVERIFIED_QUOTE
    }
    return flagged, unquoted


def _side_text(check: StoryCheck, side: FindingSide, article_id: str, sentence: str) -> str:
    """The sentence that puts ``article_id`` on ``side`` of a dispute: its claim's sentence,
    else the side's evidence found in the article, else the disputed value itself."""
    if sentence:
        return sentence
    text = next(a.text for a in check.articles if a.id == article_id)
    return next((e for e in side.evidence if e in text), side.value)
