"""Structured checks that NLI misses: numbers, dates, roles, time frame, attribution.

Each check looks at candidate pairs of claims from different articles (already known to
be about the same thing by embedding similarity) or at the story's entity–role table,
and returns :class:`Conflict` records: which claims disagree, on what, with which values.
:func:`group_findings` turns them into one :class:`~storycheck.model.Finding` per
disputed slot, listing every article on every side.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from storycheck.model import (
    Article,
    Claim,
    ClaimKind,
    Entity,
    Finding,
    FindingSide,
    Quantity,
    StoryCheck,
)
from storycheck.verify.align import Pair
from storycheck.verify.people import People
from storycheck.verify.support import content_words

SAME_SLOT_SIMILARITY = 0.55  # two claims this similar talk about the same thing
NUMBER_SLOT_SIMILARITY = 0.7  # …and, with their numbers masked, measure the same thing
SAME_DATE_SIMILARITY = 0.5
QUOTE_TEXT_SIMILARITY = 85  # rapidfuzz token-set ratio for "the same quote"
STATEMENT_SIMILARITY = 0.72  # embedding cosine for "the same reported statement"
Similarity = Callable[[Sequence[tuple[str, str]]], Sequence[float]]
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two claims (or two articles' roles) that cannot both be right."""

    kind: str  # number | date | role | attribution | statement
    subject: str  # the slot: "person (injured)", "Ana Ruiz", …
    a: str  # claim id (or article id for role conflicts)
    b: str
    value_a: str
    value_b: str
    evidence_a: str
    evidence_b: str


# --- numbers ------------------------------------------------------------------------------


def _compatible(a: Quantity, b: Quantity) -> bool:
    """Can both quantities describe the same true value, given their qualifiers?"""
    for x, y in ((a, b), (b, a)):
        q = x.qualifier
        if q == "more_than" and y.value > x.value:
            return True
        if q == "at_least" and y.value >= x.value:
            return True
        if q == "less_than" and y.value < x.value:
            return True
        if q == "at_most" and y.value <= x.value:
            return True
    if a.value == b.value:
        return True
    tolerance = 0.15 if "approx" in (a.qualifier, b.qualifier) else 0.005
    return abs(a.value - b.value) <= tolerance * max(abs(a.value), abs(b.value))


def _fmt_quantity(q: Quantity) -> str:
    value = int(q.value) if q.value.is_integer() else q.value
    if q.kind == "money":
        return f"{q.unit} {value:,}"
    if q.kind == "percent":
        return f"{value}%"
    unit = q.unit or ""
    return f"{value:,} {unit}".strip()


def number_conflicts(
    claims: Sequence[Claim], pairs: Iterable[Pair], similarity: Similarity
) -> list[Conflict]:
    """Same measured thing, incompatible values — and no matching value on the other side
    ("from 40 minutes by bus to 15 by tram" agrees with "15 minutes by tram"). "The same
    thing" means the claims still match with their numbers masked."""
    candidates: list[tuple[Claim, Claim, Quantity, Quantity]] = []
    for pair in pairs:
        if pair.similarity < SAME_SLOT_SIMILARITY - 0.1:
            continue
        ca, cb = claims[pair.i], claims[pair.j]
        for qa in ca.quantities:
            same_b = [q for q in cb.quantities if q.kind == qa.kind and q.unit == qa.unit]
            if qa.unit is None or not same_b or any(_compatible(qa, q) for q in same_b):
                continue
            for qb in same_b:
                same_a = [q for q in ca.quantities if q.kind == qb.kind and q.unit == qb.unit]
                if not any(_compatible(q, qb) for q in same_a):
                    candidates.append((ca, cb, qa, qb))
    if not candidates:
        return []
    scores = similarity(
        [
            (
                _mask(a, ((q.start, q.end) for q in a.quantities), "[number]"),
                _mask(b, ((q.start, q.end) for q in b.quantities), "[number]"),
            )
            for a, b, _, _ in candidates
        ]
    )
    return [
        Conflict(
            "number",
            qa.unit or "",
            a.id,
            b.id,
            _fmt_quantity(qa),
            _fmt_quantity(qb),
            a.text,
            b.text,
        )
        for (a, b, qa, qb), score in zip(candidates, scores, strict=True)
        if score >= NUMBER_SLOT_SIMILARITY and same_context(a, qa, b, qb)
    ]


CONTEXT_WORDS = 6
CONTEXT_OVERLAP = 0.15


def _context(claim: Claim, q: Quantity) -> set[str]:
    """Content words within a few words of a quantity: what it counts or measures."""
    before = claim.text[: q.start].split()[-CONTEXT_WORDS:]  # spans are claim-relative
    after = claim.text[q.end :].split()[:CONTEXT_WORDS]
    return content_words(" ".join([*before, *after]))


def same_context(a: Claim, qa: Quantity, b: Claim, qb: Quantity) -> bool:
    """Do two figures sit among the same words? "60 percent of the staff is white" and
    "36 percent are people of color" measure different things even in similar sentences."""
    ca, cb = _context(a, qa), _context(b, qb)
    if not ca or not cb:
        return True
    return len(ca & cb) / len(ca | cb) >= CONTEXT_OVERLAP


# --- dates ----------------------------------------------------------------------------------


def _date_value(claim: Claim) -> str | None:
    known = [d for d in claim.dates if d.value is not None or d.weekday is not None]
    if len(known) != 1:
        return None
    d = known[0]
    if d.value is not None:
        return f"{_WEEKDAYS[d.value.weekday()]} {d.value.isoformat()}"
    return _WEEKDAYS[d.weekday] if d.weekday is not None else None


def _mask(claim: Claim, spans: Iterable[tuple[int, int]], token: str) -> str:
    """The claim's text with ``spans`` (dates, numbers) replaced by ``token``."""
    text = claim.text
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + token + text[end:]
    return text


# "still damping down on Wednesday, a day after the fire": a later state, not the event's date
LATER_STATE = re.compile(
    r"\b(still|a day after|the day after|\w+ days? after|a day later|\w+ hours? after|since|"
    r"continued|remained|again|by then)\b",
    re.IGNORECASE,
)


def date_conflicts(
    claims: Sequence[Claim], pairs: Iterable[Pair], similarity: Similarity
) -> list[Conflict]:
    """Different dates for the same event: the claims still match with their dates masked."""
    candidates: list[tuple[Claim, Claim, str, str]] = []
    for pair in pairs:
        if pair.similarity < SAME_DATE_SIMILARITY - 0.1:
            continue
        ca, cb = claims[pair.i], claims[pair.j]
        va, vb = _date_value(ca), _date_value(cb)
        if va is None or vb is None or va == vb:
            continue
        if va.split()[0] == vb.split()[0] and (len(va.split()) == 1 or len(vb.split()) == 1):
            continue  # same weekday, one side without a calendar date
        if LATER_STATE.search(ca.text) or LATER_STATE.search(cb.text):
            continue
        candidates.append((ca, cb, va, vb))
    if not candidates:
        return []
    scores = similarity(
        [
            (
                _mask(a, ((d.start, d.end) for d in a.dates), "[date]"),
                _mask(b, ((d.start, d.end) for d in b.dates), "[date]"),
            )
            for a, b, _, _ in candidates
        ]
    )
    return [
        Conflict("date", "date", a.id, b.id, va, vb, a.text, b.text)
        for (a, b, va, vb), score in zip(candidates, scores, strict=True)
        if score >= SAME_DATE_SIMILARITY
    ]


# --- roles and time frame ---------------------------------------------------------------------

_FORMER = frozenset({"former", "ex", "ex-", "then", "onetime", "one-time", "erstwhile"})
_RANK = frozenset({"deputy", "vice", "assistant", "acting", "interim", "associate", "junior"})
_NOISE = frozenset(
    {
        "another",
        "appointed",
        "key",
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "its",
        "longtime",
        "long-time",
        "top",
        "new",
    }
)
_RELATIONAL = frozenset(
    {
        "ally",
        "associate",
        "friend",
        "son-in-law",
        "daughter-in-law",
        "son",
        "daughter",
        "wife",
        "husband",
        "player",
        "figure",
        "critic",
        "rival",
    }
)


@dataclass(frozen=True, slots=True)
class Role:
    """A role as words: qualifiers (former, deputy…), organisation words, and the head noun."""

    text: str
    former: bool
    rank: frozenset[str]
    head: str
    words: frozenset[str]
    orgs: frozenset[str]


def parse_role(text: str) -> Role:
    raw = re.sub(r"\b\w+[’']s\b", " ", text)  # drop possessors ("Trump's special envoy")
    tokens = list(re.findall(r"[\w-]+", raw))
    low = [t.lower() for t in tokens]
    former = any(t in _FORMER or t.startswith("ex-") for t in low)
    rank = frozenset(t for t in low if t in _RANK)
    content = [t for t in tokens if t.lower() not in _FORMER | _RANK | _NOISE]
    head = content[-1].lower() if content else ""
    if " of " in f" {raw.lower()} " and content:  # "chief executive of Varnbridge Transit"
        before = raw.lower().split(" of ")[0].split()
        head = before[-1] if before else head
    head = head[:-1] if head.endswith("s") and not head.endswith("ss") and len(head) > 3 else head
    orgs = frozenset(t.lower() for t in content if t[:1].isupper() and t.lower() != head)
    words = frozenset(t.lower().rstrip("s") for t in content)
    return Role(text, former, rank, head, words, orgs)


def role_label(role: Role) -> str:
    """A role's comparable wording: 'chief executive of Varnbridge Transit' and
    'Varnbridge Transit chief executive' both read 'chief executive'."""
    text = re.sub(r"\b\w+[’']s\b", " ", role.text)
    text = re.split(r"\s(?:of|at|for|with)\s", text)[0]
    words = [w for w in re.findall(r"[\w-]+", text) if w.lower() not in _NOISE]
    first_lower = next((n for n, w in enumerate(words) if w[:1].islower()), None)
    if first_lower:  # "Varnbridge Transit chief executive": drop the leading organisation
        words = words[first_lower:]
    return " ".join(w.lower() for w in words) or role.text


def roles_conflict(a: Role, b: Role) -> bool:
    """Incompatible roles for one person: former vs serving, deputy vs chief, or two
    different posts in the same organisation."""
    if not a.head or not b.head:
        return False
    same_post = a.head == b.head or a.words <= b.words or b.words <= a.words
    if same_post and a.head == b.head:
        return a.former != b.former or a.rank != b.rank
    if a.head in _RELATIONAL or b.head in _RELATIONAL:
        return False
    return bool(a.orgs & b.orgs) and a.head != b.head and not same_post


def role_conflicts(
    articles: Sequence[Article], entities: Sequence[Entity], people: People
) -> list[Conflict]:
    by_person: dict[str, dict[str, list[Role]]] = defaultdict(lambda: defaultdict(list))
    for entity in entities:
        if entity.label != "PERSON":
            continue
        name = people.canonical(entity.name) or entity.name
        for role in entity.roles:
            by_person[name][entity.article_id].append(parse_role(role))
    found: list[Conflict] = []
    for name, per_article in by_person.items():
        ids = sorted(per_article)
        for x, a_id in enumerate(ids):
            for b_id in ids[x + 1 :]:
                for ra in per_article[a_id]:
                    for rb in per_article[b_id]:
                        if roles_conflict(ra, rb):
                            found.append(
                                Conflict(
                                    "role",
                                    name,
                                    a_id,
                                    b_id,
                                    role_label(ra),
                                    role_label(rb),
                                    ra.text,
                                    rb.text,
                                )
                            )
    return found


OFFICE_HEADS = frozenset(
    """president vice-president prime minister chancellor premier mayor governor senator
    leader king queen ceo chairman chairwoman chair secretary speaker commissioner""".split()
)
_CAMPAIGN = re.compile(
    r"\b(if (re-?)?elected|(his|her|their) (re-?election )?campaign|campaign (promise|pledge|"
    r"trail|narrative)|mayoral candidate|presidential candidate|candidate for|"
    r"(is|was) (campaigning|running) (to|for)|presidency again|(potential |possible )?return "
    r"(of [\w. ]+ )?to the White House|given the presidency|if (he|she) (wins|is elected))\b",
    re.IGNORECASE,
)


def timeframe_conflicts(
    articles: Sequence[Article], entities: Sequence[Entity], people: People
) -> list[Conflict]:
    """An office-holder framed as out of office (former, candidate, campaigning) in some
    articles and as serving ('Mayor X', 'the X administration') in others."""
    state: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    evidence: dict[tuple[str, str, str], str] = {}

    def note(name: str, article_id: str, value: str, text: str) -> None:
        state[name][article_id].add(value)
        evidence.setdefault((name, article_id, value), text)

    for entity in entities:
        name = people.canonical(entity.name) or entity.name
        if not people.is_person(name):
            continue
        for role_text in entity.roles:
            role = parse_role(role_text)
            if role.head in OFFICE_HEADS or role.head in ("candidate", "nominee"):
                in_office = not role.former and role.head not in ("candidate", "nominee")
                note(name, entity.article_id, "in office" if in_office else "out", role_text)
    surnames = {name.split()[-1]: name for name in people.persons()}
    for article in articles:
        for surname, name in surnames.items():
            admin = re.search(
                rf"\b{re.escape(surname)}(’s|'s)? (administration|government|cabinet|presidency)\b",
                article.text,
            )
            if admin:
                note(name, article.id, "in office", admin.group(0))
        for sentence in article.sentences:
            match = _CAMPAIGN.search(sentence.text)
            if not match:
                continue
            person = _nearest_person(sentence.text, match.start(), surnames)
            if person:
                note(person, article.id, "out", sentence.text)
    found: list[Conflict] = []
    for name, per_article in state.items():
        serving = sorted(a for a, v in per_article.items() if "in office" in v)
        out = sorted(a for a, v in per_article.items() if "out" in v)
        if not serving or not out or set(serving) == set(out):
            continue
        for a_id in out:
            for b_id in serving:
                if a_id != b_id:
                    found.append(
                        Conflict(
                            "role",
                            f"{name} (time frame)",
                            a_id,
                            b_id,
                            "not in office (former / candidate framing)",
                            "in office",
                            evidence.get((name, a_id, "out"), ""),
                            evidence.get((name, b_id, "in office"), ""),
                        )
                    )
    return found


def _nearest_person(text: str, at: int, surnames: Mapping[str, str]) -> str | None:
    """The person named closest before position ``at`` (else after it) in ``text``."""
    best: tuple[int, str] | None = None
    for surname, name in surnames.items():
        for m in re.finditer(rf"\b{re.escape(surname)}\b", text):
            distance = at - m.start() if m.start() <= at else 10_000 + m.start() - at
            if best is None or distance < best[0]:
                best = (distance, name)
    return best[1] if best else None


# --- attribution --------------------------------------------------------------------------


def is_named(speaker: str | None) -> bool:
    if not speaker:
        return False
    first = speaker.split()[0].lower()
    return speaker[:1].isupper() and first not in {
        "a",
        "an",
        "the",
        "some",
        "several",
        "many",
        "sources",
        "officials",
        "reports",
    }


def _quote_core(text: str) -> str:
    return re.sub(r"[“”\"‘’']", "", text).strip()


def attribution_conflicts(
    claims: Sequence[Claim], pairs: Iterable[Pair], people: People
) -> list[Conflict]:
    found: list[Conflict] = []
    seen: set[tuple[str, str]] = set()
    for pair in pairs:
        ca, cb = claims[pair.i], claims[pair.j]
        if ca.kind not in (ClaimKind.QUOTE, ClaimKind.ATTRIBUTED) or cb.kind not in (
            ClaimKind.QUOTE,
            ClaimKind.ATTRIBUTED,
        ):
            continue
        if not (is_named(ca.speaker) and is_named(cb.speaker)) or people.same(
            ca.speaker, cb.speaker
        ):
            continue
        key = (min(ca.id, cb.id), max(ca.id, cb.id))
        if key in seen:
            continue
        both_quotes = ca.kind is ClaimKind.QUOTE and cb.kind is ClaimKind.QUOTE
        same = (
            fuzz.token_set_ratio(_quote_core(ca.text), _quote_core(cb.text))
            >= QUOTE_TEXT_SIMILARITY
            if both_quotes
            else pair.similarity >= STATEMENT_SIMILARITY
        )
        if not same:
            continue
        seen.add(key)
        found.append(
            Conflict(
                "attribution",
                _quote_core(ca.text)[:80],
                ca.id,
                cb.id,
                people.canonical(ca.speaker) or "",
                people.canonical(cb.speaker) or "",
                ca.text,
                cb.text,
            )
        )
    return found


# --- statements ---------------------------------------------------------------------------

NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor without denied deny denies refused refuse "
    "refuses failed fail fails cannot can't won't didn't doesn't isn't "
    "wasn't aren't weren't hasn't haven't hadn't".split()
)
ANTONYMS = (
    ("approved", "rejected"),
    ("won", "lost"),
    ("rose", "fell"),
    ("increased", "decreased"),
    ("accepted", "rejected"),
    ("agreed", "refused"),
    ("confirmed", "denied"),
    ("opened", "closed"),
    ("allowed", "banned"),
    ("guilty", "innocent"),
    ("alive", "dead"),
    ("before", "after"),
    ("higher", "lower"),
    ("more", "fewer"),
    ("success", "failure"),
    ("succeeded", "failed"),
    ("resigned", "remained"),
    ("released", "detained"),
    ("ended", "continued"),
    ("support", "oppose"),
    ("supported", "opposed"),
    ("attended", "skipped"),
)
_WORD_RE = re.compile(r"[a-z']+")


def contrast_cue(a: Claim, b: Claim) -> str | None:
    """Why two closely matching claims can be contradictory: a negation on one side only,
    an antonym pair, or different names in the same slot. None if there is no such cue."""
    wa, wb = set(_WORD_RE.findall(a.text.lower())), set(_WORD_RE.findall(b.text.lower()))
    if bool(wa & NEGATIONS) != bool(wb & NEGATIONS):
        return "negation"
    for x, y in ANTONYMS:
        if (x in wa and y in wb and y not in wa) or (y in wa and x in wb and x not in wb):
            return f"{x}/{y}"
    ea, eb = set(a.entities), set(b.entities)
    if ea and eb and ea - eb and eb - ea and ea & eb:
        return "different names"
    return None


# --- grouping -------------------------------------------------------------------------------


def group_findings(
    conflicts: Sequence[Conflict],
    claims_by_id: Mapping[str, Claim],
    article_ids: Iterable[str] = (),
) -> list[Finding]:
    """One finding per disputed slot, with every value as a side (claims and articles)."""
    known_articles = set(article_ids)
    clusters: dict[tuple[str, str], dict[str, dict[str, set[str]]]] = {}
    evidence: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c in conflicts:  # claims in conflict on the same kind+subject form one cluster
        parent[find(f"{c.kind}|{c.subject}|{c.a}")] = find(f"{c.kind}|{c.subject}|{c.b}")
    for c in conflicts:
        root = find(f"{c.kind}|{c.subject}|{c.a}")
        key = (c.kind, root)
        sides = clusters.setdefault(key, {})
        for ref, value, text in ((c.a, c.value_a, c.evidence_a), (c.b, c.value_b, c.evidence_b)):
            side = sides.setdefault(value, {"claims": set(), "articles": set()})
            if ref in claims_by_id:
                side["claims"].add(ref)
                side["articles"].add(claims_by_id[ref].article_id)
            elif ref in known_articles or not known_articles:
                side["articles"].add(ref)
            if text and text not in evidence[(c.kind, root, value)]:
                evidence[(c.kind, root, value)].append(text)
    findings: list[Finding] = []
    for (kind, root), sides in clusters.items():
        subject = root.split("|")[1]
        ordered = sorted(sides.items(), key=lambda kv: (-len(kv[1]["articles"]), kv[0]))
        summary = _summary(kind, subject, [v for v, _ in ordered])
        findings.append(
            Finding(
                kind=kind,
                summary=summary,
                subject=subject,
                sides=tuple(
                    FindingSide(
                        value=value,
                        claim_ids=tuple(sorted(data["claims"])),
                        article_ids=tuple(sorted(data["articles"])),
                        evidence=tuple(evidence[(kind, root, value)][:3]),
                    )
                    for value, data in ordered
                ),
            )
        )
    return sorted(findings, key=lambda f: (f.kind, f.summary))


def side_sentences(check: StoryCheck, side: FindingSide) -> tuple[str, ...]:
    """Per article on a side of a dispute, the sentence that puts it there ("" when the
    side holds no claim of that article, as for article-level role findings)."""
    wanted = set(side.claim_ids)
    texts: dict[str, str] = {}
    articles = {a.id: a for a in check.articles}
    for claim in check.claims:
        if claim.id in wanted and claim.article_id not in texts:
            texts[claim.article_id] = (
                articles[claim.article_id].sentences[claim.sentence_index].text
            )
    return tuple(texts.get(a, "") for a in side.article_ids)


def _summary(kind: str, subject: str, values: Sequence[str]) -> str:
    shown = " vs ".join(values[:4])
    if kind == "number":
        return f"Conflicting figures ({subject}): {shown}"
    if kind == "date":
        return f"Conflicting dates: {shown}"
    if kind == "role" and subject.endswith("(time frame)"):
        return f"{subject[: -len(' (time frame)')]}: in office or not? {shown}"
    if kind == "role":
        return f"{subject}: {shown}"
    if kind == "attribution":
        return f"“{subject}…” attributed to {shown}"
    return f"Contradictory statements: {subject}"
