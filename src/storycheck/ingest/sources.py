"""Turn command-line inputs (files, directories, globs, URLs, ``-``) into input items."""

from __future__ import annotations

import glob
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from storycheck.model import InputProblem

ARTICLE_SUFFIXES = frozenset(
    {
        ".txt",
        ".text",
        ".md",
        ".markdown",
        ".html",
        ".htm",
        ".xhtml",
        ".json",
        ".jsonl",
        ".ndjson",
        ".xml",
        ".rss",
        ".atom",
        ".gz",
    }
)


@dataclass(frozen=True, slots=True)
class InputItem:
    """One thing to read: a local file, a URL, or standard input."""

    source: str
    kind: str  # "file" | "url" | "stdin"
    path: Path | None = None


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _is_url(value: str) -> bool:
    return bool(_SCHEME.match(value))


def _walk(directory: Path, problems: list[InputProblem]) -> Iterator[Path]:
    """Article files under ``directory`` in sorted order, hidden names skipped.

    Symlinked directories are followed once each (by real path), so a link loop ends;
    a subdirectory that cannot be read is reported, not skipped silently.
    """
    visited: set[str] = set()

    def unreadable(error: OSError) -> None:
        reason = "permission denied" if isinstance(error, PermissionError) else error.strerror
        problems.append(
            InputProblem(str(error.filename or directory), f"cannot read directory ({reason})")
        )

    for root, dirs, files in os.walk(directory, onerror=unreadable, followlinks=True):
        real = os.path.realpath(root)
        if real in visited:
            dirs[:] = []
            continue
        visited.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith(".") or path.suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            if path.is_file():
                yield path


def expand_inputs(inputs: Sequence[str]) -> tuple[list[InputItem], list[InputProblem]]:
    """Expand inputs in order, de-duplicated; report inputs that match nothing."""
    items: list[InputItem] = []
    problems: list[InputProblem] = []
    seen: set[str] = set()

    def add(item: InputItem) -> None:
        # a file reached twice (a symlink, a glob and a directory) is read once
        key = os.path.realpath(item.path) if item.path is not None else item.source
        if key not in seen:
            seen.add(key)
            items.append(item)

    for raw in inputs:
        if raw == "-":
            add(InputItem("<stdin>", "stdin"))
        elif _is_url(raw):
            add(InputItem(raw, "url"))
        elif Path(raw).is_dir():
            found = list(_walk(Path(raw), problems))
            if not found:
                problems.append(InputProblem(raw, "directory contains no article files"))
            for path in found:
                add(InputItem(str(path), "file", path))
        elif Path(raw).is_file():
            add(InputItem(raw, "file", Path(raw)))
        elif any(ch in raw for ch in "*?["):
            pattern_matches = glob.glob(raw, recursive=True)  # noqa: PTH207 (a user's pattern)
            matches = sorted(p for p in pattern_matches if Path(p).is_file())
            if not matches:
                problems.append(InputProblem(raw, "pattern matches no files"))
            for match in matches:
                add(InputItem(match, "file", Path(match)))
        elif Path(raw).exists():
            problems.append(InputProblem(raw, "not a regular file"))
        else:
            problems.append(InputProblem(raw, "no such file or directory"))
    return items, problems


def read_stdin(max_bytes: int | None = None) -> bytes:
    """Standard input's bytes, read in chunks: past ``max_bytes`` it stops reading and
    raises the size error at once (it never holds more than the cap plus one chunk)."""
    from storycheck.ingest.decode import check_size

    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = sys.stdin.buffer.read(1 << 20)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if max_bytes is not None:
            check_size(size, max_bytes)
        chunks.append(chunk)
