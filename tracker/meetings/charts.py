"""Server-side SVG line charts (no JavaScript, no CDN): weekly values over 12 or 52 weeks."""

from __future__ import annotations

import datetime as dt
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 28


def nice_max(top: int) -> int:
    """The smallest 1, 2 or 5 × 10^n at or above ``top``: a round axis maximum."""
    scale = 1
    while True:
        for m in (1, 2, 5):
            if m * scale >= top:
                return m * scale
        scale *= 10


def line_chart(points: list[tuple[dt.date, int]], *, start: dt.date, weeks: int, title: str) -> Markup:
    """A labelled line chart; weeks without a snapshot are gaps, not zeros."""
    values = {week: value for week, value in points}
    axis_max = nice_max(max([1, *values.values()]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / max(1, weeks - 1))

    def y(v: int) -> float:
        return TOP + plot_h - plot_h * v / axis_max

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(title)}: weekly values" class="tracker-chart">']
    for frac in (0, 0.5, 1):
        v = round(axis_max * frac)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#b1b4b6" '
                     'stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12">{v}</text>')
    segment: list[str] = []
    segments: list[list[str]] = []
    for i in range(weeks):
        week = start + dt.timedelta(weeks=i)
        if week in values:
            segment.append(f"{x(i):.1f},{y(values[week]):.1f}")
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(values[week]):.1f}" r="3" fill="#1d70b8">'
                         f'<title>{week:%d/%m/%Y}: {values[week]}</title></circle>')
        elif segment:
            segments.append(segment)
            segment = []
        if i in (0, weeks - 1) or (weeks > 12 and i % 13 == 0):
            parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="12">'
                         f'{week:%d/%m/%y}</text>')
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="#1d70b8" stroke-width="2"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
