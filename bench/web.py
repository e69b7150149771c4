"""Web server throughput: GET report under 20 concurrent clients, and job throughput.

Run: ``python -m bench.web [--seconds 30] [--clients 20] [--jobs 3]``. Starts
``storycheck serve`` on a free loopback port with a fresh data directory and model cache,
POSTs the example corpus ``--jobs`` times (multipart upload, as the browser form does) and
times each job from POST to done, then runs ``--clients`` concurrent keep-alive clients
against ``GET /api/stories/{id}`` (report/1 JSON, gzip as browsers ask for it) and
``GET /api/stories/{id}/report.html`` for a bounded time, then the JSON again while an
analysis runs in the worker process. Prints one JSON object.
The load generator is a minimal asyncio HTTP/1.1 client (httpx costs more CPU per
request than the server); it shares the machine's cores with the server, so the rates
are a lower bound.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "examples" / "corpus"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, STORYCHECK_CACHE_DIR=str(data_dir / "cache"))
    env.pop("STORYCHECK_TOKEN", None)
    command = [sys.executable, "-m", "storycheck.cli", "serve", "--port", str(port)]
    command += ["--data-dir", str(data_dir), "--log-level", "warning"]
    return subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL)


def wait_healthy(base: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if server.poll() is not None:
            raise SystemExit(f"storycheck: bench: the server exited with {server.returncode}")
        try:
            if httpx.get(base + "/healthz", timeout=1.0).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("storycheck: bench: the server did not start")


def corpus_files() -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        ("files", (p.name, p.read_bytes(), "application/octet-stream"))
        for p in sorted(CORPUS.rglob("*"))
        if p.is_file()
    ]


def run_jobs(client: httpx.Client, n: int) -> tuple[dict[str, Any], list[str]]:
    """POST the corpus ``n`` times, one after the other; time each job to completion."""
    files = corpus_files()
    durations: list[float] = []
    articles: list[int] = []
    story_ids: list[str] = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.post("/api/jobs/upload", files=files)
        response.raise_for_status()
        job = response.json()
        while job["status"] not in ("done", "failed"):
            time.sleep(0.2)
            job = client.get(f"/api/jobs/{job['id']}").json()
        if job["status"] != "done":
            raise SystemExit(f"storycheck: bench: job failed: {job['error']}")
        durations.append(time.perf_counter() - start)
        articles.append(job["articles"])
        story_ids = job["story_ids"]
    warm = durations[1:] or durations
    warm_articles = articles[1:] or articles
    return {
        "jobs": n,
        "input_files": len(files),
        "articles_per_job": articles[0],
        "stories_per_job": len(story_ids),
        "first_job_s": round(durations[0], 2),
        "job_s": [round(d, 2) for d in durations],
        "warm_articles_per_s": round(sum(warm_articles) / sum(warm), 2),
        "warm_jobs_per_min": round(60 * len(warm) / sum(warm), 2),
    }, story_ids


async def _get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, int]:
    """One keep-alive GET on an open connection: (status, body bytes)."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    await reader.readexactly(length)
    return status, length


async def load(base: str, path: str, clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` keep-alive connections requesting ``path`` back to back for ``seconds``.

    A minimal HTTP/1.1 client on asyncio streams (a browser-like ``Accept-Encoding: gzip``),
    so the load generator spends far less CPU per request than the server it measures.
    """
    host, port = base.removeprefix("http://").split(":")
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept-Encoding: gzip\r\n"
        "User-Agent: storycheck-bench\r\n\r\n"
    ).encode("latin-1")
    latencies: list[float] = []
    errors = 0
    size = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors, size
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    status, size = await _get(reader, writer, request)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                    continue
                if status == 200:
                    latencies.append(time.perf_counter() - start)
                else:
                    errors += 1
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(q: float) -> float | None:
        if not latencies:
            return None
        return round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1)

    return {
        "path": path,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "errors": errors,
        "wire_bytes": size,
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="load-test time in total")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=3, help="analyses of the example corpus")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="storycheck-bench-web-") as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(Path(tmp), port)
        try:
            startup = wait_healthy(base, server)
            with httpx.Client(base_url=base, timeout=60.0) as client:
                jobs, story_ids = run_jobs(client, max(1, args.jobs))
                sizes = {s: len(client.get(f"/api/stories/{s}").content) for s in story_ids}
            story = max(sizes, key=lambda s: sizes[s])
            json_s, html_s = args.seconds / 2, args.seconds / 6
            busy_s = args.seconds - json_s - html_s
            get_json = asyncio.run(load(base, f"/api/stories/{story}", args.clients, json_s))
            get_json["uncompressed_bytes"] = sizes[story]
            get_html = asyncio.run(
                load(base, f"/api/stories/{story}/report.html", args.clients, html_s)
            )
            # the same GET while an analysis runs in the worker process
            with httpx.Client(base_url=base, timeout=60.0) as client:
                busy_job = client.post("/api/jobs/upload", files=corpus_files()).json()["id"]
                while client.get(f"/api/jobs/{busy_job}").json()["status"] == "queued":
                    time.sleep(0.1)
            get_busy = asyncio.run(load(base, f"/api/stories/{story}", args.clients, busy_s))
            with httpx.Client(base_url=base, timeout=60.0) as client:
                get_busy["job_still_running_at_end"] = (
                    client.get(f"/api/jobs/{busy_job}").json()["status"] == "running"
                )
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
    result = {
        "bench": "web",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "server": "storycheck serve (uvicorn, one process; jobs in one worker process)",
        "startup_s": round(startup, 2),
        "jobs": jobs,
        "get_report_json": get_json,
        "get_report_html": get_html,
        "get_report_json_during_job": get_busy,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
