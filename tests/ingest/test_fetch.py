from __future__ import annotations

from collections.abc import Callable

import pytest

from storycheck.ingest.errors import InputError
from storycheck.ingest.fetch import Fetcher, is_public_address

PAGE = b"<html><body><p>hello</p></body></html>"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_loopback_refused_by_default(http_server: Callable[..., str]) -> None:
    base = http_server({"/a": (200, {"Content-Type": "text/html"}, PAGE)})
    with Fetcher() as fetcher, pytest.raises(InputError, match=r"non-public address 127\.0\.0\.1"):
        fetcher.get(f"{base}/a")


def test_allow_private_fetches_and_follows_redirects(http_server: Callable[..., str]) -> None:
    base = http_server(
        {
            "/r": (302, {"Location": "/a"}, b""),
            "/a": (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE),
        }
    )
    with Fetcher(allow_private=True) as fetcher:
        fetched = fetcher.get(f"{base}/r")
    assert fetched.content == PAGE
    assert fetched.url.endswith("/a")
    assert fetched.content_type.startswith("text/html")


def test_redirect_loop_is_capped(http_server: Callable[..., str]) -> None:
    base = http_server({"/loop": (302, {"Location": "/loop"}, b"")})
    fetcher = Fetcher(allow_private=True, max_redirects=3)
    with fetcher, pytest.raises(InputError, match="too many redirects"):
        fetcher.get(f"{base}/loop")


def test_size_cap_while_streaming(http_server: Callable[..., str]) -> None:
    base = http_server({"/big": (200, {"Content-Type": "text/html"}, b"x" * 50_000)})
    fetcher = Fetcher(allow_private=True, max_bytes=10_000)
    with fetcher, pytest.raises(InputError, match="too large"):
        fetcher.get(f"{base}/big")


def test_http_error_status(http_server: Callable[..., str]) -> None:
    base = http_server({})
    with Fetcher(allow_private=True) as fetcher, pytest.raises(InputError, match="HTTP 404"):
        fetcher.get(f"{base}/missing")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/a", "unsupported URL scheme"),
        ("file:///etc/passwd", "unsupported URL scheme"),
        ("http://127.0.0.1:1/", "unreachable"),
        ("http://nonexistent.invalid/", "unreachable"),
    ],
)
def test_bad_urls(url: str, reason: str) -> None:
    with Fetcher(allow_private=True, timeout=3) as fetcher, pytest.raises(InputError, match=reason):
        fetcher.get(url)
