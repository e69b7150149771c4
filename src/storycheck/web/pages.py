"""The browser UI: server-rendered pages (Jinja2, autoescaped) and plain HTML forms.

Forms post back to the server with a CSRF token; long work becomes a job whose page
polls the API (``static/app.js``) and falls back to a meta refresh without JavaScript.
"""

from __future__ import annotations

import json
import shutil
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from storycheck.web.api import (
    Web,
    audit_doc,
    audit_sources,
    get_job,
    new_writer,
    submit_analysis,
    submit_audit,
)
from storycheck.web.inputs import InputRejectedError, split_pasted, split_urls
from storycheck.web.security import (
    AUTH_COOKIE,
    CSRF_FIELD,
    SESSION_SECONDS,
    Sessions,
    Throttle,
    client_key,
    cookie_header,
    csrf_ok,
    safe_next,
    token_ok,
)
from storycheck.web.state import WebState

router = APIRouter(include_in_schema=False)

ACCEPT = ".txt,.text,.md,.markdown,.html,.htm,.xhtml,.json,.jsonl,.ndjson,.xml,.rss,.atom,.gz"


def page(
    web: WebState, request: Request, name: str, status: int = 200, **context: Any
) -> HTMLResponse:
    template = web.templates.get_template(name)
    html = template.render(
        request=request,
        csrf_token=request.state.csrf_token,
        csrf_field=CSRF_FIELD,
        auth=web.settings.token is not None,
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


async def checked_form(request: Request, web: WebState) -> Any:
    """The posted form, after its CSRF token was checked against the cookie."""
    form = await request.form(
        max_files=web.settings.max_files + 1,
        max_fields=100,
        max_part_size=web.settings.max_request_bytes,
    )
    submitted = form.get(CSRF_FIELD)
    if not csrf_ok(
        request.scope.get("state", {}), submitted if isinstance(submitted, str) else None
    ):
        raise HTTPException(403, "storycheck: the form expired or came from another site; reload")
    return form


@router.get("/", response_class=HTMLResponse)
def index(request: Request, web: Web) -> HTMLResponse:
    return page(web, request, "index.html", accept=ACCEPT, settings=web.settings)


@router.post("/analyze")
async def analyze_form(request: Request, web: Web) -> Response:
    form = await checked_form(request, web)
    settings = web.settings
    job_id, writer = new_writer(web)
    text = str(form.get("text") or "")
    urls = str(form.get("urls") or "")
    try:
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        if len(uploads) > settings.max_files:
            raise InputRejectedError(
                "request", f"too many files (at most {settings.max_files})", 413
            )
        for upload in uploads:
            data = await upload.read(settings.max_file_bytes + 1)
            writer.add_file(upload.filename or "upload.txt", data, upload.content_type)
        for chunk in split_pasted(text):
            writer.add_text(chunk)
        writer.add_urls(split_urls(urls), settings.max_urls)
        job = submit_analysis(web, job_id, writer, client_key(request.scope))
    except InputRejectedError as exc:
        shutil.rmtree(writer.directory, ignore_errors=True)
        await form.close()
        return page(
            web,
            request,
            "index.html",
            status=exc.status,
            accept=ACCEPT,
            settings=settings,
            error=f"{exc.source}: {exc.reason}",
            text=text,
            urls=urls,
        )
    await form.close()
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, web: Web) -> HTMLResponse:
    return page(web, request, "jobs.html", jobs=web.db.jobs(100))


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(job_id: str, request: Request, web: Web) -> HTMLResponse:
    job = get_job(web, job_id)
    stories = [s for s in (web.db.story(i) for i in job.story_ids) if s is not None]
    position = web.db.queue_position(job) if job.status == "queued" else 0
    return page(web, request, "job.html", job=job, stories=stories, position=position)


@router.post("/jobs/{job_id}/cancel")
async def cancel_job_form(job_id: str, request: Request, web: Web) -> Response:
    await checked_form(request, web)
    get_job(web, job_id)
    if web.db.cancel(job_id):  # a job that already ended stays as it was
        web.executor.cancel(job_id)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/stories", response_class=HTMLResponse)
def stories_page(request: Request, web: Web) -> HTMLResponse:
    return page(web, request, "stories.html", stories=web.db.stories())


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(story_id: str, request: Request, web: Web) -> HTMLResponse:
    row = web.db.story(story_id)
    if row is None:
        raise HTTPException(404, f"no story {story_id}")
    return page(web, request, "story.html", story=row)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(article_id: str, request: Request, web: Web, s: int | None = None) -> HTMLResponse:
    found = web.store().get_article(article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id}")
    paragraphs: list[list[Any]] = []
    for sentence in found.sentences:
        while len(paragraphs) <= sentence.paragraph:
            paragraphs.append([])
        paragraphs[sentence.paragraph].append(sentence)
    return page(web, request, "article.html", article=found, paragraphs=paragraphs, mark=s)


# --- login -------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, web: Web, next: str = "/") -> Response:
    if web.settings.token is None:
        return RedirectResponse(safe_next(next), status_code=303)
    return page(web, request, "login.html", next=safe_next(next))


@router.post("/login")
async def login(request: Request, web: Web) -> Response:
    form = await checked_form(request, web)
    target = safe_next(str(form.get("next") or "/"))
    token = web.settings.token
    if token is None:
        return RedirectResponse(target, status_code=303)
    given = form.get("token")
    sessions: Sessions = request.scope["state"]["sessions"]
    throttle: Throttle = request.scope["state"]["throttle"]
    client = client_key(request.scope)
    wait = throttle.blocked(client)
    if wait > 0:
        error = f"Too many failed attempts. Try again in {wait:.0f} seconds."
        return page(web, request, "login.html", status=429, next=target, error=error)
    if not token_ok(given if isinstance(given, str) else None, token):
        throttle.fail(client)
        return page(web, request, "login.html", status=401, next=target, error="Wrong token.")
    response = RedirectResponse(target, status_code=303)
    response.headers.append(
        "Set-Cookie",
        cookie_header(
            AUTH_COOKIE,
            sessions.create(),
            secure=web.settings.secure_cookies,
            max_age=SESSION_SECONDS,
        ),
    )
    return response


@router.post("/logout")
async def logout(request: Request, web: Web) -> Response:
    await checked_form(request, web)
    sessions: Sessions = request.scope["state"]["sessions"]
    sessions.revoke(request.cookies.get(AUTH_COOKIE))  # the cookie stops working everywhere
    response = RedirectResponse("/login", status_code=303)
    response.headers.append(
        "Set-Cookie", cookie_header(AUTH_COOKIE, "", secure=web.settings.secure_cookies, max_age=0)
    )
    return response


def story_sources(web: WebState, limit: int = 50) -> list[dict[str, Any]]:
    """Stories with their articles, for choosing an audit's sources."""
    out: list[dict[str, Any]] = []
    for row in web.db.stories(limit):
        body = web.db.story_body(row.id)
        if body is None:
            continue
        report = json.loads(body)
        out.append({"story": row, "articles": report.get("articles", [])})
    return out


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, web: Web, story: str | None = None) -> HTMLResponse:
    return page(
        web,
        request,
        "audit.html",
        sources=story_sources(web),
        chosen_stories=[story] if story else [],
        chosen_articles=[],
        settings=web.settings,
    )


@router.post("/audit")
async def audit_form(request: Request, web: Web) -> Response:
    form = await checked_form(request, web)
    draft = str(form.get("draft") or "")
    title = str(form.get("title") or "").strip() or None
    story_ids = [str(v) for v in form.getlist("story_ids")]
    article_ids = [str(v) for v in form.getlist("article_ids")]
    try:
        sources = audit_sources(web, story_ids, article_ids)
        job = submit_audit(web, draft, sources, title, client_key(request.scope))
    except InputRejectedError as exc:
        return page(
            web,
            request,
            "audit.html",
            status=422 if exc.status == 404 else exc.status,
            sources=story_sources(web),
            chosen_stories=story_ids,
            chosen_articles=article_ids,
            settings=web.settings,
            error=f"{exc.source}: {exc.reason}",
            draft=draft,
            title=title or "",
        )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/audits/{job_id}", response_class=HTMLResponse)
def audit_result_page(job_id: str, request: Request, web: Web) -> HTMLResponse:
    doc = audit_doc(web, job_id)
    return page(web, request, "audit_result.html", job_id=job_id, doc=doc)
