"""``storycheck serve``: run the web UI and REST API with uvicorn.

Imported by the main CLI; nothing heavy (FastAPI, uvicorn) is imported until it runs.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from storycheck.web.settings import (
    LOOPBACK_HOSTS,
    MB,
    BindError,
    WebSettings,
    check_bind,
    is_loopback,
)


def _fail(message: str) -> None:
    sys.stderr.write(f"storycheck: {message}\n")
    raise typer.Exit(2)


def _port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (checked before loading anything)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"cannot resolve ({exc.strerror})"
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            sock.bind(address)
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 8000,
    data_dir: Annotated[
        Path,
        typer.Option(
            "--data-dir", file_okay=False, help="Where jobs, results and uploads are kept."
        ),
    ] = Path(".storycheck"),
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            dir_okay=False,
            envvar="STORYCHECK_DB",
            help="Article store (default: DATA_DIR/storycheck.db).",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="STORYCHECK_TOKEN",
            help="Require this token (Bearer header or login page); needed off loopback.",
        ),
    ] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="Host header values to answer (repeat; default: loopback names when bound "
            "to loopback, the --host value otherwise).",
        ),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Let URL inputs reach private addresses.")
    ] = False,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", min=0.01, help="Size cap of one request, MB.")
    ] = 50.0,
    max_file_mb: Annotated[
        float, typer.Option("--max-file-mb", min=0.01, help="Size cap of one input, MB.")
    ] = 10.0,
    nli: Annotated[str | None, typer.Option("--nli", help="NLI model name.")] = None,
    embedder: Annotated[str | None, typer.Option("--embedder", help="Embedding model.")] = None,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (behind HTTPS).")
    ] = False,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
) -> None:
    """Run the web UI and REST API (OpenAPI docs at /docs)."""
    token = (token or "").strip() or None
    try:
        check_bind(host, token)
    except BindError as exc:
        _fail(str(exc))
    if token is not None and len(token) < 16:
        _fail("--token: use at least 16 characters")
    try:
        import uvicorn

        from storycheck.web.app import create_app
    except ImportError as exc:
        _fail(f"serve needs the web extra ({exc.name} is missing): pip install 'storycheck[web]'")
        return
    if allowed_host:
        hosts = tuple(allowed_host)
    elif is_loopback(host):
        hosts = LOOPBACK_HOSTS
    elif host in ("0.0.0.0", "::", ""):
        hosts = ()
    else:
        hosts = (host,)
    problem = _port_problem(host, port)
    if problem:
        _fail(f"{host}:{port}: {problem}")
    settings = WebSettings(
        data_dir=data_dir,
        db_path=db,
        token=token,
        allowed_hosts=hosts,
        max_request_bytes=int(max_upload_mb * MB),
        max_file_bytes=int(max_file_mb * MB),
        allow_private=allow_private,
        nli=nli,
        embedder=embedder,
        secure_cookies=secure_cookies,
    )
    try:
        app = create_app(settings)
    except Exception as exc:
        _fail(f"{data_dir}: cannot start ({exc})")
        return
    shown = f"[{host}]" if ":" in host else host
    sys.stderr.write(f"storycheck: serving on http://{shown}:{port}/ (API docs at /docs)\n")
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False)
