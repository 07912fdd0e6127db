"""The OpenAPI document says how to authenticate, which errors each operation gives (in the one error format)
and which values a choice field takes; a JSON body that is not an object is refused (422); unknown API paths
and methods answer in the error format; pages that are not found or fail show the site's navigation."""

from __future__ import annotations

import pytest
from django.test import Client

from biopark.ecosystem.models import Organisation, Park
from biopark.pipeline.models import Modality
from tests.conftest import assert_api_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    return Client().get("/api/v1/openapi.json").json()


def test_bearer_scheme_is_declared_and_optional_on_every_operation(schema):
    assert schema["components"]["securitySchemes"] == {
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token: `Authorization: Bearer <token>` (make one on /accounts/token/ "
            "or with `biopark token USER`). A signed-in browser session works too.",
        }
    }
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert len(operations) > 40
    assert all(op["security"] == [{"bearerAuth": []}, {}] for op in operations)


def test_every_operation_declares_its_error_responses_in_the_error_format(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, item in schema["paths"].items():
        for method, op in item.items():
            expected = {"400", "401", "403", "404", "422"} | ({"409", "412"} if method != "get" else set())
            declared = {str(code) for code in op["responses"]}
            assert expected <= declared, (method, path)
            for code in expected:
                assert op["responses"][code]["content"] == ref, (method, path, code)
    patch = schema["paths"]["/api/v1/organisations/{pk}"]["patch"]["responses"]
    assert patch["412"]["description"].startswith("If-Match names a version")


def test_choice_fields_are_enums(schema):
    components = schema["components"]["schemas"]
    assert components["ProjectIn"]["properties"]["modality"]["enum"] == list(Modality.values)
    assert components["ProjectOut"]["properties"]["highest_stage"]["enum"][:3] == ["", "discovery", "preclinical"]
    assert components["OrganisationOut"]["properties"]["kind"]["enum"] == list(Organisation.Kind.values)
    kind_in = components["ParkIn"]["properties"]["kind"]["anyOf"][0]
    assert kind_in == {"type": "string", "enum": list(Park.Kind.values)}
    assert components["BookingOut"]["properties"]["status"]["enum"] == [
        "pending", "confirmed", "completed", "cancelled", "rejected"
    ]
    assert "enum" in components["ServiceIn"]["properties"]["category"]
    assert "enum" in components["TransitionIn"]["properties"]["state"]
    assert "enum" in components["RunOut"]["properties"]["status"]
    params = {p["name"]: p for p in schema["paths"]["/api/v1/pipeline/projects"]["get"]["parameters"]}
    assert params["modality"]["schema"]["anyOf"][0]["enum"] == list(Modality.values)
    assert params["q"]["schema"]["anyOf"][0]["maxLength"] == 200


def test_an_enum_field_refuses_other_values_naming_the_field(roles):
    client = Client()
    client.force_login(roles["users"]["admin"])
    before = Organisation.objects.filter(pk=roles["enterprise"].pk).values().get()
    response = client.patch(f"/api/v1/organisations/{roles['enterprise'].pk}", {"kind": "spaceship"},
                            content_type="application/json")
    assert_api_error(response, 422, "kind")
    assert Organisation.objects.filter(pk=roles["enterprise"].pk).values().get() == before


@pytest.mark.parametrize("body", ["[]", '[{"name_en": "Renamed"}]', '"Renamed"', "7", "null"])
def test_a_json_body_that_is_not_an_object_is_refused(roles, body):
    client = Client()
    client.force_login(roles["users"]["admin"])
    org = roles["enterprise"]
    before = Organisation.objects.filter(pk=org.pk).values().get()
    error = assert_api_error(
        client.patch(f"/api/v1/organisations/{org.pk}", body, content_type="application/json"), 422, "body"
    )
    assert error["code"] == "validation_error" and error["message"] == "请求正文必须是 JSON 对象。"
    assert Organisation.objects.filter(pk=org.pk).values().get() == before
    count = Organisation.objects.count()
    assert_api_error(client.post("/api/v1/organisations", body, content_type="application/json"), 422, "body")
    assert Organisation.objects.count() == count


def test_unknown_api_paths_and_methods_answer_in_the_error_format(roles):
    client = Client()
    response = client.get("/api/v1/no/such/thing", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": "not_found", "message": "There is no such API path.", "fields": {}}}
    response = client.put(f"/api/v1/organisations/{roles['enterprise'].pk}", "{}", content_type="application/json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_not_found_page_has_the_navigation_in_both_languages():
    client = Client()
    english = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404
    page = english.content.decode()
    assert "<h1>Not found</h1>" in page and '<nav class="mainnav">' in page and 'id="sign-in"' in page
    chinese = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>未找到</h1>" in chinese


def test_server_error_page_has_the_navigation(rf):
    from biopark.core.handlers import server_error

    request = rf.get("/parks/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert '<nav class="mainnav">' in page and ("<h1>Server error</h1>" in page or "<h1>服务器错误</h1>" in page)
    api = server_error(rf.get("/api/v1/parks"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"


def test_a_bad_filter_on_a_page_names_it_with_400(roles):
    client = Client()
    client.force_login(roles["users"]["operator"])
    response = client.get("/people/", {"kind": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "kind is not a filter of this page" in response.content.decode()
    response = client.get("/pipeline/", {"stage": "Phase1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "stage must be one of: Discovery, Preclinical" in response.content.decode()
    response = client.get("/facilities/", {"week": "9999-12-31"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "week must be between 1900-01-01 and 2999-12-31" in response.content.decode()
    response = client.get("/organisations/", {"q": "a\x00b"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "search contains a control character" in response.content.decode()
