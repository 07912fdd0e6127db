"""The registry API: listing, search, pagination, tokens, writes, the one error format, no 500s."""

import pytest
from django.test import Client

from biopark.accounts.auth import token_create
from biopark.ecosystem.models import Organisation
from tests.factories import OrganisationFactory, ParkFactory

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    if field:
        assert field in body["error"]["fields"], body


def test_list_search_and_paginate(roles):
    client = Client()
    park = roles["zone"]
    OrganisationFactory(name_zh="北京亦庄生物", name_en="Yizhuang Bio", park=park, aliases=["BDA Bio"])
    OrganisationFactory.create_batch(3, park=park)
    headers = bearer(roles["users"]["viewer"])
    for q in ("亦庄", "yizhuang", "BDA", "yi zhuang"):
        body = client.get("/api/v1/organisations", {"q": q}, **headers).json()
        assert [r["name_en"] for r in body["results"]] == ["Yizhuang Bio"], q
    page = client.get("/api/v1/organisations", {"page_size": 2, "page": 2}, **headers).json()
    assert page["count"] == Organisation.objects.count() and page["page"] == 2 and len(page["results"]) == 2
    kind = client.get("/api/v1/organisations", {"kind": "hospital"}, **headers).json()
    assert kind["count"] == 0


@pytest.mark.parametrize("path", ["parks", "organisations", "platforms", "people"])
def test_list_rows_have_the_same_shape_as_records(roles, path):
    from tests.factories import PersonFactory, PlatformFactory, PositionFactory

    PlatformFactory(operator=roles["enterprise"], park=roles["zone"])
    PositionFactory(person=PersonFactory(), organisation=roles["enterprise"])
    client = Client()
    headers = bearer(roles["users"]["viewer"])
    listed = client.get(f"/api/v1/{path}", **headers).json()["results"]
    assert listed
    for row in listed:
        assert row == client.get(f"/api/v1/{path}/{row['id']}", **headers).json()


def test_create_update_and_history_through_the_api(roles):
    client = Client()
    headers = bearer(roles["users"]["operator"])
    created = client.post("/api/v1/organisations", {"name_zh": "新企业", "park": roles["zone"].pk},
                          content_type="application/json", **headers)
    assert created.status_code == 201
    pk = created.json()["id"]
    patched = client.patch(f"/api/v1/organisations/{pk}", {"name_en": "New Co"}, content_type="application/json",
                           **headers)
    assert patched.status_code == 200 and patched.json()["name_en"] == "New Co"
    history = client.get(f"/api/v1/organisations/{pk}/history", **headers).json()
    assert [h["action"] for h in history] == ["update", "create"]
    assert history[0]["changes"] == {"name_en": ["", "New Co"]}
    assert history[0]["actor_label"] == roles["users"]["operator"].username


@pytest.mark.parametrize(
    "method,url,payload,status,code,field",
    [
        ("get", "/api/v1/organisations?page=0", None, 422, "validation_error", "page"),
        ("get", "/api/v1/organisations?page_size=5000", None, 422, "validation_error", "page_size"),
        ("get", "/api/v1/organisations?page=abc", None, 422, "validation_error", "page"),
        ("get", "/api/v1/organisations/999999", None, 404, "not_found", None),
        ("post", "/api/v1/organisations", {"name_zh": ""}, 422, "validation_error", "name_zh"),
        ("post", "/api/v1/organisations", {"name_zh": "甲", "kind": "spaceship"}, 422, "validation_error", "kind"),
        ("post", "/api/v1/organisations", {"name_zh": "甲", "aliases": "not-a-list"}, 422, "validation_error",
         "aliases"),
        ("post", "/api/v1/organisations", {"name_zh": "甲", "founded": "2023-02-30"}, 422, "validation_error",
         "founded"),
        ("post", "/api/v1/parks", {"name_zh": "甲", "public_directory": "maybe"}, 422, "validation_error",
         "public_directory"),
        ("post", "/api/v1/relations", {"subject_type": "planet", "subject_id": 1, "predicate": "part_of",
                                       "object_type": "park", "object_id": 1}, 422, "validation_error",
         "subject_type"),
    ],
)
def test_bad_inputs_get_4xx_in_one_format(roles, method, url, payload, status, code, field):
    client = Client()
    headers = bearer(roles["users"]["admin"])
    count = Organisation.objects.count()
    if payload is None:
        response = getattr(client, method)(url, **headers)
    else:
        response = getattr(client, method)(url, payload, content_type="application/json", **headers)
    assert_error(response, status, code, field)
    assert Organisation.objects.count() == count


def test_malformed_json_and_bad_token(roles):
    client = Client()
    response = client.post("/api/v1/organisations", "{not json", content_type="application/json",
                           **bearer(roles["users"]["admin"]))
    assert 400 <= response.status_code < 500
    assert_error(client.get("/api/v1/organisations", HTTP_AUTHORIZATION="Bearer wrong"), 401, "unauthorized")


def test_a_deleted_token_or_a_deactivated_user_is_refused_at_once(roles):
    from biopark.accounts.models import ApiToken, hash_token

    user = roles["users"]["viewer"]
    raw = token_create(user=user, name="t")
    client = Client()
    assert client.get("/api/v1/organisations", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_error(client.get("/api/v1/organisations", HTTP_AUTHORIZATION=f"Bearer {raw}"), 401, "unauthorized")
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/organisations", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    ApiToken.objects.filter(token_hash=hash_token(raw)).delete()
    assert_error(client.get("/api/v1/organisations", HTTP_AUTHORIZATION=f"Bearer {raw}"), 401, "unauthorized")


def test_permissions_enforced_in_the_api(roles):
    client = Client()
    other = roles["other_enterprise"]
    before = other.name_en
    response = client.patch(f"/api/v1/organisations/{other.pk}", {"name_en": "Mine now"},
                            content_type="application/json", **bearer(roles["users"]["enterprise_member"]))
    assert_error(response, 403, "forbidden")
    other.refresh_from_db()
    assert other.name_en == before
    own = client.patch(f"/api/v1/organisations/{roles['enterprise'].pk}", {"description_en": "We make ADCs"},
                       content_type="application/json", **bearer(roles["users"]["enterprise_member"]))
    assert own.status_code == 200


def test_public_directory_answers_anonymous_reads_only():
    client = Client()
    closed = ParkFactory(public_directory=False)
    OrganisationFactory(park=closed)
    assert_error(client.get("/api/v1/organisations"), 403, "forbidden")
    open_park = ParkFactory(public_directory=True)
    visible = OrganisationFactory(park=open_park)
    body = client.get("/api/v1/organisations").json()
    assert [r["id"] for r in body["results"]] == [visible.pk]
    assert client.get(f"/api/v1/organisations/{visible.pk}").status_code == 200
    hidden = Organisation.objects.exclude(pk=visible.pk).get()
    assert_error(client.get(f"/api/v1/organisations/{hidden.pk}"), 404, "not_found")  # hidden reads as missing
    assert_error(client.post("/api/v1/organisations", {"name_zh": "x"}, content_type="application/json"), 403,
                 "forbidden")


def test_openapi_and_docs_are_served_locally():
    client = Client()
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organisations" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower() and "/static/ninja/" in docs


def test_filters_that_do_not_apply_are_refused_not_crashed(roles):
    response = Client().get("/api/v1/people", {"kind": "enterprise"}, **bearer(roles["users"]["viewer"]))
    assert_error(response, 422, "validation_error", "kind")


def test_numbers_beyond_the_database_range_are_422(roles):
    client = Client()
    headers = bearer(roles["users"]["admin"])
    assert_error(client.get("/api/v1/parks", {"page": "891709523794476213272051712"}, **headers), 422,
                 "validation_error", "page")
    response = client.post("/api/v1/relations", {"subject_type": "park", "subject_id": 10**30, "predicate": "part_of",
                                                 "object_type": "park", "object_id": 1},
                           content_type="application/json", **headers)
    assert 400 <= response.status_code < 500
