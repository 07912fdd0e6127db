"""Dates inside source lines on record pages read as dates of the page's language, keeping their precision
(issue 10): a lead's source event, a citation's publication date. Never the ISO form "2024-07-18"."""

from __future__ import annotations

import datetime as dt

import pytest

from biopark.accounts.policy import SYSTEM
from biopark.core.models import Source
from biopark.core.roles import Role
from biopark.deals.models import Event
from biopark.ecosystem import services as registry
from tests.factories import OrganisationFactory, ParkFactory, make_user
from tests.promotion.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _page(client, user, url: str, language: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("language", "shown"), [("zh-hans", "(2024年7月18日)"), ("en", "(18 Jul 2024)")])
def test_a_leads_source_event_date_is_in_the_pages_language(client, language, shown):
    park = ParkFactory()
    operator = make_user(Role.OPERATOR, park=park)
    event = Event.objects.create(kind=Event.Kind.CONFERENCE, title_zh="招商推介会", title_en="Promotion fair",
                                 starts_on=dt.date(2024, 7, 18), starts_precision="day", park=park)
    lead = LeadFactory(park=park, owner=operator, source_event=event)
    html = _page(client, operator, f"/promotion/leads/{lead.pk}/", language)
    assert shown in html
    assert "2024-07-18" not in html


@pytest.mark.parametrize(("language", "shown"), [("zh-hans", " · 2023年10月"), ("en", " · Oct 2023")])
def test_a_citations_publication_month_keeps_its_precision(client, language, shown):
    org = OrganisationFactory(park=ParkFactory())
    source = Source.objects.create(key="article.txt", title_zh="文章", title_en="Article",
                                   published_on=dt.date(2023, 10, 1), published_precision="month")
    registry.citation_add(actor=SYSTEM, record=org, source=source, span=(1, 20))
    html = _page(client, make_user(Role.ADMIN), f"/organisations/{org.pk}/", language)
    assert f"article.txt{shown}" in html
    assert "2023-10" not in html
