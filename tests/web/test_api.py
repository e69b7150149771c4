"""The REST API end to end: jobs, progress, stories, reports, escaping, persistence."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storycheck.report import schema_path
from storycheck.web import create_app

from .conftest import BASE, CORPUS, SCRIPT, Analysed, csrf, wait_for


def test_job_reports_progress_and_stories(analysed: Analysed) -> None:
    job = analysed.job
    assert job["kind"] == "analyze" and job["progress"] == 1.0
    assert job["articles"] == 3 and job["error"] is None
    assert "reading inputs" in job["log"] and "checking entailment" in job["log"]
    assert job["links"]["result"] == f"/api/jobs/{job['id']}/result"
    stories = analysed.client.get("/api/stories").json()
    assert analysed.story_id in [s["id"] for s in stories]


def test_story_report_is_report_1(analysed: Analysed) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    response = analysed.client.get(f"/api/stories/{analysed.story_id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    report = response.json()
    jsonschema.validate(report, json.loads(schema_path().read_text(encoding="utf-8")))
    assert report["schema"] == "storycheck.report/1"
    assert [s["id"] for s in report["stories"]] == [analysed.story_id]
    outlets = {a["outlet"] for a in report["articles"]}
    assert outlets == {"The Harbour Gazette", "Dunmore Courier", "Coast Radio"}
    # the server's upload directory never leaks into the report
    assert str(analysed.settings.data_dir) not in response.text
    # 40 vs 60 firefighters: the planted number conflict is found through the API
    kinds = {c["kind"] for c in report["stories"][0]["conflicts"]}
    assert kinds, report["stories"][0]["conflicts"]
    whole = analysed.client.get(analysed.job["links"]["result"]).json()
    jsonschema.validate(whole, json.loads(schema_path().read_text(encoding="utf-8")))


def test_report_is_cached_compressed_and_etagged(analysed: Analysed) -> None:
    url = f"/api/stories/{analysed.story_id}"
    plain = analysed.client.get(url, headers={"Accept-Encoding": "identity"})
    zipped = analysed.client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json() == plain.json()
    again = analysed.client.get(url, headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304


def test_script_in_an_article_is_shown_as_text(analysed: Analysed) -> None:
    client = analysed.client
    report = client.get(f"/api/stories/{analysed.story_id}").json()
    assert any(SCRIPT in a["title"] for a in report["articles"])  # stored verbatim
    pages: dict[str, Callable[[], Any]] = {
        "report": lambda: client.get(f"/api/stories/{analysed.story_id}/report.html"),
        "story page": lambda: client.get(f"/stories/{analysed.story_id}"),
        "story list": lambda: client.get("/stories"),
        "job page": lambda: client.get(f"/jobs/{analysed.job['id']}"),
    }
    article_id = next(a["id"] for a in report["articles"] if SCRIPT in a["title"])
    pages["article page"] = lambda: client.get(f"/articles/{article_id}")
    for name, fetch in pages.items():
        response = fetch()
        assert response.status_code == 200, name
        assert "<script>alert(" not in response.text, name
        if name in ("report", "article page") or "alert(" in response.text:
            assert "&lt;script&gt;alert(" in response.text, name


def test_report_markdown(analysed: Analysed) -> None:
    response = analysed.client.get(f"/api/stories/{analysed.story_id}/report.md")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    report = analysed.client.get(f"/api/stories/{analysed.story_id}").json()
    assert report["stories"][0]["title"] in response.text
    assert analysed.client.get("/api/stories/story-none/report.md").status_code == 404


def test_report_html_is_locked_down(analysed: Analysed) -> None:
    response = analysed.client.get(f"/api/stories/{analysed.story_id}/report.html")
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src" not in csp


def test_article_endpoint(analysed: Analysed) -> None:
    report = analysed.client.get(f"/api/stories/{analysed.story_id}").json()
    article_id = report["articles"][0]["id"]
    response = analysed.client.get(f"/api/articles/{article_id}")
    assert str(analysed.settings.data_dir) not in response.text
    article = response.json()
    for sentence in article["sentences"]:
        start, end = sentence["span"]
        assert 0 <= start < end <= len(article["text"])
    assert analysed.client.get("/api/articles/nope0000").status_code == 404
    page = analysed.client.get(f"/articles/{article_id}?s=2")
    assert 'id="s2" class="sentence mark"' in page.text


def test_unknown_ids(client: TestClient) -> None:
    assert client.get("/api/jobs/0000").status_code == 404
    assert client.get("/api/stories/story-none").status_code == 404
    assert client.get("/api/stories/story-none/report.html").status_code == 404
    page = client.get("/stories/story-none", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "<h1>404</h1>" in page.text


def test_results_survive_a_restart(analysed: Analysed) -> None:
    with TestClient(create_app(analysed.settings), base_url=BASE) as fresh:
        report = fresh.get(f"/api/stories/{analysed.story_id}")
        assert report.status_code == 200
        assert fresh.get(f"/api/jobs/{analysed.job['id']}").json()["status"] == "done"


def test_upload_form_runs_a_job(analysed: Analysed) -> None:
    client = analysed.client
    token = csrf(client)
    files = [
        ("files", (path.name, path.read_bytes(), "application/octet-stream"))
        for path in sorted((CORPUS / "varnbridge-tram-vote").iterdir())[:3]
    ]
    pasted = "Eastline tram vote\n\nCouncillors in Varnbridge approved the Eastline tram line."
    response = client.post(
        "/analyze",
        data={"csrf_token": token, "text": pasted},
        files=files,
        headers={"Origin": BASE},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    job_id = response.headers["location"].rsplit("/", 1)[-1]
    job = wait_for(client, job_id)
    assert job["status"] == "done", job
    assert job["articles"] >= 2
    page = client.get(f"/jobs/{job_id}")
    assert "/stories/" in page.text
    report = client.get(f"/api/jobs/{job_id}/result").json()
    sources = {a["source"].split("#")[0] for a in report["articles"]}
    assert sources <= {name for _field, (name, _data, _type) in files} | {"pasted-4.txt"}
    assert "pasted-4.txt" in sources


def test_private_urls_are_not_fetched(
    client: TestClient, http_server: Callable[[dict[str, Any]], str]
) -> None:
    base = http_server({"/a": (200, {"Content-Type": "text/html"}, b"<p>internal</p>")})
    response = client.post("/api/jobs", json={"urls": [f"{base}/a"]})
    assert response.status_code == 202
    job = wait_for(client, response.json()["id"])
    assert job["status"] == "failed"
    assert job["error"] == "no usable articles were read"
    assert any("127.0.0.1" in p["source"] for p in job["problems"]), job["problems"]


def test_job_events_stream_ends_with_the_job(analysed: Analysed) -> None:
    response = analysed.client.get(f"/api/jobs/{analysed.job['id']}/events")
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [line for line in response.text.splitlines() if line.startswith("data: ")]
    assert events
    assert json.loads(events[-1][len("data: ") :])["status"] == "done"


DRAFT = (
    f"Quay 7 fire {SCRIPT}\n\n"
    "A fire broke out at a chemical warehouse on Quay 7 in Dunmore on Monday night. "
    "Residents were told to keep their windows shut. "
    "The harbour master said 300 families were moved to a school gym overnight."
)


def test_audit_a_draft_against_a_story(analysed: Analysed) -> None:
    client = analysed.client
    response = client.post("/api/audit", json={"draft": DRAFT, "story_id": analysed.story_id})
    assert response.status_code == 202, response.text
    job = wait_for(client, response.json()["id"])
    assert job["status"] == "done", job
    result = client.get(job["links"]["result"])
    assert str(analysed.settings.data_dir) not in result.text  # no server paths
    doc = result.json()
    assert doc["schema"] == "storycheck.audit/1"
    assert SCRIPT in doc["draft"]["title"]
    verdicts = {s["text"]: s["verdict"] for s in doc["sentences"]}
    assert len(verdicts) == 3, verdicts
    assert "supported" in verdicts.values()
    invented = next(t for t in verdicts if "300 families" in t)
    assert verdicts[invented] != "supported"
    for url in (job["links"]["html"], f"/audits/{job['id']}"):
        page = client.get(url)
        assert page.status_code == 200
        assert "<script>alert(" not in page.text
        assert "&lt;script&gt;alert(" in page.text


def test_audit_form_and_validation(analysed: Analysed) -> None:
    client = analysed.client
    form = client.get(f"/audit?story={analysed.story_id}")
    box = re.search(rf'<input[^>]*id="story-{analysed.story_id}"[^>]*>', form.text)
    assert box and "checked" in box.group(0)
    token = csrf(client)
    missing = client.post(
        "/audit", data={"csrf_token": token, "draft": "Some text here."}, headers={"Origin": BASE}
    )
    assert missing.status_code == 422 and "choose at least one" in missing.text
    response = client.post(
        "/audit",
        data={"csrf_token": token, "draft": "", "story_ids": analysed.story_id},
        headers={"Origin": BASE},
    )
    assert response.status_code == 422
    api = client.post("/api/audit", json={"draft": "Text.", "story_id": "story-none"})
    assert api.status_code == 404
    api = client.post("/api/audit", json={"draft": "Text.", "article_ids": ["zzzzzzzz"]})
    assert api.status_code == 404
    assert client.post("/api/audit", json={"draft": "Text."}).status_code == 422


def test_the_report_iframe_is_sandboxed(analysed: Analysed) -> None:
    """#17: the report ran in the app's origin; a sandboxed frame gets an opaque one
    (its script cannot read the app's cookies or call its API)."""
    import re

    page = analysed.client.get(f"/stories/{analysed.story_id}").text
    frame = re.search(r"<iframe[^>]*>", page)
    assert frame is not None
    sandbox = re.search(r'sandbox="([^"]*)"', frame.group(0))
    assert sandbox is not None
    assert "allow-same-origin" not in sandbox.group(1)
    assert "allow-top-navigation" not in sandbox.group(1)
