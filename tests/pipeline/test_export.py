"""The portfolio workbook is safe to open (issue 9, item 7): an enterprise's project named as a formula is
quoted text, a control character no longer answers 500, ids and counts stay numbers."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.factories import OrganisationFactory
from tests.pipeline.factories import IndicationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("url", ["/pipeline/portfolio.xlsx", "/api/v1/pipeline/portfolio.xlsx"])
def test_portfolio_xlsx_with_hostile_names(client, roles, url):
    org = OrganisationFactory(park=roles["zone"], name_zh="@企业", name_en="@Org")
    project = ProjectFactory(organisation=org, park=roles["zone"], name_zh="+1+1", name_en=FORMULA,
                             targets=["PD-1\x01", "-x"], therapeutic_areas=["=area"])
    IndicationFactory(project=project, therapeutic_area="=area")
    client.force_login(roles["users"]["operator"])
    resp = client.get(url, HTTP_ACCEPT_LANGUAGE="en")  # English headers and sheet names
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    header, row = list(wb["Projects"].iter_rows(max_row=2))
    cells = dict(zip([c.value for c in header], row, strict=True))
    assert (cells["id"].data_type, cells["id"].value) == ("n", project.pk)
    assert (cells["name_zh"].data_type, cells["name_zh"].value) == ("s", "'+1+1")
    assert (cells["name_en"].data_type, cells["name_en"].value) == ("s", "'" + FORMULA)
    assert (cells["organisation"].data_type, cells["organisation"].value) == ("s", "'@Org")
    assert (cells["targets"].data_type, cells["targets"].value) == ("s", "PD-1; -x")
    assert (cells["therapeutic areas"].data_type, cells["therapeutic areas"].value) == ("s", "'=area")
    areas = list(wb["Therapeutic areas"].iter_rows(min_row=2, values_only=True))
    assert areas == [("'=area", 1)]
    assert not [c for ws in wb for r in ws.iter_rows() for c in r if c.data_type == "f"]
