"""Typed facts from one parsed article: figures, dates, times, ages, titles and speakers.

Each fact names its slot (what is measured, which event is dated, whose title) so facts
of different articles can be aligned slot by slot, and carries its scope: a figure in a
sentence about another year, or a forecast, is not the story's main event.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from storycheck.claims.dates import find_dates
from storycheck.claims.numbers import find_quantities, words_to_number
from storycheck.model import Article, Claim, Entity, Fact, Quantity, Quote, Sentence

if TYPE_CHECKING:  # (verify imports this stage: no import back at run time)
    from storycheck.verify.people import People

from .attributes import colours, conditions, phones, tallies
from .slots import (
    DEAD,
    DISTANCE,
    DURATION,
    INJURED,
    STATISTIC,
    SUPERSEDED,
    TOLLS,
    UNKEYED,
    VAGUE_VERBS,
    governor,
    lemma,
    measured,
    noun_of,
    owner_of,
    pronoun_surname,
    span_tokens,
)

# "still damping down on Wednesday, a day after the fire": a later state, not the event's date
LATER_STATE = re.compile(
    r"\b(still|a day after|the day after|\w+ days? after|a day later|\w+ hours? after|since|"
    r"continued|remained|again|by then)\b",
    re.IGNORECASE,
)


#: how far before a date a later-state word still governs it ("… since its deployment on
#: November 2" leaves "On November 19, INS Tabar sank a trawler" alone)
LATER_REACH = 60
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MAGNITUDE = re.compile(r"\b(magnitude|richter)\b", re.IGNORECASE)
_DISTANCE = re.compile(
    r"(?<![\w.])(?P<num>\d[\d,]*(?:\.\d+)?|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred)"
    r"(?:[- ]\w+)?)"
    r"\s?-?\s?(?P<nautical>nautical )?"
    r"(?P<unit>kilometres?|kilometers?|km|miles?|metres?|meters?|m|ft|feet|foot|yards?)\b",
    re.IGNORECASE,
)
_FROM_PLACE = re.compile(
    r"\)?\s+(?:\([^)]*\)\s+)?(?:to the |due )?(?:north|south|east|west|north-?east|north-?west|"
    r"south-?east|south-?west)(?:ern)?\s+of\s+(?:the )?(?:port of |city of |town of )?"
    r"([A-Z][\w’'-]+(?: [A-Z][\w’'-]+){0,2})"
)
_AGE = re.compile(
    r"\b(?P<n>\d{1,3})[- ]years?[- ]old\b|(?<=, )(?P<m>\d{1,3})(?=,)|\baged (?P<a>\d{1,3})\b"
)
_TIME = re.compile(
    r"\b(?P<q>about |around |approximately |(?:shortly|just|soon) (?:after|before) )?"
    r"(?P<h>\d{1,2})(?:[:.]\s?(?P<m>\d{2}))?\s?(?P<ap>a\.\s?m\.|p\.\s?m\.|am\b|pm\b)"
    r"(?:\s?\(?(?P<zone>[ECMP][SD]?T|GMT|UTC|BST|CES?T|IST)\b\)?)?"
    r"|\b(?P<word>noon|midnight)\b",
    re.IGNORECASE,
)
_RATE = re.compile(
    r"^\W{0,3}(a|per|each)[ -](year|season|game|month|week)\b|^\W{0,3}annually", re.I
)
_FORECAST = frozenset("will could may might would expect plan forecast predict likely".split())
_SPEECH = frozenset(
    "say tell add state report confirm announce note explain quote write post tweet".split()
)
_QUALIFIER_WORDS = {
    "approx": "about",
    "at_least": "at least",
    "more_than": "more than",
    "less_than": "less than",
    "at_most": "at most",
    "nearly": "nearly",
    "just_over": "just over",
}


class FactSink:
    """Collects the facts of one article with running ids."""

    def __init__(self, article: Article, claims: Sequence[Claim]) -> None:
        self.article = article
        self.facts: list[Fact] = []
        self.persons: list[tuple[int, str]] = []
        self.claim_at: dict[int, str] = {}
        for claim in claims:
            if claim.article_id == article.id:
                self.claim_at.setdefault(claim.sentence_index, claim.id)

    def last_person(self, char: int) -> str | None:
        """The person named last before ``char`` (what "he"/"she" most likely refers to)."""
        best: tuple[int, str] | None = None
        for start, name in self.persons:
            if start < char and (best is None or start > best[0]):
                best = (start, name)
        return best[1] if best else None

    def add_match(
        self, sentence: Sentence, match: re.Match[str], group: int | str = 0, **fields: Any
    ) -> None:
        """A fact read by a pattern off the sentence's text: its span is the match's (or
        its ``group``'s), and so is its value unless ``value`` is given."""
        fields.setdefault("value", match.group(group))
        self.add(
            sentence,
            start=sentence.start + match.start(group),
            end=sentence.start + match.end(group),
            **fields,
        )

    def add(self, sentence: Sentence, **fields: Any) -> None:
        self.facts.append(
            Fact(
                id=f"{self.article.id}:f{len(self.facts)}",
                article_id=self.article.id,
                sentence_index=sentence.index,
                claim_id=self.claim_at.get(sentence.index, ""),
                **fields,
            )
        )


#: how much more a year named in an article's lead counts towards the story's year
LEAD_WEIGHT = 3


def story_year(articles: Iterable[Article]) -> int | None:
    """The year most of the story's articles name (the year of its main event), if any."""
    counts: Counter[int] = Counter()
    published: Counter[int] = Counter()
    for article in articles:
        if article.published is not None:
            published[article.published.year] += 1
        years = {int(y) for y in _YEAR.findall(article.text)}
        # a year the lead names (a dateline, "on Tuesday, July 2, 2013") is the event's
        # more surely than one named further down ("the 2004 tsunami")
        lead = article.sentences[0].text if article.sentences else article.text[:300]
        counts.update({y: LEAD_WEIGHT if str(y) in lead else 1 for y in years})
    if published:
        return published.most_common(1)[0][0]
    if not counts:
        return None
    year, n = counts.most_common(1)[0]
    return year if n >= 2 else None


def _averaged(noun: Any | None, tokens: list[Any]) -> bool:
    """Is a count an average ("averaged 30 home runs and 100 RBIs", "an average of 12")?"""
    top = noun if noun is not None else _top(tokens)
    gov = governor(top)
    if gov is not None and lemma(gov) == "average":
        return True
    first = tokens[0]
    before = first.doc[first.i - 2 : first.i] if first.i >= 2 else first.doc[: first.i]
    return any(t.lower_ in ("average", "averaging", "averaged") for t in before)


def reporting_year(article: Article) -> int | None:
    """The year an article was written in: its publication year, else the latest year it
    names (a report of a 2007 trial about a 2005 killing names 2007)."""
    if article.published is not None:
        return article.published.year
    years = [int(y) for y in _YEAR.findall(article.text)]
    return max(years) if years else None


_BACKGROUND = re.compile(
    r"\b(last|previous|past) (month|year|week|decade|season)|\b(this|that|earlier this|"
    r"later that) (year|month)\b|\bearlier this\b|\byears? ago\b|\bin the past\b|"
    r"\bhistory\b|\bworst since\b|\bprevious(ly)?\b|"
    r"\bin (?:early |late |mid-?)?(january|february|march|april|june|july|august|september|"
    r"october|november|december)\b|\bformer(ly)?\b|\bsince (19|20)\d\d\b|"
    r"\b(this|last|the regular|the|a|per|each) season\b|\bcareer\b|\ball-time\b|"
    r"\b(just|only|some|several|a few) (weeks|months|years) (after|before|earlier)\b|"
    r"\b(weeks|months|years) earlier\b",
    re.IGNORECASE,
)
#: a report the article itself says was superseded ("originally reported that two died")
_SUPERSEDED = re.compile(
    r"\b(?:originally|initially|first|earlier) (?:reported|said|believed|thought)\b",
    re.IGNORECASE,
)


#: what usually happens ("Microsoft typically releases patches on the second Tuesday of
#: every month"): no date or figure of the story's event
_HABITUAL = re.compile(
    r"\b(?:typically|usually|normally|customarily|routinely)\b|\bevery (?:month|week|year)\b",
    re.IGNORECASE,
)
#: an event still to come, without a modal verb
_EXPECTED = re.compile(
    r"\b(?:is|are|was|were) (?:expected|scheduled|due|set|slated|planning|poised) to\b"
    # what forecasters looked for: "analysts … were expecting 870,000 jobs", "economists
    # surveyed by Dow Jones had been looking for 845,000"
    r"|\b(?:were|was|had been|are|is) (?:expecting|forecasting|predicting|projecting|"
    r"looking for)\b|\b(?:economists|analysts|forecasters|estimates?|consensus|polls?|"
    r"surveys?|surveyed)\b[^.;]{0,60}\b(?:expected|forecast|predicted|projected|anticipated)\b"
    # (an expected figure: "had expected a 3.6% increase", not "more had been expected")
    r"|\bhad (?:been )?expected (?:a |an )?(?:about |around |roughly )?[$£€]?\d",
    re.IGNORECASE,
)
#: a time stamp of the page, not of the event: "Updated: November 11, 2011 20:09 IST",
#: "Published: Dec. 19, 2005 at 9:44 PM", "May 2, 2013 | 5:03pm"
_STAMP_LABEL = re.compile(
    r"\b(?:published|updated|posted|created|modified|last updated)\b\s*(?:on|at)?\s*:?\s*"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?$",
    re.IGNORECASE,
)
_STAMP_CLOCK = re.compile(r"\s*(?:\||,|at)?\s*\d{1,2}\s?:\s?\d\d", re.IGNORECASE)
_STAMP_DATE = re.compile(r"(?:19|20)\d\d\s*(?:\||,|at)?\s*$", re.IGNORECASE)


def _stamp_date(text: str, start: int, end: int) -> bool:
    """Is the date at ``text[start:end]`` a page's time stamp (a label before it, or a
    clock time right after a full date)?"""
    if _STAMP_LABEL.search(text[max(0, start - 30) : start]):
        return True
    if not re.search(r"(?:19|20)\d\d$", text[start:end]):
        return False
    if _STAMP_CLOCK.match(text, end):
        return True
    # a headline's date run into the story's first sentence: "… dies Wednesday, July 28,
    # 2004 Fred LaRue, a Watergate figure, …" (prose puts a comma or a small word there)
    return bool(re.match(r" [A-Z][a-z]", text[end : end + 3])) and bool(
        re.search(r"\d{1,2}\b", text[start:end][:-4])
    )


def _stamp_time(text: str, start: int) -> bool:
    """Is the clock time at ``start`` a page's time stamp (after a label or a full date)?"""
    before = text[max(0, start - 40) : start]
    return bool(_STAMP_LABEL.search(before)) or bool(_STAMP_DATE.search(before[-12:]))


_EVENTS = (
    r"(?:quake|earthquake|tremor|aftershock|blast|explosion|attack|strike|shooting|"
    r"bomb|bombing|fire|storm|wave|raid|shell)s?"
)
#: another event of a series of like ones: "a second quake", "one of the tremors",
#: "smaller quakes", "the latest in a series of dozens of tremors", aftershocks
_SERIES = re.compile(
    rf"\b(?:the|a|an|its)\s+(?P<ord>second|third|fourth|later|latest|smaller|subsequent)\s+"
    rf"{_EVENTS}\b"
    rf"|\b(?:one|two|three|some|several|many|dozens|a series|each|both) of (?:the |these |"
    rf"those |its |\w+ )?(?:\w+ )?{_EVENTS}\b|\bsmaller {_EVENTS}\b|\baftershocks?\b",
    re.IGNORECASE,
)


_MAIN_EVENT = re.compile(
    rf"\b(?:the|its|a)\s+(?:initial|first|main|original|primary)\s+{_EVENTS}\b", re.IGNORECASE
)
_EVENT_NOUN = re.compile(rf"\b{_EVENTS}\b", re.IGNORECASE)
_SEPARATE = re.compile(
    r"\b(?:in|during) (?:a|another) separate (?:incident|attack|strike|raid|shooting|bombing|"
    r"blast|clash|case|operation)\b",
    re.IGNORECASE,
)
_FIRST_EVENT = re.compile(rf"\b(?:the|its)\s+first\s+{_EVENTS}\b", re.IGNORECASE)


def series_scope(text: str) -> str | None:
    """The scope of a sentence about an event of a series other than the story's main
    one ("a second quake", "one of the tremors", "aftershocks") or about a span of games or
    minutes (the box-score span, :data:`_SPAN`: "in his last two games", "in 35 minutes";
    each report picks its own): "series second" / "series third" for the ordinal ones
    (compared only with each other), "series" for the rest (never compared); None when
    the sentence names no such thing. "The first quake" is "series first": one of several,
    compared only with the first of the others, not with "the quake" a report times (on
    an ECB+ event two quakes three hours apart). The initial or main event is the
    story's own."""
    if _SPAN.search(text) or _SEPARATE.search(text):
        return "series"  # (a span of games; "in a separate incident, seven were injured")
    if _FIRST_EVENT.search(text) and not _SERIES.search(text):
        # "the first quake struck at 4:43": one of several, told apart from "the quake"
        # the other reports time (compared only with the first of the others)
        return "series first"
    m = _SERIES.search(text)
    if m is None or _MAIN_EVENT.search(text):
        return None  # (a sentence that names the main event too speaks of it as well)
    ordinal = (m.group("ord") or "").lower()
    return f"series {ordinal}" if ordinal in ("second", "third", "fourth") else "series"


def sentence_scope(sentence: Sentence, tokens: Sequence[Any], year: int | None) -> str:
    """main, background (another year or time), forecast (a modal future) or superseded
    (what was first reported, as the article itself says)."""
    years = {int(y) for y in _YEAR.findall(sentence.text)} - _model_years(tokens)
    if _SUPERSEDED.search(sentence.text):
        return SUPERSEDED
    if years and (year is None or year not in years):
        return f"background {min(years)}"
    if _BACKGROUND.search(sentence.text) or _HABITUAL.search(sentence.text):
        return "background"
    if _EXPECTED.search(sentence.text):
        return "forecast"  # "is expected to appear in court next Monday"
    # a modal makes the sentence a forecast unless it sits in a relative clause that
    # describes something ("the borders that would define a ceasefire")
    if any(
        t.lower_ in ("will", "would", "could", "might", "may")
        and t.tag_ == "MD"
        and t.head.dep_ not in ("relcl", "acl")
        for t in tokens
    ):
        return "forecast"
    return "main"


def _model_years(tokens: Sequence[Any]) -> set[int]:
    """Years that name a product's model ("a gray 2013 Toyota Camry"), not a time."""
    return {
        int(t.text)
        for t in tokens
        if t.text.isdigit()
        and len(t.text) == 4
        and t.dep_ in ("nummod", "compound", "amod")
        and t.head.ent_type_ == "PRODUCT"
    }


def _top(tokens: list[Any]) -> Any:
    """The token of a span whose head lies outside it."""
    inside = {t.i for t in tokens}
    for tok in tokens:
        if tok.head.i not in inside or tok.head.i == tok.i:
            return tok
    return tokens[-1]


_DATE_PATH = frozenset(
    {"npadvmod", "pobj", "prep", "tmod", "appos", "compound", "nummod", "advmod", "conj"}
)
_DATE_PREPS = frozenset(
    {"on", "at", "in", "by", "around", "about", "until", "before", "after", "from"}
)


def _predicate(token: Any, resolve: Any = None) -> tuple[str, str, str] | None:
    """(verb lemma, subject, verb as worded) of the clause a date or time modifies.

    The date must hang from the verb directly or through a temporal preposition ("died
    on Thursday", "was shot at 3 p.m."); one that modifies a noun ("the June 20 attempted
    murder") dates that noun's event, not the clause's.
    """
    node = token
    for _ in range(6):
        if node.pos_ in ("VERB",) or (node.pos_ == "AUX" and node.dep_ == "ROOT"):
            break
        if node.head.i == node.i or node.dep_ not in _DATE_PATH:
            return None
        if (
            node.dep_ == "prep"
            and node.lower_ not in _DATE_PREPS
            and not (node.lower_ == "of" and node.head.ent_type_ in ("DATE", "TIME"))
        ):
            return None  # ("the early hours of Wednesday" still dates the clause)
        if node.pos_ == "NOUN" and node.ent_type_ not in ("DATE", "TIME") and node.i != token.i:
            return None
        node = node.head
    else:
        return None
    verb = lemma(node)
    if verb in VAGUE_VERBS or verb in _SPEECH:
        return None
    particles = [c.text for c in node.children if c.dep_ == "prt"]
    worded = " ".join([node.text.lower(), *particles])
    obj = next((c for c in node.children if c.dep_ == "dobj"), None)
    if obj is not None and obj.pos_ in ("PROPN", "NOUN") and obj.ent_type_ not in ("DATE", "TIME"):
        # "signed Wynn on Tuesday" and "signed Ivory on Monday" date two events
        verb = f"{verb} {obj.text if obj.pos_ == 'PROPN' else lemma(obj)}"
        worded = f"{worded} {obj.text}"
    subject = next(
        (c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")),
        None,
    )
    if subject is None and node.dep_ in ("advcl", "conj", "xcomp", "relcl", "acl"):
        subject = next((c for c in node.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None and subject.lower_ in ("who", "which", "that") and node.dep_ == "relcl":
        subject = node.head  # "Chohan, who lived in South Ozone Park": Chohan
    if subject is None:
        return None
    if (surname := pronoun_surname(subject, resolve)) is not None:
        return verb, surname, worded
    doc = subject.doc
    while (
        subject.ent_type_ != "PERSON"
        and subject.i + 1 < node.i
        and doc[subject.i + 1].pos_ in ("PROPN", "NOUN")
    ):
        subject = doc[subject.i + 1]  # "Varnbridge City Council": the council
    if subject.ent_type_ == "PERSON":
        return verb, subject.text, worded  # a surname: the same person in every article
    name = lemma(subject)  # "Varnbridge City Council" and "the council" meet on "council"
    if name in ("it", "they", "he", "she", "this", "that", "who", "which", "i", "we", "you"):
        return None
    return verb, name, worded


def _value_text(text: str, start: int, end: int, qualifier: str | None) -> str:
    words = _QUALIFIER_WORDS.get(qualifier or "", "")
    core = text[start:end]
    return f"{words} {core}".strip() if words and words not in core.lower() else core


def _quantities(sink: FactSink, sentence: Sentence, doc: Any, scope: str, people: People) -> None:
    text = sentence.text
    base = sentence.start
    taken: list[tuple[int, int]] = []
    previous_end = -1
    for m in _DISTANCE.finditer(text):
        if previous_end >= 0 and re.fullmatch(r"\s*\(\s*", text[previous_end : m.start()]):
            previous_end = m.end()
            taken.append(m.span())
            continue  # "10 kilometres (6 miles)": the same distance converted
        previous_end = m.end()
        raw = m.group("num").replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            parsed = words_to_number(raw.replace("-", " "))
            if parsed is None:
                continue
            value = parsed
        unit = m.group("unit").lower().rstrip("s")
        factor = (
            DISTANCE.get(unit) or DISTANCE.get(unit + "s") or DISTANCE.get(m.group("unit").lower())
        )
        if factor is None or (unit == "m" and value < 10) or m.group("unit") == "M":
            continue  # (a capital M after digits names a model: "the 9400M")
        if m.group("nautical") and unit.startswith("mile"):
            factor = 1852.0
        tokens = span_tokens(doc, base + m.start(), base + m.end())
        if not tokens:
            continue
        player = None
        if unit == "yard":
            if re.search(r"-\s?yards?$", m.group(0)):
                continue  # "a 7-yard touchdown pass", "the 16-yard line": one play
            player = owner_of(_top(tokens), sink.last_person)
            if player is None:
                continue  # yards of a box score: whose, in which game?
        place = _FROM_PLACE.match(text, m.end())
        gov = governor(_top(tokens))
        verb = lemma(gov) if gov is not None else ""
        if _DEPTH.search(text[max(0, m.start() - 24) : m.start()]):
            key, label = "depth", "depth"  # "at a depth of 35 kilometres"
        elif place is not None:
            # "1,500 kilometres south of Tehran": how far from a named place
            key, label = (
                f"distance|from {place.group(1).lower()}",
                f"distance from {place.group(1)}",
            )
        elif verb and verb not in VAGUE_VERBS:
            key, label = f"distance|{verb}", f"distance ({gov.text.lower() if gov else ''})"
        else:
            key, label = f"{UNKEYED}distance", "distance"
        if player is not None:
            # "Thomas rushed for 269 yards", "Ivory's 716 yards": each player's own
            key, label = f"{key.lstrip(UNKEYED)}|{player.lower()}", f"{label} ({player})"
            key += _span_of(text)
        taken.append(m.span())
        sink.add(
            sentence,
            kind="quantity",
            key=key,
            slot=label,
            value=m.group(0),
            start=base + m.start(),
            end=base + m.end(),
            number=value * factor,
            unit="m",
            scope=STATISTIC if player is not None and scope == "main" else scope,
        )
    quantities = find_quantities(text)
    lower_of = _ranges(text, quantities)  # upper end's start → the range's lower end
    lowers = {lo.start for lo in lower_of.values()}
    # "$US1 million ($1.52 million)": the same sum in another currency
    converted = {b.start for a, b in itertools.pairwise(quantities) if _converted(text, a, b)}
    for q in quantities:
        if any(s <= q.start < e for s, e in taken) or q.kind == "ordinal" or q.start in lowers:
            continue
        if q.start in converted:
            continue
        if _WHOLE.search(text, max(0, q.start - 30), q.start):
            continue  # "two of the three victims died": three is the whole, not the toll
        if _RANK.search(text, max(0, q.start - 4), q.start):
            continue  # "the No. 5 seed", "the #1 pick": a rank, not a count
        if (
            q.value <= 12
            and _CLOCK_AT.search(text, max(0, q.start - 24), q.start)
            and _CLOCK_AFTER.match(text, q.end)
        ):
            continue  # "found at about 8." / "at around 9 on Saturday": a time of day
        after = text[q.end : q.end + 14].lower()
        if re.match(r"[- ]?(years?[- ]old|year old|ago)\b", after) or re.match(
            r"\s?(a\.\s?m|p\.\s?m|am\b|pm\b|block)", after
        ):
            continue
        before = text[max(0, q.start - 24) : q.start]
        if re.match(r"\s?:\s?\d\d", after) or re.search(r"\d\s?:\s?$", before):
            continue  # a clock time ("19: 30 BST")
        if re.match(r"\s?[-–]\s?\d", after) or re.search(r"\d\s?[-–]\s?$", before):
            continue  # one side of a score or tally ("a 14-0 lead", "a 7 - 0 run")
        if _KIN_OF.search(before):
            continue  # "a mother of 12"
        tokens = span_tokens(doc, base + q.start, base + q.end)
        lower = lower_of.get(q.start)
        if lower is not None and tokens and noun_of(tokens) is None:
            # "three or four robbers": the parser hangs "four" from "three", which counts
            tokens = span_tokens(doc, base + lower.start, base + lower.end) or tokens
        around = text[max(0, q.start - 2) : q.start], text[q.end : q.end + 2]
        if not tokens or _not_a_count(q.text, tokens, q.kind, *around):
            continue
        near = text[max(0, q.start - 25) : q.end + 25]
        own_scope = scope
        number = q.value
        upper = q.value if lower is not None else None
        unit = q.unit
        if _MAGNITUDE.search(near) and q.value < 10 and q.kind == "cardinal":
            key, label = "magnitude", "magnitude"
        elif q.kind == "money":
            if _SHARE_PRICE.search(text) or _PER_SHARE.match(text, q.end):
                continue  # "HP shares dropped $2.49 to close at $46.64", "$25 a share"
            gov = governor(_top(tokens))
            thing = _money_thing(tokens, gov)
            rate = " a year" if _RATE.search(text[q.end :]) else ""
            # "the scheme", "the extension", "will cost": one price in different words;
            # the context check at comparison keeps different sums apart
            key = f"money|{q.unit or ''}{'|rate' if rate else ''}"
            label = f"amount ({thing}{rate})" if thing else f"amount{rate}"
            if (payer := _payer(_top(tokens))) is not None:
                # "the Nationals made a $160 million offer", "the Red Sox offered a deal
                # worth $184 million": each party's sum is a slot of its own
                key, label = f"{key}|{payer.lower()}", f"{label} ({payer})"
            elif not thing:
                key = UNKEYED + key
        elif q.kind == "percent":
            of = re.match(
                r"\s*(?:of|in)\s+(?:the\s+|its\s+|their\s+|\w+[’']s\s+)?([a-z]+)", text[q.end :]
            )
            gov = governor(_top(tokens))
            thing = of.group(1) if of else (lemma(gov) if gov is not None else "")
            if not thing or thing in VAGUE_VERBS:
                key, label = f"{UNKEYED}percent", "share (percent)"
            else:
                key, label = f"percent|{thing}", f"share of {thing}"
        elif q.kind == "duration":
            noun = noun_of(tokens)
            gov = governor(noun if noun is not None else _top(tokens))
            verb = lemma(gov) if gov is not None else ""
            number = q.value * DURATION.get(q.unit or "", 1.0)
            if number >= 43200:
                continue  # months and years: careers, contracts, sentences — background
            scale = "hours" if number < 1440 else "days"
            # "lasted two hours", "after almost three hours", "two hours of talks": one
            # slot per time scale; the context check keeps different spans apart
            key, label, unit = f"duration|{scale}", f"how long ({scale})", "minute"
            if (since := _since(noun if noun is not None else _top(tokens))) is not None:
                # "a week after suffering a heart attack", "a heart attack nine days
                # earlier": the time since one event, whatever else the sentence says
                key, label = f"duration|since {since}", f"time since the {since}"
            elif not verb or verb in VAGUE_VERBS or verb in _SPEECH:
                key = UNKEYED + key
            elif (event := _span_event(noun if noun is not None else _top(tokens))) is not None:
                # "married two weeks ago", "had married three weeks before the shooting",
                # "was married about a week ago": how long before now or before the
                # story's event something happened, one slot per thing that happened
                key, label = f"{key}|{event}", f"how long ago ({event})"
        elif q.kind == "cardinal" and q.unit == "pound":
            # "weighing 130 pounds" (numbers told it from money by the words around it)
            key, label, number, unit = "weight", "weight", q.value * 0.45359237, "kg"
        elif (repeat := _repeated(noun_of(tokens))) is not None:
            key, label = repeat  # "arrested four times"
            own_scope = _count_scope(text, scope)
        else:
            noun = noun_of(tokens)
            top = _top(tokens)
            if noun is None and top.dep_ in ("compound", "nummod") and not top.head.is_alpha:
                noun = top.head  # "seven AK-47 rifles", the model name parsed as a number
            if noun is not None and not noun.is_alpha and noun.head.pos_ == "NOUN":
                noun = noun.head  # "seven AK-47 rifles" count rifles
            found = _doors_away(noun, text, base)
            found = found or measured(noun, noun if noun is not None else _top(tokens), q.value)
            if found is None:
                if noun is None or not lemma(noun).isalpha():
                    continue  # a bare number, a code or a model name ("AK-47s")
                found = (f"{UNKEYED}count|{lemma(noun)}", f"number of {noun.text.lower()}")
            key, label = found
            if key in _GAME_NOUNS and noun is not None:
                # "missed four games", "spent five games with the Dolphins", "two games
                # short of the finale": what happened in those games is part of the slot
                done = governor(noun)
                if done is not None and done.pos_ == "VERB" and lemma(done) not in VAGUE_VERBS:
                    key, label = f"{key}|{lemma(done)}", f"{label} ({done.text.lower()})"
                    if lemma(done) in _PLAYED and not scope.startswith("series"):
                        own_scope = STATISTIC  # "played in 157 games": a career statistic
                else:
                    key = UNKEYED + key
            if key in TOLLS and _INTENDED.search(text[max(0, q.start - 50) : q.end + 12]):
                continue  # "conspiring to kill three others": nobody died of it
            if key == "population":
                # "a city of population 167,000" and "Indonesia, with over 230 million":
                # each place's own
                where = _place_named(doc, base, text, q.start)
                key, label = (
                    (f"population|{where.lower()}", f"population of {where}")
                    if where
                    else (f"{UNKEYED}population", "population")
                )
            owner = owner_of(noun if noun is not None else _top(tokens), sink.last_person)
            counted = key.removeprefix(UNKEYED).removeprefix("count|").split("|")[0]
            if counted in BOX_SCORE or (noun is not None and lemma(noun) in BOX_SCORE):
                if not owner:
                    continue  # whose points, in which game? nobody can compare them
                key += _span_of(text)
                own_scope = STATISTIC if scope == "main" else scope
            if owner and key not in TOLLS:
                # "Thomas rushed for 269 yards", "Ivory's 716 yards": one slot per person
                key, label = f"{key}|{owner.lower()}", f"{label} ({owner})"
            if key not in TOLLS and _averaged(noun, tokens):
                # "averaged 100 RBIs in six seasons" is a rate, not a total
                key, label = f"{key}|average", f"{label} (average)"
        if own_scope == "main" and _specification(text, q, noun_of(tokens)):
            own_scope = STATISTIC  # "a 2.93-GHz processor", "the 13-inch model", "8 hours"
        qualifier = _nearness(text, q.start) or q.qualifier
        part = (key not in TOLLS and _PART.search(text[: q.start])) or _OF_THEM.match(text, q.end)
        end = q.end
        if q.kind == "duration" and (span_unit := _SPAN_UNIT.match(text, q.end)):
            end = span_unit.end()  # shown as "nine days", not "nine" (the span stays)
        elif key.startswith("doors away|") and noun is not None:
            end = noun.idx - base + len(noun.text)  # "five buildings"
        if lower is not None and upper is not None:
            # "three or four robbers", "between 60 and 100 rioters": the range, read from
            # its lower end (in the measured unit)
            number, upper = lower.value * number / q.value if q.value else lower.value, number
        first = lower.start if lower is not None else q.start
        sink.add(
            sentence,
            kind="quantity",
            key=key,
            slot=label,
            value=_value_text(text, first, end, qualifier),
            start=base + first,
            end=base + q.end,
            number=number,
            upper=upper,
            qualifier=qualifier,
            unit=unit,
            # "Germany's share of the bailout, 22 billion euros" is not the bailout's sum
            scope="part" if part else own_scope,
        )


#: "three or four", "between 60 and 100", "five to seven": a range of one count
_RANGE_GAP = re.compile(r"\s*(?:or|to)\s*$")
_BETWEEN = re.compile(r"\bbetween\s*$", re.IGNORECASE)
_CHANGE = re.compile(
    r"\b(?:from|rose|rise|rising|fell|fall|falling|dropped|drop|increased|decreased|cut|raised|"
    r"climbed|jumped|grew|slashed|reduced|lowered|up|down)\b[^.;]{0,20}$",
    re.IGNORECASE,
)
#: "two of the three …", "15 of its 20 …": the number after it is the whole of a part
_WHOLE = re.compile(
    r"\b(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"dozens?|hundreds?|thousands?|most|all|some|many|none|half)\s+of\s+(?:the|its|their|his|"
    r"her|our|these|those)\s+$",
    re.IGNORECASE,
)
#: a sentence about a share price's move ("shares soared $5.27 to finish at $24.13")
_SHARE_PRICE = re.compile(
    r"\b(?:shares?|stocks?)\b[^.;]{0,60}?\b(?:rose|fell|dropped|soared|jumped|climbed|slid|"
    r"gained|lost|added|sank|plunged|tumbled|surged|closed|finished|ended|traded|sagged|"
    r"slipped|dipped|edged|rallied|advanced|declined|slumped)\b|"
    r"\bto (?:close|finish|end|settle) at\b",
    re.IGNORECASE,
)
_PER_SHARE = re.compile(r"\W{0,3}(?:a|per)[ -]share\b", re.IGNORECASE)
#: a number that ranks ("No. 5", "#1", "number 2")
_RANK = re.compile(r"(?:\bNo\.?\s?|#\s?|\bnumber\s)$", re.IGNORECASE)
#: "at about 8.", "at around 9 on": a bare hour after "at" is a time of day
_CLOCK_AT = re.compile(
    r"(?<!stood )(?<!stands )(?<!rose )(?<!put )(?<!reached )(?<!estimated )(?<!was )"
    r"(?<!is )\bat\s+(?:about|around|roughly)\s+$",
    re.IGNORECASE,
)
_CLOCK_AFTER = re.compile(r"\s*(?:[.,;]|$|\s(?:on|that|this|last|in the)\b|\s*o'clock)")


def _ranges(text: str, quantities: Sequence[Quantity]) -> dict[int, Quantity]:
    """The lower end of each range, keyed by where its upper end starts: "three or four
    robbers", "five to seven", "between 60 and 100"."""
    out: dict[int, Quantity] = {}
    for lo, hi in itertools.pairwise(quantities):
        if lo.kind != hi.kind or lo.kind == "ordinal" or not 0 <= lo.value < hi.value:
            continue
        if lo.unit not in (None, hi.unit) or lo.qualifier in ("more_than", "at_least"):
            continue
        gap = text[lo.end : hi.start]
        if "to" in gap and _CHANGE.search(text, max(0, lo.start - 30), lo.start):
            continue  # "dropped $100 to $1,199", "rose from 5 to 7": a change, not a range
        if _RANGE_GAP.fullmatch(gap) or (
            re.fullmatch(r"\s*and\s*", gap) and _BETWEEN.search(text, 0, lo.start)
        ):
            out[hi.start] = lo
    return out


def _converted(text: str, first: Quantity, second: Quantity) -> bool:
    """Is ``second`` ``first`` converted, in parentheses right after it ("$US1 million
    ($1.52 million)", "200 million euros ($265.3 million)")?"""
    return (
        second.kind == "money"
        and first.kind in ("money", "cardinal")
        and _CONVERSION.fullmatch(text[first.end : second.start]) is not None
    )


#: what lies between a sum and the same sum converted: its currency word, if any, and "("
_CONVERSION = re.compile(
    r"\s*(?:[A-Za-z]{0,3}\s*(?:euros?|pounds?|dollars?|yen|yuan|rupees?|francs?|rubles?|"
    r"roubles?|pesos?|won|rand|dinars?|riyals?|dirhams?|lire|lira|krona|kronor|krone)?)\s*\(\s*"
)


_AFTER = frozenset({"after", "since", "earlier", "ago", "later"})
#: the unit word after a span's number ("nine days"), shown with it
_SPAN_UNIT = re.compile(
    r"[\s-]+(?:seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|years?)\b", re.IGNORECASE
)


def _since(noun: Any) -> str | None:
    """The event a span is counted from, named by a noun: "attack" for "a week after
    suffering a heart attack", "a heart attack nine days earlier" or "a heart attack
    suffered three weeks ago". None for other spans, which keep their time-scale slot
    ("married two weeks ago", "two weeks before the shooting")."""
    head = noun.head
    word = head.lower_
    if head.i == noun.i or noun.dep_ != "npadvmod" or word not in _AFTER:
        return None
    if word in ("after", "since"):
        for child in head.children:
            if child.dep_ == "pobj" and child.pos_ == "NOUN":
                return lemma(child)
            if child.dep_ == "pcomp" and child.pos_ == "VERB":
                return _event_of(child)
        return None
    verb = head.head
    if verb.pos_ != "VERB" or verb.i == head.i:
        return None
    return _event_of(verb)


#: counted nouns that are spans of a series of like events ("four games", "two seasons")
_GAME_NOUNS = frozenset("game match season start inning lap race tournament".split())
#: what a player does in games that is counted as a statistic ("played in 157 games")
_PLAYED = frozenset("play appear start pitch win lose hit score".split())
_BEFORE = frozenset({"ago", "before", "earlier"})
#: verbs of one event worded two ways ("wed" / "married")
_SAME_EVENT = {"wed": "marry"}


def _span_event(noun: Any) -> str | None:
    """What happened a span before now or before the story's event: "marry" for "married
    two weeks ago", "had married two weeks before the shooting" and "married the deputy
    three weeks before he was murdered"; None when the span is not counted back from
    anything ("lasted two hours")."""
    head = noun.head
    if noun.dep_ != "npadvmod" or head.i == noun.i:
        return None
    if head.lower_ in _BEFORE:
        node = head.head
    elif (
        head.pos_ == "VERB"
        and head.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ == "before" for c in head.children)
    ):
        node = head.head  # "… three weeks before he was murdered": the clause it modifies
    else:
        return None
    for _ in range(4):
        if node.pos_ == "AUX":
            # "was … ago": the parser may hang the span from the auxiliary
            done = [c for c in node.children if c.dep_ in ("acomp", "attr", "xcomp", "ccomp")]
            node = done[0] if done else node
        if node.pos_ == "VERB" or node.lower_ in _SAME_EVENT:
            word = lemma(node)
            word = _SAME_EVENT.get(word, _SAME_EVENT.get(node.lower_, word))
            return None if word in VAGUE_VERBS or word in _SPEECH else word
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _event_of(verb: Any) -> str | None:
    """The event a verb's noun names: its object ("suffering a heart attack": attack) or
    the noun it follows ("a heart attack suffered …": attack); None when there is none."""
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass") and child.pos_ == "NOUN":
            return lemma(child)
    if verb.i > 0 and verb.nbor(-1).pos_ == "NOUN" and verb.tag_ == "VBN":
        return lemma(verb.nbor(-1))
    return None


_DEPTH = re.compile(r"\bdepth of\s+(?:about |some |around |roughly )?$", re.IGNORECASE)
#: "a mother of 12": the children she has, not a toll
_KIN_OF = re.compile(
    r"\b(?:mother|father|parent|mom|dad|grandmother|grandfather)\s+of\s+$", re.IGNORECASE
)
# A player's box-score figure (points, yards, touchdowns) or a product's specification
# (GHz, GB, pixels, screen inches, battery hours) has the scope STATISTIC: kept in the
# table, never compared. Reports rarely say which game, stretch or season a player's figure
# covers, and a launch's figures are each of one model or configuration of several. On
# ECB+ sports and product events, 9 of 10 such disputes set two different figures against
# each other (the tenth had a real one under the wrong player); the dev gold has none.
#: a unit of a product's specification, right after the number
_SPEC_UNIT = re.compile(
    r"\s?-?\s?(?:[GMKT]Hz|[GMKT]B|mAh|MP|megapixels?|ppi|dpi|[MG]bps|nm|K|p|-?inch(?:es)?|"
    r"-?bits?)\b",
    re.IGNORECASE,
)
_SPEC_NOUNS = frozenset("processor core pixel chip megapixel gigabyte terabyte".split())
_BATTERY = re.compile(r"\bbatter(?:y|ies)\b|\bon a single charge\b", re.IGNORECASE)


def _specification(text: str, q: Quantity, noun: Any | None) -> bool:
    """Is the figure a product's specification: a spec unit after it, a counted chip,
    core or pixel, or hours of battery life?"""
    if q.kind in ("cardinal", "duration") and _SPEC_UNIT.match(text, q.end):
        return q.kind == "cardinal" or bool(_BATTERY.search(text))
    if noun is not None and lemma(noun) in _SPEC_NOUNS:
        return True
    return q.kind == "duration" and bool(_BATTERY.search(text))


#: figures of a box score: a player's, in one game or one span, never a story's slot
#: unless the player is named
BOX_SCORE = frozenset(
    """point rebound assist yard touchdown td pass homer homers rbi rbis goal save carry
    catch reception tackle sack interception block shot steal hit strikeout inning lap
    wicket turnover fumble score run""".split()
)
#: the span a box-score figure covers: "in 54 games", "in his last two games"
_SPAN = re.compile(
    r"\b(?:in|over|during|across)\s+(?:(?:his|her|their|the|a)\s+)?(?:combined\s+)?"
    r"(?:(?:last|first|past|previous|final)\s+)?(?P<n>\w+)\s+(?P<unit>games|matches|starts|"
    r"appearances|outings|seasons|minutes|innings|quarters)\b",
    re.IGNORECASE,
)


def _span_of(text: str) -> str:
    """The key suffix of the span a box-score figure covers ("|in two games"), or ""."""
    span = _SPAN.search(text)
    return f"|in {span.group('n').lower()} {span.group('unit').lower()}" if span else ""


#: a harm planned, tried or threatened, not done
_INTENDED = re.compile(
    r"\b(?:conspir\w*|plot\w*|attempt\w*|threat\w*|plan\w*|tr(?:y|ied|ying)|sought|"
    r"seek\w*|vow\w*)\s+(?:to\s+)?(?:kill|murder|commit|injure|wound|harm)\b",
    re.IGNORECASE,
)
#: "injuring 40, 15 of them on Qeshm", "seven of the deaths were of one family": a part of
#: a figure given
_OF_THEM = re.compile(
    r"\s+of (?:them|whom|those|these|the (?:deaths|dead|victims|casualties|fatalities|wounded|"
    r"injured|people killed))\b",
    re.IGNORECASE,
)
#: a figure said to be a part of a whole (compared only with other parts)
_PART = re.compile(
    r"\b(?:share|part|portion|contribution|slice|tranche|instal?lment)\s+of\s+(?:the\s+|its\s+|"
    r"their\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,4}\W{0,6}$",
    re.IGNORECASE,
)


_NEIGHBOURS = frozenset({"building", "house", "door", "home"})
_AWAY = re.compile(r"\s+(?:away|down|up|along|over|from\s+(?:the|where))\b", re.IGNORECASE)


def _place_named(doc: Any, base: int, text: str, at: int) -> str | None:
    """The place a sentence names closest before character ``at`` (else after it)."""
    span = doc.char_span(base, base + len(text), alignment_mode="expand")
    places = [e for e in (span.ents if span is not None else ()) if e.label_ in ("GPE", "LOC")]
    before = [e for e in places if e.end_char - base <= at]
    chosen = before[-1] if before else (places[0] if places else None)
    return str(chosen.text) if chosen is not None else None


def _doors_away(noun: Any | None, text: str, base: int) -> tuple[str, str] | None:
    """(key, label) of how far away something happened counted in buildings ("arrested
    five buildings away", "three houses from the scene", "fled three doors away"): houses,
    doors and buildings are one unit, and the slot is the verb's."""
    if noun is None or lemma(noun) not in _NEIGHBOURS:
        return None
    if not _AWAY.match(text, noun.idx - base + len(noun.text)):
        return None
    gov = governor(noun)
    if gov is None and noun.head.lower_ == "away":
        gov = noun.head.head
    if gov is None or gov.pos_ != "VERB" or lemma(gov) in VAGUE_VERBS:
        return None
    return f"doors away|{lemma(gov)}", f"how many doors away ({gov.text.lower()})"


def _repeated(token: Any | None) -> tuple[str, str] | None:
    """(key, label) of "how many times" something happened, for the "times" of "arrested
    four times" or for "twice": keyed by the verb, not its subject (a participle has none)."""
    if token is None or token.lower_ not in ("times", "twice", "thrice"):
        return None
    gov = governor(token) if token.lower_ == "times" else token.head
    if gov is None or gov.pos_ != "VERB" or lemma(gov) in VAGUE_VERBS | _SPEECH:
        return None
    return f"times|{lemma(gov)}", f"how many times ({gov.text.lower()})"


#: a toll of nobody ("no injuries were reported", "no one was hurt"; not "no one else", not
#: "no serious injuries")
_NO_TOLL = re.compile(
    r"\b(?:no|zero)\s+(?:reported\s+)?(?P<noun>injuries|deaths|"
    r"casualties|fatalities)\b|\b(?:no(?:-|\s)?one|nobody)\s+(?:was|were|has been|"
    r"had been|is)\s+(?:seriously\s+|badly\s+)?(?P<verb>injured|hurt|wounded|killed)\b",
    re.IGNORECASE,
)


def _no_tolls(sink: FactSink, sentence: Sentence, scope: str) -> None:
    """ "No-one was injured in the fire": a toll of zero, against "two people were hurt"."""
    for m in _NO_TOLL.finditer(sentence.text):
        word = (m.group("noun") or m.group("verb")).lower()
        dead = word in ("deaths", "fatalities", "killed")
        sink.add_match(
            sentence,
            m,
            kind="quantity",
            key="dead" if dead else "injured",
            slot="people killed" if dead else "people injured",
            number=0.0,
            scope=scope,
        )


def _multiples(sink: FactSink, sentence: Sentence, doc: Any, scope: str) -> None:
    """ "married twice", "hit thrice": a count of times without a number word."""
    for m in re.finditer(r"\b(twice|thrice)\b", sentence.text, re.IGNORECASE):
        tokens = span_tokens(doc, sentence.start + m.start(), sentence.start + m.end())
        found = _repeated(tokens[0]) if len(tokens) == 1 else None
        if found is None:
            continue
        sink.add_match(
            sentence,
            m,
            kind="quantity",
            key=found[0],
            slot=found[1],
            number=2.0 if m.group(1).lower() == "twice" else 3.0,
            scope=_count_scope(sentence.text, scope),
        )


def _count_scope(text: str, scope: str) -> str:
    """The scope of how many times something happened: a sentence that dates the times
    it counts ("married twice; the first marriage lasted from 1943 to 1947, the second
    from 1958") counts over them, it is not about another year."""
    if scope.startswith("background ") and len(set(_YEAR.findall(text))) >= 2:
        return "main" if not _BACKGROUND.search(text) else scope
    return scope


_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def _not_a_count(
    text: str, tokens: list[Any], kind: str, before: str = "", after: str = ""
) -> bool:
    """Dates, clock times, codes and long digit runs (ids, phone numbers) are not counts;
    ``before`` and ``after`` are the two characters of the sentence around the figure."""
    if re.search(r"\d{7,}", text.replace(",", "")) and "," not in text:
        return True
    if _identifier(tokens):
        return True  # "version 7", "Internet Explorer 8", "AK - 47", "Week 11"
    if kind in ("cardinal",) and any(t.ent_type_ in ("DATE", "TIME") for t in tokens):
        return True
    if re.fullmatch(r"\d/", before) or re.match(r"/\d", after):
        return True  # "9/11 hijackers", "24/7": a name or a rate, not a count
    if re.match(r"[’']?s(?:\W|$)", after) and text.isdigit() and len(text) in (2, 4):
        return True  # a decade: "musicals of the 40s and 50s", "the 1950s"
    first = tokens[0]
    at = _top(tokens).head
    if (at.lower_ in ("at", "aged") and lemma(at.head) in ("die", "pass", "dead")) or (
        at.lower_ == "age" or (at.lower_ == "of" and at.head.lower_ == "age")
    ):
        return True  # "dies at 91", "at the age of 88", "age 88": an age, not a toll
    if (len(before) == 2 and before[1] in "-/" and before[0].isalpha()) or (
        first.idx > 0
        and first.doc.text[first.idx - 1] in "-/"
        and first.i > 0
        and first.nbor(-1).is_alpha
    ):
        return True  # "AK-47", "F/16": part of a name (one token or three)
    if (
        any(
            c.lower_ in ("other", "more", "another", "additional", "further")
            for c in _top(tokens).head.children
        )
        or (
            tokens[-1].i + 1 < len(tokens[-1].doc)
            and tokens[-1].nbor(1).lower_ in ("other", "more", "others")
        )
    ) and not _toll(tokens):
        return True  # "three other rifles": a different subset
    head = _top(tokens).head
    return head.lower_.rstrip(".") in _MONTHS or (
        tokens[0].i > 0 and tokens[0].nbor(-1).lower_.rstrip(".") in _MONTHS
    )


def _identifier(tokens: list[Any]) -> bool:
    """A number that names rather than counts: it follows its noun ("version 7", "room 12",
    "Week 11") or a name ("Internet Explorer 8", "AK - 47" with the hyphen spaced)."""
    first = tokens[0]
    if first.i == 0:
        return False
    noun = noun_of(tokens)
    if noun is not None and noun.i < first.i and noun.i == first.i - 1:
        return True
    prev = first.nbor(-1)
    if prev.is_upper and prev.is_alpha and len(prev.text) <= 4 and not prev.is_sent_start:
        return True  # a model code: "AK 47 rifles", "IE 9", "USB 3.0"
    if prev.text in ("-", "–") and first.i > 1:
        name = first.nbor(-2)
        return bool(name.is_alpha and name.text[:1].isupper() and not name.is_sent_start)
    return (
        noun is None
        and prev.pos_ == "PROPN"
        and prev.text[:1].isupper()
        and not prev.is_sent_start
        and prev.ent_type_ not in ("DATE", "TIME")
    )


def _toll(tokens: list[Any]) -> bool:
    """ "killing two workers and wounding two others": the others are a toll of their own."""
    noun = noun_of(tokens)
    gov = governor(noun if noun is not None else _top(tokens))
    return gov is not None and lemma(gov) in DEAD | INJURED


_NEARLY = re.compile(r"\b(nearly|almost|just under|close to|just shy of)\s+$", re.IGNORECASE)
_JUST_OVER = re.compile(r"\b(just over|just above|slightly more than)\s+$", re.IGNORECASE)


def _nearness(text: str, start: int) -> str | None:
    """ "nearly 300" is below 300 and "just over 300" above it (not merely "about")."""
    before = text[max(0, start - 20) : start]
    if _NEARLY.search(before):
        return "nearly"
    if _JUST_OVER.search(before):
        return "just_over"
    return None


def _payer(top: Any) -> str | None:
    """The named party that offers, pays or gets a sum ("The Washington Nationals made
    Teixeira a $160 million offer": Nationals), or None."""
    node = top
    for _ in range(5):
        if node.pos_ == "VERB":
            break
        if node.head.i == node.i:
            return None
        node = node.head
    else:
        return None
    if lemma(node) not in _DEALING:
        return None  # ("the council approved a £214 million extension": the extension's)
    subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and node.dep_ in ("xcomp", "ccomp", "conj"):
        # "Lowe is believed to be seeking a $75 million deal": the clause it completes
        subject = next((c for c in node.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.ent_type_ not in ("ORG", "PERSON", "GPE", "NORP"):
        return None
    return str(subject.text)


#: verbs by which a party offers, pays or gets a sum of its own
_DEALING = frozenset(
    "offer pay bid give spend make propose award seek demand ask receive earn sign".split()
)


def _money_thing(tokens: list[Any], gov: Any | None) -> str:
    top = _top(tokens)
    if top.head.pos_ == "NOUN" and top.head not in tokens:
        return lemma(top.head)
    if gov is not None and gov.pos_ == "NOUN":
        return lemma(gov)
    if gov is not None and gov.pos_ == "VERB":
        obj = next(
            (
                c
                for c in gov.children
                if c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.pos_ == "NOUN"
            ),
            None,
        )
        if obj is not None and obj not in tokens:
            return lemma(obj)
        return lemma(gov) if lemma(gov) not in VAGUE_VERBS else ""
    return ""


def _named_thing(top: Any) -> str | None:
    """The name of what a year belongs to when it modifies a noun with a proper name in
    apposition ("the 2005 film The Notorious Bettie Page", "the 2006 HBO movie, The
    Notorious Bettie Page"): the year of that named thing, whatever the clause says."""
    if top.dep_ not in ("nummod", "compound", "amod", "nmod") or top.head.pos_ != "NOUN":
        return None
    appos = next((c for c in top.head.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    if appos is None:
        return None
    words = [t for t in appos.subtree if t.dep_ in ("det", "compound", "amod") or t is appos]
    words = [t for t in words if t.i <= appos.i]
    name = " ".join(t.text for t in words if t.lower_ != "the" or t.i != words[0].i)
    return name if len(name.split()) >= 2 else None


def _another_event(token: Any) -> bool:
    """Does the date at ``token`` date an event its clause introduces as a new one ("a
    major earthquake struck", "another fire broke out"): not the story's event."""
    node = token
    for _ in range(6):
        if node.pos_ == "VERB" or node.head.i == node.i:
            break
        node = node.head
    subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subject is not None and any(
        c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in subject.children
    )


def _event_slot(sink: FactSink, top: Any, kind: str, question: str) -> tuple[str, str]:
    """(key, label) of the event a date or time at ``top`` places: "when the fire broke
    out", "what time Ortiz was shot" when its clause names one, else an unnamed slot of
    the verb it hangs from ("?date|charge", "when (charge)")."""
    pred = _predicate(top, sink.last_person)
    if pred is None:
        verb = _head_verb(top)
        return f"{UNKEYED}{kind}|{verb}", f"{question} ({verb})" if verb else question
    verb, subject, worded = pred
    the = "the " if subject.islower() else ""
    return _event_key(kind, verb, subject), f"{question} {the}{subject} {worded}"


def _dates(
    sink: FactSink, sentence: Sentence, doc: Any, scope: str, published: date | None
) -> None:
    text = sentence.text
    base = sentence.start
    for d in find_dates(text, published):
        if LATER_STATE.search(text, max(0, d.start - LATER_REACH), d.end + 20):
            continue  # "still damping down on Wednesday": a later state, not the event
        if d.year is None and d.weekday is None and d.day is None:
            continue
        if d.relative and d.weekday is None:
            continue  # "yesterday" without the article's date cannot be placed
        if _stamp_date(text, d.start, d.end):
            continue  # "Updated: November 11, 2011 20:09 IST"
        if scope in ("forecast", SUPERSEDED) or _HABITUAL.search(text):
            continue  # "is expected to appear in court next Monday", "typically on Tuesdays"
        tokens = span_tokens(doc, base + d.start, base + d.end)
        if not tokens:
            continue
        if _another_event(_top(tokens)):
            continue  # "In September 2009 a major earthquake near Padang killed …"
        named = _named_thing(_top(tokens))
        event = (
            (f"date|{named.lower()}", f"when {named}")
            if named
            else _event_slot(sink, _top(tokens), "date", "when")
        )
        sink.add(
            sentence,
            kind="date",
            key=event[0],
            slot=event[1],
            value=text[d.start : d.end],
            start=base + d.start,
            end=base + d.end,
            number=float(d.value.toordinal()) if d.value else None,
            unit=_date_unit(d.year, d.month, d.day, d.weekday),
            scope="main",  # a date's own year is its value, not another scope
        )


#: verbs that say the same thing happened: its onset, or a body's decision
_EVENT_VERBS = {
    **dict.fromkeys(
        "happen occur start begin break erupt strike hit ignite spark unfold".split(), "occur"
    ),
    **dict.fromkeys("vote approve pass back adopt endorse".split(), "decide"),
}


def _head_verb(token: Any) -> str:
    """The (folded) verb a date or time hangs from, however far up: what an unnamed
    date dates ("opened fire … Friday": open; "was charged Saturday": charge)."""
    node = token
    for _ in range(6):
        if node.pos_ in ("VERB", "AUX") and (node.pos_ == "VERB" or node.dep_ == "ROOT"):
            verb = lemma(node)
            if verb in ("become", "be"):
                # "became president in 2002" / "became the first physician under 40 … in
                # 1995": what one became is the event
                attr = next((c for c in node.children if c.dep_ in ("attr", "oprd")), None)
                return f"{verb} {lemma(attr)}" if attr is not None else verb
            return _EVENT_VERBS.get(verb, verb)
        if node.pos_ == "NOUN" and node.i != token.i and node.ent_type_ not in ("DATE", "TIME"):
            # a date that modifies a noun dates that noun's event, not the clause's ("was
            # charged … after a shooting … Friday": the shooting)
            return lemma(node)
        if node.head.i == node.i:
            break
        node = node.head
    return ""


def _event_key(kind: str, verb: str, subject: str) -> str:
    """The slot of a date or time: what happened (the verb, onset and decision verbs
    folded: "the fire started / broke out / erupted", "the council voted / approved",
    with its object when it has one) to whom (the subject)."""
    head, _, obj = verb.partition(" ")
    folded = _EVENT_VERBS.get(head, head)
    return f"{kind}|{folded}{' ' + obj.lower() if obj else ''}|{subject.lower()}"


def _date_unit(year: int | None, month: int | None, day: int | None, weekday: int | None) -> str:
    """The parts a date mention gives, as ``y=2005;m=11;d=27;w=6`` (for comparison)."""
    parts = [f"y={year}" if year else "", f"m={month}" if month else "", f"d={day}" if day else ""]
    parts.append(f"w={weekday}" if weekday is not None else "")
    return ";".join(p for p in parts if p)


def _times(sink: FactSink, sentence: Sentence, doc: Any, scope: str) -> None:
    text = sentence.text
    base = sentence.start
    if LATER_STATE.search(text):
        return
    for m in _TIME.finditer(text):
        if _stamp_time(text, m.start()):
            continue  # "Posted on Thu Jun 13, 2013 08:45 AM PDT"
        if m.group("word"):
            minutes = 720.0 if m.group("word").lower() == "noon" else 1440.0
        else:
            hour = int(m.group("h"))
            if hour > 12:
                continue
            minute = int(m.group("m") or 0)
            pm = m.group("ap").lower().startswith("p")
            minutes = float(((hour % 12) + (12 if pm else 0)) * 60 + minute)
        tokens = span_tokens(doc, base + m.start(), base + m.end())
        if not tokens:
            continue
        top = _top(tokens)
        if top.lower_ in ("am", "pm") and top.dep_ == "advcl":
            top = top.head  # "shortly before 4 am" parsed as a clause of its own
        event = _event_slot(sink, top, "time", "what time")
        sink.add(
            sentence,
            kind="time",
            key=event[0],
            slot=event[1],
            value=m.group(0).strip(),
            start=base + m.start(),
            end=base + m.end(),
            number=minutes,
            unit=(m.group("zone") or "").upper() or None,
            qualifier=_time_qualifier(m.group("q")),
            scope=scope,
        )


def _time_qualifier(words: str | None) -> str | None:
    """approx for "about 8.40pm"; at_most / at_least for "shortly before / after 4am"."""
    if not words:
        return None
    if "before" in words:
        return "at_most"
    if "after" in words:
        return "at_least"
    return "approx"


def _ages(sink: FactSink, sentence: Sentence, entities: Sequence[Entity], people: People) -> None:
    text = sentence.text
    base = sentence.start
    persons = [
        (s - base, e - base, ent.name)
        for ent in entities
        if ent.label == "PERSON"
        for s, e in ent.mentions
        if sentence.start <= s < sentence.end
    ]
    for m in _AGE.finditer(text):
        raw = m.group("n") or m.group("m") or m.group("a")
        age = int(raw)
        if not 1 <= age <= 110:
            continue
        if m.group("m"):  # "Name, 32," — the name must end right before
            owner = [p for p in persons if 0 <= m.start() - p[1] <= 2]
        elif m.group("a"):
            owner = [p for p in persons if 0 <= m.start() - p[1] <= 3]
        else:  # "32-year-old Name" or "Name, a 32-year-old"
            # (after the name only in apposition: "Ms. Mendes' 12-year-old daughter" is
            # the daughter's age)
            owner = [p for p in persons if 0 <= p[0] - m.end() <= 30] or [
                p
                for p in persons
                if 0 <= m.start() - p[1] <= 6
                and re.fullmatch(r",\s*(?:an?\s+)?", text[p[1] : m.start()])
            ]
        if not owner:
            continue
        said = owner[0][2]
        name = people.canonical(said) or said
        if len(said.split()) > 1 and said.split()[0] != name.split()[0]:
            name = said  # "Jeremy Ortiz" is not "Jerry Ortiz", whatever the surname says
        elif len(said.split()) == 1 and name != said and name not in sink.article.text:
            # "35-year-old Gomes" in a report that never names Catherine Gomes: the
            # surname may be another member of the family
            name = said
        sink.add(
            sentence,
            kind="age",
            key=f"age|{name.lower()}",
            slot=f"{name}'s age",
            value=raw,
            start=base + m.start(),
            end=base + m.end(),
            number=float(age),
            scope="main",
        )


_DIRECTION = re.compile(
    r"\b(?P<dir>north|south|east|west|north-?east|north-?west|south-?east|south-?west)"
    r"(?:ern)? of (?:the )?(?:port of |city of |town of )?"
    r"(?P<place>[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){0,2})",
    re.IGNORECASE,
)
_ANGLE = {"north": 0.0, "east": 90.0, "south": 180.0, "west": 270.0}


def _bearing(word: str) -> float:
    """Compass bearing of "south-west" / "southwest" / "west" in degrees."""
    word = word.lower().replace("-", "")
    for main in ("north", "south"):
        if word.startswith(main) and len(word) > len(main):
            other = _ANGLE[word[len(main) :]]
            base = 360.0 if main == "north" and other == 270.0 else _ANGLE[main]
            return ((base + other) / 2) % 360
    return _ANGLE[word]


def _directions(sink: FactSink, sentence: Sentence, scope: str) -> None:
    """ "150 nautical miles west of Aden": where the event is, relative to a named place."""
    for m in _DIRECTION.finditer(sentence.text):
        place = m.group("place")
        if not place[:1].isupper():
            continue
        sink.add_match(
            sentence,
            m,
            kind="place",
            key=f"direction|{place.lower()}",
            slot=f"direction from {place}",
            number=_bearing(m.group("dir")),
            scope=scope,
        )


_BLOCK = re.compile(
    r"\b(?P<num>\d{2,6})\s+block\s+of\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west|[NSEW])\.?\s+)?"
    r"(?P<street>(?:\d+(?:st|nd|rd|th)|[A-Z][\w'’-]*)(?:\s+[A-Z][\w'’-]*){0,2}\s+"
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|way|place|pl|court|ct|"
    r"highway|hwy|parkway|pkwy|terrace|circle)\b)",
    re.IGNORECASE,
)
_STREET_WORDS = {
    "st": "street",
    "ave": "avenue",
    "rd": "road",
    "blvd": "boulevard",
    "dr": "drive",
    "ln": "lane",
    "pl": "place",
    "ct": "court",
    "hwy": "highway",
    "pkwy": "parkway",
}


def _blocks(sink: FactSink, sentence: Sentence, scope: str) -> None:
    """ "the 12200 block of East 223rd Street": where on a street, the street's slot (its
    side, "East", left out: outlets name one street with and without it)."""
    for m in _BLOCK.finditer(sentence.text):
        words = m.group("street").lower().replace(".", "").split()
        street = " ".join([*words[:-1], _STREET_WORDS.get(words[-1], words[-1])])
        sink.add_match(
            sentence,
            m,
            kind="place",
            key=f"block|{street}",
            slot=f"block of {m.group('street')}",
            value=f"{m.group('num')} block",
            scope=scope,
        )


def _places(sink: FactSink, sentence: Sentence, doc: Any, scope: str) -> None:
    """ "moved to Florida", "was shot in East Flatbush": where a named subject did what;
    "Raj K. Chohan, 59, of College Point": where a person lives (the news convention)."""
    span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    for ent in span.ents if span is not None else ():
        if ent.label_ not in _PLACE_TYPES:
            continue
        prep = ent.root.head
        if ent.root.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in _PLACE_PREPS:
            continue
        if prep.head.pos_ != "VERB":
            continue
        pred = _predicate(prep.head, sink.last_person)
        if pred is not None:
            # (a country, a city, a region or a building: places of one kind are compared)
            verb, subject, worded = pred
            kind = f"{verb.split(' ')[0]}|{subject}|{_PLACE_TYPES[ent.label_]}"
            _place(sink, sentence, (ent.start_char, ent.end_char), (kind, subject, worded), scope)
    for m in _RESIDENCE.finditer(sentence.text):
        person = sink.last_person(sentence.start + m.end("name"))
        if person is None or person.split()[-1] != m.group("name"):
            continue
        start = sentence.start + m.start("place")
        span = (start, start + len(m.group("place")))
        kind = f"live|{m.group('name')}|{_PLACE_TYPES['GPE']}"
        _place(sink, sentence, span, (kind, m.group("name"), "lives"), scope)


_PLACE_PREPS = frozenset({"in", "at", "to", "near", "outside", "inside"})
_PLACE_TYPES = {"GPE": "area", "LOC": "area", "FAC": "site"}
_RESIDENCE = re.compile(
    r"\b(?P<name>[A-Z][\w'’-]+),\s+(?:an?\s+)?\d{1,3}(?:-year-old)?,\s+of\s+(?:the\s+)?"
    r"(?P<place>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})"
)


def _place(
    sink: FactSink,
    sentence: Sentence,
    span: tuple[int, int],
    pred: tuple[str, str, str],
    scope: str,
) -> None:
    slot, subject, worded = pred
    start, end = span
    the = "the " if subject.islower() else ""
    sink.add(
        sentence,
        kind="place",
        key=f"where|{slot.lower()}",
        slot=f"where {the}{subject} {worded}",
        value=re.sub(r"^the\s+", "", sink.article.text[start:end].rstrip(".,;"), flags=re.I),
        start=start,
        end=end,
        scope=scope,
    )


def _names(sink: FactSink, entities: Sequence[Entity]) -> None:
    """The first name each article gives a surname ("Bryant Dalton" / "Brian Dalton")."""
    by_start = sorted(sink.article.sentences, key=lambda s: s.start)
    for entity in entities:
        words = entity.name.split()
        if entity.label != "PERSON" or len(words) < 2 or not entity.mentions:
            continue
        first, last = words[0], words[-1]
        if not (first.isalpha() and first[:1].isupper() and len(first) > 1):
            continue
        start = next(
            (s for s, e in entity.mentions if sink.article.text[s:e].startswith(first)), None
        )
        sentence = next(
            (x for x in by_start if start is not None and x.start <= start < x.end), None
        )
        if start is None or sentence is None:
            continue
        sink.add(
            sentence,
            kind="name",
            key=f"name|{last.lower()}",
            slot=f"{last}'s first name",
            value=entity.name,
            start=start,
            end=start + len(entity.name),
            scope="main",
        )


def _speakers(sink: FactSink, quotes: Sequence[Quote], people: People) -> None:
    by_start = sorted(sink.article.sentences, key=lambda s: s.start)
    for quote in quotes:
        if quote.article_id != sink.article.id or not quote.speaker or quote.anonymous:
            continue
        if not people.is_person(quote.speaker):
            continue
        words = _quote_words(quote.text)
        if len(words.split()) < 5:
            continue
        sentence = next((s for s in by_start if s.start <= quote.start < s.end), None)
        if sentence is None:
            continue
        name = people.canonical(quote.speaker) or quote.speaker
        if name.split()[-1] not in sentence.text:
            continue  # credited through "he said": leave attribution to explicit names
        sink.add(
            sentence,
            kind="speaker",
            key=f"speaker|{words}",
            slot=f"who said “{quote.text.strip(chr(34) + '“” ')[:60]}”",
            value=name,
            start=quote.start,
            end=quote.end,
            scope="main",
        )


def _quote_words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("’", "'")))


def extract_facts(
    article: Article,
    doc: Any,
    *,
    entities: Sequence[Entity],
    quotes: Sequence[Quote],
    claims: Sequence[Claim],
    people: People,
    year: int | None,
) -> list[Fact]:
    """The typed facts of one article (``doc``: its spaCy parse)."""
    sink = FactSink(article, claims)
    mine = [e for e in entities if e.article_id == article.id]
    published = article.published.date() if article.published else None
    sink.persons = [
        (start, people.canonical(e.name) or e.name)
        for e in mine
        if e.label == "PERSON"
        for start, _ in e.mentions
    ]
    for sentence in article.sentences:
        if "://" in sentence.text or "www." in sentence.text:
            continue
        tokens = span_tokens(doc, sentence.start, sentence.end)
        scope = sentence_scope(sentence, tokens, year)
        told = len(sink.facts)
        if scope == "main" and (series := series_scope(sentence.text)) is not None:
            scope = series  # one of several quakes, blasts or attacks
        _quantities(sink, sentence, doc, scope, people)
        _multiples(sink, sentence, doc, scope)
        _no_tolls(sink, sentence, scope)
        _dates(sink, sentence, doc, scope, published)
        _times(sink, sentence, doc, scope)
        _ages(sink, sentence, mine, people)
        _directions(sink, sentence, scope)
        _blocks(sink, sentence, scope)
        _places(sink, sentence, doc, scope)
        conditions(sink, sentence, doc, scope)
        colours(sink, sentence, doc, scope)
        phones(sink, sentence)
        tallies(sink, sentence, scope)
        if scope.startswith("series"):
            # how many of them there were is about the series: "three strong aftershocks"
            sink.facts[told:] = [
                dataclasses.replace(f, scope="main")
                if f.kind == "quantity" and _EVENT_NOUN.search(f.key)
                else f
                for f in sink.facts[told:]
            ]
    _speakers(sink, quotes, people)
    _names(sink, mine)
    return sink.facts
