"""Stage 6, report: render what the cross-check found (JSON contract, Markdown, HTML, terminal)."""

from storycheck.report.files import FORMATS, format_of, render, write_report
from storycheck.report.html import render_html
from storycheck.report.jsonreport import SCHEMA_ID, brief_json, build_report, schema_path
from storycheck.report.markdown import render_markdown

__all__ = [
    "FORMATS",
    "SCHEMA_ID",
    "brief_json",
    "build_report",
    "format_of",
    "render",
    "render_html",
    "render_markdown",
    "schema_path",
    "write_report",
]
