"""Entities and the roles/titles an article gives them, from a spaCy parse.

Roles come from three constructions, read off the dependency parse:

- a title before the name: "Kremlin spokesperson Dmitry Peskov", "former President Donald
  Trump", "real-estate developer Steve Witkoff";
- an appositive: "Tatiana Stanovaya, a political analyst,", "Vladimir Putin, the Russian
  president"; coordinated appositives give several roles;
- a role noun the name stands in apposition to: "Trump's special envoys Steve Witkoff and
  Jared Kushner" (every conjunct gets the role).

A role phrase is kept only when its head is a word for a human role (``ROLE_NOUNS``), so
plain modifiers ("Moscow talks") are not mistaken for titles. The small English pipeline
sometimes labels a person as ORG; a name with a human role is treated as a person.
Short mentions ("Putin") are merged into the full name used in the article
("Vladimir Putin").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from storycheck.model import Entity

ROLE_NOUNS = frozenset(
    """president vice-president minister secretary spokesperson spokesman spokeswoman aide adviser
    advisor envoy diplomat ambassador official officer analyst expert insider developer ally
    associate son-in-law daughter-in-law son daughter wife husband chief director head leader
    chairman chairwoman chair mayor governor senator lawmaker congressman congresswoman
    representative premier chancellor king queen prince princess general commander colonel
    admiral judge justice prosecutor attorney lawyer ceo founder executive manager owner
    economist scientist researcher professor doctor negotiator mediator candidate nominee
    spokesperson representative member councillor councilor commissioner inspector sheriff
    captain coach player striker goalkeeper manager president-elect emir sultan pope bishop
    cardinal rabbi imam activist journalist reporter editor correspondent columnist author
    businessman businesswoman billionaire tycoon magnate banker investor strategist consultant
    historian commentator critic observer campaigner organiser organizer witness survivor
    resident victim suspect firefighter paramedic engineer pilot operator regulator auditor
    treasurer clerk deputy assistant staffer counsellor counselor coo cfo cto commodore
    lieutenant sergeant corporal constable superintendent detective brigadier marshal""".split()
)
PERSON_LABELS = frozenset({"PERSON"})
NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
_TITLE_DEPS = frozenset({"compound", "amod", "nmod", "poss", "case", "punct", "npadvmod", "nummod"})
_ROLE_DEPS = frozenset(
    {
        "compound",
        "amod",
        "nmod",
        "poss",
        "case",
        "punct",
        "prep",
        "pobj",
        "det",
        "nummod",
        "quantmod",
    }
)
_DROP_WORDS = frozenset({"the", "a", "an", "his", "her", "their", "its", "our", "my", "your"})
_SPACE_BEFORE = re.compile(r"\s+([’'],?s\b|-)|(-)\s+")


def _lemma(token: Any) -> str:
    return str(token.lemma_ or token.text).lower()


def is_role_word(token: Any) -> bool:
    """A token that names a human role ("spokesperson", "envoys", "President")."""
    text = token.text.lower()
    return text in ROLE_NOUNS or _lemma(token) in ROLE_NOUNS or text.rstrip("s") in ROLE_NOUNS


def _phrase(tokens: Iterable[Any]) -> str:
    ordered = sorted(tokens, key=lambda t: t.i)
    words = [t.text_with_ws for t in ordered]
    text = "".join(words).strip(" ,;:")
    text = _SPACE_BEFORE.sub(lambda m: (m.group(1) or m.group(2) or "").strip(), text)
    parts = text.split()
    while parts and parts[0].lower() in _DROP_WORDS:
        parts.pop(0)
    return " ".join(parts).strip(" ,;:")


def _without_possessor(tokens: list[Any]) -> list[Any]:
    """'Trump’s special envoys' → 'special envoys': the role, not whose it is."""
    ordered = sorted(tokens, key=lambda t: t.i)
    cut = max(
        (n for n, t in enumerate(ordered) if t.tag_ == "POS" or t.text in ("’s", "'s")), default=-1
    )
    return ordered[cut + 1 :]


def _title_before(doc: Any, start: int, end: int) -> str | None:
    """Title words immediately before an entity span, if they name a role."""
    chain: list[Any] = []
    i = start - 1
    while i >= 0:
        token = doc[i]
        if token.dep_ not in _TITLE_DEPS or token.ent_type_ in PERSON_LABELS:
            break
        if token.dep_ == "punct" and token.text not in ("-", "–"):
            break
        if not i < token.head.i < end:
            break  # attaches outside the title chain and the name
        chain.append(token)
        i -= 1
    if not any(is_role_word(t) for t in chain):
        return None
    return _phrase(_without_possessor(chain)) or None


def _role_from_head(head: Any, exclude: set[int]) -> list[str]:
    """Roles from a role noun and its modifiers; conjunct roles are split off."""
    roles: list[str] = []
    conj_tokens: set[int] = set()
    for child in head.children:
        if child.dep_ == "conj" and is_role_word(child):
            roles.extend(_role_from_head(child, exclude))
            conj_tokens.update(t.i for t in child.subtree)
        elif child.dep_ in ("cc", "conj", "appos", "relcl", "acl") or (
            child.dep_ == "punct" and child.text not in ("-", "–")
        ):
            conj_tokens.update(t.i for t in child.subtree)
    keep = [
        t
        for t in head.subtree
        if t.i not in conj_tokens and t.i not in exclude and (t.i == head.i or t.dep_ in _ROLE_DEPS)
    ]
    if keep:
        roles.insert(0, _phrase(keep))
    return [r for r in roles if r]


def _appositive_roles(doc: Any, start: int, end: int) -> list[str]:
    roles: list[str] = []
    span = set(range(start, end))
    for i in range(start, end):
        for child in doc[i].children:
            if child.dep_ == "appos" and child.i not in span and is_role_word(child):
                roles.extend(_role_from_head(child, span))
    return roles


def _adjacent_role(doc: Any, start: int) -> tuple[str | None, bool]:
    """'special envoys Steve Witkoff': a role noun right before the name, even when the
    parser attached the name elsewhere. Returns (role, role noun is plural)."""
    if start == 0:
        return None, False
    token = doc[start - 1]
    if not is_role_word(token) or token.ent_type_ in PERSON_LABELS:
        return None, False
    modifiers = [t for t in token.lefts if t.dep_ in ("amod", "compound", "nmod", "poss", "case")]
    keep = [sub for mod in modifiers for sub in mod.subtree if sub.i < token.i] + [token]
    return _phrase(_without_possessor(keep)) or None, token.tag_ in ("NNS", "NNPS")


def _role_noun_parent(doc: Any, start: int, end: int) -> list[str]:
    """'special envoys Steve Witkoff and Jared Kushner': the name is the appos/conj of a role."""
    root = doc[start:end].root
    node = root
    while node.dep_ == "conj" and node.head.i != node.i and node.head.ent_type_:
        node = node.head  # "Witkoff and Kushner": climb to the first conjunct
    head = node.head
    if node.dep_ in ("appos", "conj") and head.i != node.i and is_role_word(head):
        exclude = {t.i for t in node.subtree}
        return _role_from_head(head, exclude)
    return []


def _canonical_names(names: Iterable[str]) -> dict[str, str]:
    """Map each name to the longest name in the article that ends with the same surname."""
    names = sorted(set(names), key=len, reverse=True)
    canonical: dict[str, str] = {}
    for name in names:
        last = name.split()[-1].lower().rstrip("’'s") if name.split() else name
        target = next(
            (
                full
                for full in names
                if full != name
                and len(full) > len(name)
                and full.split()[-1].lower().rstrip("’'s") == last
                and set(name.lower().split()) <= set(full.lower().split())
            ),
            name,
        )
        canonical[name] = target
    return canonical


def _clean_name(text: str) -> str:
    text = re.sub(r"[’']s$", "", text.strip())
    return " ".join(text.split()).strip(" ,.;:“”\"'")


@dataclass(frozen=True, slots=True)
class _Span:
    """A named span: a spaCy entity, or a run of proper nouns the recogniser missed."""

    text: str
    label: str
    start: int
    end: int
    start_char: int
    end_char: int
    root: Any


_TITLE_WORDS = frozenset(
    "chief deputy fire officer vice acting interim senior junior general lord lady sir dame dr "
    "mr mrs ms mx prof professor councillor council leader mayor opposition".split()
)
_SPEECH_LEMMAS = frozenset({"say", "tell", "add", "state", "claim", "warn", "insist", "note"})


def _name_spans(doc: Any) -> list[_Span]:
    spans = [
        _Span(e.text, e.label_, e.start, e.end, e.start_char, e.end_char, e.root) for e in doc.ents
    ]
    covered = {i for e in doc.ents for i in range(e.start, e.end)}
    i = 0
    while i < len(doc):
        j = i
        while (
            j < len(doc)
            and doc[j].pos_ == "PROPN"
            and doc[j].text[:1].isupper()
            and (j not in covered and doc[j].is_alpha)
        ):
            j += 1
        while (i < j and is_role_word(doc[i])) or (i < j and doc[i].lower_ in _TITLE_WORDS):
            i += 1  # "Chief Fire Officer Ilse Varnholt": the title is not part of the name
        if j - i >= 2:
            span = doc[i:j]
            root = span.root
            speaks = root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_ in _SPEECH_LEMMAS
            has_role = bool(_title_before(doc, i, j) or _appositive_roles(doc, i, j))
            if speaks or has_role or _adjacent_role(doc, i)[0]:
                spans.append(_Span(span.text, "PERSON", i, j, span.start_char, span.end_char, root))
        i = max(j, i + 1)
    return sorted(spans, key=lambda sp: sp.start)


_PERIOD_OPENS = re.compile(
    r"\b(?:during|throughout|under|in|since|before|after|from)\s+(?:the\s+)?"
    r"(?:[\w.-]+\s+){1,3}$",
    re.IGNORECASE,
)
_PERIOD_OF = re.compile(
    r"^[’']s?\s+(?:first\s+|second\s+|last\s+|final\s+)?"
    r"(?:term|tenure|presidency|administration|era|years|time in office|reign|watch)\b",
    re.IGNORECASE,
)


#: a tenure named by its holder: "a former official under President Trump", "put in place
#: under Mayor Lee" (the title is the one held then)
_UNDER = re.compile(r"\bunder\s+(?:(?:U\.S\.|US|then-?)\s*)?(?:[A-Z][\w.-]*\s+){1,3}$")


def _held_then(text: str, start: int, end: int) -> bool:
    """Is the title before the name at ``text[start:end]`` the one held in a period the
    sentence speaks of: the name owns a period the sentence places something in ("during
    President Obama's term", "under Mayor Lee's administration"), or names a tenure ("an
    official under President Trump")? Such a title says nothing about now."""
    owns_period = bool(_PERIOD_OF.match(text[end : end + 30])) and bool(
        _PERIOD_OPENS.search(text[max(0, start - 40) : start])
    )
    return owns_period or bool(_UNDER.search(text[max(0, start - 60) : start]))


def extract_entities(doc: Any, article_id: str) -> list[Entity]:
    """The article's named entities with the roles it gives them (one Entity per name)."""
    mentions: dict[str, list[tuple[int, int]]] = defaultdict(list)
    labels: dict[str, str] = {}
    roles: dict[str, list[str]] = defaultdict(list)
    shared: dict[int, str] = {}  # root token of a name → a plural role its conjuncts share
    for ent in _name_spans(doc):
        if ent.label not in NAMED_LABELS:
            continue
        name = _clean_name(ent.text)
        if not name or not any(ch.isalpha() for ch in name):
            continue
        adjacent, plural = _adjacent_role(doc, ent.start)
        title = _title_before(doc, ent.start, ent.end)
        if (title or adjacent) and _held_then(doc.text, ent.start_char, ent.end_char):
            title = adjacent = None  # "during President Obama's term": his title then
        found = [
            *filter(None, [title or adjacent]),
            *_appositive_roles(doc, ent.start, ent.end),
            *_role_noun_parent(doc, ent.start, ent.end),
        ]
        root = ent.root
        if adjacent and plural:
            shared[root.i] = adjacent
        elif root.dep_ == "conj" and root.head.i in shared:
            found.append(shared[root.head.i])
        label = ent.label
        if found and label in ("ORG", "GPE", "NORP") and len(name.split()) >= 2:
            label = "PERSON"  # "Tatiana Stanovaya, a political analyst" mislabelled as ORG
        if label not in PERSON_LABELS and found:
            found = []  # an organisation's "roles" are modifiers, not titles
        mentions[name].append((ent.start_char, ent.end_char))
        labels.setdefault(name, label)
        if label == "PERSON":
            labels[name] = "PERSON"
        for role in found:
            if role not in roles[name]:
                roles[name].append(role)
    known = {part for n in labels for part in n.split() if "-" not in n}
    for name in [n for n, lab in labels.items() if lab == "PERSON" and "-" in n]:
        parts = name.split("-")
        if len(parts) == 2 and all(p[:1].isupper() for p in parts) and known & set(parts):
            labels[name] = "MISC"  # "Trump-Putin summit": two names, not a person
    persons = [n for n, lab in labels.items() if lab == "PERSON"]
    canonical = _canonical_names(persons)
    merged: dict[str, Entity] = {}
    for name in mentions:
        key = canonical.get(name, name)
        previous = merged.get(key)
        spans = tuple(sorted((*(previous.mentions if previous else ()), *mentions[name])))
        all_roles = tuple(dict.fromkeys([*(previous.roles if previous else ()), *roles[name]]))
        merged[key] = Entity(
            article_id=article_id,
            name=key,
            label=labels.get(key, labels[name]),
            roles=all_roles,
            mentions=spans,
        )
    return sorted(merged.values(), key=lambda e: e.mentions[0])


class PersonIndex:
    """The persons an article names, for resolving "he" or "the envoy" to a name."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.people = tuple(e for e in entities if e.label == "PERSON")

    def last_before(self, char: int) -> Entity | None:
        """The person named most recently before character ``char``."""
        best: tuple[int, Entity] | None = None
        for person in self.people:
            starts = [s for s, _ in person.mentions if s < char]
            if starts and (best is None or max(starts) > best[0]):
                best = (max(starts), person)
        return best[1] if best else None

    def at(self, start: int, end: int) -> Entity | None:
        """The person one of whose mentions overlaps characters ``start:end``."""
        for person in self.people:
            if any(s < end and start < e for s, e in person.mentions):
                return person
        return None

    def with_role(
        self, modifiers: Iterable[str], char: int, head: str | None = None
    ) -> Entity | None:
        """The person named before ``char`` whose role best matches a role phrase.

        A role scores one point per shared word of ``modifiers`` and two when its words
        include ``head``; ties go to the most recent mention; no shared word, no match.
        """
        wanted = {w.lower().rstrip("s") for w in modifiers}
        head_word = head.lower().rstrip("s") if head else None
        best: tuple[int, int, Entity] | None = None
        for person in self.people:
            starts = [s for s, _ in person.mentions if s < char]
            if not starts:
                continue
            for role in person.roles:
                words = {w.lower().rstrip("s") for w in re.findall(r"[\w-]+", role)}
                score = 2 * (head_word in words) + len(wanted & words)
                if score and (best is None or (score, max(starts)) > best[:2]):
                    best = (score, max(starts), person)
        return best[2] if best else None
