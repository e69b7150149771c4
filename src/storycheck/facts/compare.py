"""The fact table: every article's value per slot, compared type by type.

Facts are aligned by their slot key and scope (a background figure is only compared with
background figures of the same year). Values are compared by type: numbers with their
qualifiers and rounding, distances in metres, dates part by part (a weekday against a
weekday, a year against a year), times of day in minutes, speakers by person. A row is
*disputed* when two articles give values that cannot both be true and neither article
also gives the other's value; an article that gives two incompatible values itself (a
toll that rose during the day) is left off both sides. Where every article of a
disputed count of dead, injured or missing has a publication time and the values only
rise with it, the row is an *update*, not a contradiction; so is a person's age that grows
no faster than the years between the reports (27 in the reports of a 2005 shooting, 29 in
those of the 2007 trial; an undated report's year is the latest year it names).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime

from storycheck.model import Article, Fact, FactCell, FactRow, Finding, FindingSide

from .extract import reporting_year
from .slots import PEOPLE, STATISTIC, SUPERSEDED, TOLLS, UNKEYED

APPROX = 0.1  # "about 30" covers 27–33
EXACT = 0.005
TIME_APPROX = 5.0  # minutes "about 8.40pm" may be off
TIME_NEAR = 20.0  # minutes "shortly before 4am" may be before it
_KINDS = {
    "place": "place",
    "name": "name",
    "quantity": "number",
    "date": "date",
    "time": "time",
    "age": "role",
    "speaker": "attribution",
    "condition": "statement",
    "colour": "statement",
    "phone": "number",
    "tally": "number",
}
#: slots that name exactly what they measure: no context check needed
_SPECIFIC = TOLLS | {"magnitude", "population"}
NAME_SIMILARITY = 60  # rapidfuzz ratio of two spellings of one first name
#: two first names that begin with this many letters alike may be one name and its short form
SHORT_FORM_PREFIX = 4
SHORT_FORM_SHORTER = 3  # … and one of them is this many letters shorter
CONTEXT_WORDS = 6
CONTEXT_OVERLAP = 0.12
#: words of a figure's wording, not of what it measures (content-word stems)
_VALUE_WORDS = frozenset(
    "nearl almos about aroun rough appro least more than over under some just milli billi "
    "thous hundr trill doze".split()
)


def compatible(a: Fact, b: Fact) -> bool:
    """Can both facts describe the same true value?"""
    if a.kind == "speaker":
        return _same_speaker(a.value, b.value)
    if a.kind == "name":
        return _same_first_name(a.value, b.value)
    if a.kind == "place" and a.unit and b.unit:
        return a.unit == b.unit  # (named places: see _nested)
    if a.kind in ("colour", "phone", "tally"):
        return a.unit == b.unit  # ("gray" and "grey" are one; a phone number's digits)
    if a.kind == "place" and a.number is not None and b.number is not None:
        turn = abs(a.number - b.number) % 360
        return min(turn, 360 - turn) <= 45.0  # "south" and "south-west" agree
    if a.kind == "date":
        return _dates_agree(a, b)
    if a.kind == "condition":
        # "critical but stable" agrees with "critical" and with "stable"
        return bool(set((a.unit or "").split("+")) & set((b.unit or "").split("+")))
    if a.number is None or b.number is None:
        return a.value.lower() == b.value.lower()
    x, y = a.number, b.number
    if a.kind == "time":
        return _times_agree(a, x, b, y)
    lo_a, hi_a = interval(a)
    lo_b, hi_b = interval(b)
    return lo_a <= hi_b and lo_b <= hi_a


NEAR = 0.15  # "nearly 300" means 255–300, "just over 300" 300–345


def interval(fact: Fact) -> tuple[float, float]:
    """The values a figure allows, given its qualifier: "more than 300" → (300, ∞),
    "nearly 300" → [255, 300), "about 30" → [27, 33], "12" → 12 (±0.5 %)."""
    x = fact.number if fact.number is not None else 0.0
    tiny = EXACT * abs(x)
    slack = APPROX * abs(x) if fact.unit == "m" else tiny  # distances are rounded
    q = fact.qualifier
    if fact.upper is not None:
        return x - tiny, fact.upper + tiny
    if q == "approx":
        return x - APPROX * abs(x), x + APPROX * abs(x)
    if q == "more_than":
        return x + tiny, math.inf
    if q == "at_least":
        return x - tiny, math.inf
    if q == "less_than":
        return -math.inf, x - tiny
    if q == "at_most":
        return -math.inf, x + tiny
    if q == "nearly":
        return x - NEAR * abs(x), x - tiny
    if q == "just_over":
        return x + tiny, x + NEAR * abs(x)
    rounded = _rounding(fact)
    return x - max(slack, rounded), x + max(slack, rounded)


_SCALED = re.compile(r"(\d+)\.(\d+)\s*(?:million|billion|trillion|bn|tn)\b", re.IGNORECASE)


def _rounding(fact: Fact) -> float:
    """How far a figure written with a scale word may have been rounded: "$1.4 trillion"
    stands for 1.35–1.45 trillion, so "$1.37 trillion" agrees with it (just under half a
    unit of the last digit written, so 1.4 and 1.5 still differ)."""
    m = _SCALED.search(fact.value)
    if m is None or fact.number is None:
        return 0.0
    written = float(f"{m.group(1)}.{m.group(2)}")
    if written == 0:
        return 0.0
    scale = abs(fact.number) / written
    return 0.49 * 10.0 ** -len(m.group(2)) * scale


def _window(qualifier: str | None, t: float) -> tuple[float, float]:
    """The minutes a time of day may mean: "about" ±5, "shortly before" up to 20 earlier."""
    if qualifier == "approx":
        return t - TIME_APPROX, t + TIME_APPROX
    if qualifier == "at_most":
        return t - TIME_NEAR, t
    if qualifier == "at_least":
        return t, t + TIME_NEAR
    return t, t


#: hours east of UTC of the zones news gives times in ("4:30 p.m. ET")
ZONES = {
    "ET": -5, "EST": -5, "EDT": -4, "CT": -6, "CST": -6, "CDT": -5, "MT": -7, "MST": -7,
    "MDT": -6, "PT": -8, "PST": -8, "PDT": -7, "GMT": 0, "UTC": 0, "BST": 1, "CET": 1,
    "CEST": 2, "IST": 5.5,
}  # fmt: skip


def _times_agree(a: Fact, x: float, b: Fact, y: float) -> bool:
    za, zb = ZONES.get(a.unit or ""), ZONES.get(b.unit or "")
    if za is not None and zb is not None:
        x, y = x - 60 * za, y - 60 * zb  # both to UTC
    elif (za is None) != (zb is None) and abs(x - y) % 60 == 0 and abs(x - y) <= 720:
        return True  # "3:30 p.m." (local) and "4:30 p.m. ET" can be one time
    lo_a, hi_a = _window(a.qualifier, x)
    lo_b, hi_b = _window(b.qualifier, y)
    return lo_a <= hi_b and lo_b <= hi_a


#: the usual short forms of English given names ("Dave Rossi" is David Rossi)
NICKNAMES = {
    **dict.fromkeys(("dave", "davey"), "david"),
    **dict.fromkeys(("mike", "mikey", "mick"), "michael"),
    **dict.fromkeys(("bob", "bobby", "rob", "robbie", "bert"), "robert"),
    **dict.fromkeys(("bill", "billy", "will", "willie", "liam"), "william"),
    **dict.fromkeys(("jim", "jimmy", "jamie"), "james"),
    **dict.fromkeys(("tom", "tommy"), "thomas"),
    **dict.fromkeys(("joe", "joey"), "joseph"),
    **dict.fromkeys(("dick", "rick", "ricky", "rich", "richie"), "richard"),
    **dict.fromkeys(("chuck", "charlie", "chas"), "charles"),
    **dict.fromkeys(("ted", "ed", "eddie", "ned"), "edward"),
    **dict.fromkeys(("tony",), "anthony"),
    **dict.fromkeys(("andy", "drew"), "andrew"),
    **dict.fromkeys(("ben", "benny"), "benjamin"),
    **dict.fromkeys(("dan", "danny"), "daniel"),
    **dict.fromkeys(("sam", "sammy"), "samuel"),
    **dict.fromkeys(("steve", "stevie"), "steven"),
    "stephen": "steven",
    **dict.fromkeys(("chris",), "christopher"),
    **dict.fromkeys(("matt",), "matthew"),
    **dict.fromkeys(("nick", "nicky"), "nicholas"),
    **dict.fromkeys(("pat", "paddy"), "patrick"),
    **dict.fromkeys(("pete",), "peter"),
    **dict.fromkeys(("greg",), "gregory"),
    **dict.fromkeys(("jeff",), "jeffrey"),
    **dict.fromkeys(("larry",), "lawrence"),
    **dict.fromkeys(("ron", "ronnie"), "ronald"),
    **dict.fromkeys(("don", "donnie"), "donald"),
    **dict.fromkeys(("ken", "kenny"), "kenneth"),
    **dict.fromkeys(("tim", "timmy"), "timothy"),
    **dict.fromkeys(("alex", "sasha"), "alexander"),
    **dict.fromkeys(("kate", "katie", "kathy", "cathy", "kat"), "katherine"),
    "catherine": "katherine",
    **dict.fromkeys(("liz", "lizzie", "beth", "betsy", "betty"), "elizabeth"),
    **dict.fromkeys(("sue", "susie"), "susan"),
    **dict.fromkeys(("jen", "jenny"), "jennifer"),
    **dict.fromkeys(("meg", "maggie", "peggy"), "margaret"),
    **dict.fromkeys(("becky",), "rebecca"),
    **dict.fromkeys(("abby",), "abigail"),
    **dict.fromkeys(("vicky",), "victoria"),
}


def _same_first_name(a: str, b: str) -> bool:
    """ "Jim" and "Jimmy", "Cheryl" and "Cheryl Boone" are one name; "Bryant" and "Brian",
    "Latonya" and "Latoya" are not. Names that do not look alike (two different people of
    one surname) are not compared at all."""
    fa, fb = a.split()[0].lower(), b.split()[0].lower()
    if fa.startswith(fb) or fb.startswith(fa) or not _look_alike(fa, fb):
        return True
    if (
        len(_common_prefix(fa, fb)) >= SHORT_FORM_PREFIX
        and abs(len(fa) - len(fb)) >= SHORT_FORM_SHORTER
    ):
        return True  # "Alexis" / "Alexandros": a short form ("Latoya" / "Latonya" are two)
    if NICKNAMES.get(fa, fa) == NICKNAMES.get(fb, fb):
        return True  # "Dave" and "David"
    return soundex(fa) == soundex(fb)  # "Heidar"/"Heydar", "Betty"/"Bettie": one name


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


_SOUNDEX = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def soundex(word: str) -> str:
    """American Soundex: spellings that sound alike share a code ("Masoud"/"Massoud"
    M230) and ones that do not differ ("Latoya" L300, "Latonya" L350)."""
    letters = [c for c in word.lower() if c.isalpha()]
    if not letters:
        return ""
    out = letters[0].upper()
    last = _SOUNDEX.get(letters[0], "")
    for c in letters[1:]:
        code = _SOUNDEX.get(c, "")
        if code and code != last:
            out += code
        if c not in "hw":
            last = code
    return (out + "000")[:4]


def _look_alike(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    return a[:1] == b[:1] and fuzz.ratio(a, b) >= NAME_SIMILARITY


def _same_speaker(a: str, b: str) -> bool:
    la, lb = a.lower().split(), b.lower().split()
    return a.lower() == b.lower() or (bool(la) and bool(lb) and la[-1] == lb[-1])


def _parts(unit: str | None) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in (unit or "").split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k] = int(v)
    return out


def _dates_agree(a: Fact, b: Fact) -> bool:
    pa, pb = _parts(a.unit), _parts(b.unit)
    shared = pa.keys() & pb.keys()
    if not shared:
        return True  # "Sunday" vs "in 2005": nothing to compare
    if "m" in shared and "d" not in shared and pa.get("d") and pb.get("w") is not None:
        return True
    return all(pa[k] == pb[k] for k in shared)


def _same_value(a: Fact, b: Fact) -> bool:
    """The same value as worded (no rounding slack): sides of a dispute group by this."""
    if a.kind in (
        "speaker",
        "date",
        "time",
        "place",
        "name",
        "condition",
        "colour",
        "phone",
        "tally",
    ):
        return compatible(a, b)
    if a.number is None or b.number is None:
        return a.value.lower() == b.value.lower()
    # ("nearly 300" and "more than 300" name one figure but no common value)
    same = abs(a.number - b.number) <= EXACT * max(abs(a.number), abs(b.number))
    return same and compatible(a, b)


class _Groups:
    """Union–find over hashable keys: which keys ended up in one group."""

    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, key: object) -> object:
        while self.parent.setdefault(key, key) != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: object, b: object) -> None:
        self.parent[self.find(a)] = self.find(b)


def _clusters(facts: Sequence[Fact]) -> list[list[Fact]]:
    """Facts grouped by value (union–find over exact agreement; two plain figures that
    agree once converted, "15 miles" and "24km", are one value too)."""
    groups = _Groups()
    for i in range(len(facts)):
        for j in range(i + 1, len(facts)):
            a, b = facts[i], facts[j]
            if _same_value(a, b) or (_plain(a) and _plain(b) and compatible(a, b)):
                groups.join(i, j)
    out: dict[object, list[Fact]] = defaultdict(list)
    for i, fact in enumerate(facts):
        out[groups.find(i)].append(fact)
    return list(out.values())


def _plain(fact: Fact) -> bool:
    """A figure given as one value, with no qualifier or range."""
    return fact.kind == "quantity" and fact.qualifier is None and fact.upper is None


def _context(fact: Fact, articles: Mapping[str, Article]) -> set[str]:
    """Content words around a fact's value: what the figure is said about."""
    from storycheck.verify.support import content_words  # (verify imports this module)

    article = articles.get(fact.article_id)
    if article is None:
        return set()
    text = article.text
    before = text[max(0, fact.start - 80) : fact.start].split()[-CONTEXT_WORDS:]
    after = text[fact.end : fact.end + 80].split()[:CONTEXT_WORDS]
    # a figure's own qualifier and scale ("nearly", "billion") say how much, not of what
    return content_words(" ".join([*before, *after])) - _VALUE_WORDS


def same_context(a: Fact, b: Fact, articles: Mapping[str, Article]) -> bool:
    """Two figures for one slot are about the same thing when the words around them
    overlap; a date, time or speaker slot already names its event."""
    if a.kind == "date":
        # one verb and subject can date several events of a life ("Benjamin was chosen
        # in 1995 … in 2002"): two different years must also be said about one thing
        ya, yb = _parts(a.unit).get("y"), _parts(b.unit).get("y")
        if ya is None or yb is None or ya == yb:
            return True
    elif a.kind not in ("quantity", "place") or a.key in _SPECIFIC:
        return True
    if a.kind == "quantity" and _another_scale(a, b):
        return False
    if a.key.startswith("money|") and _things_apart(a, b):
        return False  # "$10 billion in cash" and "a $13.2 billion acquisition"
    if a.key == b.key and a.key.startswith("doors away|"):
        return True  # the verb and the unit say what ("arrested five buildings away")
    if _named_people(a) and _named_people(b) and a.key == b.key:
        return True  # the parse named who and what of both ("crew|hold"): one thing
    ca, cb = _context(a, articles), _context(b, articles)
    if not ca or not cb:
        return False
    return len(ca & cb) / len(ca | cb) >= CONTEXT_OVERLAP


_THING = re.compile(r"^amount \(([a-z]+)")


def _things_apart(a: Fact, b: Fact) -> bool:
    """Two sums said to be of things of different kinds: money held ("$10 billion in
    cash"), a deal's price ("a $13.2 billion acquisition"), a change ("a $50 billion
    increase"), a company's earnings. Things of one kind ("contract" / "deal"), and things
    outside these kinds ("the extension" / "the scheme", one price in other words), are
    not told apart."""
    ta, tb = _THING.match(a.slot), _THING.match(b.slot)
    if ta is None or tb is None:
        return False
    ka = {n for n, words in enumerate(_MONEY_KINDS) if ta.group(1) in words}
    kb = {n for n, words in enumerate(_MONEY_KINDS) if tb.group(1) in words}
    return bool(ka) and bool(kb) and not ka & kb


#: kinds of sums that are never one figure
_MONEY_KINDS = (
    frozenset("cash reserve pile hoard savings".split()),
    frozenset(
        "contract deal agreement pact package offer acquisition purchase takeover buyout bid "
        "merger sale".split()
    ),
    frozenset("increase rise drop decline gain fall jump cut".split()),
    frozenset("revenue sales profit earnings income loss".split()),
    frozenset("salary wage pay bonus".split()),
    frozenset("fine penalty settlement bail bond".split()),
)


def _named_people(fact: Fact) -> bool:
    """A count of people whose key the parse gave it (the group and its verb: "crew|hold"
    from "300 crewmen held"), not one a context match put in that slot ("three victims")."""
    group, _, verb = fact.key.partition("|")
    return bool(verb) and _slot_class(fact) == "count|people" and group in fact.slot


#: a figure this many times another of one slot is most likely another scope (a season's
#: yards vs a game's, a career's total vs a year's) — except counts of people, where
#: estimates by police and by organisers can differ tenfold
SCOPE_RATIO = 10.0
#: the same for background figures, which mix more scopes (a game, a season, a career);
#: chosen on the conflicts dev set (3 and 5 give the same result there; 10 lets a
#: season's carries be compared with a game's)
BACKGROUND_SCOPE_RATIO = 3.0


def _another_scale(a: Fact, b: Fact) -> bool:
    if a.number is None or b.number is None or _slot_class(a) in ("count|people", "count"):
        return False
    lo, hi = sorted((abs(a.number), abs(b.number)))
    ratio = BACKGROUND_SCOPE_RATIO if a.scope.startswith("background") else SCOPE_RATIO
    return lo > 0 and hi / lo >= ratio


_BOUNDS = frozenset({"at_least", "more_than", "at_most", "less_than", "nearly", "just_over"})


def _most_specific(facts: list[Fact]) -> list[Fact]:
    """An article's values for a slot without the bounds its own exact figures satisfy:
    "at least three dead … three people were killed" says three."""
    exact = [f for f in facts if f.qualifier not in _BOUNDS]
    return [
        f for f in facts if f.qualifier not in _BOUNDS or not any(compatible(f, e) for e in exact)
    ]


def _disagreeing(group: Sequence[Fact], articles: Mapping[str, Article]) -> set[str]:
    """Articles that disagree with at least one other: no value of one is compatible with
    any value of the other (an article that also gives the other's value agrees)."""
    per: dict[str, list[Fact]] = defaultdict(list)
    for fact in group:
        per[fact.article_id].append(fact)
    per = {a: _most_specific(fs) for a, fs in per.items()}
    ids = sorted(per)
    out: set[str] = set()
    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            if any(compatible(fa, fb) for fa in per[a] for fb in per[b]):
                continue
            if any(same_context(fa, fb, articles) for fa in per[a] for fb in per[b]):
                out |= {a, b}
    return out


Similarity = Callable[[Sequence[tuple[str, str]]], Sequence[float]]
#: cosine of two event sentences (dates masked) for "the same event, other words"
SAME_EVENT = 0.7
#: cosine of two events as worded ("what time the blaze broke out") of one verb
SAME_EVENT_WORDS = 0.6
SAME_EVENT_NAMED = 0.75  # chosen on the conflicts dev set (0.6–0.9 tried)


def _masked(fact: Fact, articles: Mapping[str, Article]) -> str:
    article = articles.get(fact.article_id)
    if article is None or fact.sentence_index >= len(article.sentences):
        return fact.slot
    sentence = article.sentences[fact.sentence_index]
    a, b = fact.start - sentence.start, fact.end - sentence.start
    return sentence.text[:a] + "[when]" + sentence.text[b:]


def merge_events(
    facts: Sequence[Fact], articles: Mapping[str, Article], similarity: Similarity
) -> list[Fact]:
    """Give dates and times of one event worded with different verbs one key ("Page
    disappeared in 1957" / "vanished from public view in 1958"): same subject, and the
    sentences match with the dates masked."""
    timed = [f for f in facts if f.kind in ("date", "time") and f.key.count("|") == 2]
    by_subject: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    by_verb: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in timed:
        _, verb, subject = fact.key.split("|")
        by_subject[(fact.kind, subject)].append(fact)
        by_verb[(fact.kind, verb)].append(fact)
    groups = _Groups()
    asks: list[tuple[Fact, Fact]] = []
    for group in by_subject.values():
        for x, a in enumerate(group):
            for b in group[x + 1 :]:
                if a.key != b.key and a.article_id != b.article_id:
                    asks.append((a, b))
    asks = asks[:MAX_EVENT_PAIRS]
    # one thing happening to a subject named two ways ("the blaze broke out" / "the fire
    # broke out"): the same verb, and the events as worded match
    labels: dict[tuple[str, str], tuple[Fact, Fact]] = {}
    for group in by_verb.values():
        for x, a in enumerate(group):
            for b in group[x + 1 :]:
                if a.key != b.key and a.article_id != b.article_id:
                    labels.setdefault((a.key, b.key), (a, b))
    named = list(labels.values())[:MAX_EVENT_PAIRS]
    if not asks and not named:
        return list(facts)
    scores = similarity([(_masked(a, articles), _masked(b, articles)) for a, b in asks])
    # the sentences match, and so must the events as worded ("opened fire" and "was
    # charged" in two tellings of one story are two events)
    matched = [pair for pair, score in zip(asks, scores, strict=True) if score >= SAME_EVENT]
    pairs = [*matched, *named]
    worded = similarity([(a.slot, b.slot) for a, b in pairs]) if pairs else []
    for n, ((a, b), score) in enumerate(zip(pairs, worded, strict=True)):
        if score >= (SAME_EVENT_WORDS if n < len(matched) else SAME_EVENT_NAMED):
            groups.join(a.key, b.key)
    return [
        dataclasses.replace(f, key=str(groups.find(f.key))) if f.key in groups.parent else f
        for f in facts
    ]


MAX_EVENT_PAIRS = 5000
#: cosine of two sentences with their values masked for "one slot, said two ways"
SAME_SLOT = 0.75  # chosen on the conflicts dev set (0.7–0.9 tried)
MAX_SLOT_PAIRS = 5000
#: cosine of two counted nouns that name one thing ("boat" / "speedboat" 0.77, "rifle" /
#: "gun" 0.81; "ship" / "vessel" 0.53 and "car" / "truck" 0.68 stay apart)
SAME_NOUN = 0.75
MIN_SLOT_WORDS = 4
MAX_POSTING = 200
_WORD = re.compile(r"[A-Za-z]{3,}")
_CLOCK = re.compile(
    r"\b(?:when|updated|posted|published|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|[ap]\.?m|bst|gmt|[ecmp][sd]?t)\b",
    re.IGNORECASE,
)
_MEASURES = frozenset({"percent", "money", "distance", "duration"})


def _slot_class(fact: Fact) -> str | None:
    """What kind of value a fact gives: only facts of one class can share a slot (a
    date with a date, a share with a share, a count of boats with a count of boats, a
    count of people with one of people)."""
    if fact.kind in ("date", "time"):
        return fact.kind
    if fact.kind != "quantity":
        return None
    parts = fact.key.lstrip(UNKEYED).split("|")
    if parts[0] == "money":
        # a sum a year is not a total ("$23 million per season" / "$184 million")
        return "|".join(parts[:3] if parts[2:3] == ["rate"] else parts[:2])
    if parts[0] in _MEASURES:
        return parts[0]
    noun = parts[1] if parts[0] == "count" and len(parts) > 1 else parts[0]
    if noun in PEOPLE or noun in _SPECIFIC or noun in ("", "count"):
        return "count|people" if noun else "count"
    return f"count|{noun}"


def _family(cls: str) -> str:
    """Counts of things form one block (their nouns are compared), other classes their own."""
    return "count|*" if cls.startswith("count|") and cls != "count|people" else cls


def _noun(cls: str) -> str:
    return cls.split("|", 1)[1] if "|" in cls else cls


def _same_verb(a: Fact, b: Fact) -> bool:
    """Do two dates hang from one verb (either unknown counts as yes)? The verb is the
    second part of a date's key, named ("date|occur|fire") or not ("?date|charge")."""
    va, vb = (f.key.split("|")[1] if "|" in f.key else "" for f in (a, b))
    if " " in va and " " in vb:
        return va == vb  # "became president" and "became the first physician"
    return not va or not vb or va.split(" ")[0] == vb.split(" ")[0]


def merge_contexts(
    facts: Sequence[Fact], articles: Mapping[str, Article], similarity: Similarity
) -> list[Fact]:
    """Put facts of different articles in one slot when their sentences say the same
    thing with the values masked ("Greek stocks plunged [5.4 per cent]" / "Greek stocks
    closed down [3.9 percent]"), whatever verb or subject the parse keyed them by.

    A fact whose slot the parse could not name (key ``?…``) joins the slot of a matching
    fact; two named slots join only when neither is a specific one (the dead and the
    injured are never one slot). Unmatched unnamed facts are dropped: a figure nobody
    else gives has nothing to be compared with, and no label an editor could read.
    """
    from storycheck.verify.support import content_words  # (verify imports this module)

    masked = [_masked(f, articles) for f in facts]
    # a dateline or a heading ("THURSDAY, DECEMBER 3, 2009") says nothing about its value
    classes = [
        _slot_class(f)
        if len(content_words(" ".join(_WORD.findall(_CLOCK.sub(" ", m))))) >= MIN_SLOT_WORDS
        else None
        for f, m in zip(facts, masked, strict=True)
    ]
    contexts = [_context(f, articles) for f in facts]
    # an unnamed fact is a slot of its own until it joins one
    nodes = [f"{f.key}#{f.id}" if f.key.startswith(UNKEYED) else f.key for f in facts]
    # counts of things are blocked together; two different nouns must then name one
    # thing ("boats" / "speedboats", "rifles" / "guns", "crewmen" / "crew members")
    by_class: dict[str, list[int]] = defaultdict(list)
    for n, cls in enumerate(classes):
        if cls is not None and facts[n].scope not in UNCOMPARED:
            by_class[_family(cls)].append(n)
    asks: list[tuple[int, int, int]] = []
    for members in by_class.values():
        # blocking: only facts whose contexts share a word are candidates (an inverted
        # index, not every pair); a word most of the class shares tells nothing apart
        postings: dict[str, list[int]] = defaultdict(list)
        for i in members:
            for word in contexts[i]:
                postings[word].append(i)
        shared: Counter[tuple[int, int]] = Counter()
        for ids in postings.values():
            if len(ids) <= MAX_POSTING:
                shared.update(itertools.combinations(ids, 2))
        for (i, j), count in shared.items():
            a, b = facts[i], facts[j]
            if a.article_id == b.article_id or nodes[i] == nodes[j]:
                continue
            named = not a.key.startswith(UNKEYED) and not b.key.startswith(UNKEYED)
            if named and (a.kind in ("date", "time") or a.key in _SPECIFIC or b.key in _SPECIFIC):
                continue  # (named events are joined by merge_events)
            if a.kind in ("date", "time") and not _same_verb(a, b):
                continue  # "opened fire … Friday" and "was charged Saturday"
            asks.append((-count, i, j))
    asks = sorted(asks)[:MAX_SLOT_PAIRS]
    nouns = {
        (ci, cj)
        for _, i, j in asks
        if (ci := classes[i]) is not None and (cj := classes[j]) is not None and ci != cj
    }
    if nouns:
        pairs = sorted(nouns)
        alike = similarity([(_noun(a), _noun(b)) for a, b in pairs])
        same = {p for p, score in zip(pairs, alike, strict=True) if score >= SAME_NOUN}
        asks = [
            a
            for a in asks
            if classes[a[1]] == classes[a[2]] or (classes[a[1]], classes[a[2]]) in same
        ]
    groups = _Groups()
    if asks:
        scores = similarity([(masked[i], masked[j]) for _, i, j in asks])
        for (_, i, j), score in zip(asks, scores, strict=True):
            if score < SAME_SLOT:
                continue
            if facts[i].key.startswith(UNKEYED):
                i, j = j, i  # a named slot is the group's name
            groups.join(nodes[j], nodes[i])
    out: list[Fact] = []
    for fact, node in zip(facts, nodes, strict=True):
        if node not in groups.parent:
            if node.startswith(UNKEYED):
                continue  # an unnamed fact nothing else matched
            out.append(fact)
            continue
        root = str(groups.find(node))
        out.append(fact if root == fact.key else dataclasses.replace(fact, key=root))
    return out


def build_table(
    facts: Iterable[Fact],
    articles: Sequence[Article],
    similarity: Similarity | None = None,
) -> tuple[tuple[FactRow, ...], tuple[Finding, ...]]:
    """The story's fact table (disputed rows first) and one finding per disputed row.

    ``similarity`` (cosine of sentence pairs) lets dates of one event worded with
    different verbs share a row.
    """
    facts = list(facts)
    texts = {a.id: a for a in articles}
    if similarity is not None:
        facts = merge_contexts(merge_events(facts, texts, similarity), texts, similarity)
    else:
        facts = [f for f in facts if not f.key.startswith(UNKEYED)]
    facts = _alternatives(_nested(facts, articles), texts)
    by_key: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.scope not in UNCOMPARED:
            by_key[(fact.key, fact.scope)].append(fact)
    rows: list[FactRow] = []
    findings: list[Finding] = []
    for (key, scope), group in by_key.items():
        outlets = {f.article_id for f in group}
        # a background figure is compared only with background figures of its own year
        # ("arrested four times" / "three times"), scale-checked more strictly
        against = _disagreeing(group, texts)
        sides = _clusters([f for f in group if f.article_id in against])
        disputed = len(sides) >= 2
        status = "disputed" if disputed else ("agreed" if len(outlets) >= 2 else "single")
        if disputed and _scattered(sides):
            disputed, status = False, "varied"
        aged = disputed and group[0].kind == "age" and _aged(sides, texts)
        if disputed and (aged or _is_update(key, sides, texts)):
            status = "update"
        # (a slot the parse named says more than one only context alignment gave)
        slot = max((f.slot for f in group), key=len) + (f" ({scope})" if scope != "main" else "")
        cells = tuple(
            FactCell(
                article_id=a,
                value=_values([f for f in group if f.article_id == a]),
                fact_ids=tuple(f.id for f in group if f.article_id == a),
                evidence=_sentence(texts, next(f for f in group if f.article_id == a)),
            )
            for a in sorted(outlets)
        )
        rows.append(FactRow(key=key, slot=slot, kind=group[0].kind, status=status, cells=cells))
        if disputed and group[0].kind != "speaker" and not aged:
            # (a person growing older between reports disagrees with nobody: the table
            # shows the ages rising, the disputes do not list them)
            # (who said a quote is reported by the attribution check, which also
            # matches paraphrases; the table keeps the row)
            findings.append(_finding(group[0].kind, slot, sides, texts, status))
    order = {"disputed": 0, "update": 1, "agreed": 2, "varied": 3, "single": 4}
    rows.sort(key=lambda r: (order[r.status], -len(r.cells), r.slot))
    return tuple(rows), tuple(findings)


#: scopes whose facts are in the table's evidence but never compared: a forecast, a
#: member of a series of like events that is not told apart ("one of the tremors"), a
#: superseded report and a statistic (see :mod:`storycheck.facts.slots`)
UNCOMPARED = frozenset({"forecast", "series", SUPERSEDED, STATISTIC})


def _nested(facts: Sequence[Fact], articles: Sequence[Article]) -> list[Fact]:
    """Named places of one slot that may be one place: the same words, one inside the
    other ("Queens" / "Richmond Hill, Queens"), or put one inside the other by the story's
    own texts ("South Ozone Park, Queens", "East Flatbush in Brooklyn", "Brooklyn's East
    Flatbush"). Each gets the name of its group as ``unit``, which is what
    :func:`compatible` compares."""
    named = [f for f in facts if f.kind == "place" and f.key.startswith("where|")]
    if not named:
        return list(facts)
    texts = [a.text for a in articles]
    values: dict[str, set[str]] = defaultdict(set)
    for fact in named:
        values[fact.key].add(fact.value)
    groups = _Groups()
    for names in values.values():
        for a, b in itertools.combinations(sorted(names), 2):
            if _inside(a, b, texts) or _inside(b, a, texts):
                groups.join(a, b)
    return [
        dataclasses.replace(f, unit=str(groups.find(f.value)))
        if f.kind == "place" and f.key.startswith("where|")
        else f
        for f in facts
    ]


def _inside(a: str, b: str, texts: Sequence[str]) -> bool:
    """Is the place ``a`` said to lie in ``b``: its name holds ``b``'s words, or a text
    writes "a, b" / "a in b" / "b's a" (not a list: "Florida, California and Texas")?"""
    x, y = re.escape(a), re.escape(b)
    if re.search(rf"\b{y}\b", a, re.IGNORECASE):
        return True
    near = re.compile(
        rf"\b{x}\W{{1,3}}(?:in |of |near )?(?:the )?{y}\b(?!,?\s+(?:and|or)\b)|\b{y}['’]s {x}\b",
        re.IGNORECASE,
    )
    return any(near.search(t) for t in texts)


_COORDINATED = re.compile(r"\s*(?:,\s*)?(?:and|or|to|,)\s*(?:[$£€]\s*)?$", re.IGNORECASE)


def _alternatives(facts: Sequence[Fact], articles: Mapping[str, Article]) -> list[Fact]:
    """Without the figures a sentence gives as alternatives of one slot ("offered in $1,799
    and $2,199 models", "13-inch and 15-inch", "7.6 and 7.5 magnitude quakes"): each is one
    of several things, and which one another report means cannot be told."""
    by_slot: dict[tuple[str, str, int], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.kind == "quantity":
            by_slot[(fact.key, fact.article_id, fact.sentence_index)].append(fact)
    drop: set[str] = set()
    for group in by_slot.values():
        group.sort(key=lambda f: f.start)
        for a, b in itertools.pairwise(group):
            article = articles.get(a.article_id)
            if article is None or compatible(a, b):
                continue
            if _COORDINATED.fullmatch(article.text[a.end : b.start]):
                drop |= {a.id, b.id}
    return [f for f in facts if f.id not in drop]


def _scattered(sides: Sequence[Sequence[Fact]]) -> bool:
    """Three or more values, none given by two outlets: the slot lumps different things
    together (each player's yards, each year's toll) rather than one disputed figure."""
    outlets = {f.article_id for side in sides for f in side}
    return (
        len(sides) >= 3
        and len(outlets) >= 3
        and max(len({f.article_id for f in side}) for side in sides) < 2
    )


def _sentence(articles: Mapping[str, Article], fact: Fact) -> str:
    article = articles.get(fact.article_id)
    if article is None or fact.sentence_index >= len(article.sentences):
        return ""
    return article.sentences[fact.sentence_index].text


def _is_update(key: str, sides: Sequence[Sequence[Fact]], articles: Mapping[str, Article]) -> bool:
    if key not in TOLLS:
        return False
    points = []
    for side in sides:
        for fact in side:
            published = articles[fact.article_id].published if fact.article_id in articles else None
            if published is None or fact.number is None:
                return False
            points.append((published, fact.number))
    at: dict[datetime, set[float]] = defaultdict(set)
    for published, number in points:
        at[published].add(number)
    if len(at) < 2 or any(len(v) > 1 for v in at.values()):
        return False  # two figures at one time: reports at once disagree, nothing rose
    points.sort()
    values = [v for _, v in points]
    return all(b >= a for a, b in itertools.pairwise(values)) and values[-1] > values[0]


def _aged(sides: Sequence[Sequence[Fact]], articles: Mapping[str, Article]) -> bool:
    """Ages that grow with the year of the reports giving them, by no more than the years
    between (a birthday in between allows one more). Each value is dated by the earliest
    report of it whose year is known; a value no report dates cannot be placed."""
    points = []
    for side in sides:
        years = [
            y
            for f in side
            if (a := articles.get(f.article_id)) is not None and (y := reporting_year(a))
        ]
        if not years or side[0].number is None:
            return False
        points.append((min(years), side[0].number))
    points.sort()
    if points[-1][0] <= points[0][0]:
        return False
    return all(b >= a and b - a <= (y - x) + 1 for (x, a), (y, b) in itertools.pairwise(points))


def _finding(
    kind: str,
    slot: str,
    sides: Sequence[Sequence[Fact]],
    articles: Mapping[str, Article],
    status: str,
) -> Finding:
    out: list[FindingSide] = []
    for side in sorted(sides, key=lambda s: -len({f.article_id for f in s})):
        out.append(
            FindingSide(
                value=_values(side),
                claim_ids=tuple(dict.fromkeys(f.claim_id for f in side if f.claim_id)),
                article_ids=tuple(sorted({f.article_id for f in side})),
                evidence=tuple(dict.fromkeys(_sentence(articles, f) for f in side))[:3],
            )
        )
    if status == "update":
        # in publication order, each value with when it was first reported
        def first(side: FindingSide) -> datetime:
            return min(_published(articles, a) for a in side.article_ids)

        out.sort(key=first)
        shown = " → ".join(f"{s.value} ({first(s):%d %b %H:%M})" for s in out)
        summary = f"Figures rose between reports on {slot}: {shown}"
    else:
        summary = f"Sources differ on {slot}: " + " vs ".join(s.value for s in out[:4])
    return Finding(
        kind=_KINDS.get(kind, kind),
        summary=summary,
        sides=tuple(out),
        subject=slot,
        status="update" if status == "update" else "contradiction",
    )


def _published(articles: Mapping[str, Article], article_id: str) -> datetime:
    article = articles.get(article_id)
    if article is None or article.published is None:
        return datetime.max.replace(tzinfo=UTC)
    when = article.published
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _values(facts: Sequence[Fact]) -> str:
    """The values facts give, each once: "12" and "twelve" are one value."""
    seen: dict[object, str] = {}
    for fact in facts:
        key: object = fact.number if fact.number is not None else fact.value.lower()
        seen.setdefault(key, fact.value)
    # (two dates worded alike may resolve to different days: one wording is shown once)
    shown: dict[str, str] = {}
    for value in seen.values():
        shown.setdefault(value.lower(), value)
    return " / ".join(list(shown.values())[:3])
