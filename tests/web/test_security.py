"""Security checks of the app: host, size, cross-site requests, CSRF, token auth."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from storycheck.cli import app as cli_app
from storycheck.web import BindError, WebSettings, check_bind, create_app
from storycheck.web.security import AUTH_COOKIE, host_name, safe_next

from .conftest import BASE, csrf

TOKEN = "s3cret-token-for-tests-0123456789"


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = WebSettings(data_dir=tmp_path_factory.mktemp("locked"), token=TOKEN)
    with TestClient(create_app(settings), base_url=BASE) as client:
        yield client


def test_headers_on_every_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    cookie = response.headers.get("set-cookie", "") or client.cookies.get("storycheck_csrf", "")
    assert cookie


def test_unknown_host_is_refused(client: TestClient) -> None:
    response = client.get("/", headers={"Host": "attacker.example"})
    assert response.status_code == 400
    assert client.get("/healthz", headers={"Host": "localhost:8000"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "[::1]:8000"}).status_code == 200


@pytest.mark.parametrize(
    ("header", "expected"),
    [("[::1]:8000", "::1"), ("LocalHost:80", "localhost"), ("127.0.0.1", "127.0.0.1")],
)
def test_host_name(header: str, expected: str) -> None:
    assert host_name(header) == expected


def test_cross_site_posts_are_refused(client: TestClient) -> None:
    body = {"articles": [{"text": "Something happened."}]}
    for headers in (
        {"Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "null"},
    ):
        response = client.post("/api/jobs", json=body, headers=headers)
        assert response.status_code == 403, headers
    assert client.get("/api/jobs").status_code == 200  # reads are not affected


def test_form_without_csrf_token_is_refused(client: TestClient) -> None:
    response = client.post("/analyze", data={"text": "A story."}, headers={"Origin": BASE})
    assert response.status_code == 403
    response = client.post(
        "/analyze", data={"text": "A story.", "csrf_token": "forged" * 8}, headers={"Origin": BASE}
    )
    assert response.status_code == 403


def test_oversized_request_is_refused(client: TestClient, web_settings: WebSettings) -> None:
    big = b"x" * (web_settings.max_request_bytes + 10)
    response = client.post(
        "/api/jobs/upload", files={"files": ("big.txt", io.BytesIO(big), "text/plain")}
    )
    assert response.status_code == 413


def test_bad_uploads_are_refused(client: TestClient) -> None:
    response = client.post(
        "/api/jobs/upload",
        files={"files": ("tool.exe", io.BytesIO(b"MZ\x00\x00"), "application/octet-stream")},
    )
    assert response.status_code == 415
    assert "tool.exe" in response.json()["detail"]
    response = client.post(
        "/api/jobs/upload",
        files={"files": ("photo.txt", io.BytesIO(b"\x89PNG\x00\x00\x00\x00"), "image/png")},
    )
    assert response.status_code == 415


@pytest.mark.parametrize("url", ["file:///etc/passwd", "/etc/passwd", "examples/corpus"])
def test_only_http_urls(client: TestClient, url: str) -> None:
    response = client.post("/api/jobs", json={"urls": [url]})
    assert response.status_code == 422
    response = client.post("/api/jobs/upload", data={"urls": url})
    assert response.status_code == 422


def test_empty_requests_are_refused(client: TestClient) -> None:
    assert client.post("/api/jobs", json={}).status_code == 422
    assert client.post("/api/jobs", json={"articles": [{"text": ""}]}).status_code == 422
    assert client.post("/api/jobs", json={"articles": [{"txt": "a"}]}).status_code == 422


def test_form_errors_are_shown_on_the_form(client: TestClient) -> None:
    token = csrf(client)
    response = client.post(
        "/analyze",
        data={"csrf_token": token, "urls": "file:///etc/passwd <b>"},
        headers={"Origin": BASE},
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert "only http:// and https:// URLs" in response.text


def test_token_required(locked: TestClient) -> None:
    assert locked.get("/api/stories").status_code == 401
    assert locked.get("/api/stories", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = locked.get("/api/stories", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    assert locked.get("/api/stories", headers={"X-Storycheck-Token": TOKEN}).status_code == 200
    page = locked.get("/stories", headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/stories"
    assert locked.get("/healthz").status_code == 200
    assert locked.get("/static/app.css").status_code == 200


def test_login_sets_a_session_cookie(locked: TestClient) -> None:
    form = locked.get("/login?next=/stories")
    assert form.status_code == 200
    token = locked.cookies.get("storycheck_csrf")
    assert token
    wrong = locked.post(
        "/login",
        data={"csrf_token": token, "token": "nope", "next": "/stories"},
        headers={"Origin": BASE},
    )
    assert wrong.status_code == 401
    response = locked.post(
        "/login",
        data={"csrf_token": token, "token": TOKEN, "next": "//evil.example/"},
        headers={"Origin": BASE},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{AUTH_COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie and TOKEN not in cookie
    assert locked.get("/stories").status_code == 200
    locked.cookies.delete(AUTH_COOKIE)
    assert locked.get("/api/stories").status_code == 401


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/stories", "/stories"), ("//evil.example", "/"), ("https://evil.example", "/"), ("", "/")],
)
def test_safe_next(target: str, expected: str) -> None:
    assert safe_next(target) == expected


def test_bind_rules() -> None:
    check_bind("127.0.0.1", None)
    check_bind("::1", None)
    check_bind("localhost", None)
    check_bind("0.0.0.0", TOKEN)
    with pytest.raises(BindError):
        check_bind("0.0.0.0", None)
    with pytest.raises(BindError):
        check_bind("192.168.1.10", "")


def test_serve_refuses_public_bind_without_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STORYCHECK_TOKEN", raising=False)
    runner = CliRunner()
    result = runner.invoke(cli_app, ["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "STORYCHECK_TOKEN" in result.output
    result = runner.invoke(
        cli_app, ["serve", "--host", "0.0.0.0", "--token", "short", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "16 characters" in result.output


def test_serve_reports_a_busy_port(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            cli_app, ["serve", "--port", str(port), "--data-dir", str(tmp_path)]
        )
    assert result.exit_code == 2
    assert f"127.0.0.1:{port}:" in result.output


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>"]
)
def test_article_page_never_links_a_script_url(
    client: TestClient, web_settings: WebSettings, tmp_path: Path, url: str
) -> None:
    """#17: ``javascript:`` / ``data:`` article URLs became links on /articles/{id}."""
    import json as _json

    from storycheck.ingest import IngestOptions, Ingestor
    from storycheck.store import Store

    path = tmp_path / "a.json"
    body = f"A council in a town voted on a plan about {url[:4]} roads. It passed by seven votes."
    path.write_text(
        _json.dumps({"title": "Roads plan", "outlet": "Gazette", "url": url, "text": body}),
        encoding="utf-8",
    )
    store = Store(web_settings.store_path)
    try:
        ingestor = Ingestor(IngestOptions(), store)
        try:
            (article,) = ingestor.run([str(path)]).articles
        finally:
            ingestor.close()
    finally:
        store.close()
    page = client.get(f"/articles/{article.id}")
    assert page.status_code == 200, page.text
    assert 'href="javascript' not in page.text.lower()
    assert 'href="data:text' not in page.text.lower()


@pytest.mark.parametrize("path", ["/api/jobs/upload", "/analyze", "/api/jobs"])
def test_oversized_chunked_upload_gets_413(client: TestClient, path: str) -> None:
    """#17: a chunked body over the cap (no Content-Length) was answered 400 by the form
    parser; the cap's answer is 413."""
    boundary = "storycheckBoundary"

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            'filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        for _ in range(48):  # 3 MB against the fixture's 2 MB cap
            yield b"x" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(
        path, content=body(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert response.status_code == 413, (response.status_code, response.text[:200])


def _fresh_locked(tmp_path: Path) -> TestClient:
    return TestClient(create_app(WebSettings(data_dir=tmp_path, token=TOKEN)), base_url=BASE)


def _login(client: TestClient) -> str:
    client.get("/login")
    csrf = client.cookies.get("storycheck_csrf")
    response = client.post(
        "/login",
        data={"csrf_token": csrf, "token": TOKEN, "next": "/"},
        headers={"Origin": BASE},
        follow_redirects=False,
    )
    assert response.status_code == 303
    session = client.cookies.get(AUTH_COOKIE)
    assert session and TOKEN not in session
    return str(session)


def test_logout_revokes_the_session_everywhere(tmp_path: Path) -> None:
    """#17: the session cookie was a fixed HMAC of the token, valid after logout."""
    with _fresh_locked(tmp_path) as client:
        first, second = _login(client), _login(client)
        assert first != second  # random per login, not derived from the token
        assert client.get("/api/stories").status_code == 200
        csrf = client.cookies.get("storycheck_csrf")
        out = client.post(
            "/logout", data={"csrf_token": csrf}, headers={"Origin": BASE}, follow_redirects=False
        )
        assert out.status_code == 303
        client.cookies.set(AUTH_COOKIE, second)  # a copy of the cookie kept elsewhere
        assert client.get("/api/stories").status_code == 401
        client.cookies.set(AUTH_COOKIE, first)  # another login still works
        assert client.get("/api/stories").status_code == 200


def test_sessions_expire() -> None:
    import time

    from storycheck.web.security import Sessions

    sessions = Sessions(seconds=0.05)
    session = sessions.create()
    assert sessions.valid(session)
    time.sleep(0.1)
    assert not sessions.valid(session)
    assert not sessions.valid(None) and not sessions.valid("made-up")


def test_token_guessing_is_rate_limited(tmp_path: Path) -> None:
    """#17: token guesses were unlimited (~2,100/s)."""
    from storycheck.web.security import MAX_FAILURES

    with _fresh_locked(tmp_path) as client:
        for n in range(MAX_FAILURES):
            wrong = client.get("/api/stories", headers={"Authorization": f"Bearer guess{n}"})
            assert wrong.status_code == 401
        blocked = client.get("/api/stories", headers={"Authorization": f"Bearer {TOKEN}"})
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
        client.get("/login")
        csrf = client.cookies.get("storycheck_csrf")
        login = client.post(
            "/login",
            data={"csrf_token": csrf, "token": TOKEN, "next": "/"},
            headers={"Origin": BASE},
        )
        assert login.status_code == 429
