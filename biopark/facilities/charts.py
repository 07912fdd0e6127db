"""Server-rendered SVG charts (no script, no inline style: CSP allows only 'self').

Markup is built with ``biopark.core.svg``, which escapes text and attribute values (quotes included)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from biopark.core.formatting import format_number
from biopark.core.svg import element, svg


def _n(value: float, places: int) -> str:
    return format_number(round(value, places), get_language(), places=places)


def bar_chart(
    labels: Sequence[str], booked: Sequence[float], available: Sequence[float], *, title: str, width: int = 640,
    height: int = 220,
) -> SafeString:
    """Grouped bars per week: available hours (light) and booked hours (dark), with the booked share."""
    pad_left, pad_bottom, pad_top = 48, 36, 24
    plot_w, plot_h = width - pad_left - 8, height - pad_bottom - pad_top
    top = max([*available, *booked, 1.0])
    n = max(len(labels), 1)
    slot = plot_w / n
    bar = max(slot * 0.35, 2)
    parts = [
        element("title", {}, title),
        element("line", {"x1": pad_left, "y1": pad_top + plot_h, "x2": width - 8, "y2": pad_top + plot_h,
                         "stroke": "#888"}),
        element("text", {"x": 4, "y": pad_top - 8, "font-size": 11, "fill": "#444"}, _("%(n)s h") % {"n": _n(top, 0)}),
    ]
    for i, label in enumerate(labels):
        x = pad_left + i * slot + slot * 0.1
        ha = available[i] / top * plot_h
        hb = booked[i] / top * plot_h
        share = booked[i] / available[i] * 100 if available[i] else 0.0
        parts.append(element(
            "rect", {"class": "available", "x": x, "y": pad_top + plot_h - ha, "width": bar, "height": ha,
                     "fill": "#c9d8e8"},
            element("title", {}, _("%(week)s: %(n)s h available") % {"week": label, "n": _n(available[i], 1)}),
        ))
        parts.append(element(
            "rect", {"class": "booked", "x": x + bar, "y": pad_top + plot_h - hb, "width": bar, "height": hb,
                     "fill": "#2f6690"},
            element("title", {}, _("%(week)s: %(n)s h booked (%(share)s%%)") % {"week": label, "n": _n(booked[i], 1), "share": _n(share, 0)}),
        ))
        parts.append(element("text", {"x": x + bar, "y": height - 20, "font-size": 10, "text-anchor": "middle",
                                      "fill": "#444"}, label))
        parts.append(element("text", {"x": x + bar, "y": height - 6, "font-size": 10, "text-anchor": "middle",
                                      "fill": "#2f6690"}, f"{share:.0f}%"))
    return svg({"class": "chart", "viewBox": f"0 0 {width} {height}", "width": width, "height": height,
                "role": "img", "aria-label": title}, *parts)
