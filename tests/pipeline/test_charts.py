"""Portfolio and service-desk charts keep hostile labels as text and attribute values (issue 9, item 9)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from biopark.pipeline import charts
from tests.core.test_svg import HOSTILE, NS
from tests.pipeline.factories import IndicationFactory, ProjectFactory


def test_hbar_keeps_title_and_labels():
    root = ET.fromstring(charts.hbar([(HOSTILE, 3), ("b", 1.25), ("c", None)], title=HOSTILE))
    assert root.attrib["aria-label"] == HOSTILE and root.find(f"{NS}title").text == HOSTILE
    assert [t.text for t in root.iter(f"{NS}text")] == [HOSTILE, "3", "b", "1.2", "c", "—"]


def test_vbar_keeps_title_and_labels():
    root = ET.fromstring(charts.vbar([(HOSTILE, 2), ("2026-02", 0)], title=HOSTILE))
    assert root.attrib["aria-label"] == HOSTILE and root.find(f"{NS}title").text == HOSTILE
    assert [t.text for t in root.iter(f"{NS}text")] == ["2", HOSTILE, "0", "2026-02"]


@pytest.mark.django_db
def test_portfolio_page_with_a_hostile_therapeutic_area(client, roles):
    project = ProjectFactory(organisation=roles["enterprise"], park=roles["zone"], name_en="X")
    IndicationFactory(project=project, name_en="NSCLC", therapeutic_area=HOSTILE)
    project.therapeutic_areas = [HOSTILE]
    project.save()
    client.force_login(roles["users"]["operator"])
    resp = client.get("/pipeline/portfolio/")
    assert resp.status_code == 200
    charts_found = [ET.fromstring(m) for m in re.findall(r"<svg.*?</svg>", resp.content.decode(), flags=re.S)]
    assert len(charts_found) == 4
    texts = [t.text for root in charts_found for t in root.iter(f"{NS}text")]
    assert HOSTILE in texts
