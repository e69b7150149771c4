"""What a figure measures: the slot of a number, read off the dependency parse.

"killing 10 people" and "the death toll stood at 10" both fill the slot ``dead``; "seven
AK-47 rifles" fills ``rifle``; "a magnitude 5.9 quake" fills ``magnitude``; "fell 150
metres" fills ``distance|fall``. The slot is what cross-article alignment keys on, so it
must name the measured thing and nothing about the sentence around it.
"""

from __future__ import annotations

import re
from typing import Any

#: lemmas that make a count of people a death toll or an injury count
DEAD = frozenset(
    "kill die dead death fatality toll slay perish drown life body murder execute".split()
)
INJURED = frozenset("injure wound hurt injury casualty hospitalize hospitalise".split())
MISSING = frozenset("missing miss".split())
ARREST = frozenset("arrest detain capture seize apprehend".split())
#: the slots of a toll: counts of people killed, injured or missing
TOLLS = frozenset({"dead", "injured", "missing"})
#: nouns that count people (a count of them is keyed by what happened to them)
PEOPLE = frozenset(
    """person people villager resident passenger worker civilian victim child man woman
    employee student pilgrim tourist miner soldier officer member adult boy girl customer
    other protester demonstrator rioter inmate prisoner crew crewman sailor pirate suspect
    firefighter patient""".split()
)
DISTANCE = {
    "kilometre": 1000.0,
    "kilometer": 1000.0,
    "km": 1000.0,
    "mile": 1609.344,
    "metre": 1.0,
    "meter": 1.0,
    "m": 1.0,
    "foot": 0.3048,
    "feet": 0.3048,
    "ft": 0.3048,
    "yard": 0.9144,
}
DURATION = {
    "second": 1 / 60,
    "minute": 1.0,
    "hour": 60.0,
    "day": 1440.0,
    "week": 10080.0,
    "month": 43200.0,
    "year": 525600.0,
}
#: nouns too vague to be a slot on their own
VAGUE = frozenset(
    """time way thing part number lot bit kind sort one year day week month hour minute
    point percent per cent place case side edge end top couple dozen hundred thousand
    million billion group area""".split()
)
#: predicates too vague to tell two counts of people apart
VAGUE_VERBS = frozenset("be become have include say tell report make take get give see".split())
#: the key prefix of a fact whose slot the parse does not name: it is compared only once
#: context alignment (:func:`storycheck.facts.compare.merge_contexts`) puts it in a slot
UNKEYED = "?"
#: scopes of facts kept in the table but never compared (with ``forecast`` and ``series``):
#: what the article says was first reported ("originally reported that two died"), and a
#: player's box-score figure or a product's specification
SUPERSEDED = "superseded"
STATISTIC = "statistic"
POPULATION_FLOOR = 100  # "a population of 20" is not a place's population
_UP = frozenset({"prep", "pobj", "agent", "conj", "appos", "acl", "relcl", "attr"})


def lemma(token: Any) -> str:
    text: str = token.lemma_.lower() if token.lemma_ else token.text.lower()
    return text


def span_tokens(doc: Any, start: int, end: int) -> list[Any]:
    """The tokens of ``doc`` covering characters ``start``–``end`` (expanded to tokens)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def governor(token: Any) -> Any | None:
    """The verb or adjective a noun phrase hangs from (through prepositions)."""
    node = token
    for _ in range(4):
        head = node.head
        if head.i == node.i or not same_line(node, head):
            return None
        if head.pos_ in ("VERB", "AUX") or (head.pos_ == "ADJ" and lemma(head) in DEAD | INJURED):
            return head
        if node.dep_ not in _UP and head.pos_ not in ("ADP",):
            return head if head.pos_ in ("NOUN", "PROPN") else None
        node = head
    return None


def same_line(a: Any, b: Any) -> bool:
    """Two tokens of one line: the parser links list items across line breaks."""
    lo, hi = sorted((a.idx, b.idx))
    return "\n" not in a.doc.text[lo:hi]


def noun_of(tokens: list[Any]) -> Any | None:
    """The noun a number token counts: its head when it modifies one, else None."""
    last = tokens[-1]
    head = last.head
    for tok in tokens:
        if tok.head not in tokens:
            head = tok.head
            last = tok
            break
    if last.dep_ in (
        "nummod",
        "quantmod",
        "compound",
        "amod",
        "nmod",
        "npadvmod",
    ) and head.pos_ in (
        "NOUN",
        "PROPN",
    ):
        return None if _modifier_compound(head) else head
    # a partitive: "at least 17 of the hijacked ships", "two of the pirate vessels"
    of = next((c for c in last.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is not None and last.pos_ == "NUM":
        return next((c for c in of.children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None)
    return None


def _modifier_compound(noun: Any) -> bool:
    """A noun that opens an unhyphenated compound modifier ("one rocket propelled grenade
    launcher", "two gas powered generators"): what is counted is further on, and the
    parse cannot say what."""
    doc = noun.doc
    return (
        noun.i + 2 < len(doc)
        and doc[noun.i + 1].tag_ in ("VBN", "VBD")
        and doc[noun.i + 1].lower_.endswith("ed")
        and doc[noun.i + 2].pos_ in ("NOUN", "PROPN")
    )


def measured(noun: Any | None, root: Any, value: float = 0.0) -> tuple[str, str] | None:
    """(key, label) of what a count measures, from the counted noun and its predicate.

    ``root`` is the number's own top token (the noun phrase head when there is a noun).
    None when the slot would be too vague to compare across articles.
    """
    # "… injured and 12 arrested": a participle of the figure's own is its predicate
    own = next((c for c in root.children if c.dep_ == "acl" and c.tag_ == "VBN"), None)
    gov = own if own is not None and noun is None else governor(root)
    words = {lemma(root)} | ({lemma(gov)} if gov is not None else set())
    if noun is not None:
        words |= {lemma(c) for c in noun.children if c.dep_ in ("amod", "compound")}
        words.add(lemma(noun))
    if gov is not None and gov.pos_ in ("NOUN", "PROPN"):
        words |= {lemma(c) for c in gov.children if c.dep_ in ("compound", "amod")}
    if noun is None and gov is not None and gov.pos_ in ("VERB", "AUX"):
        # "the death toll stood at 12", "the toll rose to 10": the subject says what
        for subject in (c for c in gov.children if c.dep_ in ("nsubj", "nsubjpass")):
            words.add(lemma(subject))
            words |= {lemma(c) for c in subject.children if c.dep_ in ("compound", "amod")}
    noun_lemma = lemma(noun) if noun is not None else ""
    is_people = noun is None or noun_lemma in PEOPLE or noun_lemma in DEAD | INJURED | MISSING
    if value >= POPULATION_FLOOR and (
        "population" in words
        or (
            noun_lemma in ("resident", "inhabitant", "people")
            and gov is not None
            and lemma(gov) in ("have", "be", "house", "home", "number", "population")
        )
    ):
        return "population", "population"
    if is_people and words & DEAD:
        return "dead", "people killed"
    if is_people and words & INJURED:
        return "injured", "people injured"
    if is_people and words & MISSING:
        return "missing", "people missing"
    if noun is None:
        return None
    if noun_lemma in PEOPLE:
        verb = lemma(gov) if gov is not None and gov.pos_ in ("VERB", "ADJ") else ""
        if not verb or verb in VAGUE_VERBS:
            return None
        return (
            f"{_people_noun(noun)}|{verb}",
            f"{_phrase(noun)} {gov.text.lower() if gov else ''}",
        )
    if noun_lemma in VAGUE or len(noun_lemma) < 3 or not noun_lemma.isalpha():
        return None
    return noun_lemma, _phrase(noun)


#: the person part of a compound that names a group's members ("crew member", "crewman")
_MEMBER = re.compile(r"^(?P<group>[a-z]{3,}?)(?:wo)?(?:m[ae]n|member|person)$")


def _people_noun(noun: Any) -> str:
    """The people a counted noun names, one word for one group: "crew members",
    "crewmen" and "crew" are all "crew"; other nouns are their lemma."""
    word = lemma(noun)
    if word in ("member", "man", "woman", "person"):
        group = [c for c in noun.children if c.dep_ == "compound" and c.i == noun.i - 1]
        return lemma(group[0]) if group else word
    found = _MEMBER.match(word)
    return found.group("group") if found else word


def _phrase(noun: Any) -> str:
    mods = [c.text for c in noun.children if c.dep_ == "compound" and c.i < noun.i]
    return " ".join([*mods, noun.text]).lower()


def owner_of(token: Any, resolve: Any = None) -> str | None:
    """The person a figure belongs to: a possessor ("Thomas's 269 yards") or the subject
    of its verb ("Thomas rushed for 269 yards", or "he" when ``resolve`` names who, given
    the pronoun's offset); their surname, or None."""
    for child in token.children:
        if child.dep_ == "poss" and child.ent_type_ == "PERSON":
            return str(child.text)
    gov = governor(token)
    if gov is None or gov.pos_ not in ("VERB", "AUX"):
        return None
    subject = next((c for c in gov.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or not same_line(subject, gov):
        return None
    if subject.ent_type_ == "PERSON":
        return str(subject.text)
    return pronoun_surname(subject, resolve)


def pronoun_surname(token: Any, resolve: Any = None) -> str | None:
    """The surname "he" or "she" stands for, when ``resolve`` (given the pronoun's offset)
    names the person; None for any other token."""
    if token.lower_ not in ("he", "she") or resolve is None:
        return None
    named = resolve(token.idx)
    return str(named).split()[-1] if named else None
