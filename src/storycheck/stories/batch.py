"""Batch runs over big archives: read → clean → embed → cluster → per-story cross-check.

Two engines run the *same stage functions*:

* ``local`` (default): a process pool on this machine;
* ``ray``: a Ray Data pipeline (``pip install 'storycheck[ray]'``). Without a cluster
  address it starts Ray locally; with ``RAY_ADDRESS`` set (or ``ray start --address``
  on the nodes, or a KubeRay ``RayCluster``/``RayJob``) the same command runs on the
  cluster — nothing in the code changes.

Reading, cleaning and embedding are embarrassingly parallel (chunks of inputs). The
clustering is the sequential online algorithm of :mod:`storycheck.stories.cluster`, run on
the driver over the collected features (ANN candidate search keeps it near-linear: about
a minute per 100k articles); the cross-check of each story is parallel again. Results:
``DIR/stories.json`` (every story with its articles, and the topics that group the stories
unless ``topics=None``), ``DIR/index.html`` (every story's title, article count, date
range and disputes, linking to its report) and, unless ``check=False``,
``DIR/stories/<story-id>.json`` (the report/1 of that story, with its brief) and
``DIR/stories/<story-id>.html`` (the same as one self-contained HTML report).

Near-duplicate collapsing works within one input chunk (``chunk_size`` inputs), not
across chunks.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storycheck.ingest import IngestOptions, Ingestor
from storycheck.ingest.sources import expand_inputs
from storycheck.model import Article, InputProblem, Story, to_jsonable
from storycheck.report.index import IndexEntry, entry_from_report
from storycheck.stories.cluster import StoryOptions, group_features
from storycheck.stories.features import ArticleFeatures, FeatureOptions, featurize
from storycheck.stories.topics import TopicOptions, group_topics
from storycheck.words import plural

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """What a batch run does."""

    engine: str = "local"
    workers: int | None = None
    chunk_size: int = 200
    check: bool = True
    ingest: IngestOptions = field(default_factory=IngestOptions)
    stories: StoryOptions = field(default_factory=StoryOptions)
    features: FeatureOptions = field(default_factory=FeatureOptions)
    topics: TopicOptions | None = field(default_factory=TopicOptions)  # None: no topic level
    fast_embedder: str | None = None


@dataclass(frozen=True, slots=True)
class BatchResult:
    stories: list[Story]
    articles: int
    problems: list[InputProblem]
    reports: list[Path]


# --- the stage functions (both engines) ---------------------------------------------


def read_stage(
    items: Sequence[str], options: IngestOptions
) -> tuple[list[Article], list[InputProblem]]:
    """Read and clean one chunk of inputs (English articles only)."""
    ingestor = Ingestor(options, None)
    try:
        result = ingestor.run(list(items))
    finally:
        ingestor.close()
    usable = [a for a in result.articles if a.language in (None, "en")]
    return usable, list(result.problems)


def embed_stage(
    articles: Sequence[Article], options: FeatureOptions, embedder: str | None
) -> list[ArticleFeatures]:
    """Features (fast embedder vector, terms, date) of one chunk of articles."""
    from storycheck.models import get_fast_embedder

    return featurize(articles, get_fast_embedder(embedder), options)


def cluster_stage(features: Sequence[ArticleFeatures], options: StoryOptions) -> list[Story]:
    """The online clustering over all features, in input order (deterministic)."""
    return group_features(features, options)


def check_stage(story: Story, articles: Sequence[Article]) -> dict[str, Any]:
    """Cross-check one story and write its brief; its report/1 as JSON-ready data, with
    the article texts (the HTML report shows them; :func:`without_texts` drops them)."""
    from storycheck.models import get_embedder, get_nli, get_parser
    from storycheck.pipeline import AnalyzeOptions, write_briefs
    from storycheck.report import build_report
    from storycheck.verify import cross_check

    parser, embedder, nli = get_parser(), get_embedder(), get_nli()
    check = cross_check(list(articles), story, parser=parser, embedder=embedder, nli=nli)
    briefs = write_briefs([check], AnalyzeOptions(), embedder=embedder, nli=nli)
    models = {"parser": repr(parser), "embedder": repr(embedder), "nli": repr(nli)}
    return dict(build_report([check], models=models, briefs=briefs, texts=True))


def without_texts(report: dict[str, Any]) -> dict[str, Any]:
    """The report/1 without the article texts and sentence spans (for the JSON file)."""
    drop = ("text", "sentences")
    articles = [{k: v for k, v in a.items() if k not in drop} for a in report.get("articles", [])]
    return {**report, "articles": articles}


def write_story_reports(folder: Path, story_id: str, report: dict[str, Any]) -> list[Path]:
    """``<id>.json`` (report/1, no texts) and ``<id>.html`` (self-contained) in ``folder``."""
    from storycheck.report import render_html
    from storycheck.report.files import write_text

    return [
        write_text(
            folder / f"{story_id}.json",
            json.dumps(without_texts(report), ensure_ascii=False),
        ),
        write_text(folder / f"{story_id}.html", render_html(report)),
    ]


def write_index(out_dir: Path, stories: Sequence[Story], checked: Mapping[str, IndexEntry]) -> Path:
    """``DIR/index.html``: every story (title, articles, dates, disputes), linking to
    ``stories/<id>.html`` when it was cross-checked (``checked``: its index rows)."""
    from storycheck.report.files import write_text
    from storycheck.report.index import render_index

    entries: list[IndexEntry] = []
    for story in stories:
        if story.id in checked:
            entries.append(checked[story.id])
            continue
        first = story.first_seen.date().isoformat() if story.first_seen else None
        last = story.last_seen.date().isoformat() if story.last_seen else None
        entries.append(IndexEntry(story.title, len(story.article_ids), first, last, None, None))
    return write_text(out_dir / "index.html", render_index(entries))


def _read_and_embed(
    items: Sequence[str], opts: BatchOptions
) -> tuple[list[Article], list[ArticleFeatures], list[InputProblem]]:
    articles, problems = read_stage(items, opts.ingest)
    return articles, embed_stage(articles, opts.features, opts.fast_embedder), problems


# --- engines ------------------------------------------------------------------------


def _chunks(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), max(1, size))]


def _run_local(
    chunks: list[list[str]], opts: BatchOptions, say: Progress
) -> tuple[list[Article], list[ArticleFeatures], list[InputProblem], Any]:
    workers = opts.workers or os.cpu_count() or 1
    articles: list[Article] = []
    feats: list[ArticleFeatures] = []
    problems: list[InputProblem] = []
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
    mapper: Callable[..., Iterable[Any]] = pool.map if pool is not None else map
    for n, (arts, fs, probs) in enumerate(
        mapper(_read_and_embed, chunks, [opts] * len(chunks)), start=1
    ):
        articles += arts
        feats += fs
        problems += probs
        say(f"read and embedded chunk {n}/{len(chunks)}")
    return articles, feats, problems, pool


def _ray_read_embed(row: dict[str, Any], opts_blob: bytes) -> dict[str, Any]:
    opts: BatchOptions = pickle.loads(opts_blob)
    arts, fs, probs = _read_and_embed(json.loads(row["items"]), opts)
    return {"n": row["n"], "blob": pickle.dumps((arts, fs, probs))}


def _ray_check(row: dict[str, Any]) -> dict[str, Any]:
    story, articles = pickle.loads(row["blob"])
    return {"id": story.id, "report": json.dumps(check_stage(story, articles))}


def _run_ray(
    chunks: list[list[str]], opts: BatchOptions, say: Progress
) -> tuple[list[Article], list[ArticleFeatures], list[InputProblem]]:
    import ray

    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if opts.workers and not os.environ.get("RAY_ADDRESS"):
            kwargs["num_cpus"] = opts.workers
        ray.init(**kwargs)
    # one row per chunk: the chunks (and so near-duplicate collapsing) match the local engine
    rows = [{"n": n, "items": json.dumps(chunk)} for n, chunk in enumerate(chunks)]
    ds = ray.data.from_items(rows, override_num_blocks=max(1, len(chunks)))
    out = ds.map(_ray_read_embed, fn_kwargs={"opts_blob": pickle.dumps(opts)})  # type: ignore[arg-type]
    articles: list[Article] = []
    feats: list[ArticleFeatures] = []
    problems: list[InputProblem] = []
    for row in sorted(out.take_all(), key=lambda r: int(r["n"])):  # input order
        arts, fs, probs = pickle.loads(row["blob"])
        articles += arts
        feats += fs
        problems += probs
    say(f"read and embedded {plural(len(articles), 'article')} on ray")
    return articles, feats, problems


def run_batch(
    inputs: Sequence[str],
    out_dir: Path,
    options: BatchOptions | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Group (and cross-check) everything ``inputs`` name; write the results to ``out_dir``."""
    opts = options or BatchOptions()
    say = progress or (lambda _m: None)
    items, problems = expand_inputs(list(inputs))
    names = [item.source for item in items]
    chunks = _chunks(names, opts.chunk_size)
    pool = None
    if opts.engine == "ray":
        articles, feats, probs = _run_ray(chunks, opts, say)
    elif opts.engine == "local":
        articles, feats, probs, pool = _run_local(chunks, opts, say)
    else:
        raise ValueError(f"unknown engine {opts.engine!r} (local or ray)")
    problems = [*(p for p in problems if isinstance(p, InputProblem)), *probs]
    first: dict[str, int] = {}
    for i, a in enumerate(articles):
        first.setdefault(a.id, i)
    keep = sorted(first.values())
    articles = [articles[i] for i in keep]
    feats = [feats[i] for i in keep]
    stories = cluster_stage(feats, opts.stories)
    say(f"{plural(len(stories), 'story')} from {plural(len(articles), 'article')}")
    topics = group_topics(feats, stories, opts.topics) if opts.topics is not None else []
    if topics:
        say(plural(len(topics), "topic"))
    out_dir.mkdir(parents=True, exist_ok=True)
    by_id = {a.id: a for a in articles}
    listing = [
        {**to_jsonable(s), "sources": [by_id[i].source for i in s.article_ids]} for s in stories
    ]
    summary: dict[str, Any] = {"stories": listing, "articles": len(articles)}
    if opts.topics is not None:
        summary["topics"] = [to_jsonable(t) for t in topics]
    (out_dir / "stories.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    reports: list[Path] = []
    checked: dict[str, IndexEntry] = {}
    if opts.check and stories:
        jobs = [(s, [by_id[i] for i in s.article_ids]) for s in stories]
        results: Iterable[tuple[str, str]]
        if opts.engine == "ray":
            import ray

            ds = ray.data.from_items([{"blob": pickle.dumps(j)} for j in jobs])
            results = [(r["id"], r["report"]) for r in ds.map(_ray_check).take_all()]
        else:
            mapper: Callable[..., Iterable[dict[str, Any]]] = pool.map if pool else map
            results = (
                (s.id, json.dumps(rep))
                for (s, _), rep in zip(
                    jobs, mapper(check_stage, *zip(*jobs, strict=True)), strict=True
                )
            )
        folder = out_dir / "stories"
        folder.mkdir(exist_ok=True)
        for sid, text in results:
            report = json.loads(text)
            json_path, _html_path = write_story_reports(folder, sid, report)
            reports.append(json_path)
            if report.get("stories"):
                checked[sid] = entry_from_report(report, f"stories/{sid}.html")
            say(f"checked {sid}")
    if pool is not None:
        pool.shutdown()
    write_index(out_dir, stories, checked)
    return BatchResult(stories, len(articles), problems, sorted(reports))
