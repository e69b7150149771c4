"""What the worker does for each kind of job: run the pipeline or an audit, store results."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from storycheck.model import Article, Brief, InputProblem, StoryCheck
from storycheck.web.jobs import Job, JobDB, StoryRow, now, run_job
from storycheck.web.settings import WebSettings

Progress = Callable[[str], None]

DRAFT_FILE = "draft.txt"


def uploads_pattern(uploads_dir: Path) -> re.Pattern[str]:
    """Matches the server's per-job upload directory at the start of a path."""
    return re.compile(re.escape(str(uploads_dir)) + r"/[0-9a-f]{16}/")


def relabel(value: Any, pattern: re.Pattern[str]) -> Any:
    """Strip the server's upload directories from paths (``source``, ``location``…)."""
    if isinstance(value, str):
        return pattern.sub("", value, count=1) if pattern.match(value) else value
    if isinstance(value, dict):
        return {k: relabel(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [relabel(v, pattern) for v in value]
    return value


def problem_json(problem: InputProblem) -> dict[str, Any]:
    return {"source": problem.source, "reason": problem.reason, "fatal": problem.fatal}


def build(
    checks: Sequence[StoryCheck],
    *,
    models: Mapping[str, str],
    extra_articles: Sequence[Article] = (),
    briefs: Mapping[str, Brief] | None = None,
) -> dict[str, Any]:
    """report/1 for ``checks`` with their briefs and the article texts (for the article view)."""
    from storycheck.report import build_report

    return build_report(
        checks, models=models, extra_articles=extra_articles, briefs=briefs, texts=True
    )


def draft_article(text: str, title: str | None = None) -> Article:
    """A pasted draft as an article (read like a ``.txt``: headline and header lines)."""
    import dataclasses

    from storycheck.ingest import build_article
    from storycheck.ingest.text import read_text

    doc = read_text(text, "draft", title_line=title is None)
    if title:
        doc = dataclasses.replace(doc, title=title)
    return build_article(doc)


class Worker:
    """The job handlers, bound to the server's settings and databases."""

    def __init__(self, settings: WebSettings, db: JobDB) -> None:
        self.settings = settings
        self.db = db
        self.unpath = uploads_pattern(settings.uploads_dir)

    def upload_dir(self, job_id: str) -> Path:
        return self.settings.uploads_dir / job_id

    def handlers(self) -> dict[str, Callable[[Job, Progress], None]]:
        return {"analyze": self.analyze, "audit": self.audit}

    def analyze(self, job: Job, progress: Progress) -> None:
        from storycheck.ingest import IngestOptions
        from storycheck.pipeline import AnalyzeOptions, analyze
        from storycheck.store import Store

        directory = self.upload_dir(job.id)
        inputs = [str(directory)] if job.params.get("files") else []
        inputs += [str(u) for u in job.params.get("urls", [])]
        options = AnalyzeOptions(
            ingest=IngestOptions(
                allow_private=self.settings.allow_private,
                max_bytes=self.settings.max_file_bytes,
                timeout=self.settings.fetch_timeout,
            ),
            nli=self.settings.nli,
            embedder=self.settings.embedder,
        )
        with Store(self.settings.store_path) as store:
            analysis = analyze(inputs, options, store=store, progress=progress)
        problems = [problem_json(p) for p in analysis.ingest.problems]
        problems += [
            {
                "source": a.source,
                "reason": f"language {a.language!r} is not supported yet",
                "fatal": False,
            }
            for a in analysis.skipped
        ]
        problems = relabel(problems, self.unpath)
        if not analysis.ingest.articles:
            self.db.finish(job.id, error="no usable articles were read", problems=problems)
            return
        progress("writing report")
        report = relabel(
            build(
                analysis.checks,
                models=analysis.models,
                extra_articles=analysis.skipped,
                briefs=analysis.briefs,
            ),
            self.unpath,
        )
        created = now()
        stories: list[tuple[StoryRow, str]] = []
        for check in analysis.checks:
            doc = relabel(
                build([check], models=analysis.models, briefs=analysis.briefs), self.unpath
            )
            row = StoryRow(
                id=check.story.id,
                job_id=job.id,
                title=check.story.title,
                created=created,
                articles=len(check.articles),
                claims=len(check.claims),
                conflicts=len(check.findings),
            )
            stories.append((row, json.dumps(doc, ensure_ascii=False)))
        self.db.finish(
            job.id,
            problems=problems,
            story_ids=[c.story.id for c in analysis.checks],
            articles=len(analysis.ingest.articles),
            result=report,
            stories=stories,
        )

    def audit(self, job: Job, progress: Progress) -> None:
        from storycheck.models import get_embedder, get_nli, get_parser
        from storycheck.report.audit import audit_json
        from storycheck.store import Store
        from storycheck.verify.audit import audit_draft

        text = (self.upload_dir(job.id) / DRAFT_FILE).read_text(encoding="utf-8")
        draft = draft_article(text, job.params.get("title") or None)
        with Store(self.settings.store_path) as store:
            sources = store.get_articles(job.params.get("article_ids", []))
        if not sources:
            self.db.finish(job.id, error="none of the chosen source articles is stored")
            return
        progress("auditing")
        embedder = get_embedder(self.settings.embedder)
        nli = get_nli(self.settings.nli)
        result = audit_draft(
            draft, sources, embedder=embedder, nli=nli, parser=get_parser(), progress=progress
        )
        doc = relabel(
            audit_json(result, {"embedder": repr(embedder), "nli": repr(nli)}), self.unpath
        )
        self.db.finish(job.id, result=doc, articles=len(sources))


_WORKERS: dict[WebSettings, Worker] = {}


def execute_job(settings: WebSettings, job_id: str) -> None:
    """Run one job in this process (its database and models are opened once per process)."""
    worker = _WORKERS.get(settings)
    if worker is None:
        worker = _WORKERS[settings] = Worker(settings, JobDB(settings.jobs_path))
    run_job(worker.db, worker.handlers(), job_id)
