"""The admin asks the same policy and writes through the same services as pages and API."""

import pytest
from django.test import Client

from biopark.core.models import ChangeRecord
from biopark.ecosystem.models import Organisation

pytestmark = pytest.mark.django_db


def staff_client(user) -> Client:
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_operator_edits_own_park_records_in_admin_with_history(roles):
    client = staff_client(roles["users"]["operator"])
    org = roles["enterprise"]
    assert client.get("/admin/ecosystem/organisation/").status_code == 200
    page = client.get(f"/admin/ecosystem/organisation/{org.pk}/change/")
    assert page.status_code == 200
    response = client.post(f"/admin/ecosystem/organisation/{org.pk}/change/", {
        "key": "", "name_zh": org.name_zh, "name_en": "Admin Edited", "aliases": "[]", "kind": "enterprise",
        "park": org.park_id, "city_zh": "", "city_en": "", "country": "CN", "website": "", "credit_code": "",
        "description_zh": "", "description_en": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.name_en == "Admin Edited"
    record = ChangeRecord.objects.get(object_id=org.pk, action="update")
    assert record.note == "admin" and record.actor_label == roles["users"]["operator"].username


def test_admin_refuses_what_the_policy_refuses(roles):
    client = staff_client(roles["users"]["operator"])
    other = roles["other_enterprise"]
    before = Organisation.objects.values().get(pk=other.pk)
    response = client.post(f"/admin/ecosystem/organisation/{other.pk}/change/", {
        "name_zh": "改名", "kind": "enterprise", "aliases": "[]", "country": "CN"})
    assert response.status_code in (302, 403)
    assert Organisation.objects.values().get(pk=other.pk) == before
    viewer = staff_client(roles["users"]["viewer"])
    read_only = viewer.get(f"/admin/ecosystem/organisation/{other.pk}/change/")
    assert read_only.status_code == 200 and 'name="_save"' not in read_only.content.decode()
    assert viewer.post(f"/admin/ecosystem/organisation/{other.pk}/change/", {"name_zh": "x"}).status_code == 403
    assert viewer.post("/admin/ecosystem/organisation/add/", {"name_zh": "新"}).status_code == 403
    assert not Organisation.objects.filter(name_zh="新").exists()
