"""``storycheck serve`` as a user runs it: a real process on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytest.importorskip("uvicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_starts_and_stops(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "STORYCHECK_TOKEN"}
    command = [sys.executable, "-m", "storycheck.cli", "serve", "--port", str(port)]
    command += ["--data-dir", str(tmp_path), "--log-level", "warning"]
    server = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                if httpx.get(base + "/healthz", timeout=1).json()["worker"]:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.1)
        assert "Cross-check news reports" in httpx.get(base + "/").text
        docs = httpx.get(base + "/docs")
        assert docs.status_code == 200 and "/static/swagger/swagger-ui-bundle.js" in docs.text
        assert "cdn." not in docs.text
        assert httpx.get(base + "/static/swagger/swagger-ui-bundle.js").status_code == 200
        spec = httpx.get(base + "/openapi.json").json()
        assert {"/api/jobs", "/api/jobs/upload", "/api/stories/{story_id}", "/api/audit"} <= set(
            spec["paths"]
        )
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert (tmp_path / "web-jobs.sqlite3").exists()
    assert server.stderr is not None
    with server.stderr:
        assert "serving on http://127.0.0.1" in server.stderr.read().decode()
