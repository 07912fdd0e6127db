"""Server-rendered SVG charts (no script, no inline style: CSP allows only 'self')."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape


def bar_chart(
    labels: Sequence[str], booked: Sequence[float], available: Sequence[float], *, title: str, width: int = 640,
    height: int = 220,
) -> str:
    """Grouped bars per week: available hours (light) and booked hours (dark), with the booked share."""
    pad_left, pad_bottom, pad_top = 48, 36, 24
    plot_w, plot_h = width - pad_left - 8, height - pad_bottom - pad_top
    top = max([*available, *booked, 1.0])
    n = max(len(labels), 1)
    slot = plot_w / n
    bar = max(slot * 0.35, 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad_left}" y1="{pad_top + plot_h}" x2="{width - 8}" y2="{pad_top + plot_h}" stroke="#888"/>',
        f'<text x="4" y="{pad_top - 8}" font-size="11" fill="#444">{top:.0f} h</text>',
    ]
    for i, label in enumerate(labels):
        x = pad_left + i * slot + slot * 0.1
        ha = available[i] / top * plot_h
        hb = booked[i] / top * plot_h
        share = booked[i] / available[i] * 100 if available[i] else 0.0
        parts.append(
            f'<rect class="available" x="{x:.1f}" y="{pad_top + plot_h - ha:.1f}" width="{bar:.1f}" '
            f'height="{ha:.1f}" fill="#c9d8e8"><title>{escape(label)}: {available[i]:.1f} h available</title></rect>'
        )
        parts.append(
            f'<rect class="booked" x="{x + bar:.1f}" y="{pad_top + plot_h - hb:.1f}" width="{bar:.1f}" '
            f'height="{hb:.1f}" fill="#2f6690"><title>{escape(label)}: {booked[i]:.1f} h booked '
            f"({share:.0f}%)</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar:.1f}" y="{height - 20}" font-size="10" text-anchor="middle" fill="#444">'
            f"{escape(label)}</text>"
        )
        parts.append(
            f'<text x="{x + bar:.1f}" y="{height - 6}" font-size="10" text-anchor="middle" fill="#2f6690">'
            f"{share:.0f}%</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
