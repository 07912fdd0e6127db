"""Target pages and API: list with filters and status badges, detail (definition, chart, source, history),
the form (errors next to fields, input kept), figure requests, the home tile."""

from __future__ import annotations

import json

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from biopark.accounts.policy import SYSTEM, actor_for
from biopark.metrics.models import Observation, ObservationRequest, Target
from biopark.metrics.services import indicator_create
from biopark.metrics.targets import target_create
from biopark.metrics.tiles import requests_tile, targets_tile

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(roles):
    indicator = indicator_create(actor=SYSTEM, data={"key": "output", "name_en": "Output value", "name_zh": "产值",
                                                     "unit": "亿元", "description_en": "Gross output of the park."})
    target = target_create(actor=roles["users"]["operator"], data={
        "park": roles["park"].pk, "indicator": "output", "start_year": "2021", "end_year": "2030",
        "baseline_value": "100", "baseline_on": "2020-12-31", "target_value": "1000", "qualifier": "over",
        "source_note": "Park plan 2021–2030, clause 3"})
    Observation.objects.create(park=roles["park"], indicator=indicator, year=2022, value=10, synthetic=True,
                               source="synthetic demo history")
    return {**roles, "target": target, "indicator": indicator}


def _client(user=None, lang="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    if user is not None:
        client.force_login(user)
    return client


def test_list_shows_status_labels_and_filters(pages):
    client = _client(pages["users"]["viewer"])
    body = client.get("/metrics/targets/").content.decode()
    assert "Output value" in body and '<span class="tag status-behind">behind</span>' in body
    assert "How the status is decided" in body
    assert "Output value" not in client.get("/metrics/targets/?status=reached").content.decode()
    assert "Output value" not in client.get("/metrics/targets/?park=Other").content.decode()
    assert "Output value" in client.get("/metrics/targets/?park=Hi-tech&period=2025").content.decode()
    assert "Output value" not in client.get("/metrics/targets/?period=2031").content.decode()
    bad = client.get("/metrics/targets/?status=nonsense")
    assert bad.status_code == 400 and "status" in bad.content.decode()
    zh = _client(pages["users"]["viewer"], "zh-hans").get("/metrics/targets/").content.decode()
    assert "落后" in zh and "超过" in zh


def test_detail_has_definition_chart_text_source_and_history(pages):
    body = _client(pages["users"]["viewer"]).get(f"/metrics/targets/{pages['target'].pk}/").content.decode()
    for expected in ("Gross output of the park.", "<svg", "31 Dec 2022: 10 (synthetic)", "Park plan 2021–2030",
                     "synthetic demo history", 'id="history"', "Entered: the values are observations"):
        assert expected in body, expected
    assert 'id="edit-target"' not in body


def test_form_keeps_input_and_shows_errors_next_to_fields_and_refuses_others(pages):
    operator = _client(pages["users"]["operator"])
    response = operator.post("/metrics/targets/new/", {"park": pages["park"].pk, "indicator": "output",
                                                        "start_year": "2024", "end_year": "2020",
                                                        "target_value": "12x", "unit": "kept unit"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'value="kept unit"' in body and 'value="12x"' in body
    assert "the last year comes before the first" in body and "is not a number" in body
    assert Target.objects.count() == 1
    target = pages["target"]
    before = model_to_dict(Target.objects.get(pk=target.pk))
    refused = _client(pages["users"]["enterprise_member"]).post(f"/metrics/targets/{target.pk}/edit/",
                                                                {"target_value": "1"})
    assert refused.status_code == 403
    assert model_to_dict(Target.objects.get(pk=target.pk)) == before
    ok = operator.post(f"/metrics/targets/{target.pk}/edit/", {**{k: v for k, v in {
        "park": pages["park"].pk, "indicator": "output", "start_year": "2021", "end_year": "2030",
        "target_value": "1200", "qualifier": "at_least", "unit": "亿元"}.items()}})
    assert ok.status_code == 302
    target.refresh_from_db()
    assert str(target.target_value) == "1200.000000" and target.baseline_value is None


def test_api_list_detail_create_update_progress(pages):
    client = _client(pages["users"]["operator"])
    listed = client.get("/api/v1/metrics/targets?status=behind").json()
    assert [t["id"] for t in listed] == [pages["target"].pk]
    assert listed[0]["progress"]["status"] == "behind" and listed[0]["qualifier_label"] == "over"
    created = client.post("/api/v1/metrics/targets", json.dumps({
        "park": pages["zone"].pk, "indicator": "output", "start_year": 2024, "end_year": 2025,
        "target_value": "50"}), content_type="application/json")
    assert created.status_code == 201 and created.json()["unit"] == "亿元"
    bad = client.post("/api/v1/metrics/targets", json.dumps({
        "park": pages["other_park"].pk, "indicator": "output", "start_year": 2024, "end_year": 2025,
        "target_value": "50"}), content_type="application/json")
    assert bad.status_code == 403
    patched = client.patch(f"/api/v1/metrics/targets/{pages['target'].pk}", json.dumps({"target_value": "abc"}),
                           content_type="application/json")
    assert patched.status_code in (400, 422) and "target_value" in patched.content.decode()
    progress = client.get(f"/api/v1/metrics/targets/{pages['target'].pk}/progress").json()
    assert progress["points"] == [{"on": "2022-12-31", "value": "10", "live": False, "synthetic": True}]
    assert client.get("/api/v1/metrics/targets/999999").status_code == 404


def test_figure_requests_page_ask_and_report(pages):
    operator = _client(pages["users"]["operator"])
    response = operator.post("/metrics/requests/", {"organisation": pages["enterprise"].pk, "indicator": "output",
                                                    "year": "2024"})
    assert response.status_code == 302
    request = ObservationRequest.objects.get()
    member = _client(pages["users"]["enterprise_member"])
    assert "Output value" in member.get("/metrics/requests/").content.decode()
    bad = member.post("/metrics/requests/", {"request": request.pk, "value": "lots"})
    assert bad.status_code == 400 and "is not a number" in bad.content.decode()
    assert member.post("/metrics/requests/", {"request": request.pk, "value": "7.5"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, str(request.value)) == ("reported", "7.500000")
    assert "Output value" not in _client(pages["users"]["investor"]).get("/metrics/requests/").content.decode()
    # The links and tiles shown are those the role can use.
    assert "/metrics/requests/" not in _client(pages["users"]["viewer"]).get("/metrics/targets/").content.decode()
    assert "/metrics/requests/" in operator.get("/metrics/targets/").content.decode()
    tile = requests_tile(actor_for(pages["users"]["enterprise_member"]))
    assert tile is not None and tile.value == "0"


def test_the_requests_tile_counts_the_open_requests_of_the_organisation(pages):
    from biopark.metrics.targets import observation_request_create

    observation_request_create(actor=pages["users"]["operator"], organisation=pages["enterprise"],
                               indicator=pages["indicator"], year=2025)
    tile = requests_tile(actor_for(pages["users"]["enterprise_member"]))
    assert tile is not None and tile.value == "1" and [i.label for i in tile.items] == ["产值 2025"]
    assert requests_tile(actor_for(pages["users"]["viewer"])) is None


def test_home_tile_lists_behind_first_for_operators(pages):
    data = targets_tile(actor_for(pages["users"]["operator"]))
    assert data is not None and data.value == "1"
    assert [(i.status, i.href) for i in data.items] == [("behind", f"/metrics/targets/{pages['target'].pk}/")]
    assert targets_tile(actor_for(pages["users"]["viewer"])) is None


def test_targets_are_park_goals_in_chinese_and_say_when_they_were_computed(pages):
    import re

    zh = _client(pages["users"]["viewer"], "zh-hans").get("/metrics/targets/").content.decode()
    # Pipeline's "Targets" are drug targets (靶点); the park's targets are goals (目标).
    assert "<h1>目标</h1>" in zh and "靶点" not in zh
    assert re.search(r'<p class="muted" id="as-of">实时数值：截至 \d\d:\d\d。</p>', zh)


def test_targets_behind_raise_an_alert_for_the_operator(pages):
    from django.utils import translation

    from biopark.core import tiles
    from biopark.metrics.tiles import behind_alert

    operator = actor_for(pages["users"]["operator"])
    with translation.override("en"):
        assert behind_alert(operator) == [tiles.TileItem(label="1 targets behind", href="/metrics/targets/?status=behind",
                                                        status="behind")]
        assert [i.label for i in tiles.alerts_for(operator)] == ["1 targets behind"]
    assert behind_alert(actor_for(pages["users"]["viewer"])) == []
