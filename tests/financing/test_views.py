"""Financing pages per role: the investor's workspace with explained matches, a project's ranked investors and
the introduce action, the need form's errors next to its field, mandates and roadshows, the nav link."""

from __future__ import annotations

import pytest
from django.test import Client

from biopark.financing.models import FinancingNeed, Introduction, Mandate, RoadshowApplication

pytestmark = pytest.mark.django_db


def client(user, language="en"):
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        c.force_login(user)
    c.cookies["django_language"] = language
    return c


def test_the_investor_workspace_shows_explained_matches_in_both_languages(fin):
    investor = fin["users"]["investor_a"]
    en = client(investor).get("/financing/").content.decode()
    assert "ADC one" in en
    assert "stage fits: Phase 1 within the mandate Preclinical–Phase 2" in en
    assert "ticket: 50 M CNY sought, mandate 20–80 M" in en
    assert "Strong team" in en  # its private note
    zh = client(investor, "zh-hans").get("/financing/").content.decode()
    assert "阶段符合：I 期临床在投资范围 临床前研究–II 期临床 内" in zh
    assert "<h3>观察中 (1)</h3>" in zh


def test_another_investor_sees_neither_the_note_nor_the_interest(fin):
    page = client(fin["users"]["investor_b"]).get("/financing/").content.decode()
    assert "Strong team" not in page
    assert "ticket: 50 M CNY sought, the mandate is in USD (not converted)" in page


def test_an_investor_without_an_organisation_is_told_so(fin):
    page = client(fin["users"]["lone_investor"]).get("/financing/")
    assert page.status_code == 200
    assert "not linked to an investor organisation" in page.content.decode()


def test_the_operator_ranks_investors_for_a_project_and_introduces_one(fin):
    c = client(fin["users"]["operator"])
    url = f"/financing/projects/{fin['project'].pk}/"
    page = c.get(url).content.decode()
    assert page.index("Fund A") < page.index("Fund B")
    assert "region fits: Sichuan" in page
    response = c.post(url, {"action": "introduce", "investor": fin["fund_a"].pk, "message": "Meet"})
    assert response.status_code == 302
    assert Introduction.objects.get(project=fin["project"]).investor == fin["fund_a"]


def test_the_enterprise_sees_its_ranked_investors_but_cannot_introduce(fin):
    c = client(fin["users"]["member"])
    url = f"/financing/projects/{fin['project'].pk}/"
    page = c.get(url).content.decode()
    assert "Fund A" in page and 'value="introduce"' not in page
    c.post(url, {"action": "introduce", "investor": fin["fund_a"].pk})
    assert not Introduction.objects.exists()


def test_the_need_form_names_the_bad_field_and_writes_nothing(fin):
    c = client(fin["users"]["member"])
    url = f"/financing/projects/{fin['project'].pk}/"
    response = c.post(url, {"action": "need", "round": "a", "amount": "many", "currency": "CNY",
                            "visibility": "park"})
    assert response.status_code == 422
    assert '<span class="error">amount sought must be an amount such as 50,000,000</span>' in response.content.decode()
    assert FinancingNeed.objects.filter(project=fin["project"]).count() == 1
    ok = c.post(url, {"action": "need", "round": "b", "amount": "80000000", "currency": "CNY", "visibility": "park"})
    assert ok.status_code == 302
    assert FinancingNeed.objects.filter(project=fin["project"], round="b").count() == 1


def test_a_project_nobody_shared_answers_404(fin):
    url = f"/financing/projects/{fin['other_project'].pk}/"
    assert client(fin["users"]["member"]).get(url).status_code == 404
    assert client(fin["users"]["investor_a"]).get(url).status_code == 404
    assert client(fin["users"]["other_member"]).get(url).status_code == 200


def test_mandate_pages_are_the_investors_own(fin):
    own = f"/financing/mandates/{fin['mandate_a'].pk}/"
    assert client(fin["users"]["investor_b"]).get(own).status_code == 404
    c = client(fin["users"]["investor_a"])
    page = c.get(own).content.decode()
    assert 'value="phase1" checked' in page
    bad = c.post(own, {"name": "X", "ticket_min": "9", "ticket_max": "1", "currency": "CNY", "co_investment": "lead",
                       "version": fin["mandate_a"].version})
    assert bad.status_code == 422
    assert "the smallest ticket is larger than the largest" in bad.content.decode()
    assert Mandate.objects.get(pk=fin["mandate_a"].pk).name == "Oncology fund"
    good = c.post(own, {"name": "Renamed", "stages": ["phase1"], "ticket_min": "1", "ticket_max": "9",
                        "currency": "CNY", "co_investment": "lead", "active": "1", "version": fin["mandate_a"].version})
    assert good.status_code == 302
    assert Mandate.objects.get(pk=fin["mandate_a"].pk).stages == ["phase1"]


def test_the_operator_selects_an_application_on_the_roadshow_page(fin):
    url = f"/financing/roadshows/{fin['roadshow'].pk}/"
    c = client(fin["users"]["operator"])
    assert "Spring roadshow" in c.get("/financing/roadshows/").content.decode()
    c.post(url, {"action": "decide", "application": fin["application"].pk, "status": "selected"})
    assert RoadshowApplication.objects.get(pk=fin["application"].pk).status == "selected"
    page = client(fin["users"]["investor_a"]).get(url).content.decode()
    assert "ADC one" in page and 'value="feedback"' in page


def test_the_nav_link_shows_for_roles_that_use_it(fin):
    link = 'href="/financing/"'
    assert link in client(fin["users"]["investor_a"]).get("/financing/roadshows/").content.decode()
    assert link not in client(fin["users"]["viewer"]).get("/financing/roadshows/").content.decode()


def test_home_tiles_for_investors_and_enterprises(fin):
    from django.utils import translation

    from biopark.accounts.policy import actor_for
    from biopark.core.tiles import tile, tiles_for
    from biopark.financing import services

    assert "financing.investor" in [t.key for t in tiles_for("investor")]
    with translation.override("en"):
        data = tile("financing.investor").build(actor_for(fin["users"]["investor_a"]))
        assert (data.value, data.value_label) == ("1", "new matches")
        assert [(i.label, i.detail) for i in data.items] == [("ADC one", "100 points"), ("Spring roadshow", data.items[1].detail)]
        assert tile("financing.investor").build(actor_for(fin["users"]["lone_investor"])) is None
        services.introduction_create(actor=fin["users"]["operator"], project=fin["project"], investor=fin["fund_a"])
        intro = tile("financing.introductions").build(actor_for(fin["users"]["member"]))
        assert (intro.value, [i.href for i in intro.items]) == ("1", [f"/financing/projects/{fin['project'].pk}/"])


def test_roadshow_dates_read_by_locale_and_the_private_note_has_its_own_label(fin):
    from biopark.core.formatting import format_date

    investor = fin["users"]["investor_a"]
    day = fin["event"].starts_on
    zh_day, en_day = f"{day.year}年{day.month}月{day.day}日", format_date(day, "en")
    assert en_day == f"{day.day} {day:%b} {day.year}"
    zh = client(investor, "zh-hans").get("/financing/").content.decode()
    assert f"Spring roadshow</a> · {zh_day}</li>" in zh
    assert "<label>笔记 <textarea" in zh and day.isoformat() not in zh
    en = client(investor).get("/financing/").content.decode()
    assert f"Spring roadshow</a> · {en_day}</li>" in en
    assert "<label>Private note <textarea" in en
    project = client(investor, "zh-hans").get(f"/financing/projects/{fin['project'].pk}/").content.decode()
    assert "<label>笔记 <textarea" in project
    for page in ("/financing/roadshows/", f"/financing/roadshows/{fin['roadshow'].pk}/"):
        text = client(fin["users"]["operator"], "zh-hans").get(page).content.decode()
        assert f"<td>{zh_day}</td>" in text and day.isoformat() not in text, page
