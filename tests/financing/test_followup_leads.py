"""A roadshow follow-up opens a lead in promotion's financing pipeline (deals.followups hands it over), linked
from the feedback; no follow-up, no lead; a second follow-up reuses the lead."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from biopark.core.models import ChangeRecord
from biopark.financing import services
from biopark.financing.models import RoadshowFeedback
from biopark.promotion.models import Lead, Source, StageChange

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def followed(fin, django_db_blocker):
    with django_db_blocker.unblock():
        services.application_decide(actor=fin["users"]["operator"], application=fin["application"],
                                    status="selected")
        plain = services.feedback_give(actor=fin["users"]["investor_a"], roadshow=fin["roadshow"],
                                       investor=fin["fund_a"], project=fin["project"], rating="3")
        leads_after_plain = list(Lead.objects.values_list("id", flat=True))
        feedback = services.feedback_give(actor=fin["users"]["investor_a"], roadshow=fin["roadshow"],
                                          investor=fin["fund_a"], project=fin["project"], rating="4",
                                          follow_up=True)
    return {**fin, "plain": plain, "leads_after_plain": leads_after_plain, "feedback": feedback}


def test_a_follow_up_opens_one_financing_lead_linked_from_the_feedback(followed):
    assert followed["plain"].lead_id is None
    assert followed["leads_after_plain"] == []
    lead = Lead.objects.select_related("pipeline", "stage").get()
    assert RoadshowFeedback.objects.get(pk=followed["feedback"].pk).lead_id == lead.pk
    assert (lead.pipeline.key, lead.stage.code, lead.park_id, lead.organisation_id, lead.project, lead.source,
            lead.source_event_id, lead.investment_amount, lead.investment_currency, lead.owner_id) == (
        "financing", "follow_up", followed["park"].pk, followed["fund_a"].pk, "偶联药一号", Source.ROADSHOW,
        followed["event"].pk, Decimal("50000000.00"), "CNY", None)
    investor = followed["users"]["investor_a"]
    assert list(StageChange.objects.filter(lead=lead).values_list("from_stage", "to_stage__code", "by")) == [
        (None, "follow_up", investor.pk)]
    created = ChangeRecord.objects.get(object_id=lead.pk, content_type__model="lead")
    assert (created.action, created.actor_id) == (ChangeRecord.CREATE, investor.pk)


def test_a_second_follow_up_reuses_the_lead(followed):
    again = services.feedback_give(actor=followed["users"]["investor_a"], roadshow=followed["roadshow"],
                                   investor=followed["fund_a"], project=followed["project"], rating="5",
                                   follow_up=True)
    assert Lead.objects.count() == 1
    assert again.lead_id == Lead.objects.get().pk


def test_the_operator_follows_the_link_to_the_lead_and_the_investor_gets_no_link(followed):
    lead = Lead.objects.get()
    operator = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    operator.force_login(followed["users"]["operator"])
    page = operator.get(f"/financing/roadshows/{followed['roadshow'].pk}/").content.decode()
    assert f'<a href="/promotion/leads/{lead.pk}/">融资线索</a>' in page
    assert operator.get(f"/promotion/leads/{lead.pk}/").status_code == 200
    investor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    investor.force_login(followed["users"]["investor_a"])
    page = investor.get(f"/financing/roadshows/{followed['roadshow'].pk}/").content.decode()
    assert "/promotion/leads/" not in page
    assert investor.get(f"/promotion/leads/{lead.pk}/").status_code == 403
