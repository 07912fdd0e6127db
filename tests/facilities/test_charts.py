"""Utilisation charts keep a hostile platform name inside its attribute and its text (issue 9, item 9)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone, translation

from biopark.facilities import charts, services
from tests.core.test_svg import HOSTILE, NS


def test_bar_chart_escapes_quotes_in_title_and_labels():
    with translation.override("en"):
        markup = charts.bar_chart([HOSTILE, "w2"], [1.0, 2.0], [4.0, 4.0], title=HOSTILE)
    root = ET.fromstring(markup)
    assert root.attrib["aria-label"] == HOSTILE
    assert set(root.attrib) == {"class", "viewBox", "width", "height", "role", "aria-label"}
    assert root.find(f"{NS}title").text == HOSTILE
    labels = [t.text for t in root.iter(f"{NS}text")]
    assert labels == ["4 h", HOSTILE, "25%", "w2", "50%"]
    tips = [t.text for t in root.iter(f"{NS}title")][1:]
    assert tips[0] == f"{HOSTILE}: 4.0 h available" and tips[1] == f"{HOSTILE}: 1.0 h booked (25%)"
    assert not any(k.startswith("on") for el in root.iter() for k in el.attrib)


@pytest.mark.django_db
def test_utilisation_page_with_a_hostile_platform_name(client, fac):
    platform = fac["platform"]
    platform.name_zh = platform.name_en = HOSTILE
    platform.save()
    start = (timezone.now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    services.booking_create(actor=fac["member"], resource=fac["resource"], start=start,
                            end=start + dt.timedelta(hours=1))
    client.force_login(fac["users"]["platform_manager"])
    resp = client.get("/facilities/utilisation/")
    assert resp.status_code == 200
    found = re.findall(r"<svg.*?</svg>", resp.content.decode(), flags=re.S)
    assert found
    for markup in found:
        root = ET.fromstring(markup)
        assert root.attrib["aria-label"] == HOSTILE + "：每周已预约与可用时数"  # the site's language
        assert root.find(f"{NS}title").text == root.attrib["aria-label"]
        assert not any(k.startswith("on") for el in root.iter() for k in el.attrib)
