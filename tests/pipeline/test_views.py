"""Pipeline pages: list, project page (recording a stage, refusals), portfolio per role, and both languages."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from biopark.pipeline.models import StageEvent
from tests.pipeline.factories import IndicationFactory, ProjectFactory


@pytest.fixture
def project(roles):
    p = ProjectFactory(organisation=roles["enterprise"], park=roles["zone"], name_en="Anti-PD-1 antibody",
                       name_zh="抗PD-1抗体")
    IndicationFactory(project=p, name_en="NSCLC", therapeutic_area="oncology")
    return p


@pytest.mark.parametrize(("role", "sees"), [("admin", True), ("operator", True), ("enterprise_member", True),
                                            ("platform_manager", True), ("investor", False), ("viewer", False)])
def test_list_and_page_per_role(client, roles, project, role, sees):
    client.force_login(roles["users"][role])
    assert ("Anti-PD-1 antibody" in client.get("/pipeline/", HTTP_ACCEPT_LANGUAGE="en").content.decode()) is sees
    assert client.get(f"/pipeline/{project.pk}/").status_code == (200 if sees else 404)  # hidden reads as missing
    portfolio = client.get("/pipeline/portfolio/")
    assert portfolio.status_code == (200 if role in ("admin", "operator") else 403)


def test_record_stage_and_refusal_through_the_page(client, roles, project):
    indication = project.indications.get()
    client.force_login(roles["users"]["enterprise_member"])
    ok = client.post(f"/pipeline/{project.pk}/", {"indication": indication.pk, "stage": "discovery",
                                                  "date": "2023-01"})
    assert ok.status_code == 302
    # Skipping to phase 2 needs a reason and a trial id: refused, shown, nothing recorded.
    refused = client.post(f"/pipeline/{project.pk}/", {"indication": indication.pk, "stage": "phase2",
                                                       "date": "2023-06", "trial_id": "CTR1"},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 422 and "skips a stage and needs a reason" in refused.content.decode()
    assert list(StageEvent.objects.values_list("stage", flat=True)) == ["discovery"]
    project.refresh_from_db()
    assert project.highest_stage == "discovery"


def test_pages_in_chinese_and_english(client, roles, project):
    from tests.services.factories import ServiceFactory

    call_command("compilemessages_py", verbosity=0)
    service = ServiceFactory(provider_organisation=roles["enterprise"], park=roles["zone"])
    client.force_login(roles["users"]["operator"])
    client.cookies["django_language"] = "zh-hans"
    zh = client.get("/pipeline/portfolio/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "项目组合分析" in zh and "阶段停留时间（天）" in zh and "Project portfolio" not in zh
    zh = client.get(f"/pipeline/{project.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "阶段历史" in zh and "尚未报告任何阶段。" in zh
    zh = client.get("/services/desk/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "园区运营服务台" in zh and "月度申请量" in zh and "Monthly volume" not in zh
    zh = client.get(f"/services/{service.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "临床前评价" in zh and "目标时限（天）" in zh
    client.cookies["django_language"] = "en"
    en = client.get("/pipeline/portfolio/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Project portfolio" in en and "项目组合分析" not in en
    en = client.get("/services/desk/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "service desk" in en and "Monthly volume" in en and "月度申请量" not in en
