"""The pipeline API: happy path, bad input answered 4xx in the one error format, nothing written."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from biopark.pipeline.models import Project, StageEvent
from tests.conftest import assert_api_error
from tests.pipeline.factories import IndicationFactory, ProjectFactory

API = "/api/v1/pipeline"


_error = assert_api_error


@pytest.fixture
def member_client(client, roles):
    client.force_login(roles["users"]["enterprise_member"])
    return client


def test_create_project_and_record_stage(member_client, roles):
    r = member_client.post(
        f"{API}/projects",
        {"organisation": roles["enterprise"].pk, "name_en": "CMG-X", "modality": "adc",
         "indications": [{"name_en": "Gastric cancer", "therapeutic_area": "oncology"}]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    ind = body["indications"][0]["id"]
    r = member_client.post(
        f"{API}/projects/{body['id']}/stages", {"indication": ind, "stage": "discovery", "date": "2022-03"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["date"] == "2022-03"
    assert member_client.get(f"{API}/projects/{body['id']}").json()["highest_stage"] == "discovery"
    listed = member_client.get(f"{API}/projects", {"stage": "discovery"}).json()
    assert [p["id"] for p in listed["results"]] == [body["id"]]


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"stage": "phase7", "date": "2020"}, 422, "stage"),
        ({"stage": "discovery", "date": "2999-01-01"}, 422, "date"),
        ({"stage": "discovery", "date": "yesterday"}, 422, "date"),
        ({"stage": "approved", "date": "2020"}, 422, "approval_number"),
        ({"stage": "phase2", "date": "2020"}, 422, "trial_id"),
        ({"stage": "discovery"}, 422, "date"),
        ({"stage": "discovery", "date": "2020", "indication": 999999}, 422, "indication"),
        ({"stage": "discovery", "date": "2020", "document": 999999}, 422, "document"),
    ],
)
def test_bad_stage_requests(member_client, roles, payload, status, field):
    project = ProjectFactory(organisation=roles["enterprise"], park=roles["zone"])
    ind = IndicationFactory(project=project)
    body = {"indication": ind.pk, **payload}
    _error(member_client.post(f"{API}/projects/{project.pk}/stages", body, content_type="application/json"), status, field)
    assert StageEvent.objects.count() == 0


def test_forbidden_and_missing(client, roles):
    project = ProjectFactory(organisation=roles["other_enterprise"], park=roles["other_park"])
    client.force_login(roles["users"]["enterprise_member"])
    # Another organisation's private project answers exactly like a missing one (no existence oracle).
    assert _error(client.get(f"{API}/projects/{project.pk}"), 404)["code"] == "not_found"
    assert _error(client.get(f"{API}/projects/987654"), 404)["code"] == "not_found"
    _error(client.post(f"{API}/projects", {"organisation": 987654, "name_en": "x"}, content_type="application/json"),
           422, "organisation")
    _error(client.post(f"{API}/projects", {"organisation": roles["enterprise"].pk, "name_en": "x", "visibility": "world"},
                       content_type="application/json"), 422, "visibility")
    _error(client.get(f"{API}/portfolio"), 403)
    _error(client.get(f"{API}/projects", {"page_size": 5000}), 422, "page_size")
    assert Project.objects.count() == 1


def test_portfolio_api_and_xlsx(client, roles):
    project = ProjectFactory(organisation=roles["enterprise"], park=roles["zone"], modality="vaccine")
    ind = IndicationFactory(project=project, therapeutic_area="infectious disease")
    from biopark.pipeline import services

    services.stage_record(actor=roles["users"]["admin"], project=project, indication=ind, stage="discovery", date="2023")
    client.force_login(roles["users"]["operator"])
    body = client.get(f"{API}/portfolio").json()
    assert body["total"] == 1
    assert {m["key"]: m["count"] for m in body["modalities"]}["vaccine"] == 1
    assert body["therapeutic_areas"] == [{"key": "infectious disease", "label": "感染性疾病", "count": 1}]
    _error(client.get(f"{API}/portfolio", {"modality": "pill"}), 422, "modality")
    r = client.get(f"{API}/portfolio.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["漏斗", "技术类型", "治疗领域", "阶段停留时间", "阶段转化", "创新项目"]  # the reader's language
    assert wb["漏斗"]["C2"].value == 1  # discovery
    assert wb["创新项目"]["A2"].value == project.pk
