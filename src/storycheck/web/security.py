"""Request checks every page and endpoint goes through (one ASGI middleware).

- ``Host`` must be one the server answers to (stops DNS-rebinding pages from talking to a
  server on loopback);
- request bodies are capped (``Content-Length`` and the bytes actually received);
- state-changing requests must come from the server's own pages: a cross-site
  ``Sec-Fetch-Site`` or a foreign ``Origin`` is refused, and HTML forms also carry a
  CSRF token that must match the ``SameSite=Strict`` cookie (double submit);
- with a token configured, every request needs ``Authorization: Bearer TOKEN`` (or
  ``X-Storycheck-Token``), or the session cookie the login page sets;
- every response gets ``nosniff``, a referrer policy, framing limits and a default CSP.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote

from starlette.datastructures import Headers, MutableHeaders

from storycheck.web.settings import WebSettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_COOKIE = "storycheck_csrf"
CSRF_FIELD = "csrf_token"
AUTH_COOKIE = "storycheck_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PREFIXES = ("/static/", "/login", "/healthz")

DEFAULT_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'; "
    "object-src 'none'"
)


#: How long a login lasts (the cookie's Max-Age and the server-side expiry).
SESSION_SECONDS = 7 * 24 * 3600
#: Failed token attempts a client may make per window before it is refused with 429.
MAX_FAILURES = 10
FAILURE_WINDOW = 60.0


class Sessions:
    """Server-side login sessions: random ids that expire and that logout revokes.

    The cookie holds only the id (never the token or anything derived from it). Sessions
    live in memory: a restarted server asks everyone to log in again.
    """

    def __init__(self, seconds: float = SESSION_SECONDS) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._expires: dict[str, float] = {}

    def create(self) -> str:
        session = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            self._expires = {k: v for k, v in self._expires.items() if v > now}
            self._expires[session] = now + self.seconds
        return session

    def valid(self, session: str | None) -> bool:
        if not session:
            return False
        with self._lock:
            expires = self._expires.get(session)
            if expires is None:
                return False
            if expires <= time.monotonic():
                del self._expires[session]
                return False
            return True

    def revoke(self, session: str | None) -> None:
        if session:
            with self._lock:
                self._expires.pop(session, None)


class Throttle:
    """At most ``limit`` failed token attempts per client per ``window`` seconds."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = FAILURE_WINDOW) -> None:
        self.limit = limit
        self.window = window
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.setdefault(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, client: str) -> float:
        """Seconds until ``client`` may try again (0: it may try now)."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            if len(times) < self.limit:
                return 0.0
            return max(0.0, times[0] + self.window - now)

    def fail(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(client, now).append(now)
            if len(self._failures) > 10_000:  # many clients: forget the idle ones
                self._failures = {k: v for k, v in self._failures.items() if v}


def client_key(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def token_ok(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def host_name(host_header: str) -> str:
    """The host part of a ``Host`` header (``[::1]:8000`` → ``::1``), lower-cased."""
    value = host_header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def cookie_header(name: str, value: str, *, secure: bool, max_age: int | None = None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def _cookies(headers: Headers) -> dict[str, str]:
    jar: dict[str, str] = {}
    for header in headers.getlist("cookie"):
        for part in header.split(";"):
            name, eq, value = part.strip().partition("=")
            if eq:
                jar[name] = value
    return jar


class BodyTooLargeError(Exception):
    """The client sent more bytes than the server accepts."""


class SecurityMiddleware:
    """The checks above, as plain ASGI (cheap on every request)."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings
        self.allowed = {h.strip("[]").lower() for h in settings.allowed_hosts}
        self.sessions = Sessions()
        self.throttle = Throttle()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        method = scope["method"]
        path: str = scope["path"]
        if self.allowed and host_name(headers.get("host", "")) not in self.allowed:
            await _plain(send, 400, "storycheck: unknown Host header")
            return
        length = headers.get("content-length")
        limit = self.settings.max_request_bytes
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _plain(send, 413, f"storycheck: request is larger than {limit // 2**20} MB")
            return
        if method not in SAFE_METHODS:
            refusal = self._cross_site(headers, scope)
            if refusal:
                await _plain(send, 403, f"storycheck: {refusal}")
                return
        cookies = _cookies(headers)
        state = scope.setdefault("state", {})
        state["sessions"], state["throttle"] = self.sessions, self.throttle
        needs_auth = self.settings.token and not path.startswith(PUBLIC_PREFIXES)
        if needs_auth and not self.sessions.valid(cookies.get(AUTH_COOKIE)):
            client = client_key(scope)
            wait = self.throttle.blocked(client)
            if wait > 0:  # no token is even compared while a client is locked out
                await _plain(
                    send,
                    429,
                    f"storycheck: too many failed attempts; try again in {wait:.0f} s",
                    extra=[(b"retry-after", str(int(wait) + 1).encode())],
                )
                return
            if not self._authenticated(headers, cookies):
                if self._gave_credentials(headers, cookies):
                    self.throttle.fail(client)
                await self._deny(scope, headers, send)
                return
        csrf = cookies.get(CSRF_COOKIE, "")
        fresh = len(csrf) < 32 or not csrf.replace("-", "").replace("_", "").isalnum()
        if fresh:
            csrf = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = csrf

        received = 0
        too_large = False

        async def counted_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise BodyTooLargeError()
            return message

        started = False

        async def secured_send(message: Message) -> None:
            nonlocal started
            if too_large:
                # the app answered a body cut off at the cap (FastAPI says 400 "error
                # parsing the body" for a chunked upload): the answer is 413, not that
                if not started and message["type"] == "http.response.start":
                    started = True
                    await _plain(send, 413, "storycheck: request body is too large")
                return
            if message["type"] == "http.response.start":
                started = True
                out = MutableHeaders(scope=message)
                out.setdefault("X-Content-Type-Options", "nosniff")
                out.setdefault("Referrer-Policy", "same-origin")
                out.setdefault("X-Frame-Options", "SAMEORIGIN")
                out.setdefault("Content-Security-Policy", DEFAULT_CSP)
                if fresh:
                    out.append(
                        "Set-Cookie",
                        cookie_header(CSRF_COOKIE, csrf, secure=self.settings.secure_cookies),
                    )
            await send(message)

        with contextlib.suppress(BodyTooLargeError):
            await self.app(scope, counted_receive, secured_send)
        # one 413, whether the app let the error through or answered the cut-off body
        # itself (it was sent twice when the error escaped the app: a server-side error)
        if too_large and not started:
            await _plain(send, 413, "storycheck: request body is too large")

    def _cross_site(self, headers: Headers, scope: Scope) -> str | None:
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return f"cross-site request refused (Sec-Fetch-Site: {site})"
        origin = headers.get("origin")
        if origin is not None:
            own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}".lower()
            if origin.lower() != own:
                return "cross-origin request refused"
        return None

    def _authenticated(self, headers: Headers, cookies: dict[str, str]) -> bool:
        token = self.settings.token
        assert token is not None
        auth = headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and token_ok(value.strip(), token):
            return True
        if token_ok(headers.get("x-storycheck-token"), token):
            return True
        return self.sessions.valid(cookies.get(AUTH_COOKIE))

    @staticmethod
    def _gave_credentials(headers: Headers, cookies: dict[str, str]) -> bool:
        """A token was offered (and was wrong). A stale session cookie is no guess: the
        ids are 256-bit random, and a browser keeps sending an expired one."""
        del cookies
        return bool(headers.get("authorization") or headers.get("x-storycheck-token"))

    async def _deny(self, scope: Scope, headers: Headers, send: Send) -> None:
        path: str = scope["path"]
        wants_html = "text/html" in headers.get("accept", "")
        if scope["method"] == "GET" and wants_html and not path.startswith("/api/"):
            query = scope.get("query_string", b"").decode("latin-1")
            target = path + (f"?{query}" if query else "")
            await send(
                {
                    "type": "http.response.start",
                    "status": 303,
                    "headers": [(b"location", f"/login?next={quote(target)}".encode("latin-1"))],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await _plain(
            send,
            401,
            "storycheck: authentication required (Authorization: Bearer TOKEN)",
            extra=[(b"www-authenticate", b"Bearer")],
        )


async def _plain(
    send: Send, status: int, message: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"detail": message}).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
                *(extra or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def safe_next(target: str | None) -> str:
    """A post-login redirect target on this server only (a path, never ``//host``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def csrf_ok(scope_state: MutableMapping[str, Any], submitted: str | None) -> bool:
    """The form's token matches the cookie's (compared in constant time)."""
    expected = str(scope_state.get("csrf_token", ""))
    return (
        bool(expected)
        and submitted is not None
        and hmac.compare_digest(expected.encode("utf-8"), submitted.encode("utf-8"))
    )
