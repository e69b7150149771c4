"""Facts that are attributes rather than figures of the event: a patient's condition, a
vehicle's colour, a telephone number, a vote tally or a game's score. Each reader takes one
sentence and adds its facts to the article's sink."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from storycheck.model import Sentence

from .slots import governor, pronoun_surname, span_tokens

if TYPE_CHECKING:
    from .extract import FactSink


#: a patient's condition as hospitals report it ("listed in critical but stable condition");
#: intensive care is a critical condition
_CONDITION = re.compile(
    r"\b(?P<a>critical|serious|stable|fair|good|grave|satisfactory)(?:,?\s+(?:but|yet|and)\s+"
    r"(?P<b>critical|serious|stable|fair|good|grave|satisfactory))?\s+condition\b"
    r"|\bintensive[- ]care\b",
    re.IGNORECASE,
)


def conditions(sink: FactSink, sentence: Sentence, doc: Any, scope: str) -> None:
    """ "Dalton … is hospitalized in critical condition" / "he was listed in stable
    condition": a named person's condition, one slot per person. The unit lists the
    words ("critical+stable"): two reports agree when they share one."""
    for m in _CONDITION.finditer(sentence.text):
        tokens = span_tokens(doc, sentence.start + m.start(), sentence.start + m.end())
        if not tokens:
            continue
        person = _patient(tokens[-1], sink.last_person)
        if person is None:
            continue
        words = {w.lower() for w in (m.group("a"), m.group("b")) if w} or {"critical"}
        sink.add_match(
            sentence,
            m,
            kind="condition",
            key=f"condition|{person.lower()}",
            slot=f"condition of {person}",
            unit="+".join(sorted(words)),
            scope=scope,
        )


def _patient(token: Any, resolve: Any) -> str | None:
    """The surname of the person a condition is said of: the subject of its clause (or of
    the clause it is joined to), named, or "he"/"she" for the person named last."""
    verb = governor(token)
    if verb is None or verb.pos_ not in ("VERB", "AUX"):
        return None
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and verb.dep_ in ("conj", "advcl", "xcomp"):
        subject = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return None
    if (surname := pronoun_surname(subject, resolve)) is not None:
        return surname
    if subject.ent_type_ != "PERSON":
        # "Woodburn's police chief, 46-year-old Scott Russell, is …": the name in apposition
        subject = next(
            (c for c in subject.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), subject
        )
    if subject.ent_type_ != "PERSON" and subject.pos_ == "PROPN":
        # a surname the tagger missed, of a person the article has named before
        named = resolve(subject.idx + len(subject.text) + 1)
        if named is None or named.split()[-1] != subject.text:
            return None
    elif subject.ent_type_ != "PERSON":
        return None
    return str(subject.text) if subject.is_title else None


_COLOURS = {
    "black": "black",
    "white": "white",
    "silver": "silver",
    "gray": "grey",
    "grey": "grey",
    "red": "red",
    "blue": "blue",
    "green": "green",
    "yellow": "yellow",
    "orange": "orange",
    "brown": "brown",
    "gold": "gold",
    "maroon": "maroon",
    "beige": "beige",
    "tan": "tan",
    "purple": "purple",
}
_VEHICLES = frozenset(
    "car sedan suv truck pickup van minivan jeep coupe hatchback wagon motorcycle motorbike "
    "scooter bus limousine convertible".split()
)
_NOT_VEHICLES = frozenset({"PERSON", "NORP", "GPE", "LOC", "FAC", "EVENT", "LANGUAGE"})
#: a colour, then maybe a model year and a make, then the vehicle ("a silver Toyota Camry",
#: "a gray 2013 Camry", "a black SUV")
_COLOURED = re.compile(
    r"\b(?P<colour>" + "|".join(_COLOURS) + r")(?:-colou?red)?\s+(?P<rest>(?:(?:19|20)\d\d\s+)?"
    r"(?:[A-Z][\w-]+\s+){0,2}?(?P<thing>[A-Z][\w-]+\b(?!\s+[A-Z])|[a-z]+\b))"
)


def colours(sink: FactSink, sentence: Sentence, doc: Any, scope: str) -> None:
    """The colour of a vehicle ("a silver Toyota Camry" / "a grey Camry"), one slot per
    vehicle as named (its model or its kind)."""
    for m in _COLOURED.finditer(sentence.text):
        thing = m.group("thing")
        if thing.islower():
            if thing not in _VEHICLES or m.group("rest") != thing:
                continue  # "a black SUV" — not "white tennis shoes"
        else:
            start = sentence.start + m.start("thing")
            tokens = span_tokens(doc, start, start + len(thing))
            after = tokens[-1].nbor(1) if tokens and tokens[-1].i + 1 < len(doc) else None
            named = m.group("rest") != thing  # a make and model, or a model year
            if not tokens or not named or tokens[-1].ent_type_ in _NOT_VEHICLES:
                continue
            if after is not None and after.pos_ == "NOUN" and after.is_lower:
                continue  # "a red Adidas hoodie": the brand is not the thing
        sink.add_match(
            sentence,
            m,
            "colour",
            kind="colour",
            key=f"colour|{thing.lower()}",
            slot=f"colour of the {thing if not thing.islower() else thing.lower()}",
            unit=_COLOURS[m.group("colour")],
            scope=scope,
        )


#: a telephone number as news prints it: "0845 125 2222", "(212) 555-0100", "1-800-555-0199"
PHONE_NUMBER = re.compile(
    r"(?<![\w-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,5}\)|\d{2,5})(?:[ .-]\d{2,6}){1,3}(?![\w-])"
)
#: a phone number is compared with the numbers that share its first digits (one line)
PHONE_PREFIX = 6


def phones(sink: FactSink, sentence: Sentence) -> None:
    """Telephone numbers ("call police on 0845 125 2222"): a number printed with a digit
    more or less than another that shares its first digits is the same line misprinted."""
    for m in PHONE_NUMBER.finditer(sentence.text):
        digits = re.sub(r"\D", "", m.group(0))
        if not 9 <= len(digits) <= 13 or _YEAR_LIKE.match(m.group(0)):
            continue
        sink.add_match(
            sentence,
            m,
            kind="phone",
            key=f"phone|{digits[:PHONE_PREFIX]}",
            slot=f"telephone number ({m.group(0)[:8].strip()}…)",
            unit=digits,
            scope="main",
        )


_YEAR_LIKE = re.compile(
    r"(?:19|20)\d\d[-/.]\d\d?[-/.]\d\d?\b|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d\d"
)


#: "7-2", "17 - 14": a tally (not a range, a date, a code or a phone number)
_TALLY = re.compile(
    r"(?<![\w.,/:-])(?P<a>\d{1,3})\s?[-–]\s?(?P<b>\d{1,3})(?![\w/:%-]|[.,]\d|\s?[-–]\s?\d)"
)
_VOTE_WORDS = re.compile(
    r"\b(?:vote[sd]?|voting|ruled|ruling|decision|verdict|deadlock(?:ed)?|split|margin)\b",
    re.IGNORECASE,
)
_GAME_WORDS = re.compile(
    r"\b(?:won|wins?|beat(?:ing)?|defeat(?:ed|ing|s)?|lost|los(?:s|ing)|victory|rout(?:ed)?|"
    r"edged|drew|draw|tied|final score)\b",
    re.IGNORECASE,
)
#: the other side of a game: "a 17-14 victory over the Falcons", "beat Leeds 3-1"
_OPPONENT = re.compile(
    r"\b(?:over|against|to|beat|beating|defeated|defeating|edged|routed)\s+(?:the\s+)?"
    r"(?P<team>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,2})"
)
#: what a record, a range or a measure puts after "N-M" ("a 43-39 record", "10-15 people")
_NOT_A_TALLY = re.compile(
    r"\s*(?:record|mark|season|years?|people|men|women|percent|per\s?cent|"
    r"feet|foot|inch|metres?|meters?|miles?|hours?|minutes?|days?|weeks?)\b",
    re.IGNORECASE,
)
#: words of a tally's own clause: the next clause belongs to another figure
TALLY_REACH = 40


def tallies(sink: FactSink, sentence: Sentence, scope: str) -> None:
    """Vote tallies ("the court ruled 7-2", "a 9-3 deadlock") and game scores ("beat Leeds
    3-1", "a 17-14 victory over the Falcons"): one slot for a story's vote, one per
    opponent for games; "3-1" and "1-3" are one score. A game with no named opponent, a
    win-loss record and a range ("10-15 people") are not read."""
    text = sentence.text
    for m in _TALLY.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        after = text[m.end() : m.end() + TALLY_REACH]
        before = text[max(0, m.start() - TALLY_REACH) : m.start()]
        if _NOT_A_TALLY.match(after):
            continue
        near = before[-24:] + " " + after[:24]
        if _VOTE_WORDS.search(near):
            key, label = "tally|vote", "vote tally"
        elif _GAME_WORDS.search(near) and (team := _OPPONENT.search(before + m.group(0) + after)):
            name = team.group("team")
            key, label = f"tally|game|{name.lower()}", f"score against {name}"
        else:
            continue
        sink.add_match(
            sentence,
            m,
            kind="tally",
            key=key,
            slot=label,
            unit=f"{max(a, b)}-{min(a, b)}",
            scope=scope,
        )
