"""Write a report/1 document in the format its file name asks for."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

Format = Literal["json", "md", "html"]
FORMATS: dict[str, Format] = {
    ".json": "json",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
}


def format_of(path: str | Path) -> Format:
    """The format for a file name; ``ValueError`` names the suffixes that work."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"unknown report format {suffix or '(no suffix)'!r}; use one of {known}")
    return FORMATS[suffix]


def render(report: Mapping[str, Any], fmt: Format) -> str:
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        from storycheck.report.markdown import render_markdown

        return render_markdown(report)
    from storycheck.report.html import render_html

    return render_html(report)


def write_report(report: Mapping[str, Any], path: str | Path) -> Path:
    """Render ``report`` by the suffix of ``path`` and write it atomically."""
    return write_text(path, render(report, format_of(path)))


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file beside it, then a rename)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
