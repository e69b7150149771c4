"""Upload and URL handling: safe names, accepted types, limits (no server needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storycheck.web.inputs import (
    InputRejectedError,
    InputWriter,
    check_upload,
    check_url,
    safe_filename,
    split_pasted,
    split_urls,
    unique_path,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.txt", "report.txt"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.html", "evil.html"),
        ("/abs/path/story.md", "story.md"),
        (".hidden.json", "hidden.json"),
        ("..", "upload.txt"),
        ("", "upload.txt"),
        ("naïve café.md", "naive_cafe.md"),
        ("a b\x00c.txt", "a_bc.txt"),
        ("story<script>.html", "story_script_.html"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


@given(st.text(max_size=300))
def test_safe_filename_never_leaves_the_directory(name: str) -> None:
    safe = safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe
    assert not safe.startswith(".") and len(safe) <= 100
    assert safe not in (".", "..")


def test_long_names_keep_their_suffix() -> None:
    safe = safe_filename("x" * 500 + ".jsonl")
    assert safe.endswith(".jsonl") and len(safe) == 100


def test_unique_path_numbers_collisions(tmp_path: Path) -> None:
    first = unique_path(tmp_path, "a.txt")
    first.write_text("x")
    second = unique_path(tmp_path, "../a.txt")
    assert second.parent == tmp_path and second.name == "a-2.txt"


@pytest.mark.parametrize(
    ("name", "ctype", "head"),
    [
        ("a.exe", "application/octet-stream", b"MZ"),
        ("a.pdf", "application/pdf", b"%PDF"),
        ("a.txt", "image/png", b"hello"),
        ("a.txt", "text/plain", b"\x89PNG\x00\x00\x00binary"),
        ("a.gz", "application/gzip", b"not gzip"),
        ("noext", "text/plain", b"hello"),
    ],
)
def test_check_upload_refuses(name: str, ctype: str, head: bytes) -> None:
    with pytest.raises(InputRejectedError) as info:
        check_upload(name, ctype, head)
    assert info.value.status == 415


@pytest.mark.parametrize(
    ("name", "ctype"),
    [
        ("a.txt", "text/plain"),
        ("a.md", ""),
        ("a.jsonl", "application/octet-stream"),
        ("a.html", "text/html; charset=utf-8"),
        ("a.rss", "application/rss+xml"),
    ],
)
def test_check_upload_accepts(name: str, ctype: str) -> None:
    check_upload(name, ctype, b"Some article text.")


@pytest.mark.parametrize(
    "url",
    [
        "/etc/passwd",
        "file:///etc/passwd",
        "ftp://example.org/a.txt",
        "javascript:alert(1)",
        "http://",
        "http://exa mple.org/",
        "examples/corpus",
        "http://example.org:0/",
    ],
)
def test_check_url_refuses(url: str) -> None:
    with pytest.raises(InputRejectedError):
        check_url(url)


def test_split_urls_and_pasted() -> None:
    assert split_urls("https://a.example/x\n\n  http://b.example/y  ") == [
        "https://a.example/x",
        "http://b.example/y",
    ]
    assert split_pasted("First\nbody\n=====\nSecond\nbody\n\n====\n  \n") == [
        "First\nbody",
        "Second\nbody",
    ]


def test_writer_limits(tmp_path: Path) -> None:
    writer = InputWriter(tmp_path / "job", max_file_bytes=100, max_files=2)
    assert writer.add_file("../../x.txt", b"An article.") == "x.txt"
    assert writer.add_file("x.txt", b"Another article.") == "x-2.txt"
    with pytest.raises(InputRejectedError) as info:
        writer.add_file("y.txt", b"A third.")
    assert info.value.status == 413
    big = InputWriter(tmp_path / "big", max_file_bytes=10, max_files=5)
    with pytest.raises(InputRejectedError) as info:
        big.add_file("a.txt", b"x" * 11)
    assert info.value.status == 413
    assert sorted(p.name for p in (tmp_path / "job").iterdir()) == ["x-2.txt", "x.txt"]


def test_writer_needs_something(tmp_path: Path) -> None:
    with pytest.raises(InputRejectedError):
        InputWriter(tmp_path / "j", max_file_bytes=10, max_files=1).done()


def test_json_articles_one_file_each(tmp_path: Path) -> None:
    writer = InputWriter(tmp_path / "j", max_file_bytes=10_000, max_files=5)
    names = writer.add_articles(
        [
            {"text": "A.", "url": "https://www.example.org/story/1"},
            {"text": "B.", "outlet": "The Courier", "url": "https://example.net/x"},
            {"text": "C."},
        ]
    )
    assert names == ["article-1.json", "article-2.json", "article-3.json"]
    written = [json.loads((tmp_path / "j" / n).read_text()) for n in names]
    assert [w.get("outlet") for w in written] == ["example.org", "The Courier", None]
