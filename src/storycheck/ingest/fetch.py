"""Fetching URLs safely.

- only ``http``/``https``; redirects capped; a timeout; a size cap enforced while
  streaming; a clear user agent; no proxies from the environment;
- SSRF guard: every address a host resolves to must be public. The check happens at
  *connect* time inside the connection pool's network backend, and the socket is
  opened to the checked address, so neither a redirect to an internal host nor a DNS
  answer that changes between check and connect (rebinding) gets through.
  ``allow_private=True`` turns the guard off (``--allow-private``).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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


def is_public_address(address: str) -> bool:
    """True for globally routable unicast addresses (IPv4-mapped IPv6 unwrapped)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
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
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
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
        assert isinstance(resp.stream, Iterable)
        return httpx.Response(
            status_code=resp.status,
            headers=resp.headers,
            stream=_ResponseStream(resp.stream),
            extensions=resp.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Any:
        yield from self._stream

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
        scheme = url.split(":", 1)[0].lower()
        if scheme not in ("http", "https"):
            raise InputError(f"unsupported URL scheme {scheme!r} (only http and https)")
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
            raise InputError("unreachable (timed out)") from None
        except httpx.ConnectError as exc:
            message = str(exc)
            if message.startswith("refused:"):
                raise InputError(message) from None
            raise InputError(f"unreachable ({message or 'connection failed'})") from None
        except httpx.HTTPError as exc:
            raise InputError(f"fetch failed ({type(exc).__name__}: {exc})") from None
