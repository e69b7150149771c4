"""Fetching URLs safely.

- only ``http``/``https``; redirects capped; a size cap enforced while streaming; a
  clear user agent; no proxies from the environment;
- one deadline for the whole fetch (connect, headers, body, every redirect): each socket
  read and write waits at most until the deadline, so a server that trickles one byte a
  second cannot hold a fetch (or a web worker) past it;
- SSRF guard: every address a host resolves to must be public. The check happens at
  *connect* time inside the connection pool's network backend, and the socket is
  opened to the checked address, so neither a redirect to an internal host nor a DNS
  answer that changes between check and connect (rebinding) gets through.
  ``allow_private=True`` turns the guard off (``--allow-private``).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from storycheck import __version__
from storycheck.ingest.decode import DEFAULT_MAX_BYTES
from storycheck.ingest.errors import InputError

USER_AGENT = f"storycheck/{__version__} (+news cross-checking tool; respects robots by design)"
DEFAULT_TIMEOUT = 15.0
MAX_REDIRECTS = 5


class BlockedAddressError(httpcore.ConnectError):
    """The host resolves to an address the guard refuses."""


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries: mapped, 6to4, Teredo (server and client),
    NAT64 (well-known prefix)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def is_public_address(address: str) -> bool:
    """True for globally routable unicast addresses. IPv6 forms that embed an IPv4
    address (mapped, 6to4, Teredo, NAT64) count only if every embedded one is public;
    site-local ``fec0::/10`` and local-use NAT64 ``64:ff9b:1::/48`` are refused."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local or ip in _NAT64_LOCAL:
            return False
        embedded = _embedded_ipv4(ip)
        if embedded:
            return all(is_public_address(str(v4)) for v4 in embedded)
    return bool(
        ip.is_global
        and not ip.is_multicast
        and not ip.is_reserved
        and not ip.is_loopback
        and not ip.is_link_local
        and not ip.is_private
        and not ip.is_unspecified
    )


def resolve(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to (literal IPs returned as they are)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [host]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise httpcore.ConnectError(f"cannot resolve host {host!r} ({exc.strerror})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


#: ``time.monotonic()`` by which the current fetch must be done (set by Fetcher.get).
_DEADLINE: ContextVar[float | None] = ContextVar("storycheck_fetch_deadline", default=None)


def _remaining(timeout: float | None) -> float | None:
    """``timeout`` cut to what is left of the current fetch's deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the fetch took longer than its deadline")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose reads and writes never wait past the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """A network backend that connects only to checked, public addresses."""

    def __init__(self, allow_private: bool = False) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve(host, port)
        if not self.allow_private:
            blocked = [a for a in addresses if not is_public_address(a)]
            if blocked:
                raise BlockedAddressError(
                    f"refused: {host} resolves to non-public address {blocked[0]} "
                    "(use --allow-private to fetch from private networks)"
                )
        last: Exception | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(
                    address, port, _remaining(timeout), local_address, socket_options
                )
                return _DeadlineStream(stream)
            except httpcore.ConnectError as exc:
                last = exc
        raise last if last else httpcore.ConnectError(f"no address for {host}")


class GuardedTransport(httpx.BaseTransport):
    """httpx transport over an httpcore pool that uses :class:`GuardedBackend`."""

    def __init__(self, allow_private: bool = False) -> None:
        self._pool = httpcore.ConnectionPool(
            network_backend=GuardedBackend(allow_private), max_connections=10
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        req = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            resp = self._pool.handle_request(req)
        except BlockedAddressError as exc:
            raise httpx.ConnectError(str(exc), request=request) from None
        except httpcore.TimeoutException as exc:
            raise httpx.TimeoutException(str(exc) or "timed out", request=request) from None
        except httpcore.NetworkError as exc:
            raise httpx.ConnectError(str(exc), request=request) from None
        except httpcore.ProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from None
        except httpcore.UnsupportedProtocol as exc:  # e.g. a redirect to ftp:// or file://
            raise httpx.UnsupportedProtocol(str(exc), request=request) from None
        assert isinstance(resp.stream, Iterable)
        return httpx.Response(
            status_code=resp.status,
            headers=resp.headers,
            stream=_ResponseStream(resp.stream),
            extensions=resp.extensions,
        )

    def close(self) -> None:
        self._pool.close()


def validate_url(url: str) -> str:
    """``url`` if it is an http(s) URL the fetcher can request, else :class:`InputError`.

    Refused: other schemes, no host, a port that is not a number, an unclosed IPv6
    bracket, empty host labels (``a..b``), a dotted numeric host that is not a plain IPv4
    address (``0177.0.0.1``, ``256.256.256.256``) and hosts IDNA cannot encode (``①②⑦.0.0.1``).
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        raise InputError(f"unsupported URL scheme {scheme!r} (only http and https)")
    try:
        parts = urlsplit(url)
        _ = parts.port
        host = parts.hostname or ""
        if not host:
            raise ValueError("no host")
        if "[" not in parts.netloc:
            labels = host.rstrip(".").split(".")
            if any(not label for label in labels):
                raise ValueError("empty label in the host name")
            if all(label.isdigit() for label in labels):
                ipaddress.IPv4Address(host)  # 0177.0.0.1, 256.256.256.256: not an address
            host.encode("idna")
        httpx.URL(url)
    except (ValueError, UnicodeError, httpx.InvalidURL) as exc:
        raise InputError(f"not a valid URL ({str(exc) or type(exc).__name__})") from None
    return url


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Any:
        # errors while reading the body are httpcore's: give httpx's (as its own transport does)
        try:
            yield from self._stream
        except httpcore.TimeoutException as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out") from None
        except httpcore.NetworkError as exc:
            raise httpx.ReadError(str(exc)) from None
        except httpcore.ProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc)) from None

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched resource: final URL after redirects, body, and declared content type."""

    url: str
    content: bytes
    content_type: str


class Fetcher:
    """Fetch http(s) URLs with the guard, timeout, redirect and size limits."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
    ) -> None:
        self.max_bytes = max_bytes
        #: Seconds the whole fetch may take, redirects included.
        self.timeout = timeout
        self._client = httpx.Client(
            transport=GuardedTransport(allow_private),
            timeout=timeout,
            follow_redirects=True,
            max_redirects=max_redirects,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,"
                "application/rss+xml,application/atom+xml,application/json,text/*;q=0.8",
            },
            trust_env=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str) -> Fetched:
        """Fetch ``url`` or raise :class:`InputError` with a one-line reason."""
        validate_url(url)
        token = _DEADLINE.set(time.monotonic() + self.timeout)
        try:
            return self._get(url)
        finally:
            _DEADLINE.reset(token)

    def _get(self, url: str) -> Fetched:
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise InputError(f"HTTP {response.status_code} {response.reason_phrase}")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise InputError(
                        f"too large ({int(declared) / 1024 / 1024:.1f} MB, the cap is "
                        f"{self.max_bytes / 1024 / 1024:.0f} MB)"
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_raw():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise InputError(
                            f"too large (over the {self.max_bytes / 1024 / 1024:.0f} MB cap)"
                        )
                    chunks.append(chunk)
                return Fetched(
                    url=str(response.url),
                    content=b"".join(chunks),
                    content_type=response.headers.get("content-type", "").lower(),
                )
        except httpx.TooManyRedirects:
            raise InputError("too many redirects") from None
        except httpx.TimeoutException:
            reason = f"unreachable (no complete answer within {self.timeout:g} s)"
            raise InputError(reason) from None
        except httpx.UnsupportedProtocol as exc:
            raise InputError(f"redirected to an unsupported URL ({exc})") from None
        except httpx.ConnectError as exc:
            message = str(exc)
            if message.startswith("refused:"):
                raise InputError(message) from None
            raise InputError(f"unreachable ({message or 'connection failed'})") from None
        except httpx.HTTPError as exc:
            raise InputError(f"fetch failed ({type(exc).__name__}: {exc})") from None
