"""Deals pages: lists filtered by the policy, detail tables, forms that keep input and show errors by the field,
event totals, the nav link and the operator's tile."""

from __future__ import annotations

import pytest
from django.test import Client

from biopark.accounts.policy import SYSTEM, actor_for
from biopark.core.nav import links_for
from biopark.core.tiles import TileData
from biopark.deals import services
from biopark.deals.home import recent_agreements
from biopark.deals.models import Agreement, Event

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user is not None and user.is_authenticated:
        client.force_login(user)
    return client


def test_the_list_shows_each_reader_what_they_may_see(deals_world):
    titles = {level: a.title_en for level, a in deals_world["agreements"].items()}
    for name, expected in (("anonymous", {"public"}), ("neighbour", {"public", "park"}),
                           ("member", {"public", "park", "parties"})):
        html = _client(deals_world["users"][name]).get("/deals/").content.decode()
        shown = {level for level, title in titles.items() if title in html}
        assert shown == expected, name


def test_a_hidden_agreement_answers_like_a_missing_one(deals_world):
    hidden = deals_world["agreements"]["parties"]
    assert _client(deals_world["users"]["neighbour"]).get(f"/deals/{hidden.pk}/").status_code == 404
    assert _client(deals_world["users"]["neighbour"]).get("/deals/999999/").status_code == 404


def test_the_list_filters_by_type_status_and_park_name(deals_world):
    client = _client(deals_world["users"]["admin"])
    services.agreement_create(actor=SYSTEM, data={"title_en": "Rival lease", "kind": "lease"},
                              parties=[(deals_world["rival"], "tenant")])
    html = client.get("/deals/", {"park": "别的园区"}).content.decode()
    assert "Rival lease" in html and "public licence" not in html
    html = client.get("/deals/", {"park": "Hi-tech"}).content.decode()
    assert "public licence" in html and "Rival lease" not in html  # the zone's agreements, through its parent
    html = client.get("/deals/", {"kind": "lease", "status": "signed"}).content.decode()
    assert "Rival lease" in html and "public licence" not in html
    assert client.get("/deals/", {"kind": "merger"}).status_code == 400


def test_the_detail_shows_labels_parties_signatories_and_licence_terms(deals_world):
    agreement = deals_world["agreements"]["public"]
    services.licence_terms_set(actor=SYSTEM, agreement=agreement, data={"currency": "USD", "exclusivity": "exclusive"},
                               milestones=[{"kind": "regulatory", "amount": "20000000", "reached": True}])
    html = _client().get(f"/deals/{agreement.pk}/").content.decode()
    own, person = deals_world["own"].name_zh or "Own Bio", deals_world["person"].name_zh or "Signing Person"
    for text in ("许可", "已签署", "公开", "100 万元", own, "许可方", person, "签署人", "独家", "注册审批", "2,000 万美元"):
        assert text in html, text
    assert "licensing" not in html and "regulatory" not in html  # labels, never codes


def test_the_form_keeps_input_and_shows_each_error_next_to_its_field(deals_world):
    client = _client(deals_world["users"]["operator"])
    count = Agreement.objects.count()
    response = client.post("/deals/new/", {
        "title_en": "Settlement of Own Bio", "kind": "settlement", "status": "signed", "confidentiality": "park",
        "value_amount": "12x", "value_currency": "CNY", "party-0-organisation": "No Such Org Ltd",
        "party-0-role": "partner",
    })
    html = response.content.decode()
    assert response.status_code == 422
    assert 'value="Settlement of Own Bio"' in html and 'value="No Such Org Ltd"' in html
    assert "没有" in html and "No Such Org Ltd" in html
    assert Agreement.objects.count() == count
    response = client.post("/deals/new/", {
        "title_en": "Settlement of Own Bio", "kind": "settlement", "status": "signed", "confidentiality": "park",
        "value_amount": "12x", "value_currency": "CNY", "party-0-organisation": str(deals_world["own"].pk),
        "party-0-role": "partner",
    })
    html = response.content.decode()
    assert response.status_code == 422
    assert "&#x27;12x&#x27; 不是金额" in html
    response = client.post("/deals/new/", {
        "title_en": "Settlement of Own Bio", "kind": "settlement", "status": "signed", "confidentiality": "park",
        "value_amount": "3000000", "value_currency": "CNY", "value_qualifier": "over",
        "party-0-organisation": str(deals_world["own"].pk), "party-0-role": "partner",
        "signatory-0-person": str(deals_world["person"].pk), "signatory-0-role": "witness",
    })
    created = Agreement.objects.get(title_en="Settlement of Own Bio")
    assert response.status_code == 302 and response["Location"] == f"/deals/{created.pk}/"
    assert (created.kind, created.value_qualifier, created.park_id) == ("settlement", "over", deals_world["zone"].pk)
    html = client.get(f"/deals/{created.pk}/").content.decode()
    assert '超过 <span class="amount" title="3,000,000.00 元">300 万元</span>' in html


def test_a_viewer_gets_no_form(deals_world):
    assert _client(deals_world["users"]["viewer"]).get("/deals/new/").status_code == 403
    agreement = deals_world["agreements"]["public"]
    assert _client(deals_world["users"]["rival"]).post(f"/deals/{agreement.pk}/edit/", {"title_en": "x"}).status_code == 403
    assert Agreement.objects.get(pk=agreement.pk).title_en == "public licence"


def test_the_add_row_fragment(deals_world):
    html = _client(deals_world["users"]["operator"]).get("/deals/rows/milestone/3/").content.decode()
    assert 'name="milestone-3-amount"' in html and "/deals/rows/milestone/4/" in html


def test_event_pages_show_totals_computed_from_the_agreements(deals_world):
    event = services.event_create(actor=SYSTEM, data={"kind": "conference", "title_zh": "创新大会", "starts_on": "2023-10-19",
                                                      "park": deals_world["park"]})
    for amount in ("20000000000", "7700000000"):
        services.agreement_create(actor=SYSTEM, data={"title_en": "Investment", "kind": "investment", "event": event,
                                                      "value_amount": amount, "value_currency": "CNY",
                                                      "confidentiality": "public"},
                                  parties=[(deals_world["own"], "investee")])
    html = _client(deals_world["users"]["viewer"]).get(f"/deals/events/{event.pk}/").content.decode()
    assert "2 项协议，277 亿元" in html and "会议" in html
    assert "2 项协议，277 亿元" in _client(deals_world["users"]["viewer"]).get("/deals/events/").content.decode()


def test_an_operator_creates_an_event_in_their_park_only(deals_world):
    client = _client(deals_world["users"]["operator"])
    count = Event.objects.count()
    response = client.post("/deals/events/new/", {"kind": "signing", "title_zh": "签约", "park": str(deals_world["other_park"].pk)})
    assert response.status_code == 422 and Event.objects.count() == count
    assert "该活动不属于您的园区" in response.content.decode()
    response = client.post("/deals/events/new/", {"kind": "signing", "title_zh": "签约", "park": str(deals_world["park"].pk),
                                                  "participant-0-person": str(deals_world["person"].pk)})
    assert response.status_code == 302
    assert Event.objects.get(title_zh="签约").participants.count() == 1


def test_ip_pages(deals_world):
    asset = deals_world["assets"]["park"]
    html = _client(deals_world["users"]["neighbour"]).get(f"/deals/ip/{asset.pk}/").content.decode()
    assert "CN2024park" in html and "专利申请" in html and (deals_world["own"].name_zh or "Own Bio") in html
    assert _client(deals_world["users"]["rival"]).get(f"/deals/ip/{asset.pk}/").status_code == 404
    response = _client(deals_world["users"]["member"]).post("/deals/ip/new/", {
        "kind": "patent", "number": "CN2024park", "title_en": "dup", "jurisdiction": "CN", "status": "granted",
        "confidentiality": "park", "owner-0-organisation": str(deals_world["own"].pk)})
    assert response.status_code == 422 and "编号 CN2024park 已有记录" in response.content.decode()


def test_the_nav_link_and_the_operator_tile(deals_world):
    users = deals_world["users"]
    assert "deals" in [link.key for link in links_for(actor_for(users["anonymous"]))]
    tile = recent_agreements(actor_for(users["operator"]))
    assert isinstance(tile, TileData)
    assert {item.label for item in tile.items} >= {"parties licence", "park licence", "public licence"}
    assert recent_agreements(actor_for(users["member"])) is None


def test_the_event_choices_read_dates_by_locale_and_precision(db):
    import datetime as dt

    from django.utils import translation

    from biopark.accounts.policy import SYSTEM
    from biopark.deals import services
    from biopark.deals.forms import event_choices
    from tests.factories import make_user

    admin = make_user("admin")
    day = services.event_create(actor=SYSTEM, data={"kind": "conference", "title_en": "Day event",
                                                    "starts_on": dt.date(2024, 7, 18)})
    month = services.event_create(actor=SYSTEM, data={"kind": "conference", "title_en": "Month event",
                                                      "starts_on": "2023-10"})
    with translation.override("zh-hans"):
        labels = dict(event_choices(admin))
        assert (labels[str(day.pk)], labels[str(month.pk)]) == ("Day event 2024年7月18日", "Month event 2023年10月")
    with translation.override("en"):
        labels = dict(event_choices(admin))
        assert (labels[str(day.pk)], labels[str(month.pk)]) == ("Day event 18 Jul 2024", "Month event Oct 2023")
