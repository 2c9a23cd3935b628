"""A small horizontal bar chart as SVG text (no plotting dependency)."""

from __future__ import annotations

import math
from html import escape


def bar_chart_svg(title: str, values: dict[str, float]) -> str:
    """Bars on a log scale (the values span orders of magnitude), labelled with their value."""
    width, left, bar, gap, top = 760, 230, 34, 14, 56
    height = top + len(values) * (bar + gap) + 30
    low = min(values.values())
    high = max(values.values())
    span = math.log10(high / low) if high > low else 1.0
    usable = width - left - 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="14">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    for index, (name, value) in enumerate(values.items()):
        y = top + index * (bar + gap)
        share = 0.12 + 0.88 * (math.log10(value / low) / span if span else 1.0)
        length = max(4.0, usable * share)
        colour = "#2f6fde" if name == "intercom-async" else "#9aa5b8"
        parts += [
            f'<text x="{left - 10}" y="{y + bar * 0.65}" text-anchor="end">{escape(name)}</text>',
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colour}"/>',
            f'<text x="{left + length + 8:.1f}" y="{y + bar * 0.65}">{value:,.1f} µs</text>',
        ]
    parts += [
        f'<text x="{left}" y="{height - 10}" fill="#555" font-size="12">'
        "log scale; client process CPU per contact, median of repetitions</text>",
        "</svg>",
    ]
    return "\n".join(parts) + "\n"
