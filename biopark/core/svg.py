"""Building SVG markup safely: the one way charts write elements.

Every attribute value and every piece of text goes through Django's ``conditional_escape``, which escapes
``& < > " '``. Escaping only ``& < >`` (``xml.sax.saxutils.escape``) is not enough inside an attribute: a
name holding a double quote would close the attribute and open a new one (``onmouseover=…``). Charts build
their markup from ``element`` calls and never format user text into markup by hand.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

Child = str | SafeString
AttrValue = str | int | float | None


def _attr_text(value: AttrValue) -> str:
    if isinstance(value, float):
        # One decimal is plenty for pixel positions and keeps the markup short.
        return f"{value:.1f}"
    return str(value)


def attrs(values: Mapping[str, AttrValue]) -> SafeString:
    """` name="value"` pairs, escaped for use inside double-quoted attributes; None values are left out."""
    pairs = [(name, _attr_text(value)) for name, value in values.items() if value is not None]
    return format_html_join("", ' {}="{}"', pairs)


def element(name: str, attributes: Mapping[str, AttrValue] | None = None, *children: Child) -> SafeString:
    """``<name attributes>children</name>``. Plain-str children are escaped; SafeStrings (other elements)
    are kept as they are."""
    inner = mark_safe("".join(conditional_escape(child) for child in children))  # noqa: S308 - each escaped
    return format_html("<{}{}>{}</{}>", name, attrs(attributes or {}), inner, name)


def svg(attributes: Mapping[str, AttrValue], *children: Child) -> SafeString:
    """The outer ``<svg>`` element, with the SVG namespace."""
    return element("svg", {**attributes, "xmlns": "http://www.w3.org/2000/svg"}, *children)
