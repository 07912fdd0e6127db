"""Server-rendered SVG charts (no script, no style attribute: the CSP allows only 'self')."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape


def _svg_open(width: int, height: int, title: str, css: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]


def _fmt(value: float) -> str:
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def score_bars(items: Sequence[tuple[str, float | None, int | None]], *, top: float, title: str,
               n_units: int, width: int = 640) -> str:
    """Horizontal bars, one per pillar: (label, score, rank); ``top`` is the axis maximum."""
    label_w, row_h, pad = 170, 30, 24
    height = pad * 2 + row_h * max(len(items), 1)
    plot_w = width - label_w - 110
    top = top if top and top > 0 else 1.0
    parts = _svg_open(width, height, title, "score-bars")
    parts.append(f'<line class="axis" x1="{label_w}" y1="{pad - 6}" x2="{label_w}" y2="{height - pad + 6}" '
                 'stroke="#888"/>')
    for i, (label, score, rank) in enumerate(items):
        y = pad + i * row_h
        w = 0.0 if score is None else max(score, 0.0) / top * plot_w
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" '
                     f'fill="#0f7a6c"><title>{escape(label)}: {"–" if score is None else _fmt(score)}</title></rect>')
        text = "–" if score is None else _fmt(score)
        rank_text = "" if rank is None else f"  #{rank}/{n_units}"
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 17}">{escape(text + rank_text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def rank_intervals(rows: Sequence[dict], *, title: str, n_units: int, highlight: str | None = None,
                   width: int = 720) -> str:
    """One line per unit from its p05 to its p95 rank, a dot at the median and a ring at the nominal rank.
    Rank 1 is on the left."""
    label_w, row_h, pad_top, pad_bottom = 170, 16, 28, 30
    height = pad_top + pad_bottom + row_h * max(len(rows), 1)
    plot_w = width - label_w - 20
    n = max(n_units, 2)

    def x(rank: float) -> float:
        return label_w + (rank - 1) / (n - 1) * plot_w

    parts = _svg_open(width, height, title, "rank-intervals")
    for tick in sorted({1, max(1, n // 4), max(1, n // 2), max(1, 3 * n // 4), n}):
        parts.append(f'<line class="axis" x1="{x(tick):.1f}" y1="{pad_top - 8}" x2="{x(tick):.1f}" '
                     f'y2="{height - pad_bottom + 4}" stroke="#d9e1e6"/>')
        parts.append(f'<text x="{x(tick):.1f}" y="{height - pad_bottom + 18}" text-anchor="middle">{tick}</text>')
    for i, row in enumerate(rows):
        y = pad_top + i * row_h + row_h / 2
        css = "unit highlight" if row["uCode"] == highlight else "unit"
        lo, hi, med, nom = row["p05_rank"], row["p95_rank"], row["median_rank"], row["nominal_rank"]
        tip = f'{row.get("name", row["uCode"])}: {nom} (p05 {_fmt(lo)}, median {_fmt(med)}, p95 {_fmt(hi)})'
        parts.append(f'<g class="{css}"><title>{escape(tip)}</title>')
        parts.append(f'<text x="{label_w - 8}" y="{y + 4}" text-anchor="end">{escape(str(row.get("name", "")))}</text>')
        parts.append(f'<line x1="{x(lo):.1f}" y1="{y}" x2="{x(hi):.1f}" y2="{y}" stroke="#0f7a6c" stroke-width="3"/>')
        parts.append(f'<circle cx="{x(med):.1f}" cy="{y}" r="4" fill="#0f7a6c"/>')
        parts.append(f'<circle cx="{x(nom):.1f}" cy="{y}" r="5" fill="none" stroke="#b3261e" stroke-width="1.5"/>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
