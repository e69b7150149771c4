"""Turning what a browser or API client sends into a job's input files, safely.

Uploaded files are written under the job's own directory with names reduced to a safe
alphabet (no directories, no leading dots, no traversal); only article file types are
accepted; text is sniffed so binaries are refused; URLs must be plain ``http(s)`` and are
later fetched by the SSRF-guarded fetcher of the ingest stage.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

from storycheck.ingest.errors import InputError
from storycheck.ingest.fetch import validate_url
from storycheck.ingest.sources import ARTICLE_SUFFIXES

ALLOWED_SUFFIXES = ARTICLE_SUFFIXES  # the same file types the CLI reads

# What browsers and clients send for those files (an empty type is accepted too).
ALLOWED_CONTENT_TYPES = frozenset(
    {
        "text/plain",
        "text/markdown",
        "text/x-markdown",
        "text/html",
        "text/xml",
        "application/xhtml+xml",
        "application/json",
        "application/x-ndjson",
        "application/jsonl",
        "application/ld+json",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/gzip",
        "application/x-gzip",
        "application/octet-stream",
    }
)

PASTE_SEPARATOR = re.compile(r"^\s*={4,}\s*$", re.MULTILINE)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 100


class InputRejectedError(ValueError):
    """A request input that is refused; ``status`` is the HTTP status to answer with."""

    def __init__(self, source: str, reason: str, status: int = 422) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.status = status


def safe_filename(name: str, default: str = "upload.txt") -> str:
    """A file name that cannot leave its directory: last path part, safe characters only."""
    base = PureWindowsPath(PurePosixPath(name.replace("\x00", "")).name).name
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = _UNSAFE.sub("_", base).strip("._-")
    if not base or base in (".", ".."):
        return default
    if len(base) > MAX_NAME:
        stem, dot, suffix = base.rpartition(".")
        if dot and len(suffix) <= 10:
            base = stem[: MAX_NAME - len(suffix) - 1] + "." + suffix
        else:
            base = base[:MAX_NAME]
    return base


def file_suffix(name: str) -> str:
    """The suffix that decides the format (``.jsonl`` of ``a.jsonl.gz`` counts as ``.gz``)."""
    return PurePosixPath(name).suffix.lower()


def check_upload(name: str, content_type: str | None, head: bytes) -> None:
    """Refuse files that are not article formats, whatever the client claims."""
    suffix = file_suffix(name)
    if suffix not in ALLOWED_SUFFIXES:
        allowed = ", ".join(sorted(ALLOWED_SUFFIXES))
        raise InputRejectedError(
            name, f"file type {suffix or '(none)'} is not accepted ({allowed})", 415
        )
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if ctype and ctype not in ALLOWED_CONTENT_TYPES and not ctype.startswith("text/"):
        raise InputRejectedError(name, f"content type {ctype} is not accepted", 415)
    if suffix == ".gz":
        if not head.startswith(b"\x1f\x8b"):
            raise InputRejectedError(name, "not a gzip file", 415)
    elif b"\x00" in head[:8192] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputRejectedError(name, "looks like a binary file, not text", 415)


def unique_path(directory: Path, name: str) -> Path:
    """``directory/name``, or ``name-2``, ``name-3``… if taken; always inside ``directory``."""
    safe = safe_filename(name)
    stem, dot, suffix = safe.rpartition(".")
    if not dot:
        stem, suffix = safe, ""
    candidate = directory / safe
    n = 2
    while candidate.exists():
        candidate = directory / (f"{stem}-{n}.{suffix}" if suffix else f"{stem}-{n}")
        n += 1
    resolved = candidate.resolve()
    if resolved.parent != directory.resolve():
        raise InputRejectedError(name, "unsafe file name", 422)
    return candidate


def check_url(url: str) -> str:
    """A URL the fetcher may try: ``http``/``https`` with a host, nothing else."""
    value = url.strip()
    if not value:
        raise InputRejectedError(url, "empty URL")
    if len(value) > 2048:
        raise InputRejectedError(value[:60] + "…", "URL is too long")
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise InputRejectedError(value, "URL contains spaces or control characters")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise InputRejectedError(value, f"not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputRejectedError(value, "only http:// and https:// URLs can be fetched")
    if port == 0:
        raise InputRejectedError(value, "not a valid port")
    try:
        validate_url(value)  # the fetcher's own check: what passes here can be requested
    except InputError as exc:
        raise InputRejectedError(value, str(exc)) from None
    return value


def split_urls(text: str) -> list[str]:
    """URLs from a textarea: one per line (or separated by spaces); blank lines ignored."""
    return [check_url(token) for token in text.split() if token.strip()]


def split_pasted(text: str) -> list[str]:
    """Articles pasted into one box, separated by a line of four or more ``=``."""
    return [chunk.strip() for chunk in PASTE_SEPARATOR.split(text) if chunk.strip()]


@dataclass(frozen=True, slots=True)
class JobInputs:
    """A job's inputs as the pipeline takes them: the upload directory and URLs."""

    directory: Path
    files: tuple[str, ...]
    urls: tuple[str, ...]

    def as_pipeline_inputs(self) -> list[str]:
        inputs = [str(self.directory)] if self.files else []
        return inputs + list(self.urls)


class InputWriter:
    """Collects one job's inputs under ``directory`` with the server's limits."""

    def __init__(self, directory: Path, *, max_file_bytes: int, max_files: int) -> None:
        self.directory = directory
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.files: list[str] = []
        self.urls: list[str] = []
        directory.mkdir(parents=True, exist_ok=True)

    def _room(self, source: str) -> None:
        if len(self.files) >= self.max_files:
            raise InputRejectedError(source, f"too many files (at most {self.max_files})", 413)

    def add_file(self, name: str, data: bytes, content_type: str | None = None) -> str:
        """Write one uploaded file; returns the safe name it was stored under."""
        shown = safe_filename(name)
        self._room(shown)
        if len(data) > self.max_file_bytes:
            limit = self.max_file_bytes / 1024 / 1024
            raise InputRejectedError(shown, f"file is larger than {limit:g} MB", 413)
        if not data.strip():
            raise InputRejectedError(shown, "file is empty")
        check_upload(shown, content_type, data[:8192])
        path = unique_path(self.directory, shown)
        path.write_bytes(data)
        self.files.append(path.name)
        return path.name

    def add_text(self, text: str, stem: str = "pasted") -> str:
        """One pasted article as a text file (first line as title, header lines read)."""
        return self.add_file(f"{stem}-{len(self.files) + 1}.txt", text.encode("utf-8"))

    def add_articles(self, articles: Sequence[Mapping[str, Any]]) -> list[str]:
        """Article objects (title, outlet, published, author, url, text), one JSON file each.

        An article without an outlet is named after its URL's host, if it has a URL, so
        that it is not shown under its file name.
        """
        names = []
        for n, article in enumerate(articles, start=1):
            item = dict(article)
            if not item.get("outlet") and item.get("url"):
                host = (urlsplit(str(item["url"])).hostname or "").removeprefix("www.")
                if host:
                    item["outlet"] = host
            data = json.dumps(item, ensure_ascii=False).encode("utf-8")
            names.append(self.add_file(f"article-{n}.json", data, "application/json"))
        return names

    def add_urls(self, urls: Iterable[str], max_urls: int) -> None:
        for url in urls:
            checked = check_url(url)
            if checked in self.urls:
                continue
            if len(self.urls) >= max_urls:
                raise InputRejectedError(checked, f"too many URLs (at most {max_urls})", 413)
            self.urls.append(checked)

    def done(self) -> JobInputs:
        if not self.files and not self.urls:
            raise InputRejectedError("request", "nothing to analyse: add files, text or URLs")
        return JobInputs(self.directory, tuple(self.files), tuple(self.urls))
