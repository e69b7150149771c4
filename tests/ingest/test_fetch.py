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
        # #17: IPv6 forms that carry a private IPv4 address, and site-local
        ("2002:7f00:1::1", False),  # 6to4 of 127.0.0.1
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("2002:808:808::1", True),  # 6to4 of 8.8.8.8
        ("fec0::1", False),
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("64:ff9b:1::1", False),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # Teredo, client 127.0.0.1
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


@pytest.mark.parametrize("where", ["headers", "body"])
def test_a_trickling_server_cannot_hold_a_fetch_past_its_deadline(where: str) -> None:
    """#17: --timeout bounded each read, so one byte a second kept a fetch alive for minutes."""
    import socket
    import threading
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
            payload = head + b"x" * 200 if where == "body" else head
            if where == "body":
                conn.sendall(head)
                payload = b"x" * 200
            for byte in payload:
                if stop.is_set():
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.2)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
    try:
        with (
            Fetcher(allow_private=True, timeout=1.5) as fetcher,
            pytest.raises(InputError, match=r"within 1\.5 s"),
        ):
            fetcher.get(url)
    finally:
        stop.set()
        listener.close()


def test_redirect_to_another_scheme_is_an_input_error(http_server: Callable[..., str]) -> None:
    """#17: a redirect to ftp:// or file:// escaped as an httpcore exception."""
    base = http_server(
        {
            "/ftp": (302, {"Location": "ftp://example.org/x"}, b""),
            "/file": (302, {"Location": "file:///etc/passwd"}, b""),
        }
    )
    with Fetcher(allow_private=True) as fetcher:
        for path in ("/ftp", "/file"):
            with pytest.raises(InputError):
                fetcher.get(f"{base}{path}")


MALFORMED_URLS = [
    "http://0177.0.0.1/",
    "http://256.256.256.256/",
    "http://[::1",
    "http://",
    "http://:80/",
    "http://a..b/",
    "http://①②⑦.0.0.1/",
]


@pytest.mark.parametrize("url", MALFORMED_URLS)
def test_malformed_urls_are_one_line_input_errors(url: str) -> None:
    """#17: these reached httpx and raised InvalidURL / UnicodeError."""
    from storycheck.ingest.fetch import validate_url

    with pytest.raises(InputError, match=r"not a valid URL|unsupported URL scheme"):
        validate_url(url)
    with Fetcher(allow_private=True, timeout=2) as fetcher, pytest.raises(InputError):
        fetcher.get(url)


@pytest.mark.parametrize("url", MALFORMED_URLS)
def test_web_check_url_refuses_what_the_fetcher_cannot_request(url: str) -> None:
    from storycheck.web.inputs import InputRejectedError, check_url

    with pytest.raises(InputRejectedError):
        check_url(url)
