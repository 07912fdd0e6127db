"""Server-rendered SVG charts (no script, no inline style: classes from biopark.css). Used by the pipeline
portfolio and the service desk."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def hbar(
    items: Sequence[tuple[str, float | int | None]], *, title: str = "", width: int = 520, row: int = 22
) -> SafeString:
    """Horizontal bars, one per (label, value); values are printed exactly as given."""
    label_w, pad = 190, 6
    values = [float(v or 0) for _l, v in items]
    top = max(values, default=0) or 1
    height = row * len(items) + pad * 2
    bar_w = width - label_w - 60
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = pad + i * row
        w = bar_w * float(value or 0) / top
        shown = "—" if value is None else (str(value) if isinstance(value, int) else _num(float(value)))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + row * 0.68:.1f}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}"></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + row * 0.68:.1f}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label and value is escaped above


def vbar(
    items: Sequence[tuple[str, int]], *, title: str = "", width: int = 640, height: int = 200
) -> SafeString:
    """Vertical bars (a monthly volume, say)."""
    n = max(len(items), 1)
    top = max((v for _l, v in items), default=0) or 1
    base, gap = height - 28, 4
    col = (width - 20) / n
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<line class="axis" x1="10" y1="{base}" x2="{width - 10}" y2="{base}"></line>'
    ]
    for i, (label, value) in enumerate(items):
        h = (base - 16) * value / top
        x = 10 + i * col
        parts.append(
            f'<rect class="bar" x="{x + gap:.1f}" y="{base - h:.1f}" width="{max(col - 2 * gap, 1):.1f}" height="{h:.1f}"></rect>'
            f'<text x="{x + col / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle">{value}</text>'
            f'<text x="{x + col / 2:.1f}" y="{base + 14}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308
