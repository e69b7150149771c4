"""The REST API (``/api``): start jobs, poll them, read stories and reports, audit drafts.

Every long piece of work is a job: ``POST`` answers ``202 Accepted`` at once with the
job (and a ``Location`` header); ``GET /api/jobs/{id}`` reports its progress, and
``GET /api/jobs/{id}/events`` streams the same as server-sent events until it ends.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from storycheck.web.inputs import InputRejectedError, InputWriter, split_urls
from storycheck.web.jobs import Job, QueueFullError, StoryRow, new_job_id
from storycheck.web.security import client_key
from storycheck.web.state import Cached, WebState

router = APIRouter(prefix="/api", tags=["api"])

REPORT_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


Web = Annotated[WebState, Depends(web_state)]


# --- models ------------------------------------------------------------------------------


class ArticleIn(BaseModel):
    """One article sent as JSON (the same fields the ``.json`` reader takes)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5_000_000, description="The article body.")
    title: str | None = Field(default=None, max_length=1000)
    outlet: str | None = Field(default=None, max_length=300)
    author: str | None = Field(default=None, max_length=300)
    published: str | None = Field(
        default=None, max_length=64, description="ISO 8601 date or date-time."
    )
    url: str | None = Field(default=None, max_length=2048)


class AnalyzeIn(BaseModel):
    """Articles and/or URLs to cross-check (URLs are fetched by the server, SSRF-guarded)."""

    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(default_factory=list, max_length=5000)
    urls: list[str] = Field(default_factory=list, max_length=1000)


class AuditIn(BaseModel):
    """A draft to check against stored sources: a story's articles or chosen articles."""

    model_config = ConfigDict(extra="forbid")

    draft: str = Field(min_length=1, max_length=1_000_000, description="The draft's text.")
    title: str | None = Field(default=None, max_length=1000)
    story_id: str | None = Field(default=None, max_length=64)
    article_ids: list[str] = Field(default_factory=list, max_length=1000)


class ProblemOut(BaseModel):
    source: str
    reason: str
    fatal: bool = True


class JobOut(BaseModel):
    """A job and its progress; ``links`` point at its result and pages."""

    id: str
    kind: str
    status: str = Field(description="queued, running, done or failed")
    created: str
    started: str | None
    finished: str | None
    stage: str
    progress: float = Field(ge=0, le=1)
    queue_position: int
    log: list[str]
    problems: list[ProblemOut]
    error: str | None
    story_ids: list[str]
    articles: int
    links: dict[str, str]


class StoryOut(BaseModel):
    id: str
    title: str
    job_id: str
    created: str
    articles: int
    claims: int
    conflicts: int
    links: dict[str, str]


def job_out(web: WebState, job: Job) -> JobOut:
    links = {"self": f"/api/jobs/{job.id}", "events": f"/api/jobs/{job.id}/events"}
    links["page"] = f"/jobs/{job.id}"
    if job.status == "done":
        links["result"] = f"/api/jobs/{job.id}/result"
        if job.kind == "audit":
            links["page"] = f"/audits/{job.id}"
            links["html"] = f"/api/audits/{job.id}/report.html"
    return JobOut(
        id=job.id,
        kind=job.kind,
        status=job.status,
        created=job.created,
        started=job.started,
        finished=job.finished,
        stage=job.stage,
        progress=job.fraction,
        queue_position=web.db.queue_position(job) if job.status == "queued" else 0,
        log=list(job.log),
        problems=[ProblemOut(**p) for p in job.problems],
        error=job.error,
        story_ids=list(job.story_ids),
        articles=job.articles,
        links=links,
    )


def story_out(row: StoryRow) -> StoryOut:
    return StoryOut(
        id=row.id,
        title=row.title,
        job_id=row.job_id,
        created=row.created,
        articles=row.articles,
        claims=row.claims,
        conflicts=row.conflicts,
        links={
            "self": f"/api/stories/{row.id}",
            "html": f"/api/stories/{row.id}/report.html",
            "markdown": f"/api/stories/{row.id}/report.md",
            "page": f"/stories/{row.id}",
        },
    )


def rejected(exc: InputRejectedError) -> HTTPException:
    return HTTPException(exc.status, detail=f"{exc.source}: {exc.reason}")


def accepted(web: WebState, job: Job) -> JSONResponse:
    body = job_out(web, job).model_dump()
    return JSONResponse(body, status_code=202, headers={"Location": f"/api/jobs/{job.id}"})


# --- starting jobs -------------------------------------------------------------------------


def new_writer(web: WebState, max_files: int | None = None) -> tuple[str, InputWriter]:
    job_id = new_job_id()
    writer = InputWriter(
        web.settings.uploads_dir / job_id,
        max_file_bytes=web.settings.max_file_bytes,
        max_files=max_files or web.settings.max_files,
    )
    return job_id, writer


def queue_job(
    web: WebState, kind: str, params: dict[str, Any], job_id: str, client: str | None
) -> Job:
    """Create and queue a job within the queue limits (a full queue: 429, inputs removed)."""
    limits = (web.settings.max_active_jobs, web.settings.max_jobs_per_client)
    try:
        job = web.db.create(kind, params, job_id, client=client, limits=limits)
    except QueueFullError as exc:
        shutil.rmtree(web.settings.uploads_dir / job_id, ignore_errors=True)
        raise InputRejectedError("request", f"{exc}; try again later", 429) from None
    web.runner.submit(job)
    return job


def submit_analysis(
    web: WebState, job_id: str, writer: InputWriter, client: str | None = None
) -> Job:
    """Queue the job whose inputs ``writer`` holds (or clean up and re-raise)."""
    try:
        inputs = writer.done()
    except InputRejectedError:
        shutil.rmtree(writer.directory, ignore_errors=True)
        raise
    params = {"files": list(inputs.files), "urls": list(inputs.urls)}
    return queue_job(web, "analyze", params, job_id, client)


def fill_or_clean(writer: InputWriter, fill: Callable[[], None]) -> None:
    try:
        fill()
    except InputRejectedError:
        shutil.rmtree(writer.directory, ignore_errors=True)
        raise


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of an upload (enough to tell it is too large)."""
    return await upload.read(limit + 1)


JOB_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "The job was queued; poll `links.self`."},
    413: {"description": "Too large: a file, the request, or too many files/URLs."},
    415: {"description": "A file is not an accepted article type."},
    422: {"description": "Invalid input (e.g. a URL that is not http(s))."},
}


@router.post("/jobs", status_code=202, response_model=JobOut, responses=JOB_RESPONSES)
def post_articles(body: AnalyzeIn, web: Web, request: Request) -> JSONResponse:
    """Cross-check articles given as JSON objects and/or URLs to fetch."""
    settings = web.settings
    if len(body.articles) > settings.max_articles:
        raise HTTPException(413, f"request: too many articles (at most {settings.max_articles})")
    job_id, writer = new_writer(web, max_files=settings.max_articles)

    def fill() -> None:
        if body.articles:
            writer.add_articles([a.model_dump(exclude_none=True) for a in body.articles])
        writer.add_urls(body.urls, settings.max_urls)

    try:
        fill_or_clean(writer, fill)
        job = submit_analysis(web, job_id, writer, client_key(request.scope))
    except InputRejectedError as exc:
        raise rejected(exc) from None
    return accepted(web, job)


@router.post("/jobs/upload", status_code=202, response_model=JobOut, responses=JOB_RESPONSES)
async def post_upload(
    web: Web,
    request: Request,
    files: Annotated[
        list[UploadFile] | None,
        File(description="Article files: .txt .md .html .json .jsonl .rss .atom .xml .gz"),
    ] = None,
    urls: Annotated[str, Form(description="URLs to fetch, one per line.")] = "",
    text: Annotated[str, Form(description="Pasted articles, separated by a line of ==== .")] = "",
) -> JSONResponse:
    """Cross-check uploaded article files (multipart), pasted text and/or URLs."""
    from storycheck.web.inputs import split_pasted

    settings = web.settings
    job_id, writer = new_writer(web)
    uploads = files or []
    try:
        if len(uploads) > settings.max_files:
            raise InputRejectedError(
                "request", f"too many files (at most {settings.max_files})", 413
            )
        contents = [
            (u.filename or "upload.txt", await read_upload(u, settings.max_file_bytes), u)
            for u in uploads
        ]

        def fill() -> None:
            for name, data, upload in contents:
                writer.add_file(name, data, upload.content_type)
            for chunk in split_pasted(text):
                writer.add_text(chunk)
            writer.add_urls(split_urls(urls), settings.max_urls)

        fill_or_clean(writer, fill)
        job = submit_analysis(web, job_id, writer, client_key(request.scope))
    except InputRejectedError as exc:
        shutil.rmtree(writer.directory, ignore_errors=True)
        raise rejected(exc) from None
    finally:
        for upload in uploads:
            await upload.close()
    return accepted(web, job)


# --- jobs ----------------------------------------------------------------------------------


def get_job(web: WebState, job_id: str) -> Job:
    job = web.db.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    return job


@router.get("/jobs", response_model=list[JobOut])
def list_jobs(web: Web, limit: int = 50) -> list[JobOut]:
    """Recent jobs, newest first."""
    return [job_out(web, j) for j in web.db.jobs(max(1, min(limit, 500)))]


@router.get("/jobs/{job_id}", response_model=JobOut)
def job_status(job_id: str, web: Web) -> JobOut:
    """A job's status and progress (poll this until ``status`` is done or failed)."""
    return job_out(web, get_job(web, job_id))


@router.post(
    "/jobs/{job_id}/cancel",
    response_model=JobOut,
    responses={409: {"description": "The job had already ended."}},
)
def cancel_job(job_id: str, web: Web) -> JobOut:
    """Cancel a queued or running job: it ends as failed ("cancelled"); a running job's
    worker process is stopped within about a second."""
    get_job(web, job_id)
    if not web.db.cancel(job_id):
        raise HTTPException(409, f"job {job_id} has already ended")
    web.executor.cancel(job_id)
    return job_out(web, get_job(web, job_id))


@router.get(
    "/jobs/{job_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def job_events(job_id: str, web: Web, request: Request) -> StreamingResponse:
    """Server-sent events: the job (as in ``GET /api/jobs/{id}``) each time it changes."""
    await run_in_threadpool(get_job, web, job_id)

    async def events() -> AsyncIterator[str]:
        last = ""
        idle = 0
        while not await request.is_disconnected():
            job = await run_in_threadpool(web.db.get, job_id)
            if job is None:
                return
            data = job_out(web, job).model_dump_json()
            if data != last:
                last, idle = data, 0
                yield f"event: job\ndata: {data}\n\n"
            else:
                idle += 1
                if idle % 30 == 0:
                    yield ": keep-alive\n\n"
            if not job.active:
                return
            await asyncio.sleep(0.5)

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )


@router.get("/jobs/{job_id}/result", responses={200: {"content": {"application/json": {}}}})
def job_result(job_id: str, web: Web) -> Response:
    """A finished job's result: the report/1 document of an analysis, or an audit result."""
    job = get_job(web, job_id)
    if job.active:
        raise HTTPException(409, f"job {job_id} is {job.status}")
    body = web.db.result(job_id)
    if body is None:
        raise HTTPException(404, f"job {job_id} has no result ({job.error or 'none'})")
    return Response(body, media_type="application/json")


# --- stories -------------------------------------------------------------------------------


@router.get("/stories", response_model=list[StoryOut])
def list_stories(web: Web, limit: int = 200) -> list[StoryOut]:
    """Stored stories, newest first."""
    return [story_out(r) for r in web.db.stories(max(1, min(limit, 1000)))]


def send_cached(request: Request, item: Cached, media_type: str, **headers: str) -> Response:
    """A cached body, gzip-compressed when the client accepts it, with an ETag."""
    out = {"ETag": item.etag, "Vary": "Accept-Encoding", "Cache-Control": "no-cache", **headers}
    if request.headers.get("if-none-match") == item.etag:
        return Response(status_code=304, headers=out)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(item.gz, media_type=media_type, headers={**out, "Content-Encoding": "gzip"})
    return Response(item.body, media_type=media_type, headers=out)


def story_json(web: WebState, story_id: str) -> Cached:
    item = web.cache.get(
        f"json:{story_id}",
        lambda: body.encode("utf-8") if (body := web.db.story_body(story_id)) else None,
    )
    if item is None:
        raise HTTPException(404, f"no story {story_id}")
    return item


def story_html(web: WebState, story_id: str) -> Cached:
    def make() -> bytes | None:
        body = web.db.story_body(story_id)
        if body is None:
            return None
        return render_report(web, json.loads(body)).encode("utf-8")

    item = web.cache.get(f"html:{story_id}", make)
    if item is None:
        raise HTTPException(404, f"no story {story_id}")
    return item


def render_report(web: WebState, report: dict[str, Any]) -> str:
    """The interactive HTML report of the report module, served as it is."""
    from storycheck.report import render_html

    return render_html(report)


@router.get("/stories/{story_id}", responses={200: {"content": {"application/json": {}}}})
async def story_report(story_id: str, request: Request, web: Web) -> Response:
    """One story's report: a ``storycheck.report/1`` document with just that story."""
    item = web.cache.peek(f"json:{story_id}")
    if item is None:
        item = await run_in_threadpool(story_json, web, story_id)
    return send_cached(request, item, "application/json")


@router.get("/stories/{story_id}/report.html", responses={200: {"content": {"text/html": {}}}})
async def story_report_html(story_id: str, request: Request, web: Web) -> Response:
    """The story's self-contained interactive HTML report."""
    item = web.cache.peek(f"html:{story_id}")
    if item is None:
        item = await run_in_threadpool(story_html, web, story_id)
    return send_cached(request, item, "text/html", **{"Content-Security-Policy": REPORT_CSP})


@router.get("/stories/{story_id}/report.md", responses={200: {"content": {"text/markdown": {}}}})
def story_report_markdown(story_id: str, web: Web) -> Response:
    """The story's brief and findings as Markdown (for editors' tools)."""
    from storycheck.report import render_markdown

    body = web.db.story_body(story_id)
    if body is None:
        raise HTTPException(404, f"no story {story_id}")
    return Response(
        render_markdown(json.loads(body)),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{story_id}.md"'},
    )


# --- articles ------------------------------------------------------------------------------


@router.get("/articles/{article_id}")
def article(article_id: str, web: Web) -> dict[str, Any]:
    """A stored article: metadata, clean text and sentence spans."""
    from storycheck.report.jsonreport import article_summary
    from storycheck.web.work import relabel

    found = web.store().get_article(article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id}")
    return {
        **relabel(article_summary(found), web.unpath),
        "text": found.text,
        "sentences": [
            {"index": s.index, "span": [s.start, s.end], "paragraph": s.paragraph}
            for s in found.sentences
        ],
    }


# --- audits --------------------------------------------------------------------------------


def audit_sources(web: WebState, story_ids: Sequence[str], article_ids: Sequence[str]) -> list[str]:
    """The stored article ids behind the chosen stories and articles (in a stable order)."""
    chosen: list[str] = []
    for story_id in story_ids:
        body = web.db.story_body(story_id)
        if body is None:
            raise InputRejectedError(story_id, "no such story", 404)
        for story in json.loads(body).get("stories", []):
            chosen.extend(story.get("article_ids", []))
    store = web.store()
    for article_id in article_ids:
        found = store.get_article(article_id)
        if found is None:
            raise InputRejectedError(article_id, "no such article", 404)
        chosen.append(found.id)
    unique = list(dict.fromkeys(chosen))
    if not unique:
        raise InputRejectedError("request", "choose at least one story or source article")
    return unique


def submit_audit(
    web: WebState,
    draft: str,
    sources: Sequence[str],
    title: str | None = None,
    client: str | None = None,
) -> Job:
    """Queue an audit of ``draft`` against the stored articles ``sources``."""
    from storycheck.web.work import DRAFT_FILE

    if not draft.strip():
        raise InputRejectedError("draft", "the draft is empty")
    if len(draft) > web.settings.max_draft_chars:
        raise InputRejectedError(
            "draft", f"the draft is longer than {web.settings.max_draft_chars} characters", 413
        )
    job_id = new_job_id()
    directory = web.settings.uploads_dir / job_id
    directory.mkdir(parents=True, exist_ok=True)
    (directory / DRAFT_FILE).write_text(draft, encoding="utf-8")
    params = {"article_ids": list(sources), "title": title or ""}
    return queue_job(web, "audit", params, job_id, client)


@router.post("/audit", status_code=202, response_model=JobOut, responses=JOB_RESPONSES)
def post_audit(body: AuditIn, web: Web, request: Request) -> JSONResponse:
    """Check a draft sentence by sentence against stored sources (a story or chosen articles).

    The result (``storycheck.audit/1``) is at the job's ``links.result`` when it is done.
    """
    try:
        sources = audit_sources(web, [body.story_id] if body.story_id else [], body.article_ids)
        job = submit_audit(web, body.draft, sources, body.title, client_key(request.scope))
    except InputRejectedError as exc:
        raise rejected(exc) from None
    return accepted(web, job)


def audit_doc(web: WebState, job_id: str) -> dict[str, Any]:
    job = get_job(web, job_id)
    body = web.db.result(job_id) if job.kind == "audit" else None
    if body is None:
        raise HTTPException(404, f"no finished audit {job_id}")
    doc: dict[str, Any] = json.loads(body)
    return doc


@router.get("/audits/{job_id}/report.html", responses={200: {"content": {"text/html": {}}}})
def audit_report_html(job_id: str, web: Web) -> Response:
    """A finished audit as a self-contained HTML page."""
    from storycheck.report.audit import audit_html

    html = audit_html(audit_doc(web, job_id))
    return Response(html, media_type="text/html", headers={"Content-Security-Policy": REPORT_CSP})
