"""Ranking charts keep hostile unit and indicator names as text and attribute values (issue 9, item 9)."""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.utils import translation

from biopark.accounts.policy import SYSTEM
from biopark.rankings import charts
from biopark.rankings.services import framework_create, run_create
from tests.core.test_svg import HOSTILE, NS
from tests.rankings.helpers import IDATA, IMETA, RECIPE


def test_score_bars_keep_title_labels_and_tooltips():
    root = ET.fromstring(charts.score_bars([(HOSTILE, 62.5, 2), ("B", None, None)], top=100.0, title=HOSTILE,
                                           n_units=3))
    assert root.attrib["aria-label"] == HOSTILE and root.find(f"{NS}title").text == HOSTILE
    assert [t.text for t in root.iter(f"{NS}text")] == [HOSTILE, "62.5  #2/3", "B", "–"]
    assert [t.text for t in root.iter(f"{NS}title")][1:] == [f"{HOSTILE}: 62.5", "B: –"]


def test_rank_intervals_keep_names_and_unit_codes():
    rows = [{"uCode": HOSTILE, "name": HOSTILE, "p05_rank": 1.0, "p95_rank": 2.0, "median_rank": 1.0,
             "nominal_rank": 1}]
    root = ET.fromstring(charts.rank_intervals(rows, title=HOSTILE, n_units=2, highlight=HOSTILE))
    assert root.attrib["aria-label"] == HOSTILE
    group = root.find(f"{NS}g")
    assert group.attrib == {"class": "unit highlight", "data-unit": HOSTILE}
    assert group.find(f"{NS}title").text == f"{HOSTILE}: 1 (p05 1.000, median 1.000, p95 2.000)"
    assert group.find(f"{NS}text").text == HOSTILE


@pytest.mark.django_db
def test_unit_page_with_hostile_names(client, roles):
    imeta = copy.deepcopy(IMETA)
    imeta[3]["iName"] = HOSTILE  # pillar A
    idata = copy.deepcopy(IDATA)
    idata[1]["uName"] = HOSTILE  # P2
    framework = framework_create(actor=SYSTEM, key="hostile", kind="external", name_en="H", imeta=imeta,
                                 recipe=RECIPE)
    run = run_create(actor=SYSTEM, framework=framework, idata=idata)
    client.force_login(roles["users"]["viewer"])
    resp = client.get(f"/rankings/runs/{run.pk}/units/P2/")  # the default language: no other language leaks
    assert resp.status_code == 200
    (markup,) = re.findall(r"<svg.*?</svg>", resp.content.decode(), flags=re.S)
    root = ET.fromstring(markup)
    with translation.override(settings.LANGUAGE_CODE):
        assert root.attrib["aria-label"] == translation.gettext("Scores of %(unit)s") % {"unit": HOSTILE}
    assert [t.text for t in root.iter(f"{NS}text")][2] == HOSTILE
