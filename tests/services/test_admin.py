"""The service-desk admin writes only through the service-desk services: catalogue saves and reassignments
are in the history; a request's state and dates are read-only; what the policy refuses changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from biopark.accounts.models import Role
from biopark.core.models import ChangeRecord
from biopark.services import services
from biopark.services.models import RequestEvent, Service, ServiceRequest, State
from tests.admin_forms import admin_url, form_post, staff_client
from tests.factories import OrganisationFactory, make_user
from tests.services.factories import ServiceFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)


def history(obj):
    return list(
        ChangeRecord.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
        .order_by("id")
        .values_list("action", "actor_label", "changes")
    )


@pytest.fixture
def desk(roles):
    provider_org = OrganisationFactory(park=roles["zone"])
    service = ServiceFactory(provider_organisation=provider_org, park=roles["zone"], target_days=10)
    provider = make_user(Role.PLATFORM_MANAGER, organisation=provider_org)
    colleague = make_user(Role.PLATFORM_MANAGER, organisation=provider_org)
    request = services.request_submit(actor=roles["users"]["enterprise_member"], service=service,
                                      title="GLP tox study", now=T0)
    return {**roles, "service": service, "provider": provider, "colleague": colleague, "request": request}


@pytest.mark.parametrize("who", ["admin", "operator", "provider"])
def test_a_service_saved_in_the_admin_goes_through_service_update(desk, who):
    user = desk["provider"] if who == "provider" else desk["users"][who]
    service = desk["service"]
    data = form_post(Service, user, service, target_days=15, description_en="Two species")
    response = staff_client(user).post(admin_url(Service, "change", service.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    service.refresh_from_db()
    assert (service.target_days, service.description_en) == (15, "Two species")
    assert history(service) == [
        ("update", user.username, {"description_en": ["", "Two species"], "target_days": [10, 15]})
    ]


def test_a_service_added_in_the_admin_goes_through_service_create(desk):
    provider = desk["provider"]
    data = form_post(Service, provider, provider_organisation=provider.profile.organisation, name_en="Histology",
                     category="preclinical", price_model="quote", target_days=5, active=True)
    response = staff_client(provider).post(admin_url(Service, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    service = Service.objects.get(name_en="Histology")
    assert (service.park_id, service.target_days) == (desk["zone"].pk, 5)
    action, who, changes = history(service)[0]
    assert (action, who, changes["name_en"]) == ("create", provider.username, [None, "Histology"])


def test_a_provider_cannot_change_another_providers_service(desk):
    foreign = ServiceFactory(provider_organisation=desk["other_enterprise"], park=desk["other_park"])
    before = Service.objects.values().get(pk=foreign.pk)
    provider = desk["provider"]
    data = form_post(Service, desk["users"]["admin"], foreign, name_en="Ours now", active=False)
    assert staff_client(provider).post(admin_url(Service, "change", foreign.pk), data).status_code == 403
    assert Service.objects.values().get(pk=foreign.pk) == before
    assert history(foreign) == []


def test_a_service_refused_by_its_service_function_is_a_form_error(desk):
    admin_user = desk["users"]["admin"]
    service = desk["service"]
    before = Service.objects.values().get(pk=service.pk)
    data = form_post(Service, admin_user, service, price_amount="100.00", currency="")
    response = staff_client(admin_user).post(admin_url(Service, "change", service.pk), data)
    assert response.status_code == 200
    assert "填写价格时需要注明币种" in response.content.decode()
    assert Service.objects.values().get(pk=service.pk) == before


@pytest.mark.parametrize("who", ["admin", "provider"])
def test_a_request_state_and_dates_are_read_only(desk, who):
    user = desk["provider"] if who == "provider" else desk["users"][who]
    request = desk["request"]
    before = ServiceRequest.objects.values().get(pk=request.pk)
    data = form_post(ServiceRequest, user, request)
    data.update({"state": State.CANCELLED, "ended_at_0": "2024-03-02", "ended_at_1": "10:00:00", "title": "Renamed",
                 "rating": "5"})
    response = staff_client(user).post(admin_url(ServiceRequest, "change", request.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ServiceRequest.objects.values().get(pk=request.pk) == before


def test_reassigning_in_the_admin_goes_through_request_assign(desk):
    provider, colleague = desk["provider"], desk["colleague"]
    request = desk["request"]
    data = form_post(ServiceRequest, provider, request, assignee=colleague)
    response = staff_client(provider).post(admin_url(ServiceRequest, "change", request.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    request.refresh_from_db()
    assert (request.assignee, request.state) == (colleague, State.SUBMITTED)
    assert history(request)[-1] == ("update", provider.username, {"assignee_id": [None, colleague.pk]})
    event = RequestEvent.objects.filter(request=request).latest("id")
    assert (event.kind, event.text) == ("assign", colleague.username)  # shown as "assigned to …" in each language


def test_an_assignee_outside_the_provider_is_a_form_error(desk):
    provider = desk["provider"]
    request = desk["request"]
    data = form_post(ServiceRequest, provider, request, assignee=desk["users"]["enterprise_member"])
    response = staff_client(provider).post(admin_url(ServiceRequest, "change", request.pk), data)
    assert response.status_code == 200
    assert "负责人必须是服务提供方的账号或申请所在园区的运营人员" in response.content.decode()
    request.refresh_from_db()
    assert request.assignee is None


def test_requests_are_listed_only_to_their_parties_and_never_deleted(desk):
    request = desk["request"]
    outsider = make_user(Role.OPERATOR, park=desk["other_park"])
    listing = staff_client(outsider).get(admin_url(ServiceRequest))
    assert listing.status_code == 200 and "GLP tox study" not in listing.content.decode()
    client = staff_client(desk["users"]["admin"])
    assert "GLP tox study" in client.get(admin_url(ServiceRequest)).content.decode()
    assert client.post(admin_url(ServiceRequest, "delete", request.pk), {"post": "yes"}).status_code == 403
    client.post(admin_url(ServiceRequest), {"action": "delete_selected", "_selected_action": [request.pk],
                                            "post": "yes"})
    assert ServiceRequest.objects.filter(pk=request.pk).exists()
