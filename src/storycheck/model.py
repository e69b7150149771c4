"""The data that flows between storycheck's stages, defined once.

Every stage (ingest → stories → claims → verify → brief → report) takes and returns
these types and nothing else. They are frozen dataclasses: cheap to build, hashable,
safe to share between threads and processes, and trivially serialisable with
:func:`to_jsonable`.

Character spans are always ``(start, end)`` offsets into :attr:`Article.text`, so
``article.text[start:end] == sentence.text`` holds for every sentence.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from storycheck.words import plural


class SourceFormat(enum.StrEnum):
    """The format an article was read from."""

    TEXT = "txt"
    MARKDOWN = "md"
    HTML = "html"
    JSON = "json"
    JSONL = "jsonl"
    FEED = "feed"


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed but not yet cleaned input: what a format reader hands to the cleaner.

    ``text`` holds the body with paragraphs separated by blank lines. Metadata is
    whatever the format carried; missing values are ``None``.
    """

    source: str
    format: SourceFormat
    text: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: datetime | None = None
    url: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article; ``article.text[start:end] == text``."""

    article_id: str
    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned news article, the unit every later stage works on.

    ``outlets`` lists every outlet that ran this text: syndicated copies are collapsed
    into one article (one independent source) that remembers all of them, and
    ``duplicate_sources`` keeps the paths/URLs of the collapsed copies.
    """

    id: str
    source: str
    format: SourceFormat
    text: str
    paragraphs: tuple[str, ...]
    sentences: tuple[Sentence, ...]
    content_hash: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: datetime | None = None
    url: str | None = None
    language: str | None = None
    outlets: tuple[str, ...] = ()
    duplicate_sources: tuple[str, ...] = ()
    removed_lines: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    @property
    def display_outlet(self) -> str:
        """The outlet name for people: the metadata value, else the source's stem."""
        if self.outlet:
            return self.outlet
        tail = self.source.rstrip("/").rsplit("/", 1)[-1]
        return tail.rsplit(".", 1)[0] if "." in tail else tail


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input that could not be read (or was read only in part), and why."""

    source: str
    reason: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


# --- filled in by later stages -------------------------------------------------------


class ClaimKind(enum.StrEnum):
    """What kind of statement a claim is."""

    FACT = "fact"
    QUOTE = "quote"
    ATTRIBUTED = "attributed"
    OPINION = "opinion"
    HEDGED = "hedged"


class ClaimStatus(enum.StrEnum):
    """The cross-check verdict for one claim."""

    CORROBORATED = "corroborated"
    CONTRADICTED = "contradicted"
    MIXED = "mixed"
    SINGLE_SOURCE = "single_source"
    UNVERIFIED_QUOTE = "unverified_quote"
    UNCHECKED = "unchecked"


class Relation(enum.StrEnum):
    """How one piece of evidence bears on a claim."""

    ENTAILS = "entails"
    CONTRADICTS = "contradicts"
    NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number in text, normalised: "nearly five hours" → value 5, unit "hour", "approx".

    ``kind`` is one of cardinal, ordinal, money, percent, duration. ``unit`` is the thing
    counted or measured (singular: "hour", "home", "person", "point", or a currency code
    for money); ``qualifier`` is approx, more_than, at_least, less_than, at_most or None.
    Spans are offsets into the text the parser was given.
    """

    text: str
    start: int
    end: int
    value: float
    kind: str
    unit: str | None = None
    qualifier: str | None = None


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date or time reference, resolved against the article's date where possible.

    ``value`` is the calendar date when it is known (given or resolved); ``year``,
    ``month``, ``day`` and ``weekday`` (0 = Monday) hold what the text itself says.
    ``relative`` marks references like "yesterday" or "on Tuesday".
    """

    text: str
    start: int
    end: int
    value: date | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    relative: bool = False


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation or place mentioned in an article, with the roles it is given."""

    article_id: str
    name: str
    label: str
    roles: tuple[str, ...] = ()
    mentions: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote or reported statement and who it is attributed to."""

    id: str
    article_id: str
    start: int
    end: int
    text: str
    speaker: str | None = None
    anonymous: bool = False
    direct: bool = True


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence in another article and how it relates to a claim."""

    article_id: str
    text: str
    relation: Relation
    score: float
    claim_id: str = ""  # the other article's claim this sentence was matched through


@dataclass(frozen=True, slots=True)
class Claim:
    """A checkable statement from one article, with its cross-check result.

    ``text`` is the claim as the article words it (``article.text[start:end]``);
    ``standalone`` is the same claim made readable on its own — pronouns and role
    phrases replaced by the names they refer to — and is what gets compared.
    ``entities``, ``quantities`` and ``dates`` are the slots the structured checks use.
    """

    id: str
    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    standalone: str = ""
    kind: ClaimKind = ClaimKind.FACT
    speaker: str | None = None
    entities: tuple[str, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[DateMention, ...] = ()
    status: ClaimStatus = ClaimStatus.UNCHECKED
    supported_by: tuple[str, ...] = ()
    contradicted_by: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True, slots=True)
class FindingSide:
    """One side of a disputed point: a value and the claims/articles that hold it."""

    value: str
    claim_ids: tuple[str, ...]
    article_ids: tuple[str, ...]
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """A conflict between sources (number, date, role, attribution or statement)."""

    kind: str
    summary: str
    sides: tuple[FindingSide, ...]
    subject: str = ""  # the entity or slot in dispute, for grouping and display
    #: contradiction, or update: the values differ but rose with the reports' publication
    #: times (a toll climbing through the day), so no side is wrong
    status: str = "contradiction"


@dataclass(frozen=True, slots=True)
class Fact:
    """One typed fact an article states about its story: a slot and the value given.

    ``kind`` is quantity, date, time, age, place, name, condition (a patient's, as
    hospitals word it) or speaker. ``key`` is the slot as facts
    are aligned across articles ("dead", "magnitude", "title|nirad sinha", "speaker|<quote
    words>"); ``slot`` is the same in words for people. ``value`` is the article's own
    wording ("at least 10 people"), ``number`` its normalised value (a count, metres, a
    day's ordinal, minutes after midnight; ``upper`` for ranges), ``qualifier`` one of
    approx, at_least, more_than, at_most, less_than. ``scope`` is main, or background /
    forecast / part (a share of a whole) / series (another event of a series: "one of the
    tremors") / superseded (what the article says was first reported) / statistic (a
    player's box-score figure, a product's specification) when the fact is about something
    besides the story's event; facts are compared only with facts of their own scope, and
    forecasts, series, superseded reports and statistics not at all. ``source``
    is whom the article credits for the value ("police"). ``start``/``end`` locate the
    value in the article text; ``claim_id`` is the claim that states it (empty when no
    claim covers the sentence). For a place, ``unit`` names the group of places the story
    puts one inside another.
    """

    id: str
    article_id: str
    sentence_index: int
    kind: str
    key: str
    slot: str
    value: str
    start: int
    end: int
    number: float | None = None
    upper: float | None = None
    qualifier: str | None = None
    unit: str | None = None
    scope: str = "main"
    source: str | None = None
    claim_id: str = ""


@dataclass(frozen=True, slots=True)
class FactCell:
    """What one article says in one slot of the fact table (its facts' ids and wording)."""

    article_id: str
    value: str
    fact_ids: tuple[str, ...]
    evidence: str = ""  # the sentence that states it


@dataclass(frozen=True, slots=True)
class FactRow:
    """One slot of a story's fact table: every article's value for it.

    ``status`` is agreed (two or more outlets, compatible values), disputed (values that
    cannot all be true), update (they differ, but later reports carry the later value),
    varied (three or more values, none shared by two outlets: likely different things
    under one slot, not flagged) or single (one outlet only).
    """

    key: str
    slot: str
    kind: str
    status: str
    cells: tuple[FactCell, ...]


@dataclass(frozen=True, slots=True)
class Story:
    """A group of articles about the same event."""

    id: str
    title: str
    article_ids: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    first_seen: datetime | None = None
    last_seen: datetime | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    """A group of stories on the same subject (for example two earthquakes in one region).

    Every story is in exactly one topic; ``story_ids`` are largest story first.
    """

    id: str
    title: str
    story_ids: tuple[str, ...]
    article_count: int
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleScore:
    """How consistent one article is with the other sources.

    ``consistency`` = (corroborated + ½·mixed + ½·single-source + ¼·unverified quotes)
    / checkable claims, so 1.0 means every checkable claim is backed by another outlet
    and 0.0 means every one is contradicted. It counts evidence, not heads: support from
    near-copies of the article's own text does not corroborate it, and an outlet on the
    smaller side of a dispute is not penalised for being outvoted.
    """

    article_id: str
    consistency: float
    checkable: int
    corroborated: int
    contradicted: int
    mixed: int
    single_source: int
    unverified_quotes: int


@dataclass(frozen=True, slots=True)
class StoryCheck:
    """Everything the cross-check found for one story."""

    story: Story
    articles: tuple[Article, ...]
    claims: tuple[Claim, ...]
    quotes: tuple[Quote, ...]
    entities: tuple[Entity, ...]
    findings: tuple[Finding, ...]
    scores: tuple[ArticleScore, ...]
    facts: tuple[Fact, ...] = ()
    table: tuple[FactRow, ...] = ()


@dataclass(frozen=True, slots=True)
class BriefSentence:
    """One sentence (or bullet) of the brief with the sources that support it.

    ``citations`` are article ids, ``support[i]`` the checker's P(entail) of the sentence
    given ``citations[i]`` (1.0 when the sentence is that article's own wording).
    ``sources`` counts the independent outlets behind it. ``group`` gathers the lines of
    one dispute or one actor; ``status`` is the cross-check verdict of the claims behind
    it; ``when`` is the date a timeline entry is placed at; ``evidence[i]`` is the passage
    of ``citations[i]`` the checker found the support in.
    """

    text: str
    citations: tuple[str, ...]
    support: tuple[float, ...] = ()
    claim_ids: tuple[str, ...] = ()
    sources: int = 0
    group: str = ""
    status: str = ""
    when: date | None = None
    evidence: tuple[str, ...] = ()  # per citation: the passage that supports the sentence


@dataclass(frozen=True, slots=True)
class BriefSource:
    """One entry of the brief's numbered source list."""

    number: int
    article_id: str
    outlet: str
    title: str | None
    published: datetime | None
    location: str
    consistency: float | None


BRIEF_SECTIONS: tuple[tuple[str, str], ...] = (
    ("what_happened", "What happened"),
    ("key_facts", "Key facts"),
    ("timeline", "Timeline"),
    ("who_said_what", "Who said what"),
    ("disputed", "Disputed"),
    ("unverified", "Unverified"),
)


@dataclass(frozen=True, slots=True)
class Brief:
    """The written brief of one story: named sections of cited sentences.

    Section keys are those of :data:`BRIEF_SECTIONS`; ``dropped`` counts candidate
    sentences left out because a cited source did not support them.
    """

    story_id: str
    title: str = ""
    sections: Mapping[str, tuple[BriefSentence, ...]] = field(default_factory=dict)
    sources: tuple[BriefSource, ...] = ()
    writer: str = "extractive"
    dropped: int = 0

    def number(self, article_id: str) -> int:
        """The source number an article is cited by (0 when it is not a source)."""
        for source in self.sources:
            if source.article_id == article_id:
                return source.number
        return 0


class Verdict(enum.StrEnum):
    """Audit verdict for one sentence of a draft."""

    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class AuditEvidence:
    """A source passage that supports or contradicts a draft sentence."""

    article_id: str
    outlet: str
    text: str
    relation: str  # entails | contradicts
    score: float


@dataclass(frozen=True, slots=True)
class AuditSentence:
    """One audited sentence of a draft: its verdict, score, reason and evidence."""

    index: int
    start: int
    end: int
    text: str
    verdict: Verdict
    score: float
    reason: str = ""
    evidence: tuple[AuditEvidence, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditResult:
    """A draft checked sentence by sentence against sources (``check``: the cross-check of
    draft + sources that the structured verdicts came from)."""

    draft: Article
    sources: tuple[Article, ...]
    sentences: tuple[AuditSentence, ...]
    check: StoryCheck | None = field(default=None, repr=False)

    def counts(self) -> dict[str, int]:
        out = {v.value: 0 for v in Verdict}
        for s in self.sentences:
            out[s.verdict.value] += 1
        return out

    def summary(self) -> str:
        c = self.counts()
        return (
            f"{plural(len(self.sentences), 'sentence')}: {c['supported']} supported, "
            f"{c['contradicted']} contradicted, {c['not_found']} not found in the sources"
        )


# --- serialisation -------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """Turn model objects (and containers of them) into JSON-ready builtins.

    Dataclasses become dicts (properties are not included), enums their values,
    datetimes ISO 8601 strings, tuples lists.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [to_jsonable(v) for v in value]
    return value
