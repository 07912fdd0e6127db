"""Server-rendered SVG charts (no script, no inline style: classes from biopark.css). Used by the pipeline
portfolio and the service desk. Markup is built with ``biopark.core.svg``, which escapes text and attribute
values (quotes included)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString
from django.utils.translation import get_language

from biopark.core.formatting import format_number
from biopark.core.svg import element, svg


def _count(value: int | str) -> str:
    """A number on a chart, grouped as the reader's language writes it ("12,345")."""
    return format_number(value, get_language())


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
    parts = [element("title", {}, title)]
    for i, (label, value) in enumerate(items):
        y = pad + i * row
        w = bar_w * float(value or 0) / top
        shown = "—" if value is None else (_count(value) if isinstance(value, int) else _count(_num(float(value))))
        parts.append(element("text", {"x": label_w - 6, "y": y + row * 0.68, "text-anchor": "end"}, label))
        parts.append(element("rect", {"class": "bar", "x": label_w, "y": y + 3, "width": w, "height": row - 6}))
        parts.append(element("text", {"x": label_w + w + 4, "y": y + row * 0.68}, shown))
    return svg({"class": "chart", "role": "img", "aria-label": title or None, "viewBox": f"0 0 {width} {height}",
                "width": "100%"}, *parts)


def vbar(
    items: Sequence[tuple[str, int]], *, title: str = "", width: int = 640, height: int = 200
) -> SafeString:
    """Vertical bars (a monthly volume, say)."""
    n = max(len(items), 1)
    top = max((v for _l, v in items), default=0) or 1
    base, gap = height - 28, 4
    col = (width - 20) / n
    parts = [
        element("title", {}, title),
        element("line", {"class": "axis", "x1": 10, "y1": base, "x2": width - 10, "y2": base}),
    ]
    for i, (label, value) in enumerate(items):
        h = (base - 16) * value / top
        x = 10 + i * col
        parts.append(element("rect", {"class": "bar", "x": x + gap, "y": base - h, "width": max(col - 2 * gap, 1),
                                      "height": h}))
        parts.append(element("text", {"x": x + col / 2, "y": base - h - 3, "text-anchor": "middle"}, _count(value)))
        parts.append(element("text", {"x": x + col / 2, "y": base + 14, "text-anchor": "middle"}, label))
    return svg({"class": "chart", "role": "img", "aria-label": title or None, "viewBox": f"0 0 {width} {height}",
                "width": "100%"}, *parts)
