"""Stage 6, report: render what the cross-check found (JSON contract, terminal)."""

from storycheck.report.jsonreport import SCHEMA_ID, build_report, schema_path

__all__ = ["SCHEMA_ID", "build_report", "schema_path"]
