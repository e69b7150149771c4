"""Sentences → claims.

Each sentence becomes zero or more claims:

- **kind**: ``quote`` (a direct quote with its speaker), ``attributed`` (reported speech:
  "X said that …", "according to X"), ``hedged`` ("reportedly", "could", "if confirmed"),
  ``opinion`` (analysis with nothing checkable: no name, number or date), else ``fact``.
  Headings and questions are skipped.
- **clauses**: a sentence that joins independent facts ("The fire started at noon, and
  crews arrived at one") is split where a coordinated verb has its own subject.
- **decontextualisation**: a leading pronoun subject ("he", "she") and definite role
  phrases ("the envoy", "the Russian president") are replaced by the person they refer to
  in ``Claim.standalone``; ``text`` and the span keep the article's own wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from storycheck.claims.dates import find_dates
from storycheck.claims.entities import PersonIndex, extract_entities, is_role_word
from storycheck.claims.numbers import find_quantities
from storycheck.claims.quotes import extract_quotes
from storycheck.model import Article, Claim, ClaimKind, Entity, Quote

HEDGE_PHRASES = re.compile(
    r"\b(reportedly|allegedly|purportedly|apparently|possibly|perhaps|supposedly|reputedly|"
    r"rumou?red|unconfirmed|if confirmed|(is|are|was|were) (said|expected|believed|thought|"
    r"understood|rumou?red) to|appears? to|seems? to)\b",
    re.IGNORECASE,
)
HEDGE_MODALS = frozenset({"could", "might", "may", "would", "should"})
_MIN_WORDS = 5
# "KESSMOUTH, 14 October (Estuary Press) — …": the dateline gives the filing date, not an
# event date, so its date is not a claim of the story.
DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{2,}(?:,\s*[A-Z][A-Za-z .'’-]+)?,\s+(?P<date>[^—–(]{3,30}?)\s*"
    r"(?:\([^)]{1,60}\))?\s*[—–-]\s"
)


def _looks_like_heading(text: str) -> bool:
    return not re.search(r"[.!?…\"”’)]$", text.strip()) and len(text.split()) <= 14


class _Resolver:
    """Replaces leading pronouns and definite role phrases with the named person."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.index = PersonIndex(entities)

    def previous_subject(self, token: Any) -> Entity | None:
        """For a sentence-initial "he"/"she": the person who is the subject (or owns the
        subject: "Kushner's trip") of the sentence before, which beats a name mentioned
        later in that sentence ("… by figures of the Trump administration. He …")."""
        sent = token.sent
        if token.i != sent.start or sent.start == 0:
            return None
        before = token.doc[sent.start - 1].sent
        for t in before.root.children:
            if t.dep_ not in ("nsubj", "nsubjpass"):
                continue
            for cand in (t, *(c for c in t.children if c.dep_ == "poss")):
                person = self.index.at(cand.idx, cand.idx + len(cand.text))
                if person is not None:
                    return person
        return None

    def standalone(self, tokens: Sequence[Any], char: int) -> str:
        """The clause's text with its subject made explicit where it was a reference."""
        words = [t.text_with_ws for t in tokens]
        for n, token in enumerate(tokens):
            if token.dep_ not in ("nsubj", "nsubjpass"):
                continue
            if token.lower_ in ("he", "she") and token.i == tokens[0].i:
                person = self.previous_subject(token) or self.index.last_before(char)
                if person is not None:
                    words[n] = person.name + token.whitespace_
            elif is_role_word(token) and any(c.lower_ == "the" for c in token.children):
                phrase = [t for t in token.subtree if t.i <= token.i]
                role_words = [t.text for t in phrase if t.lower_ != "the"]
                person = self.index.with_role(role_words, char)
                if person is not None and phrase[0].i >= tokens[0].i:
                    first = phrase[0].i - tokens[0].i
                    last = token.i - tokens[0].i
                    for k in range(first, last + 1):
                        words[k] = ""
                    words[first] = person.name + token.whitespace_
            break
        text = "".join(words).strip()
        return text[:1].upper() + text[1:]


def _clauses(sent: Any) -> list[list[Any]]:
    """Split a sentence into independent clauses at coordinated verbs with own subjects."""
    root = sent.root
    splits: list[Any] = []
    for child in root.children:
        if (
            child.dep_ == "conj"
            and child.pos_ in ("VERB", "AUX")
            and any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children)
        ):
            splits.append(child)
    if not splits:
        return [list(sent)]
    clauses: list[list[Any]] = []
    taken: set[int] = set()
    for conj in splits:
        part = list(conj.subtree)
        taken.update(t.i for t in part)
        clauses.append(part)
    main = [t for t in sent if t.i not in taken]
    # drop the joining "and"/"but" and trailing commas from the main clause
    while main and (main[-1].dep_ in ("cc", "punct") and main[-1].text not in (".", "!", "?")):
        main.pop()
    parts = [main, *clauses]
    if _quotes_balanced(sent.text) and not all(_quotes_balanced(_text(p)) for p in parts):
        return [list(sent)]  # a split would cut a quotation: 'in "24 hours," and …'
    return parts


def _text(tokens: Sequence[Any]) -> str:
    if not tokens:
        return ""
    return str(tokens[0].doc.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)])


def _quotes_balanced(text: str) -> bool:
    return (
        text.count('"') % 2 == 0
        and text.count("“") == text.count("”")
        and text.count("«") == text.count("»")
    )


def _trim(tokens: list[Any]) -> list[Any]:
    while tokens and (tokens[0].is_punct or tokens[0].dep_ == "cc"):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in (".", "!", "?", "”", '"'):
        tokens = tokens[:-1]
    return tokens


def is_hedged(text: str, tokens: Sequence[Any]) -> bool:
    """Hedge words anywhere, or a modal on the clause's main verb ("could end", "may have")."""
    if HEDGE_PHRASES.search(text):
        return True
    roots = [t for t in tokens if t.dep_ == "ROOT" or t.head.i not in {x.i for x in tokens}]
    return any(c.dep_ == "aux" and c.lower_ in HEDGE_MODALS for r in roots for c in r.children)


def _kind(
    text: str, tokens: Sequence[Any], has_direct: bool, reported: Quote | None, checkable: bool
) -> ClaimKind:
    if has_direct:
        return ClaimKind.QUOTE
    if is_hedged(text, tokens):
        return ClaimKind.HEDGED
    if reported is not None:
        return ClaimKind.ATTRIBUTED
    if not checkable:
        return ClaimKind.OPINION
    return ClaimKind.FACT


def extract_claims(
    article: Article,
    doc: Any,
    entities: Sequence[Entity] | None = None,
    quotes: Sequence[Quote] | None = None,
) -> list[Claim]:
    """All claims of one article, given its spaCy parse (``doc.text == article.text``)."""
    if entities is None:
        entities = extract_entities(doc, article.id)
    if quotes is None:
        quotes = extract_quotes(doc, article.id, list(entities))
    published: date | None = article.published.date() if article.published else None
    resolver = _Resolver(entities)
    names = {article.text[s:e]: ent.name for ent in entities for s, e in ent.mentions}
    claims: list[Claim] = []
    for sentence in article.sentences:
        text = sentence.text
        if len(text.split()) < _MIN_WORDS or _looks_like_heading(text) or text.endswith("?"):
            continue
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None:
            continue
        direct = [
            q for q in quotes if q.direct and q.start < sentence.end and q.end > sentence.start
        ]
        reported = next(
            (
                q
                for q in quotes
                if not q.direct
                and min(q.end, sentence.end) - max(q.start, sentence.start)
                > (sentence.end - sentence.start) // 2
            ),
            None,
        )
        parts = [list(span)] if direct else _clauses(span)
        for tokens in parts:
            tokens = _trim(tokens)
            if len(tokens) < 3:
                continue
            start = tokens[0].idx
            end = tokens[-1].idx + len(tokens[-1].text)
            dateline = DATELINE.match(article.text, start, end)
            if dateline is not None:  # the claim starts after "PLACE, date (Agency) —"
                start = dateline.end()
                tokens = [t for t in tokens if t.idx >= start]
                if len(tokens) < 3:
                    continue
            clause = article.text[start:end]
            dates = tuple(find_dates(clause, published))
            quantities = tuple(
                q
                for q in find_quantities(clause)
                if not any(q.start < d.end and d.start < q.end for d in dates)
            )
            mentioned = tuple(
                dict.fromkeys(
                    name for mention, name in names.items() if mention and mention in clause
                )
            )
            checkable = bool(quantities or dates or mentioned)
            kind = _kind(clause, tokens, bool(direct), reported, checkable)
            speaker = direct[0].speaker if direct else (reported.speaker if reported else None)
            claims.append(
                Claim(
                    id=f"{article.id}:c{len(claims) + 1}",
                    article_id=article.id,
                    sentence_index=sentence.index,
                    start=start,
                    end=end,
                    text=clause,
                    standalone=resolver.standalone(tokens, start),
                    kind=kind,
                    speaker=speaker,
                    entities=mentioned,
                    quantities=quantities,
                    dates=dates,
                )
            )
    return claims


def iter_checkable(claims: Sequence[Claim]) -> Iterator[Claim]:
    """Claims that cross-checking looks at (everything but opinion)."""
    return (c for c in claims if c.kind is not ClaimKind.OPINION)
