"""Structured checks that NLI misses: roles, time frame, attribution, statements.

(Figures, dates and times are compared slot by slot in :mod:`storycheck.facts`.) Each
check looks at candidate pairs of claims from different articles (already known to be
about the same thing by embedding similarity) or at the story's entity–role table, and
returns :class:`Conflict` records: which claims disagree, on what, with which values.
:func:`group_findings` turns them into one :class:`~storycheck.model.Finding` per
disputed slot, listing every article on every side.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from storycheck.claims.entities import ROLE_NOUNS
from storycheck.facts.extract import story_year
from storycheck.model import (
    Article,
    Claim,
    ClaimKind,
    Entity,
    Finding,
    FindingSide,
    StoryCheck,
)
from storycheck.verify.align import Pair
from storycheck.verify.people import People

QUOTE_TEXT_SIMILARITY = 85  # rapidfuzz token-set ratio for "the same quote"
STATEMENT_SIMILARITY = 0.72  # embedding cosine for "the same reported statement"
STATEMENT_CONTENT_SIMILARITY = 0.9  # …and of its content with the speakers' names masked
Similarity = Callable[[Sequence[tuple[str, str]]], Sequence[float]]


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
        "newly",
        "hired",
        "retained",
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


#: one post in two words ("attorney" / "lawyer", "QB" / "quarterback", "acting" / "interim")
#: and the abbreviated titles written before a name ("Committee Chairman Rep.")
ROLE_SYNONYMS = {
    "lawyer": "attorney",
    "counsel": "attorney",
    "qb": "quarterback",
    "interim": "acting",
    "nominee": "candidate",
    "correspondent": "reporter",
    "journalist": "reporter",
    "boss": "chief",
    "rep": "representative",
    "sen": "senator",
    "gov": "governor",
    "gen": "general",
    "lt": "lieutenant",
    "sgt": "sergeant",
    "capt": "captain",
    "cmdr": "commander",
}
#: where a role's own words end: "official in Gaza", "Doctor since 2010", "ever Doctor at 26"
_ROLE_END = re.compile(r"\s(?:in|at|since|from|for|with|on|during|until)\s.*$", re.IGNORECASE)


def parse_role(text: str) -> Role:
    raw = re.sub(r"\b\w+[’']s\b", " ", text)  # drop possessors ("Trump's special envoy")
    raw = _ROLE_END.sub("", raw)
    tokens = [
        ROLE_SYNONYMS.get(t.lower(), t)
        for t in re.findall(r"[\w-]+", raw)
        if not t.isdigit() and t.lower() != "ever"
    ]
    low = [t.lower() for t in tokens]
    former = any(t in _FORMER or t.startswith("ex-") for t in low)
    rank = frozenset(t for t in low if t in _RANK)
    content = [t for t in tokens if t.lower() not in _FORMER | _RANK | _NOISE]
    head = content[-1].lower() if content else ""
    if " of " in f" {raw.lower()} " and content:  # "chief executive of Varnbridge Transit"
        before = raw.lower().split(" of ")[0].split()
        head = before[-1] if before else head
    head = head[:-1] if head.endswith("s") and not head.endswith("ss") and len(head) > 3 else head
    # (a post written in capitals, "Committee Chairman", is not an organisation)
    orgs = frozenset(
        t.lower()
        for t in content
        if t[:1].isupper() and t.lower() != head and t.lower() not in ROLE_NOUNS
    )
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


#: titles that exclude each other: one person holds one rank or one top post at a time.
#: Synonyms share a value ("ceo" and "chief executive").
EXCLUSIVE_TITLES = {
    **{
        t: t
        for t in """private corporal sergeant lieutenant captain major colonel general
    brigadier commander commodore admiral constable inspector superintendent detective
    sheriff deputy-sheriff marshal ensign""".split()
    },
    "ceo": "ceo",
    "chief executive": "ceo",
    "chief executive officer": "ceo",
    "coo": "coo",
    "chief operating officer": "coo",
    "cfo": "cfo",
    "chief financial officer": "cfo",
    "cto": "cto",
    "chief technology officer": "cto",
    "president": "president",
    "vice president": "vice president",
    "vice-president": "vice president",
    "prime minister": "prime minister",
    "governor": "governor",
    "mayor": "mayor",
    "senator": "senator",
    "congressman": "representative",
    "congresswoman": "representative",
    "representative": "representative",
}


_TITLE_FAMILY = {
    **dict.fromkeys(("ceo", "coo", "cfo", "cto"), "executive"),
    **dict.fromkeys(
        ("president", "vice president", "prime minister", "governor", "mayor"), "office"
    ),
    **dict.fromkeys(("senator", "representative"), "legislature"),
}


#: descriptions rather than posts: a director can also be an expert
_DESCRIPTIVE = frozenset(
    "expert analyst specialist scientist researcher member critic observer veteran "
    "spokesman spokeswoman spokesperson official source billionaire millionaire businessman "
    "businesswoman tycoon mogul philanthropist investor entrepreneur activist".split()
)
_TOP_POST = frozenset({"chief", "head", "leader", "boss", "director"})
_GENERIC = frozenset({"chief", "senior", "head", "of", "the", "top", "at", "for"})


def exclusive_title(role: Role) -> str | None:
    """The exclusive title a role names, if any ("Police Commander" → "commander")."""
    label = role_label(role)
    words = label.split()
    for n in range(min(3, len(words)), 0, -1):
        tail = " ".join(words[-n:])
        if tail in EXCLUSIVE_TITLES:
            return EXCLUSIVE_TITLES[tail]
    return EXCLUSIVE_TITLES.get(role.head)


def roles_conflict(a: Role, b: Role) -> bool:
    """Incompatible roles for one person: former vs serving or deputy vs chief in the same
    post, or two exclusive titles (Commander vs Commodore, CEO vs COO). Different kinds of
    description ("director" vs "biodiversity expert", "police inspector" vs "spokesman")
    are not conflicts: a person can be both."""
    if not a.head or not b.head:
        return False
    if a.former != b.former:
        past, now = (a, b) if a.former else (b, a)
        if past.orgs and not past.orgs & now.orgs:
            return False  # "former Lenovo executive" and "chief executive": another firm
        if ("personal" in a.words) != ("personal" in b.words):
            return False  # "former personal lawyer" (to someone) and "attorney" (a trade)
    if a.head == b.head:
        if a.head == "candidate" and a.rank == b.rank:
            return False  # "vice presidential candidate" is said of a race run and lost
        return a.former != b.former or a.rank != b.rank
    ta, tb = exclusive_title(a), exclusive_title(b)
    if ta is not None and tb is not None:
        return ta != tb and a.former == b.former and _TITLE_FAMILY.get(ta) == _TITLE_FAMILY.get(tb)
    if a.head in _RELATIONAL | _DESCRIPTIVE or b.head in _RELATIONAL | _DESCRIPTIVE:
        return False
    if {a.head, b.head} <= _TOP_POST:
        return False  # "IMF chief" and "IMF head": one post, two words
    # two posts in one organisation that share no word: "chief executive of X" vs "X's
    # chief engineer" (but "chief executive" and "executive director" may be one job)
    core_a, core_b = a.words - a.orgs - _GENERIC, b.words - b.orgs - _GENERIC
    return bool(a.orgs & b.orgs) and bool(core_a) and bool(core_b) and not core_a & core_b


#: a role of more words is a clause the parse took along ("de facto leaderin the
#: highest-level face-to-face encounter between …"), not a title
MAX_ROLE_WORDS = 7


def _one_wording(label: str) -> str:
    """A role label with one word per post ("lawyer" → "attorney", "interim" → "acting"),
    so the sides of a dispute do not split on synonyms."""
    return " ".join(ROLE_SYNONYMS.get(w, w) for w in label.split())


def role_conflicts(
    articles: Sequence[Article], entities: Sequence[Entity], people: People
) -> list[Conflict]:
    by_person: dict[str, dict[str, list[Role]]] = defaultdict(lambda: defaultdict(list))
    for entity in entities:
        if entity.label != "PERSON":
            continue
        name = people.canonical(entity.name) or entity.name
        for role in entity.roles:
            if len(role.split()) <= MAX_ROLE_WORDS:  # (longer: a clause the parse ran on)
                by_person[name][entity.article_id].append(parse_role(role))
    found: list[Conflict] = []
    for name, per_article in by_person.items():
        ids = sorted(per_article)
        left = _left_office(name, articles)
        for x, a_id in enumerate(ids):
            for b_id in ids[x + 1 :]:
                for ra in per_article[a_id]:
                    for rb in per_article[b_id]:
                        if left and ra.former != rb.former and ra.head == rb.head:
                            continue  # the story is their leaving: "former" is news, not error
                        if roles_conflict(ra, rb):
                            found.append(
                                Conflict(
                                    "role",
                                    name,
                                    a_id,
                                    b_id,
                                    # (as printed; one post in two words is one side)
                                    f"{_one_wording(role_label(ra))} {name}",
                                    f"{_one_wording(role_label(rb))} {name}",
                                    ra.text,
                                    rb.text,
                                )
                            )
    return found


_LEAVING = re.compile(
    r"\b(fired|sacked|ousted|dismissed|resign(ed|s|ation)?|stepped down|steps down|"
    r"replaced|retired|retires|let go|removed|impeached|quit)\b",
    re.IGNORECASE,
)


def _left_office(name: str, articles: Sequence[Article]) -> bool:
    """Does any article say this person left a post (fired, resigned, replaced…)?"""
    surname = name.split()[-1]
    return any(
        surname in sentence.text and _LEAVING.search(sentence.text)
        for article in articles
        for sentence in article.sentences
    )


OFFICE_HEADS = frozenset(
    """president vice-president prime minister chancellor premier mayor governor senator
    leader king queen ceo chairman chairwoman chair secretary speaker commissioner""".split()
)
_CAMPAIGN = re.compile(
    r"\b(if (re-?)?elected|(his|her|their) (re-?election )?campaign|campaign (promise|pledge|"
    r"narrative)|(is|are|was|were|be|been|back) on the campaign trail|(hit|hits|hitting|took|"
    r"take|takes|taking) (to )?the campaign trail|mayoral candidate|presidential candidate|"
    r"candidate for|"
    r"(is|was) (campaigning|running) (to|for)|presidency again|(potential |possible )?return "
    r"(of [\w. ]+ )?to the White House|given the presidency|if (he|she) (wins|is elected))\b",
    re.IGNORECASE,
)


#: a campaign recalled, not under way: says nothing about office now
_PAST_CAMPAIGN = re.compile(
    r"\b(during (his|her|their|the|heavy) (\d{4} )?(presidential )?campaign(ing)?|"
    r"(while|when) on the campaign trail|on the campaign trail in|at the time|"
    r"(19|20)\d\d (presidential )?campaign|as a candidate|when (he|she) (was )?(ran|running))\b",
    re.IGNORECASE,
)


#: words that put an administration in the past ("a last-minute Bush administration rule",
#: "described at the time by the Bush administration", "the Bush environmental legacy"):
#: such a mention does not frame its person as serving
_TENURE_PAST = re.compile(
    r"\b((left|leaving|leave) (the )?(office|white house)|final (days|weeks|months)|"
    r"last-minute|last minute|midnight (rule|regulation|action)s?|legacy|at the time|"
    r"what was then|then-(president|governor|mayor|prime minister)|previous|prior)\b",
    re.IGNORECASE,
)
#: an administration a preposition names as a period or a source ("during the final days
#: of the Trump administration", "a holdover from the Trump administration", "released by
#: the Trump administration in January"): it frames nobody as serving now, unlike "the
#: Trump administration said on Tuesday"
_PERIOD_BEFORE = re.compile(
    r"\b(?:during|throughout|since|after|before|under|of|from|by|in|to|with|into|for)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+){0,4}?(?:(?:former|then-?)\s*)?(?:president\s+)?(?:[\w.]+\s+)?$",
    re.IGNORECASE,
)
#: a title that gives its person the office now ("President Trump", "Gov. Newsom"): a
#: campaign the same sentence mentions is one recalled
_IN_OFFICE_TITLE = (
    r"(?<!former )(?<!Former )(?<!ex-)(?:President|Governor|Gov|Mayor|Prime Minister|Senator|"
    r"Sen|Chancellor|Premier)"
)
#: a person said to have left office
_LEFT_OFFICE = re.compile(r"\b(left|leaving) (the )?(office|white house)\b", re.IGNORECASE)


_CANDIDACY = re.compile(
    r"\b(?P<adj>vice[- ]presidential|presidential|mayoral|gubernatorial|senate|congressional)"
    r"\s+(?:candidate|nominee|hopeful|run|bid|race|campaign|ticket)"
    r"|\bcandidate for (?:the )?(?P<post>vice[- ]president|president|mayor|governor|senate)\b",
    re.IGNORECASE,
)
_CANDIDACY_OFFICE = {
    "vice presidential": "vice president",
    "vice-presidential": "vice president",
    "vice president": "vice president",
    "vice-president": "vice president",
    "presidential": "president",
    "president": "president",
    "mayoral": "mayor",
    "mayor": "mayor",
    "gubernatorial": "governor",
    "governor": "governor",
    "senate": "senator",
    "congressional": "representative",
}


def candidacy_office(text: str) -> str | None:
    """The office a candidacy is for ("vice presidential candidate" → vice president,
    "candidate for mayor" → mayor), or None when the text does not say."""
    m = _CANDIDACY.search(text)
    if m is None:
        return None
    return _CANDIDACY_OFFICE.get((m.group("adj") or m.group("post")).lower())


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

    # the offices each person is said to hold: running for another one ("Governor X, the
    # vice presidential candidate") does not put them out of office
    holds: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        name = people.canonical(entity.name) or entity.name
        for role_text in entity.roles:
            role = parse_role(role_text)
            if role.head in OFFICE_HEADS and not role.former:
                holds[name].add(exclusive_title(role) or role.head)

    def running_elsewhere(name: str, text: str) -> bool:
        office = candidacy_office(text)
        return office is not None and bool(holds[name]) and office not in holds[name]

    for entity in entities:
        name = people.canonical(entity.name) or entity.name
        if not people.is_person(name):
            continue
        for role_text in entity.roles:
            role = parse_role(role_text)
            if role.head in ("candidate", "nominee") and candidacy_office(role_text) is None:
                continue  # "candidate Biden decried …": no office named, most often looking back
            if role.head in OFFICE_HEADS or role.head in ("candidate", "nominee"):
                in_office = not role.former and role.head not in ("candidate", "nominee")
                if not in_office and running_elsewhere(name, role_text):
                    continue
                note(name, entity.article_id, "in office" if in_office else "out", role_text)
    surnames = {name.split()[-1]: name for name in people.persons()}
    titled = {
        name: re.compile(
            rf"\b(?:{_IN_OFFICE_TITLE})\.?\s+(?:[A-Z][\w.-]*\s+){{0,2}}{re.escape(surname)}\b"
        )
        for surname, name in surnames.items()
    }
    administrations = {
        name: re.compile(
            rf"\b{re.escape(surname)}(’s|'s)? (administration|government|cabinet|presidency)\b"
        )
        for surname, name in surnames.items()
    }
    year = story_year(articles)

    def recalled(text: str) -> bool:
        """Does the sentence tell of an earlier year ("left office on Aug. 9, 1974")?"""
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", text)]
        return year is not None and bool(years) and max(years) < year

    long_gone: set[str] = set()  # out of office years before the story: titles are history
    for article in articles:
        # "the X administration" frames X as serving, unless the sentence puts it in the
        # past or the article names another person's administration too (two cannot
        # both be the present one, and which is cannot be told)
        admins: dict[str, str] = {}
        for sentence in article.sentences:
            if _TENURE_PAST.search(sentence.text) is None:
                for name, pattern in administrations.items():
                    admin = pattern.search(sentence.text)
                    if admin and not _PERIOD_BEFORE.search(sentence.text[: admin.start()]):
                        admins.setdefault(name, admin.group(0))
            left = _LEFT_OFFICE.search(sentence.text)
            if left:  # "before Bush left office"
                person = _closest_person(sentence.text, left.span(), surnames)
                if person and recalled(sentence.text):
                    long_gone.add(person)  # "When Nixon left office on Aug. 9, 1974"
                elif person:
                    note(person, article.id, "out", sentence.text)
            match = _CAMPAIGN.search(sentence.text)
            if not match or _PAST_CAMPAIGN.search(sentence.text) or recalled(sentence.text):
                continue  # "during his campaign", "in 1964 he backed …": looking back
            person = _nearest_person(sentence.text, match.start(), surnames)
            if (
                person
                and match.group(0).lower().endswith(" campaign")
                and holds[person]
                and candidacy_office(sentence.text) is None
            ):
                continue  # "her campaign" of an office-holder: re-election, or another post
            if person and titled[person].search(sentence.text):
                continue  # "President Trump's travel ban … his comments on the campaign trail"
            if person and not running_elsewhere(person, sentence.text):
                note(person, article.id, "out", sentence.text)
        if len(admins) == 1:
            ((name, said),) = admins.items()
            note(name, article.id, "in office", said)
    found: list[Conflict] = []
    for name, per_article in state.items():
        if name in long_gone:
            continue
        # an article that frames the person both ways is counted once, on the "out"
        # side: "former President X" or "if elected" is a marked, specific claim, while
        # "the X administration" or "President X" is also said of past office-holders
        out = sorted(a for a, v in per_article.items() if "out" in v)
        serving = sorted(a for a, v in per_article.items() if v == {"in office"})
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


def _closest_person(
    text: str, span: tuple[int, int], surnames: Mapping[str, str], reach: int = 40
) -> str | None:
    """The person named closest to ``span`` in ``text`` (before or after it), within
    ``reach`` characters."""
    best: tuple[int, str] | None = None
    for surname, name in surnames.items():
        for m in re.finditer(rf"\b{re.escape(surname)}\b", text):
            gap = span[0] - m.end() if m.end() <= span[0] else max(0, m.start() - span[1])
            if gap <= reach and (best is None or gap < best[0]):
                best = (gap, name)
    return best[1] if best else None


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


def speaker_person(speaker: str | None, people: People) -> str | None:
    """The person a speaker string names, titles dropped ("Police Constable Tim Fanning" →
    "Tim Fanning"); None for bodies, outlets and groups ("NYPD", "the BBC", "officials")."""
    if not is_named(speaker):
        return None
    assert speaker is not None
    words = speaker.split()
    while len(words) > 1 and (words[0].lower().rstrip(".") in ROLE_NOUNS or words[0][:1].islower()):
        words = words[1:]
    name = " ".join(words)
    if not people.is_person(name) or len(words) > 4:
        return None
    return people.canonical(name) or name


def _surname(name: str) -> str:
    return name.split()[-1].lower()


def _mask_names(text: str, names: Iterable[str]) -> str:
    for name in names:
        for part in name.split():
            if len(part) > 2:
                text = re.sub(rf"\b{re.escape(part)}\b", "", text)
    return text


#: role nouns of a person who speaks for a body ("Kremlin spokesperson", "Kremlin insider")
VOICE_NOUNS = frozenset(
    {"spokesperson", "spokesman", "spokeswoman", "spokespeople", "insider", "mouthpiece"}
)
_PRESS_SECRETARY = re.compile(r"\bpress secretary\b", re.IGNORECASE)


def _voice_of(role: str) -> str | None:
    """The body a role speaks for, lower-cased ("Kremlin spokesperson" → "kremlin",
    "Vancouver Police spokesman" → "vancouver police"); None for other roles and for a
    body named by no proper noun ("police spokesman": every force has several)."""
    words = role.replace("’", "'").split()
    for n, word in enumerate(words):
        lower = word.lower().strip(",.")
        if lower in VOICE_NOUNS or (lower == "secretary" and _PRESS_SECRETARY.search(role)):
            body = [w for w in words[:n] if w.lower() not in ("the", "a", "an", "press", "chief")]
            body = [w.removesuffix("'s") for w in body]
            if not any(w[:1].isupper() for w in body):
                return None
            return " ".join(body).lower()
    return None


def voice_conflicts(
    claims: Sequence[Claim], entities: Sequence[Entity], people: People
) -> list[Conflict]:
    """Reports that give a body's word on the story through different people: "Kremlin
    spokesperson Dmitry Peskov claimed …" in one, "Kremlin insider Yuri Ushakov praised
    …" in another.

    Each report must name exactly one person speaking for that body and credit at least
    one statement to them, and neither report may name the other's person in any of its
    claims (then the body spoke through both, and the reports just quote different parts).
    """
    spoke: dict[tuple[str, str], str] = {}  # (article, person) → first claim id
    for claim in claims:
        if claim.kind in (ClaimKind.QUOTE, ClaimKind.ATTRIBUTED, ClaimKind.HEDGED):
            person = speaker_person(claim.speaker, people)
            if person is not None:
                spoke.setdefault((claim.article_id, person), claim.id)
    voices: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    roles: dict[tuple[str, str], str] = {}
    for entity in entities:
        if entity.label != "PERSON":
            continue
        person = people.canonical(entity.name) or entity.name
        if (entity.article_id, person) not in spoke:
            continue
        for role in entity.roles:
            body = _voice_of(role)
            if body:
                voices[body][entity.article_id].add(person)
                roles.setdefault((entity.article_id, person), role)
    texts: dict[str, str] = defaultdict(str)
    for claim in claims:
        texts[claim.article_id] += " " + claim.text.lower()
    found: list[Conflict] = []
    for body, per_article in voices.items():
        single = {a: next(iter(ps)) for a, ps in per_article.items() if len(ps) == 1}
        ids = sorted(single)
        for x, a in enumerate(ids):
            for b in ids[x + 1 :]:
                pa, pb = single[a], single[b]
                if people.same(pa, pb) or _surname(pa) == _surname(pb):
                    continue
                if _surname(pb) in texts[a] or _surname(pa) in texts[b]:
                    continue
                found.append(
                    Conflict(
                        "attribution",
                        f"who spoke for {_body_label(roles[(a, pa)], body)}",
                        spoke[(a, pa)],
                        spoke[(b, pb)],
                        pa,
                        pb,
                        f"{roles[(a, pa)]} {pa}",
                        f"{roles[(b, pb)]} {pb}",
                    )
                )
    return found


def _body_label(role: str, body: str) -> str:
    """The body as the report writes it ("the Kremlin", "the Vancouver Police")."""
    at = role.lower().find(body)
    label = role[at : at + len(body)] if at >= 0 else body
    return f"the {label}"


def attribution_conflicts(
    claims: Sequence[Claim],
    pairs: Iterable[Pair],
    people: People,
    similarity: Similarity | None = None,
) -> list[Conflict]:
    """The same words credited to two different people.

    Only persons count (a body and the official who speaks for it are not a conflict, nor
    an outlet and the person it quotes), each must be named in the sentence itself (not
    reached through "he said"), and neither sentence may name the other speaker (then the
    speakers were mixed up by the parse, not by the outlet). Quotes match by their words;
    reported statements by their content with the speakers' names masked.
    """
    candidates: list[tuple[Claim, Claim, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for pair in pairs:
        ca, cb = claims[pair.i], claims[pair.j]
        kinds = (ClaimKind.QUOTE, ClaimKind.ATTRIBUTED)
        if ca.kind not in kinds or cb.kind not in kinds:
            continue
        pa, pb = speaker_person(ca.speaker, people), speaker_person(cb.speaker, people)
        if pa is None or pb is None or people.same(pa, pb) or _surname(pa) == _surname(pb):
            continue
        if fuzz.ratio(_surname(pa), _surname(pb)) >= 85:
            continue
        if _surname(pa) not in ca.text.lower() or _surname(pb) not in cb.text.lower():
            continue  # credited through a pronoun: the parse may be wrong
        if _surname(pb) in ca.text.lower() or _surname(pa) in cb.text.lower():
            continue  # both names in both sentences: a parse mix-up, not the outlets'
        key = (min(ca.id, cb.id), max(ca.id, cb.id))
        if key in seen:
            continue
        seen.add(key)
        if ca.kind is ClaimKind.QUOTE and cb.kind is ClaimKind.QUOTE:
            if (
                fuzz.token_set_ratio(_quote_core(ca.text), _quote_core(cb.text))
                < QUOTE_TEXT_SIMILARITY
            ):
                continue
        elif pair.similarity < STATEMENT_SIMILARITY:
            continue
        candidates.append((ca, cb, pa, pb))
    if similarity is not None and candidates:
        scores = similarity(
            [
                (_mask_names(a.text, (x, y)), _mask_names(b.text, (x, y)))
                for a, b, x, y in candidates
            ]
        )
        candidates = [
            c
            for c, score in zip(candidates, scores, strict=True)
            if (c[0].kind is ClaimKind.QUOTE and c[1].kind is ClaimKind.QUOTE)
            or score >= STATEMENT_CONTENT_SIMILARITY
        ]
    return [
        Conflict("attribution", _quote_core(a.text)[:80], a.id, b.id, x, y, a.text, b.text)
        for a, b, x, y in candidates
    ]


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
    # (a day or date said two ways, "Tuesday" / "yesterday", is the fact table's to judge)
    ea = {e for e in a.entities if not _WHEN.search(e)}
    eb = {e for e in b.entities if not _WHEN.search(e)}
    # one name inside the other ("San Diego" / "San Diego Chargers") is one name
    only_a = {e for e in ea - eb if not any(e in o or o in e for o in eb)}
    only_b = {e for e in eb - ea if not any(e in o or o in e for o in ea)}
    if ea and eb and only_a and only_b and ea & eb:
        return "different names"
    return None


_WHEN = re.compile(
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|today|tonight|tomorrow|"
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|morning|evening|night|afternoon|week|month|year)s?\b|\d",
    re.IGNORECASE,
)


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
    """Per article on a side of a dispute, the sentence that puts it there: the sentence
    of its claim on that side, else (article-level role findings) the first sentence that
    holds one of the side's evidence phrases ("" when none does)."""
    articles = {a.id: a for a in check.articles}
    return tuple(
        articles[a].sentences[n].text if n is not None and a in articles else ""
        for a, n in side_sentence_indexes(check, side)
    )


def side_sentence_indexes(
    check: StoryCheck, side: FindingSide
) -> tuple[tuple[str, int | None], ...]:
    """``(article id, sentence index)`` per article on a side (see :func:`side_sentences`)."""
    wanted = set(side.claim_ids)
    found: dict[str, int] = {}
    for claim in check.claims:
        if claim.id in wanted and claim.article_id not in found:
            found[claim.article_id] = claim.sentence_index
    phrases = [p.casefold() for p in side.evidence if p]
    for article in check.articles:
        if article.id in found or article.id not in side.article_ids or not phrases:
            continue
        for sentence in article.sentences:
            text = sentence.text.casefold()
            if any(p in text for p in phrases):
                found[article.id] = sentence.index
                break
    return tuple((a, found.get(a)) for a in side.article_ids)


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
    if kind == "attribution" and subject.startswith("who spoke for "):
        return f"W{subject[1:]}? {shown}"
    if kind == "attribution":
        return f"“{subject}…” attributed to {shown}"
    return f"Contradictory statements: {subject}"
