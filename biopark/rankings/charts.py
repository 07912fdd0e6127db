"""Server-rendered SVG charts (no script, no style attribute: the CSP allows only 'self').

Markup is built with ``biopark.core.svg``, which escapes text and attribute values (quotes included)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString

from biopark.core.svg import element, svg


def _svg(width: int, height: int, title: str, css: str, parts: list[SafeString]) -> SafeString:
    return svg({"class": f"chart {css}", "viewBox": f"0 0 {width} {height}", "width": width, "height": height,
                "role": "img", "aria-label": title}, element("title", {}, title), *parts)


def _fmt(value: float) -> str:
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def score_bars(items: Sequence[tuple[str, float | None, int | None]], *, top: float, title: str,
               n_units: int, width: int = 640) -> SafeString:
    """Horizontal bars, one per pillar: (label, score, rank); ``top`` is the axis maximum."""
    label_w, row_h, pad = 170, 30, 24
    height = pad * 2 + row_h * max(len(items), 1)
    plot_w = width - label_w - 110
    top = top if top and top > 0 else 1.0
    parts = [element("line", {"class": "axis", "x1": label_w, "y1": pad - 6, "x2": label_w, "y2": height - pad + 6,
                              "stroke": "#888"})]
    for i, (label, score, rank) in enumerate(items):
        y = pad + i * row_h
        w = 0.0 if score is None else max(score, 0.0) / top * plot_w
        text = "–" if score is None else _fmt(score)
        rank_text = "" if rank is None else f"  #{rank}/{n_units}"
        parts.append(element("text", {"x": label_w - 8, "y": y + 17, "text-anchor": "end"}, label))
        parts.append(element("rect", {"class": "bar", "x": label_w, "y": y + 4, "width": w, "height": row_h - 10,
                                      "fill": "#0f7a6c"}, element("title", {}, f"{label}: {text}")))
        parts.append(element("text", {"x": label_w + w + 6, "y": y + 17}, text + rank_text))
    return _svg(width, height, title, "score-bars", parts)


def rank_intervals(rows: Sequence[dict], *, title: str, n_units: int, highlight: str | None = None,
                   width: int = 720) -> SafeString:
    """One line per unit from its p05 to its p95 rank, a dot at the median and a ring at the nominal rank.
    Rank 1 is on the left."""
    label_w, row_h, pad_top, pad_bottom = 170, 16, 28, 30
    height = pad_top + pad_bottom + row_h * max(len(rows), 1)
    plot_w = width - label_w - 20
    n = max(n_units, 2)

    def x(rank: float) -> float:
        return label_w + (rank - 1) / (n - 1) * plot_w

    parts: list[SafeString] = []
    for tick in sorted({1, max(1, n // 4), max(1, n // 2), max(1, 3 * n // 4), n}):
        parts.append(element("line", {"class": "axis", "x1": x(tick), "y1": pad_top - 8, "x2": x(tick),
                                      "y2": height - pad_bottom + 4, "stroke": "#d9e1e6"}))
        parts.append(element("text", {"x": x(tick), "y": height - pad_bottom + 18, "text-anchor": "middle"},
                             str(tick)))
    for i, row in enumerate(rows):
        y = pad_top + i * row_h + row_h / 2
        lo, hi, med, nom = row["p05_rank"], row["p95_rank"], row["median_rank"], row["nominal_rank"]
        tip = f'{row.get("name", row["uCode"])}: {nom} (p05 {_fmt(lo)}, median {_fmt(med)}, p95 {_fmt(hi)})'
        parts.append(element(
            "g", {"class": "unit highlight" if row["uCode"] == highlight else "unit",
                  "data-unit": str(row["uCode"])},
            element("title", {}, tip),
            element("text", {"x": label_w - 8, "y": y + 4, "text-anchor": "end"}, str(row.get("name", ""))),
            element("line", {"x1": x(lo), "y1": y, "x2": x(hi), "y2": y, "stroke": "#0f7a6c", "stroke-width": 3}),
            element("circle", {"cx": x(med), "cy": y, "r": 4, "fill": "#0f7a6c"}),
            element("circle", {"cx": x(nom), "cy": y, "r": 5, "fill": "none", "stroke": "#b3261e",
                               "stroke-width": 1.5}),
        ))
    return _svg(width, height, title, "rank-intervals", parts)
