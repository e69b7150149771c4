"""How the web server is configured: where it keeps its data, its limits, who may use it."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class WebSettings:
    """Everything the app needs to know; the ``serve`` command fills it from its options.

    ``data_dir`` holds the job database (``web-jobs.sqlite3``) and the uploads of running
    jobs; ``db_path`` is the article store (default: ``<data_dir>/storycheck.db``).
    ``allowed_hosts`` are the ``Host`` header values accepted (a DNS-rebinding guard);
    empty means any. ``token`` turns on authentication for every page and endpoint.
    """

    data_dir: Path = field(default_factory=lambda: Path(".storycheck"))
    db_path: Path | None = None
    token: str | None = None
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    max_request_bytes: int = 50 * MB
    #: Jobs queued or running at once, in all and per client address (a full queue: 429).
    max_active_jobs: int = 50
    max_jobs_per_client: int = 5
    max_file_bytes: int = 10 * MB
    max_files: int = 200
    max_urls: int = 50
    max_articles: int = 500
    max_draft_chars: int = 100_000
    allow_private: bool = False
    fetch_timeout: float = 15.0
    nli: str | None = None
    embedder: str | None = None
    cache_entries: int = 64
    secure_cookies: bool = False
    job_process: bool = True  # run jobs in a worker process (else in a server thread)

    @property
    def store_path(self) -> Path:
        return self.db_path or self.data_dir / "storycheck.db"

    @property
    def jobs_path(self) -> Path:
        return self.data_dir / "web-jobs.sqlite3"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "web-uploads"


def token_from_env() -> str | None:
    """``$STORYCHECK_TOKEN`` when it is set and not empty."""
    value = os.environ.get("STORYCHECK_TOKEN", "").strip()
    return value or None


class BindError(ValueError):
    """The server would be reachable from other machines without authentication."""


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen on a non-loopback address unless a token protects the server."""
    if not is_loopback(host) and not token:
        raise BindError(
            f"binding to {host} exposes the server to other machines; "
            "set --token or STORYCHECK_TOKEN (or bind to 127.0.0.1)"
        )
