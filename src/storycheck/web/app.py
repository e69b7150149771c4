"""The FastAPI application: ``create_app(settings)`` wires routes, security and the worker."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storycheck import __version__
from storycheck.web import api, pages
from storycheck.web.security import CSRF_FIELD, SecurityMiddleware
from storycheck.web.settings import WebSettings
from storycheck.web.state import HERE, WebState

DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'"
)

DESCRIPTION = """\
Cross-check news reports about the same events.

Start an analysis with `POST /api/jobs` (JSON articles and/or URLs) or
`POST /api/jobs/upload` (multipart files, pasted text, URLs); both answer `202` with a
job. Poll `GET /api/jobs/{id}` (or stream `GET /api/jobs/{id}/events`) until its
`status` is `done`, then read `GET /api/stories/{id}` (the `storycheck.report/1` JSON)
or `GET /api/stories/{id}/report.html`. When the server runs with a token, send
`Authorization: Bearer TOKEN`.
"""


def _swagger_dir() -> str | None:
    """Swagger UI's files as the ``fastapi-offline`` package ships them (no CDN)."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        return None
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    return str(static) if (static / "swagger-ui-bundle.js").is_file() else None


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The storycheck web app; the job worker starts with the app's lifespan."""
    web = WebState(settings or WebSettings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        web.start()
        try:
            yield
        finally:
            web.stop()

    app = FastAPI(
        title="storycheck",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = web
    app.add_middleware(SecurityMiddleware, settings=web.settings)
    swagger = _swagger_dir()
    if swagger is not None:  # before /static, which would otherwise match first
        app.mount("/static/swagger", StaticFiles(directory=swagger), name="swagger")
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        if swagger is None:
            return JSONResponse(
                {"detail": "Swagger UI is not installed; the schema is at /openapi.json"}, 404
            )
        html = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="storycheck API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon.png",
        )
        html.headers["Content-Security-Policy"] = DOCS_CSP
        return html

    @app.get("/healthz", tags=["api"])
    def healthz() -> dict[str, Any]:
        """Liveness: the worker thread is running."""
        return {"status": "ok", "worker": web.runner.alive, "version": __version__}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        wants_html = "text/html" in request.headers.get("accept", "")
        if wants_html and not request.url.path.startswith("/api/"):
            template = web.templates.get_template("error.html")
            html = template.render(
                status=exc.status_code,
                detail=exc.detail,
                auth=web.settings.token is not None,
                csrf_token=getattr(request.state, "csrf_token", ""),
                csrf_field=CSRF_FIELD,
                path=request.url.path,
            )
            return HTMLResponse(html, status_code=exc.status_code)
        return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)

    return app
