"""One observation entered on a page: the service (policy, validation, history) and the form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from biopark.accounts.policy import SYSTEM
from biopark.core.errors import PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.metrics.models import Observation
from biopark.metrics.services import indicator_create, observation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def parks(roles):
    roles["park"].key, roles["zone"].key, roles["other_park"].key = "hitech", "biocity", "other"
    for p in (roles["park"], roles["zone"], roles["other_park"]):
        p.save()
    indicator_create(actor=SYSTEM, data={"key": "output", "name_en": "Output", "name_zh": "产值", "unit": "100M CNY"})
    return roles


def _rows() -> list[tuple]:
    return list(Observation.objects.order_by("id").values_list("park_id", "indicator__key", "year", "value", "unit",
                                                                "source", "updated_by_id"))


def test_operator_creates_one_observation_with_history(parks):
    operator = parks["users"]["operator"]
    obs = observation_create(actor=operator, data={"park": str(parks["zone"].pk), "indicator": "output",
                                                   "year": "2024", "value": "1,234.5", "source": " annual report "})
    assert _rows() == [(parks["zone"].pk, "output", 2024, Decimal("1234.5"), "100M CNY", "annual report",
                        operator.pk)]
    record = ChangeRecord.objects.get(content_type__model="observation", object_id=obs.pk)
    assert record.action == ChangeRecord.CREATE and record.actor_id == operator.pk
    assert record.changes == {"value": [None, "1234.500000"], "unit": [None, "100M CNY"],
                              "source": [None, "annual report"]}
    # The same park, indicator and year again: named on the year, nothing overwritten.
    with pytest.raises(ValidationFailed) as err, translation.override("en"):
        observation_create(actor=operator, data={"park": str(parks["zone"].pk), "indicator": "output",
                                                 "year": "2024", "value": "9"})
    assert list(err.value.fields) == ["year"]
    assert _rows()[0][3] == Decimal("1234.5")


def test_refused_for_another_park_and_for_members_and_viewers(parks):
    observation_create(actor=SYSTEM, data={"park": "other", "indicator": "output", "year": "2023", "value": "5"})
    before = _rows()
    history = ChangeRecord.objects.count()
    with pytest.raises(PermissionRefused) as err, translation.override("en"):
        observation_create(actor=parks["users"]["operator"], data={
            "park": str(parks["other_park"].pk), "indicator": "output", "year": "2024", "value": "1"})
    assert err.value.fields == {"park": "this observation is not about your park"}
    for role in ("enterprise_member", "viewer", "investor", "platform_manager"):
        with pytest.raises(PermissionRefused):
            observation_create(actor=parks["users"][role], data={
                "park": str(parks["zone"].pk), "indicator": "output", "year": "2024", "value": "1"})
    assert _rows() == before and ChangeRecord.objects.count() == history


def test_bad_fields_are_named_by_their_label_in_chinese(client, parks):
    client.force_login(parks["users"]["operator"])
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as err:
        observation_create(actor=parks["users"]["operator"], data={
            "park": str(parks["park"].pk), "indicator": "output", "year": "24x", "value": "many"})
    assert err.value.fields == {"year": "年份：'24x' 不是年份", "value": "数值：数值 'many' 不是数字"}
    response = client.post("/metrics/observations/new/", {
        "park": str(parks["park"].pk), "indicator": "output", "year": "1800", "value": "abc", "source": "报告"},
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 400
    assert '<span class="error">年份：&#x27;1800&#x27; 不是年份</span>' in html
    assert '<span class="error">数值：数值 &#x27;abc&#x27; 不是数字</span>' in html
    assert 'value="报告"' in html and 'value="abc"' in html and 'value="1800"' in html  # input kept
    assert '<label for="year">年份</label>' in html and Observation.objects.count() == 0


def test_page_creates_and_is_linked_only_for_writers(client, parks):
    client.force_login(parks["users"]["operator"])
    page = client.get("/metrics/observations/new/?indicator=output").content.decode()
    assert '<option value="output" selected>' in page
    assert f'<option value="{parks["other_park"].pk}"' not in page  # only the operator's parks are offered
    response = client.post("/metrics/observations/new/", {
        "park": str(parks["park"].pk), "indicator": "output", "year": "2025", "value": "7.25", "unit": "",
        "source": "https://stats.example/2025"})
    assert response.status_code == 302
    assert _rows() == [(parks["park"].pk, "output", 2025, Decimal("7.25"), "100M CNY", "https://stats.example/2025",
                        parks["users"]["operator"].pk)]
    for role, allowed in (("admin", True), ("operator", True), ("enterprise_member", False), ("viewer", False),
                          ("investor", False), ("platform_manager", False)):
        client.force_login(parks["users"][role])
        html = client.get("/metrics/").content.decode()
        assert ('href="/metrics/observations/new/"' in html) is allowed, role
        assert ('href="/metrics/observations/new/?indicator=output"' in html) is allowed, role
        assert client.get("/metrics/observations/new/").status_code == (200 if allowed else 403), role
    client.logout()
    assert client.get("/metrics/observations/new/").status_code == 302
