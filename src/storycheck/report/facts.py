"""The fact table as every renderer shows it: rows an editor scans, values grouped.

Works on the report/1 dict (``stories[].fact_table``), so the terminal, Markdown and HTML
views agree: disputed and updated slots first, then agreed slots carried by the most
outlets; single-outlet slots are left to the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

STATUS_LABEL = {
    "disputed": "disputed",
    "update": "rose between reports",
    "agreed": "agreed",
    "varied": "scattered values",
    "single": "one outlet",
}


@dataclass(frozen=True, slots=True)
class ValueGroup:
    """One value of a slot and the articles that give it (with their evidence)."""

    value: str
    article_ids: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RowView:
    slot: str
    kind: str
    status: str
    values: tuple[ValueGroup, ...]
    cells: Mapping[str, Mapping[str, Any]]  # article id → cell


def rows(story: Mapping[str, Any], *, agreed: int = 12) -> list[RowView]:
    """Disputed/updated rows (all), then up to ``agreed`` agreed rows."""
    out: list[RowView] = []
    shown_agreed = 0
    for row in story.get("fact_table") or []:
        status = str(row.get("status", ""))
        if status == "single":
            continue
        if status == "agreed":
            if shown_agreed >= agreed:
                continue
            shown_agreed += 1
        groups: dict[str, list[Mapping[str, Any]]] = {}
        for cell in row.get("cells", []):
            groups.setdefault(str(cell.get("value", "")).lower(), []).append(cell)
        values = tuple(
            ValueGroup(
                value=str(cells[0].get("value", "")),
                article_ids=tuple(str(c["article_id"]) for c in cells),
                evidence=tuple(str(c.get("evidence", "")) for c in cells),
            )
            for cells in sorted(groups.values(), key=lambda cs: -len(cs))
        )
        out.append(
            RowView(
                slot=str(row.get("slot", "")),
                kind=str(row.get("kind", "")),
                status=status,
                values=values,
                cells={str(c["article_id"]): c for c in row.get("cells", [])},
            )
        )
    return out


def counts(story: Mapping[str, Any]) -> dict[str, int]:
    """How many slots of each status the story's table has."""
    out = dict.fromkeys(STATUS_LABEL, 0)
    for row in story.get("fact_table") or []:
        status = str(row.get("status", ""))
        out[status] = out.get(status, 0) + 1
    return out
