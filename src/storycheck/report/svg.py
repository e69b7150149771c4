"""Charts as inline SVG strings, drawn on the server: no JavaScript library, no CDN.

Each function returns a complete ``<svg>`` element with a ``<title>`` for screen readers
and every text escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from storycheck.report.view import shorten


def _svg(width: int, height: int, title: str, body: list[str], cls: str) -> str:
    return (
        f'<svg class="{cls}" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    colours: Sequence[str] | None = None,
) -> str:
    """Horizontal bars in [0, 1] (the consistency scorecard), worst first as given.

    ``colours`` gives each bar its colour (the scorecard colours by contradicted share);
    without it every bar is a neutral blue: a low value alone is not a warning.
    """
    row, left, width = 26, 190, 320
    height = row * len(labels) + 30
    body: list[str] = []
    fills = list(colours) if colours is not None else ["#1f4e79"] * len(labels)
    for n, (label, value, colour) in enumerate(zip(labels, values, fills, strict=True)):
        y = 10 + n * row
        v = max(0.0, min(1.0, value))
        body.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(shorten(label, 28))}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{width}" height="16" fill="#eceff1"/>'
            f'<rect x="{left}" y="{y + 3}" width="{v * width:.1f}" height="16" fill="{colour}">'
            f"<title>{escape(label)}: {v:.2f}</title></rect>"
            f'<text x="{left + width + 6}" y="{y + 15}" font-size="12">{v:.2f}</text>'
        )
    axis_y = 10 + row * len(labels) + 4
    for tick in (0.0, 0.5, 1.0):
        x = left + tick * width
        body.append(
            f'<line x1="{x:.1f}" y1="8" x2="{x:.1f}" y2="{axis_y}" stroke="#90a4ae" '
            f'stroke-dasharray="2,3"/><text x="{x:.1f}" y="{axis_y + 12}" font-size="10" '
            f'text-anchor="middle">{tick:.1f}</text>'
        )
    return _svg(left + width + 50, height, title, body, "chart bars")


def timeline(
    events: Sequence[tuple[date, str, str]],
    published: Sequence[tuple[date, str]],
    *,
    title: str,
) -> str:
    """Dated events (date, label, text) above an axis; publication dates as ticks below."""
    dates = [d for d, _, _ in events] + [d for d, _ in published]
    width, left, right = 760, 30, 30
    if not dates:
        return _svg(width, 40, title, ['<text x="10" y="24">No dated events.</text>'], "chart")
    lo, hi = min(dates), max(dates)
    span = max(1, (hi - lo).days)

    def x_of(d: date) -> float:
        return left + (d - lo).days / span * (width - left - right)

    axis = 40 + 22 * len(events)
    body = [f'<line x1="{left}" y1="{axis}" x2="{width - right}" y2="{axis}" stroke="#455a64"/>']
    for n, (d, label, text) in enumerate(events):
        x, y = x_of(d), 30 + 22 * n
        anchor = "end" if x > width * 0.6 else "start"
        dx = -8 if anchor == "end" else 8
        body.append(
            f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{axis}" stroke="#90a4ae"/>'
            f'<circle cx="{x:.1f}" cy="{y}" r="5" fill="#1f4e79"><title>{escape(label)}: '
            f"{escape(text)}</title></circle>"
            f'<text x="{x + dx:.1f}" y="{y + 4}" font-size="11" text-anchor="{anchor}">'
            f"{escape(label)} — {escape(shorten(text, 70))}</text>"
        )
    for d, outlet in published:
        x = x_of(d)
        body.append(
            f'<line x1="{x:.1f}" y1="{axis}" x2="{x:.1f}" y2="{axis + 8}" stroke="#c62828">'
            f"<title>{escape(outlet)} published {d.isoformat()}</title></line>"
        )
    body.append(
        f'<text x="{left}" y="{axis + 22}" font-size="10">{lo.isoformat()}</text>'
        f'<text x="{width - right}" y="{axis + 22}" font-size="10" text-anchor="end">'
        f"{hi.isoformat()}</text>"
        f'<text x="{width / 2:.0f}" y="{axis + 22}" font-size="10" text-anchor="middle" '
        f'fill="#c62828">red ticks: articles published</text>'
    )
    return _svg(width, axis + 30, title, body, "chart timeline")
