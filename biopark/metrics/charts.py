"""The history chart of a target, as server-rendered SVG (through biopark.core.svg, which escapes every text).

Drawn to survive printing in black and white: the values are a solid line with filled dots (hollow dots for
synthetic demo values, a square for the live value), the straight line to the target is dashed, the target
itself a dotted level line; every point carries its value as text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from biopark.core.formatting import format_date, format_number
from biopark.core.svg import element, svg
from biopark.core.templatetags.biopark_format import unit as unit_label
from biopark.metrics.progress import Progress, expected_at, period_end, period_start


def _n(value: Decimal) -> str:
    """The value without the trailing zeros of its stored six decimals."""
    return format_number(value.normalize(), get_language())


def chart_text(progress: Progress) -> str:
    """The chart's text alternative: every value with its date, then the target."""
    target = progress.target
    parts = []
    for p in progress.points:
        note = _(" (live)") if p.live else (_(" (synthetic)") if p.synthetic else "")
        parts.append(f"{format_date(p.on, get_language())}: {_n(p.value)}{note}")
    values = _("; ").join(parts) or _("no values yet")
    return _("Values: %(values)s. Target %(target)s %(unit)s by the end of %(year)s.") % {
        "values": values, "target": _n(target.target_value), "unit": unit_label(target.unit), "year": target.end_year}


def history_chart(progress: Progress, *, width: int = 640, height: int = 240) -> SafeString:
    target = progress.target
    first = min([period_start(target), *(p.on for p in progress.points)])
    if target.baseline_on:
        first = min(first, target.baseline_on)
    first = dt.date(first.year, 1, 1)
    last = period_end(target)
    base = target.baseline_value if target.baseline_value is not None else Decimal(0)
    top = max([target.target_value, base, *(p.value for p in progress.points), Decimal(1)]) * Decimal("1.1")
    pad_left, pad_right, pad_top, pad_bottom = 56, 16, 20, 32
    plot_w, plot_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    span = max((last - first).days, 1)

    def x(on: dt.date) -> float:
        return pad_left + plot_w * (on - first).days / span

    def y(value: Decimal) -> float:
        return pad_top + plot_h - float(value / top) * plot_h

    title = _("History of %(indicator)s against its target") % {"indicator": target.indicator}
    parts = [
        element("title", {}, title),
        element("line", {"x1": pad_left, "y1": pad_top + plot_h, "x2": width - pad_right, "y2": pad_top + plot_h,
                         "stroke": "#555"}),
        element("line", {"x1": pad_left, "y1": pad_top, "x2": pad_left, "y2": pad_top + plot_h, "stroke": "#555"}),
        element("text", {"x": 4, "y": pad_top + 4, "font-size": 11, "fill": "#222"}, _n(top.quantize(Decimal(1)))),
        element("text", {"x": 4, "y": pad_top + plot_h, "font-size": 11, "fill": "#222"}, "0"),
    ]
    for year in range(first.year, last.year + 1):
        parts.append(element("text", {"x": x(dt.date(year, 7, 1)), "y": height - 10, "font-size": 10,
                                      "text-anchor": "middle", "fill": "#222"}, str(year)))
    # The target level (dotted) and the straight line from the baseline to it (dashed).
    parts.append(element("line", {"x1": pad_left, "y1": y(target.target_value), "x2": width - pad_right,
                                  "y2": y(target.target_value), "stroke": "#000", "stroke-dasharray": "2 3"}))
    parts.append(element("text", {"x": width - pad_right, "y": y(target.target_value) - 4, "font-size": 11,
                                  "text-anchor": "end", "fill": "#000"},
                         _("target %(value)s") % {"value": _n(target.target_value)}))
    start = target.baseline_on or period_start(target)
    parts.append(element("line", {"class": "expected", "x1": x(start), "y1": y(expected_at(target, start)),
                                  "x2": x(last), "y2": y(target.target_value), "stroke": "#666",
                                  "stroke-dasharray": "6 4"}))
    ordered = sorted(progress.points, key=lambda p: (p.on, p.live))
    if len(ordered) > 1:
        path = " ".join(f"{x(p.on):.1f},{y(p.value):.1f}" for p in ordered)
        parts.append(element("polyline", {"points": path, "fill": "none", "stroke": "#1f4e79", "stroke-width": 2}))
    for p in ordered:
        label = f"{format_date(p.on, get_language())}: {_n(p.value)}"
        if p.live:
            mark = element("rect", {"x": x(p.on) - 4, "y": y(p.value) - 4, "width": 8, "height": 8,
                                    "fill": "#1f4e79"}, element("title", {}, label + _(" (live)")))
        else:
            mark = element("circle", {"cx": x(p.on), "cy": y(p.value), "r": 4, "stroke": "#1f4e79",
                                      "fill": "#fff" if p.synthetic else "#1f4e79"},
                           element("title", {}, label + (_(" (synthetic)") if p.synthetic else "")))
        parts.append(mark)
        parts.append(element("text", {"x": x(p.on), "y": y(p.value) - 8, "font-size": 10, "text-anchor": "middle",
                                      "fill": "#222"}, _n(p.value)))
    return svg({"class": "chart", "viewBox": f"0 0 {width} {height}", "width": width, "height": height,
                "role": "img", "aria-label": chart_text(progress)}, *parts)
