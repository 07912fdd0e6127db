"""The SVG builder escapes quotes in attributes and markup in text, so charted names stay data."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.utils.safestring import SafeString

from biopark.core.svg import element, svg

NS = "{http://www.w3.org/2000/svg}"
# Quotes of both kinds, angle brackets and an ampersand: every way out of an attribute or into markup.
HOSTILE = 'PLAT" onmouseover="alert(1)" \'x\' <b>&amp; </svg>'


def test_attribute_and_text_round_trip_through_an_xml_parser():
    markup = svg({"aria-label": HOSTILE}, element("title", {}, HOSTILE), element("text", {"x": 1.25}, HOSTILE))
    assert isinstance(markup, SafeString)
    root = ET.fromstring(markup)
    assert root.tag == f"{NS}svg"
    assert root.attrib == {"aria-label": HOSTILE}
    assert root.find(f"{NS}title").text == HOSTILE
    text = root.find(f"{NS}text")
    assert text.attrib == {"x": "1.2"} and text.text == HOSTILE
    assert "onmouseover" not in root.attrib


def test_nested_elements_are_kept_and_none_attributes_left_out():
    inner = element("rect", {"class": "bar", "width": 3, "fill": None})
    outer = element("g", {}, inner, "a<b")
    assert str(outer) == '<g><rect class="bar" width="3"></rect>a&lt;b</g>'
