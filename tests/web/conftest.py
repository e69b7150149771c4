"""Shared fixtures: one app (and one analysed job) per test session for the web tests.

The analysis uses a few tiny articles so the models load once and the job is quick;
an article carries ``<script>`` in its title and text to check escaping everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("python_multipart")

from fastapi.testclient import TestClient

from storycheck.web import WebSettings, create_app

BASE = "http://127.0.0.1"
SCRIPT = "<script>alert('pwned')</script>"

ARTICLES: list[dict[str, Any]] = [
    {
        "title": f"Warehouse fire at Quay 7 {SCRIPT}",
        "outlet": "The Harbour Gazette",
        "published": "2025-03-04",
        "text": (
            "A fire broke out at a chemical warehouse on Quay 7 in Dunmore on Monday night. "
            "Fire chief Anna Berg said 40 firefighters fought the blaze for five hours. "
            f"Residents were told to keep their windows shut. {SCRIPT} "
            "No one was injured, the fire service said."
        ),
    },
    {
        "title": "Quay 7 blaze brought under control",
        "outlet": "Dunmore Courier",
        "published": "2025-03-04",
        "text": (
            "A fire at a chemical warehouse on Quay 7 in Dunmore was brought under control "
            "on Tuesday morning. Fire chief Anna Berg said 60 firefighters fought the blaze "
            "for five hours. Residents were told to keep their windows shut. "
            "No one was injured, the fire service said."
        ),
    },
    {
        "title": "Dunmore warehouse fire: what we know",
        "outlet": "Coast Radio",
        "published": "2025-03-05",
        "text": (
            "Firefighters spent five hours fighting a fire at a warehouse on Quay 7 in "
            "Dunmore on Monday night, fire chief Anna Berg said. Residents were told to keep "
            "their windows shut. Mayor Tom Reyes said the port would reopen on Wednesday."
        ),
    },
]


def wait_for(client: TestClient, job_id: str, deadline_s: float = 300.0) -> dict[str, Any]:
    """Poll a job until it ends (the deadline only guards against a hung worker)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.25)
    raise AssertionError(f"job {job_id} did not finish")


@dataclass
class Analysed:
    client: TestClient
    settings: WebSettings
    job: dict[str, Any]

    @property
    def story_id(self) -> str:
        story_ids: list[str] = self.job["story_ids"]
        return story_ids[0]


@pytest.fixture(scope="session")
def web_settings(tmp_path_factory: pytest.TempPathFactory) -> WebSettings:
    return WebSettings(data_dir=tmp_path_factory.mktemp("web"), max_request_bytes=2 * 2**20)


@pytest.fixture(scope="session")
def client(web_settings: WebSettings) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings), base_url=BASE) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def analysed(client: TestClient, web_settings: WebSettings) -> Analysed:
    from storycheck.models import ModelUnavailableError, get_embedder, get_nli

    try:
        get_embedder()
        get_nli()
    except ModelUnavailableError as exc:
        pytest.skip(f"models not installed: {exc}")
    response = client.post("/api/jobs", json={"articles": ARTICLES})
    assert response.status_code == 202, response.text
    job = wait_for(client, response.json()["id"])
    assert job["status"] == "done", job
    return Analysed(client=client, settings=web_settings, job=job)


def csrf(client: TestClient) -> str:
    """The CSRF token the server put in its form (and cookie)."""
    import re

    page = client.get("/")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "examples" / "corpus"
