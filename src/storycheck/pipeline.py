"""The whole job, stage by stage: ingest → story → claims → cross-check → report.

Usable (English) inputs are grouped into stories (:mod:`storycheck.stories`) and each
story is cross-checked on its own. Models are chosen by :mod:`storycheck.models.registry`
(defaults, config file, environment, arguments) and loaded lazily, once per process.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from storycheck.brief import BriefOptions
from storycheck.brief.llm import LLMOptions
from storycheck.facts.stats import STATS as FACT_STATS
from storycheck.ingest import IngestOptions, Ingestor, IngestResult
from storycheck.model import Article, Brief, Story, StoryCheck
from storycheck.models import NLI, Embedder
from storycheck.store import Store
from storycheck.stories import StoryOptions
from storycheck.verify import VerifyOptions, cross_check

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class AnalyzeOptions:
    """What to run and with which models (None = the configured default)."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    verify: VerifyOptions = field(default_factory=VerifyOptions)
    embedder: str | None = None
    nli: str | None = None
    parser: str | None = None
    fast_embedder: str | None = None  # story grouping
    stories: StoryOptions = field(default_factory=StoryOptions)
    story: str | None = None  # cross-check only this story (id or unique id prefix)
    brief: BriefOptions | None = field(default_factory=BriefOptions)  # None: no brief
    llm: LLMOptions | None = None  # write What happened with this endpoint


@dataclass(frozen=True, slots=True)
class Analysis:
    """The result of ``analyze``: what was read, what was checked, and with what."""

    ingest: IngestResult
    checks: tuple[StoryCheck, ...]
    skipped: tuple[Article, ...]
    models: dict[str, str]
    briefs: dict[str, Brief] = field(default_factory=dict)  # story id → brief
    #: Wall seconds per stage (ingest, stories, check, brief, total) and, inside check and
    #: brief, the NLI model's share (nli) with the pairs and premise windows it scored.
    timings: dict[str, float] = field(default_factory=dict)


def story_of(articles: Sequence[Article]) -> Story:
    """One story of all ``articles``, titled by the most common headline words' article."""
    ids = tuple(a.id for a in articles)
    digest = hashlib.sha1("".join(sorted(ids)).encode()).hexdigest()[:10]
    titled = [a for a in articles if a.title]
    title = titled[0].title if titled else "Untitled story"
    dates = [a.published for a in articles if a.published]
    return Story(
        id=f"story-{digest}",
        title=title or "Untitled story",
        article_ids=ids,
        first_seen=min(dates) if dates else None,
        last_seen=max(dates) if dates else None,
    )


class StoryNotFoundError(LookupError):
    """``--story`` named no story (or an ambiguous prefix)."""


def group_stories(
    articles: Sequence[Article], opts: AnalyzeOptions, *, store: Store | None = None
) -> list[Story]:
    """The stories of ``articles`` (largest first), continuing the store's grouping if any.

    With a store, new articles join the stored stories (ids stay stable across runs) and
    each story lists only the given articles.
    """
    from storycheck.models import get_fast_embedder
    from storycheck.stories import group_articles, update_store

    if not articles:
        return []
    embedder = get_fast_embedder(opts.fast_embedder)
    if store is None:
        return group_articles(articles, embedder=embedder, options=opts.stories)
    wanted = {a.id for a in articles}
    stored = update_store(store, articles, embedder=embedder, options=opts.stories)
    out = []
    for story in stored:
        ids = tuple(i for i in story.article_ids if i in wanted)
        if ids:
            out.append(dataclasses.replace(story, article_ids=ids))
    return sorted(out, key=lambda s: -len(s.article_ids))


def select_story(stories: Sequence[Story], wanted: str) -> Story:
    """The story whose id is ``wanted`` or starts with it (unique)."""
    exact = [s for s in stories if s.id == wanted]
    found = exact or [s for s in stories if s.id.startswith(wanted)]
    if len(found) != 1:
        known = ", ".join(s.id for s in stories[:10])
        why = "is ambiguous" if found else "matches no story"
        raise StoryNotFoundError(f"story {wanted!r} {why} (stories: {known})")
    return found[0]


def analyze(
    inputs: Sequence[str],
    options: AnalyzeOptions | None = None,
    *,
    store: Store | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Read ``inputs``, group them into stories and cross-check each story."""
    from storycheck.models import get_embedder, get_nli, get_parser

    opts = options or AnalyzeOptions()
    say = progress or (lambda _msg: None)
    clock = _StageClock()
    say("reading inputs")
    ingestor = Ingestor(opts.ingest, store)
    try:
        result = ingestor.run(inputs)
    finally:
        ingestor.close()
    clock.lap("ingest")
    usable = [a for a in result.articles if a.language in (None, "en")]
    skipped = tuple(a for a in result.articles if a not in usable)
    parser = get_parser(opts.parser)
    embedder = get_embedder(opts.embedder)
    nli = get_nli(opts.nli)
    models = {"parser": _model_id(parser), "embedder": _model_id(embedder), "nli": _model_id(nli)}
    nli_before = nli_work(nli)
    facts_before = FACT_STATS["seconds"]
    say("grouping into stories")
    stories = group_stories(usable, opts, store=store)
    clock.lap("stories")
    if opts.story is not None:
        stories = [select_story(stories, opts.story)]
    by_id = {a.id: a for a in usable}
    found: list[StoryCheck] = []
    for n, story in enumerate(stories, start=1):
        say(f"story {n}/{len(stories)}: {story.title[:60]} ({len(story.article_ids)} articles)")
        found.append(
            cross_check(
                [by_id[i] for i in story.article_ids],
                story,
                parser=parser,
                embedder=embedder,
                nli=nli,
                options=opts.verify,
                progress=say,
            )
        )
    checks = tuple(found)
    clock.lap("check")
    briefs: dict[str, Brief] = {}
    if opts.brief is not None:
        briefs = write_briefs(checks, opts, embedder=embedder, nli=nli, progress=say)
        clock.lap("brief")
    pairs, windows, seconds = (b - a for a, b in zip(nli_before, nli_work(nli), strict=True))
    timings = {
        **clock.laps,
        "total": clock.total(),
        "peak_rss_mb": peak_rss_mb(),
        "articles": float(len(usable)),
        "nli": round(seconds, 3),
        "nli_pairs": pairs,
        "nli_windows": windows,
        "facts": round(FACT_STATS["seconds"] - facts_before, 3),
    }
    return Analysis(
        ingest=result,
        checks=checks,
        skipped=skipped,
        models=models,
        briefs=briefs,
        timings=timings,
    )


def peak_rss_mb() -> float:
    """This process's peak resident memory so far in MB (0 where it cannot be read)."""
    try:
        import resource
        import sys
    except ImportError:  # not on Unix
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 1024), 1)


class _StageClock:
    """Wall time per stage, in the order the stages ran."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = round(self.laps.get(stage, 0.0) + now - self.last, 3)
        self.last = now

    def total(self) -> float:
        return round(time.perf_counter() - self.start, 3)


def nli_work(nli: NLI) -> tuple[float, float, float]:
    """Pairs, windows and seconds an NLI model (or its members) has scored so far."""
    members = getattr(nli, "members", None)
    if members:
        found = [nli_work(m) for m in members]
        return (
            max(f[0] for f in found),
            sum(f[1] for f in found),
            sum(f[2] for f in found),
        )
    pairs, windows, seconds = nli.stats.snapshot()
    return float(pairs), float(windows), seconds


def write_briefs(
    checks: Sequence[StoryCheck],
    opts: AnalyzeOptions,
    *,
    embedder: Embedder,
    nli: NLI,
    progress: Progress | None = None,
) -> dict[str, Brief]:
    """The brief of each story; with ``opts.llm`` the LLM writer, falling back to the
    extractive brief (with a message) when the endpoint fails."""
    from storycheck.brief import BriefWriter
    from storycheck.brief.llm import LLMError, LLMWriter

    say = progress or (lambda _msg: None)
    options = opts.brief or BriefOptions()
    extractive = BriefWriter(embedder=embedder, nli=nli, options=options)
    llm = LLMWriter(opts.llm, embedder=embedder, nli=nli, options=options) if opts.llm else None
    briefs: dict[str, Brief] = {}
    for check in checks:
        say(f"writing the brief of {check.story.title[:60]}")
        if llm is not None:
            try:
                briefs[check.story.id] = llm.write(check)
                continue
            except LLMError as exc:
                say(f"warning: LLM writer failed ({exc}); using the extractive brief")
        briefs[check.story.id] = extractive.write(check)
    return briefs


def _model_id(model: object) -> str:
    """The id a report names a model by ("spacy:en_core_web_sm-3.8.0"), not its repr."""
    model_id = getattr(model, "model_id", None)
    return model_id if isinstance(model_id, str) and model_id else type(model).__name__
