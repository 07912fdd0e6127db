"""Server-rendered SVG charts (no script, no inline style: CSP allows only 'self').

Markup is built with ``biopark.core.svg``, which escapes text and attribute values (quotes included)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString

from biopark.core.svg import element, svg


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
        element("text", {"x": 4, "y": pad_top - 8, "font-size": 11, "fill": "#444"}, f"{top:.0f} h"),
    ]
    for i, label in enumerate(labels):
        x = pad_left + i * slot + slot * 0.1
        ha = available[i] / top * plot_h
        hb = booked[i] / top * plot_h
        share = booked[i] / available[i] * 100 if available[i] else 0.0
        parts.append(element(
            "rect", {"class": "available", "x": x, "y": pad_top + plot_h - ha, "width": bar, "height": ha,
                     "fill": "#c9d8e8"},
            element("title", {}, f"{label}: {available[i]:.1f} h available"),
        ))
        parts.append(element(
            "rect", {"class": "booked", "x": x + bar, "y": pad_top + plot_h - hb, "width": bar, "height": hb,
                     "fill": "#2f6690"},
            element("title", {}, f"{label}: {booked[i]:.1f} h booked ({share:.0f}%)"),
        ))
        parts.append(element("text", {"x": x + bar, "y": height - 20, "font-size": 10, "text-anchor": "middle",
                                      "fill": "#444"}, label))
        parts.append(element("text", {"x": x + bar, "y": height - 6, "font-size": 10, "text-anchor": "middle",
                                      "fill": "#2f6690"}, f"{share:.0f}%"))
    return svg({"class": "chart", "viewBox": f"0 0 {width} {height}", "width": width, "height": height,
                "role": "img", "aria-label": title}, *parts)
