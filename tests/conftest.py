"""Shared fixtures: paths to the repo's example corpus and the read-only shared data."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
EXAMPLES = REPO / "examples"


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")):
        pytest.skip("../shared/seeds is not available")
    return SEEDS


Routes = dict[str, tuple[int, dict[str, str], bytes]]


@pytest.fixture
def http_server() -> Iterator[Callable[..., str]]:
    """Start a real HTTP server on loopback serving ``routes``; returns its base URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(routes: Routes, seen: list[dict[str, Any]] | None = None) -> str:
        """Serve ``routes`` for GET and POST; POSTs are recorded in ``seen``."""

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if seen is not None:
                    seen.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.do_GET()

            def do_GET(self) -> None:
                status, headers, body = routes.get(self.path, (404, {}, b"not found"))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian chromium through Playwright, one per test module; skips when
    either is missing or chromium does not start."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed")
    with sync_api.sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                headless=True,
                args=["--no-sandbox", "--disable-dev-shm-usage"],
            )
        except sync_api.Error as exc:
            pytest.skip(f"chromium does not start: {exc}")
        yield launched
        launched.close()
