"""The whole job, stage by stage: ingest → story → claims → cross-check → report.

Until story grouping lands, all usable (English) inputs form one story. Models are chosen
by :mod:`storycheck.models.registry` (defaults, config file, environment, arguments) and
loaded lazily, once per process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from storycheck.ingest import IngestOptions, Ingestor, IngestResult
from storycheck.model import Article, Story, StoryCheck
from storycheck.store import Store
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


@dataclass(frozen=True, slots=True)
class Analysis:
    """The result of ``analyze``: what was read, what was checked, and with what."""

    ingest: IngestResult
    checks: tuple[StoryCheck, ...]
    skipped: tuple[Article, ...]
    models: dict[str, str]


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


def analyze(
    inputs: Sequence[str],
    options: AnalyzeOptions | None = None,
    *,
    store: Store | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Read ``inputs`` and cross-check them as one story."""
    from storycheck.models import get_embedder, get_nli, get_parser

    opts = options or AnalyzeOptions()
    say = progress or (lambda _msg: None)
    say("reading inputs")
    ingestor = Ingestor(opts.ingest, store)
    try:
        result = ingestor.run(inputs)
    finally:
        ingestor.close()
    usable = [a for a in result.articles if a.language in (None, "en")]
    skipped = tuple(a for a in result.articles if a not in usable)
    parser = get_parser(opts.parser)
    embedder = get_embedder(opts.embedder)
    nli = get_nli(opts.nli)
    models = {"parser": repr(parser), "embedder": repr(embedder), "nli": repr(nli)}
    checks: tuple[StoryCheck, ...] = ()
    if len(usable) >= 1:
        checks = (
            cross_check(
                usable,
                story_of(usable),
                parser=parser,
                embedder=embedder,
                nli=nli,
                options=opts.verify,
                progress=say,
            ),
        )
    return Analysis(ingest=result, checks=checks, skipped=skipped, models=models)
