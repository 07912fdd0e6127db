"""The promotion pages: who gets them, what they show, and forms that answer bad input next to the field."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone, translation
from openpyxl import load_workbook

from biopark.accounts.models import Role
from biopark.core.models import ChangeRecord
from biopark.promotion import services
from biopark.promotion.models import Activity, Lead, StageChange
from tests.factories import OrganisationFactory, ParkFactory, PersonFactory, make_user
from tests.promotion.factories import LeadFactory, stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def site(client):
    park = ParkFactory(name_en="Hi-tech Zone")
    other = ParkFactory(name_en="Far Park")
    operator = make_user(Role.OPERATOR, park=park, first_name="Li", last_name="Na")
    lead = LeadFactory(park=park, organisation=OrganisationFactory(name_en="Konoya"), project="=HYPERLINK(1)",
                       owner=operator, next_action="Send the offer",
                       next_action_due=timezone.localdate() - dt.timedelta(days=2))
    hidden = LeadFactory(park=other, organisation=OrganisationFactory(name_en="Secret Bio"))
    client.cookies["django_language"] = "en"
    return {"park": park, "operator": operator, "lead": lead, "hidden": hidden, "client": client}


def _as(site, user):
    site["client"].force_login(user)
    return site["client"]


def test_the_board_shows_the_operators_leads_by_stage_with_overdue_marking(site):
    client = _as(site, site["operator"])
    html = client.get("/promotion/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Konoya" in html and "Secret Bio" not in html
    assert '<span class="overdue">overdue</span>' in html
    assert html.count('class="board-column') == 9
    assert "Li Na" in html


@pytest.mark.parametrize("role", [Role.PLATFORM_MANAGER, Role.ENTERPRISE_MEMBER, Role.INVESTOR, Role.VIEWER])
def test_other_roles_get_no_page_and_no_link(site, role):
    client = _as(site, make_user(role, organisation=site["lead"].organisation))
    for url in ("/promotion/", "/promotion/leads/", "/promotion/stats/", f"/promotion/leads/{site['lead'].pk}/"):
        assert client.get(url).status_code == 403, url
    assert 'href="/promotion/"' not in client.get("/").content.decode()


def test_operators_see_the_nav_link(site):
    assert 'href="/promotion/"' in _as(site, site["operator"]).get("/parks/").content.decode()


def test_another_parks_lead_answers_404(site):
    client = _as(site, site["operator"])
    assert client.get(f"/promotion/leads/{site['hidden'].pk}/").status_code == 404
    before = model_to_dict(Lead.objects.get(pk=site["hidden"].pk))
    response = client.post(f"/promotion/leads/{site['hidden'].pk}/move", {"stage": stage("contacted").pk})
    assert response.status_code == 404
    assert model_to_dict(Lead.objects.get(pk=site["hidden"].pk)) == before


def test_list_filters_by_park_name_and_exports_xlsx(site):
    client = _as(site, make_user(Role.ADMIN))
    html = client.get("/promotion/leads/", {"park": "Far"}).content.decode()
    assert "Secret Bio" in html and "Konoya" not in html
    response = client.get("/promotion/leads/export.xlsx", {"park": "Hi-tech"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("id", "pipeline", "stage", "in this stage since", "park", "organisation", "project")
    assert len(rows) == 2
    assert rows[1][5:7] == ("Konoya", "'=HYPERLINK(1)")


def test_create_with_errors_next_to_fields_then_success(site):
    client = _as(site, site["operator"])
    response = client.post("/promotion/leads/new/", {"park": site["park"].pk, "project": "", "source": "inbound",
                                                     "new_organisation_en": "Newco"})
    assert response.status_code == 422
    assert '<span class="error" id="error-project">say what the lead would bring: the project is required</span>' \
        in response.content.decode()
    assert Lead.objects.count() == 2
    response = client.post("/promotion/leads/new/", {
        "park": site["park"].pk, "project": "ADC plant", "source": "delegation", "new_organisation_en": "Newco",
        "investment_amount": "1200000000", "investment_currency": "CNY", "jobs": "400", "space_m2": "20000"})
    lead = Lead.objects.get(project="ADC plant")
    assert response.status_code == 302 and response["Location"] == f"/promotion/leads/{lead.pk}/"
    assert (lead.organisation.name_en, lead.organisation.park_id, lead.stage.code, lead.jobs) == (
        "Newco", site["park"].pk, "lead", 400)
    assert StageChange.objects.filter(lead=lead, from_stage=None, to_stage=stage("lead")).count() == 1


def test_edit_keeps_what_was_not_changed_and_refuses_bad_numbers(site):
    client = _as(site, site["operator"])
    lead = site["lead"]
    before = model_to_dict(Lead.objects.get(pk=lead.pk))
    form = {"park": lead.park_id, "organisation": lead.organisation_id, "project": lead.project, "source": "referral",
            "jobs": "many", "version": lead.version}
    response = client.post(f"/promotion/leads/{lead.pk}/edit/", form)
    assert response.status_code == 422
    assert '<span class="error" id="error-jobs">jobs must be a whole number</span>' in response.content.decode()
    assert model_to_dict(Lead.objects.get(pk=lead.pk)) == before
    response = client.post(f"/promotion/leads/{lead.pk}/edit/", {**form, "jobs": "120"})
    assert response.status_code == 302
    assert Lead.objects.get(pk=lead.pk).jobs == 120


def test_move_activity_and_document_on_the_lead_page(site):
    client = _as(site, site["operator"])
    lead = site["lead"]
    person = PersonFactory(name_en="Bai Song")
    assert client.post(f"/promotion/leads/{lead.pk}/move", {"stage": stage("lost").pk}).status_code == 422
    assert Lead.objects.get(pk=lead.pk).stage.code == "lead"
    client.post(f"/promotion/leads/{lead.pk}/move", {"stage": stage("visited").pk})
    client.post(f"/promotion/leads/{lead.pk}/activities",
                {"kind": "visit", "on": "2026-05-18", "summary": "Site tour", "people": [person.pk]})
    response = client.post(f"/promotion/leads/{lead.pk}/activities", {"kind": "visit", "on": "2026-13-45",
                                                                        "summary": "x"})
    assert response.status_code == 422 and "must be a date" in response.content.decode()
    upload = io.BytesIO(b"%PDF-1.4 offer")
    upload.name = "offer.pdf"
    client.post(f"/promotion/leads/{lead.pk}/documents", {"file": upload})
    html = client.get(f"/promotion/leads/{lead.pk}/").content.decode()
    assert "Site tour" in html and "Bai Song" in html and "offer.pdf" in html
    assert [a.kind for a in Activity.objects.filter(lead=lead)] == ["visit"]
    assert Lead.objects.get(pk=lead.pk).stage.code == "visited"


def test_the_history_names_an_activity_by_its_label_and_date_in_each_language(site):
    client = _as(site, site["operator"])
    lead = site["lead"]
    client.post(f"/promotion/leads/{lead.pk}/activities", {"kind": "visit", "on": "2026-05-18", "summary": "Site tour"})
    change = ChangeRecord.objects.filter(object_id=str(lead.pk)).order_by("-pk").first()
    assert change.changes == {"activities": [None, {"kind": "visit", "on": "2026-05-18"}]}
    en = client.get(f"/promotion/leads/{lead.pk}/").content.decode()
    client.cookies["django_language"] = "zh-hans"
    zh = client.get(f"/promotion/leads/{lead.pk}/").content.decode()
    assert "拜访 2026年5月18日" in zh and "Visit 18 May 2026" in en
    assert "2026-05-18" not in zh and "2026-05-18" not in en


def test_statistics_page(site):
    client = _as(site, site["operator"])
    services.lead_move(actor=site["operator"], lead=site["lead"], to_stage=stage("signed"))
    html = client.get("/promotion/stats/").content.decode()
    assert '<svg class="chart"' in html
    assert "Referral" in html and "Li Na" in html
