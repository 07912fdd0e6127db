"""Chinese and English pages of facilities, pipeline and services show labels (never codes) and amounts as
their readers write them: 万/亿 in Chinese with the exact value on hover, grouped figures in English."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from biopark.pipeline import services as pipeline_services
from biopark.services import services as service_services
from tests.facilities.factories import ResourceFactory
from tests.factories import PlatformFactory
from tests.pipeline.factories import IndicationFactory, ProjectFactory
from tests.services.factories import ServiceFactory


def _page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_facilities_resource_page_in_both_languages(client, roles):
    platform = PlatformFactory(operator=roles["enterprise"], park=roles["zone"])
    resource = ResourceFactory(
        platform=platform, price_member=Decimal("500000.00"), price_non_member=Decimal("12910.00"), currency="CNY",
        opening_hours={"mon": [["08:30", "18:00"]], "sat": [["09:00", "12:00"]]},
    )
    client.force_login(roles["users"]["enterprise_member"])
    zh = _page(client, f"/facilities/resources/{resource.pk}/", "zh-hans")
    assert "周一 08:30–18:00; 周六 09:00–12:00" in zh
    assert '<span class="amount" title="500,000.00 元">50 万元</span>' in zh
    assert "12,910.00 元" in zh
    assert "mon 08:30" not in zh
    en = _page(client, f"/facilities/resources/{resource.pk}/", "en")
    assert "Mon 08:30–18:00; Sat 09:00–12:00" in en
    assert "500,000.00 CNY" in en and "12,910.00 CNY" in en


@pytest.mark.django_db
def test_pipeline_project_page_in_both_languages(client, roles):
    project = ProjectFactory(organisation=roles["enterprise"], therapeutic_areas=["oncology", "my own words"])
    indication = IndicationFactory(project=project, name_en="Haemophilia A", therapeutic_area="haematology")
    admin = roles["users"]["admin"]
    pipeline_services.stage_record(actor=admin, project=project, indication=indication, stage="preclinical",
                                   date="2023-10")
    client.force_login(admin)
    zh = _page(client, f"/pipeline/{project.pk}/", "zh-hans")
    assert "肿瘤, my own words" in zh and "血液病" in zh
    assert "<td class=\"nowrap\">2023年10月</td>" in zh
    assert "<td>临床前研究</td>" in zh and "首次报告" in zh
    assert "阶段 (Haemophilia A): <span class=\"muted\">—</span> → 临床前研究" in zh
    assert ">preclinical" not in zh and "haematology" not in zh
    en = _page(client, f"/pipeline/{project.pk}/", "en")
    assert "Oncology, my own words" in en and "Haematology" in en
    assert "<td class=\"nowrap\">Oct 2023</td>" in en and "first report" in en


@pytest.mark.django_db
def test_service_pages_in_both_languages(client, roles):
    from biopark.accounts.models import Role
    from tests.factories import OrganisationFactory, make_user

    provider = OrganisationFactory(park=roles["zone"])
    service = ServiceFactory(provider_organisation=provider, park=roles["zone"], price_model="fixed",
                             price_amount=Decimal("1200000000"), currency="USD", stages=["preclinical", "ind"])
    member = roles["users"]["enterprise_member"]
    request = service_services.request_submit(actor=member, service=service, title="GLP tox study")
    make_user(Role.PLATFORM_MANAGER, organisation=provider)
    client.force_login(roles["users"]["operator"])
    zh = _page(client, f"/services/{service.pk}/", "zh-hans")
    assert '<span class="amount" title="1,200,000,000.00 美元">12 亿美元</span>' in zh
    assert "临床前研究, 临床申请（IND）" in zh
    desk = _page(client, "/services/desk/", "zh-hans")
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in desk
    assert "<td>已提交</td>" in desk and f"<td>{today.year}年{today.month}月</td>" in desk
    assert "submitted" not in desk
    en = _page(client, f"/services/{service.pk}/", "en")
    assert "1,200,000,000.00 USD" in en and "Preclinical, Clinical application (IND)" in en
    page = _page(client, f"/services/requests/{request.pk}/", "zh-hans")
    assert "<strong>已提交</strong>" in page
