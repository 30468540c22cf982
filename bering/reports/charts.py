"""Charts as inline SVG drawn on the server: no JavaScript, a few hundred bytes each."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    limit: float | None = None,
    limits: Sequence[float | None] | None = None,
    width: int = 640,
    bar_height: int = 22,
) -> SafeString:
    """Horizontal bars with labels; ``limit`` draws a dashed line (e.g. the normative);
    ``limits`` gives each bar its own normative, drawn as a tick across that bar."""
    if not items:
        return mark_safe("")
    own = list(limits) if limits is not None else [None] * len(items)
    label_w = 220
    top = max([v for _, v in items] + [limit or 0] + [x or 0 for x in own] + [1e-9])
    scale = (width - label_w - 70) / top
    height = bar_height * len(items) + 8
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(items):
        y = 4 + i * bar_height
        w = max(value * scale, 1)
        bar_limit = own[i] if own[i] is not None else limit
        over = bar_limit is not None and value > bar_limit
        fill = "#b3261e" if over else "#0b5cad"
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="end" fill="#1b1f24">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}{}</title>'
                '</rect><text x="{}" y="{}" font-size="12" fill="#1b1f24">{}{}</text>',
                label_w - 6,
                y + bar_height - 8,
                label[:34],
                label_w,
                y + 2,
                f"{w:.1f}",
                bar_height - 6,
                fill,
                label,
                _num(value),
                unit,
                f"{label_w + w + 4:.1f}",
                y + bar_height - 8,
                _num(value),
                unit,
            )
        )
        if own[i] is not None:
            tick = label_w + (own[i] or 0) * scale
            parts.append(
                f'<line x1="{tick:.1f}" y1="{y}" x2="{tick:.1f}" y2="{y + bar_height - 2}" '
                f'stroke="#8a5a00" stroke-width="3"/>'
            )
    if limit is not None:
        x = label_w + limit * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#8a5a00" '
            f'stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text went through format_html


def _num(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.1f}".replace(".", ",")


__all__ = ["bar_chart", "escape"]
