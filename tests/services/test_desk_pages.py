"""The service desk as people use it (issue 11): assignees from the provider and the park's desk, buttons
that are verbs for the moves the policy allows, no assumed rating, the overdue badge, two-column field tables,
a file with the request, catalogue entries edited on a page and found at once, and training requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from biopark.accounts.models import Role
from biopark.services import services
from biopark.services.models import Attachment, Service, ServiceRequest, State
from tests.factories import OrganisationFactory, PlatformFactory, make_user
from tests.services.factories import ServiceFactory

T0 = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def desk(roles):
    provider_org = OrganisationFactory(park=roles["zone"], name_en="Provider Ltd", name_zh="服务商")
    service = ServiceFactory(provider_organisation=provider_org, park=roles["zone"], name_en="GLP toxicology",
                             name_zh="GLP毒理")
    users = dict(roles["users"])
    users["provider"] = make_user(Role.PLATFORM_MANAGER, organisation=provider_org, username="provider-staff")
    users["other_operator"] = make_user(Role.OPERATOR, park=roles["other_park"], username="far-operator")
    return {**roles, "service": service, "users": users, "provider_org": provider_org}


def submit(desk, **kw):
    return services.request_submit(actor=desk["users"]["enterprise_member"], service=desk["service"],
                                   title="GLP tox study", **kw)


def test_assignees_are_the_providers_accounts_and_the_parks_operators(client, desk):
    req = submit(desk)
    names = [u.username for u in services.assignable_users(req)]
    assert names == sorted([desk["users"]["provider"].username, desk["users"]["operator"].username])
    client.force_login(desk["users"]["operator"])
    page = client.get(f"/services/requests/{req.pk}/").content.decode()
    assert f'<option value="{desk["users"]["operator"].pk}" >{desk["users"]["operator"].username} (园区运营人员)</option>' in page
    assert client.post(f"/services/requests/{req.pk}/assign", {"assignee": desk["users"]["operator"].pk}).status_code == 302
    req.refresh_from_db()
    assert req.assignee_id == desk["users"]["operator"].pk
    # An operator of another park is not an assignee: refused, the row unchanged.
    response = client.post(f"/services/requests/{req.pk}/assign", {"assignee": desk["users"]["other_operator"].pk},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "the assignee must be an account of the provider or an operator of the request&#x27;s park" in response.content.decode()
    assert ServiceRequest.objects.values_list("assignee_id", "state").get() == (desk["users"]["operator"].pk, "submitted")


def test_closing_needs_an_explicit_rating(client, desk):
    req = submit(desk)
    for to in ("accepted", "in_progress", "delivered"):
        services.request_transition(actor=desk["users"]["provider"], request=req, to_state=to)
    client.force_login(desk["users"]["enterprise_member"])
    page = client.get(f"/services/requests/{req.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-action="closed">Close</button>' in page
    assert 'data-action="in_progress">Send back for rework</button>' in page
    assert '<select name="rating" required aria-label="Satisfaction"><option value="">Rate the service (1–5)…</option>' in page
    assert 'selected>1</option>' not in page
    response = client.post(f"/services/requests/{req.pk}/transition", {"state": "closed", "rating": ""},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "choose a rating from 1 to 5 to close the request" in response.content.decode()
    assert ServiceRequest.objects.values_list("state", "rating").get() == ("delivered", None)
    response = client.post(f"/services/requests/{req.pk}/rate", {"rating": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "choose a rating from 1 to 5" in response.content.decode()
    assert client.post(f"/services/requests/{req.pk}/transition", {"state": "closed", "rating": "4"}).status_code == 302
    assert ServiceRequest.objects.values_list("state", "rating").get() == ("closed", 4)


def test_request_page_is_a_field_table_with_an_unclipped_overdue_badge(client, desk):
    req = submit(desk, now=T0)
    client.force_login(desk["users"]["enterprise_member"])
    page = client.get(f"/services/requests/{req.pk}/").content.decode()
    assert '<table class="fieldtable" id="request-facts">' in page and "<dl" not in page
    assert '<span class="nowrap">2024年3月11日</span> <span class="badge badge-overdue" id="overdue">已逾期</span>' in page
    listing = client.get("/services/requests/").content.decode()
    assert '<td class="nowrap">2024年3月11日 <span class="badge badge-overdue">已逾期</span></td>' in listing


def test_a_request_carries_an_attachment_and_a_bad_file_refuses_it_whole(client, desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(desk["users"]["enterprise_member"])
    url = f"/services/{desk['service'].pk}/"
    fake = SimpleUploadedFile("study.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(url, {"title": "GLP study", "file": fake})
    assert response.status_code == 422 and "文件内容不是 .pdf 文件" in response.content.decode()
    assert 'value="GLP study"' in response.content.decode()
    assert ServiceRequest.objects.count() == 0 and Attachment.objects.count() == 0
    pdf = SimpleUploadedFile("protocol.pdf", b"%PDF-1.7\nstudy", content_type="application/pdf")
    response = client.post(url, {"title": "GLP study", "file": pdf})
    req = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/services/requests/{req.pk}/"
    assert list(req.attachments.values_list("original_name", "size", "kind")) == [("protocol.pdf", 14, "pdf")]
    assert list(req.events.values_list("kind", "text")) == [("state", ""), ("file", "protocol.pdf")]


def test_provider_creates_and_edits_a_catalogue_entry_found_at_once(client, desk):
    manager = desk["users"]["provider"]
    platform = PlatformFactory(operator=desk["provider_org"], park=desk["zone"], name_zh="流式平台")
    client.force_login(manager)
    form = client.get("/services/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<option value="p{platform.pk}" >Platform: ' in form and f'value="o{desk["provider_org"].pk}"' in form
    assert f'value="o{desk["other_enterprise"].pk}"' not in form
    data = {"provider": f"p{platform.pk}", "name_zh": "流式细胞分析", "name_en": "Flow cytometry analysis",
            "aliases": "FACS; 流式", "category": "rd_support", "stages": ["discovery", "preclinical"],
            "price_model": "hourly", "price_amount": "abc", "currency": "CNY", "target_days": "5", "active": "on"}
    response = client.post("/services/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 422 and Service.objects.filter(name_zh="流式细胞分析").count() == 0
    assert '<div class="error" id="error-price_amount">the price must be a decimal number, got &#x27;abc&#x27;</div>' in body
    assert 'value="FACS; 流式"' in body
    response = client.post("/services/new/", {**data, "price_amount": "300"})
    service = Service.objects.get(name_zh="流式细胞分析")
    assert response.status_code == 302 and response["Location"] == f"/services/{service.pk}/"
    assert (service.provider_platform, service.provider_organisation, service.park) == (
        platform, desk["provider_org"], desk["zone"])
    assert (service.aliases, service.stages, str(service.price_amount)) == (["FACS", "流式"], ["discovery", "preclinical"], "300.00")
    for q in ("流式", "liushi", "FACS", "Flow cytometry"):
        assert f'href="/services/{service.pk}/"' in client.get("/services/", {"q": q}).content.decode(), q
    response = client.post(f"/services/{service.pk}/edit/", {**data, "price_amount": "", "currency": "",
                                                             "name_zh": "流式细胞检测", "price_model": "quote"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name_zh, service.price_amount, service.price_model) == ("流式细胞检测", None, "quote")
    assert f'href="/services/{service.pk}/"' in client.get("/services/", {"q": "jiance"}).content.decode()


def test_who_may_edit_the_catalogue(client, desk):
    service = desk["service"]
    for role in ("enterprise_member", "investor", "viewer"):
        client.force_login(desk["users"][role])
        assert client.get("/services/new/").status_code == 403
        assert client.post(f"/services/{service.pk}/edit/", {"name_zh": "改"}).status_code == 403
    client.force_login(desk["users"]["other_operator"])
    assert client.post(f"/services/{service.pk}/edit/", {"name_zh": "改"}).status_code == 403
    service.refresh_from_db()
    assert service.name_zh == "GLP毒理"
    client.force_login(desk["users"]["operator"])
    assert 'id="new-service"' in client.get("/services/").content.decode()


def test_training_request_goes_to_the_platform(client, desk):
    platform = PlatformFactory(operator=desk["provider_org"], park=desk["zone"], name_zh="流式平台",
                               name_en="Flow platform")
    member = desk["users"]["enterprise_member"]
    req = services.training_request_create(actor=member, resource_name="FACSymphony A5", platform_id=platform.pk,
                                           note="two users")
    assert (req.title, req.details, req.state) == ("培训申请：FACSymphony A5", "two users", State.SUBMITTED)
    assert (req.service.provider_platform, req.service.category, req.provider_organisation) == (
        platform, "talent", desk["provider_org"])
    again = services.training_request_create(actor=member, resource_name="LSR", platform_id=platform.pk)
    assert again.service_id == req.service_id  # one training service per platform
    client.force_login(member)
    form = client.get("/services/training/", {"platform": platform.pk, "resource": "FACSymphony A5"})
    assert form.status_code == 200 and 'value="FACSymphony A5"' in form.content.decode()
    response = client.post("/services/training/", {"platform": platform.pk, "resource": "", "note": ""},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "name the resource the training is for" in response.content.decode()
    response = client.post("/services/training/", {"platform": platform.pk, "resource": "Aria III"})
    made = ServiceRequest.objects.order_by("-id").first()
    assert response.status_code == 302 and response["Location"] == f"/services/requests/{made.pk}/"
    assert made.title == "培训申请：Aria III"
    client.force_login(desk["users"]["viewer"])
    assert client.post("/services/training/", {"platform": platform.pk, "resource": "x"}).status_code == 403
    assert ServiceRequest.objects.count() == 3


def test_the_desk_closes_without_rating_for_the_requester(client, desk):
    req = submit(desk)
    for to in ("accepted", "in_progress", "delivered"):
        services.request_transition(actor=desk["users"]["provider"], request=req, to_state=to)
    client.force_login(desk["users"]["operator"])
    page = client.get(f"/services/requests/{req.pk}/").content.decode()
    assert 'data-action="closed">关闭</button>' in page and 'name="rating" required' not in page
    assert client.post(f"/services/requests/{req.pk}/transition", {"state": "closed"}).status_code == 302
    assert ServiceRequest.objects.values_list("state", "rating").get() == ("closed", None)
