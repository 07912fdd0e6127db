"""Financing writes: checked by the policy (a refused write leaves the row as it was), bad input named by
field, history of interests, introductions notifying both sides, feedback follow-ups becoming interests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone, translation

from biopark.accounts.policy import SYSTEM
from biopark.core.errors import Conflict, PermissionRefused, ValidationFailed
from biopark.financing import services
from biopark.financing.models import (
    FinancingNeed,
    Interest,
    Introduction,
    Mandate,
    Notification,
    RoadshowApplication,
)

pytestmark = pytest.mark.django_db


def row(obj):
    return model_to_dict(type(obj).objects.get(pk=obj.pk))


def test_another_investor_cannot_change_a_mandate_and_nothing_changes(fin):
    mandate = fin["mandate_a"]
    before = row(mandate)
    with pytest.raises(PermissionRefused):
        services.mandate_update(actor=fin["users"]["investor_b"], mandate=mandate, data={"ticket_max": "1"})
    with pytest.raises(PermissionRefused):
        services.mandate_update(actor=fin["users"]["operator"], mandate=mandate, data={"name": "x"})
    assert row(mandate) == before


def test_mandate_input_errors_name_their_field_and_write_nothing(fin):
    mandate, investor = fin["mandate_a"], fin["users"]["investor_a"]
    before = row(mandate)
    with translation.override("en"), pytest.raises(ValidationFailed) as bad_range:
        services.mandate_update(actor=investor, mandate=mandate, data={"ticket_min": "90000000"})
    assert bad_range.value.fields == {"ticket_min": "the smallest ticket is larger than the largest"}
    with pytest.raises(ValidationFailed) as bad_stage:
        services.mandate_update(actor=investor, mandate=mandate, data={"stages": ["phase9"]})
    assert list(bad_stage.value.fields) == ["stages"]
    with pytest.raises(ValidationFailed) as bad_amount:
        services.mandate_update(actor=investor, mandate=mandate, data={"ticket_max": "lots"})
    assert list(bad_amount.value.fields) == ["ticket_max"]
    assert row(mandate) == before


def test_an_investor_changes_its_mandate_and_the_history_records_it(fin):
    mandate = fin["mandate_a"]
    services.mandate_update(actor=fin["users"]["investor_a"], mandate=mandate,
                            data={"ticket_max": "90000000", "therapeutic_areas": "Oncology, 免疫"})
    stored = Mandate.objects.get(pk=mandate.pk)
    assert (stored.ticket_max, stored.therapeutic_areas, stored.version) == (
        Decimal("90000000.00"), ["oncology", "immunology"], 2)


def test_mandates_only_for_investor_organisations(fin):
    with pytest.raises(ValidationFailed) as exc:
        services.mandate_create(actor=SYSTEM, organisation=fin["enterprise"],
                                data={"ticket_min": "1", "ticket_max": "2"})
    assert list(exc.value.fields) == ["organisation"]
    assert not Mandate.objects.filter(organisation=fin["enterprise"]).exists()


def test_another_enterprise_cannot_change_a_financing_need(fin):
    need = fin["need"]
    before = row(need)
    for who in ("other_member", "investor_a", "other_operator"):
        with pytest.raises(PermissionRefused):
            services.need_update(actor=fin["users"][who], need=need, data={"amount": "1"})
    assert row(need) == before
    with pytest.raises(PermissionRefused):
        services.need_create(actor=fin["users"]["other_member"], project=fin["project"],
                             data={"round": "a", "amount": "5"})
    assert FinancingNeed.objects.filter(project=fin["project"]).count() == 1


def test_a_bad_amount_names_its_field(fin):
    with pytest.raises(ValidationFailed) as exc:
        services.need_create(actor=fin["users"]["member"], project=fin["project"],
                             data={"round": "a", "amount": "-5"})
    assert exc.value.fields == {"amount": "融资金额必须大于 0 且小于 10^17"}


def test_interest_moves_keep_who_and_when(fin):
    interest = fin["interest"]
    investor = fin["users"]["investor_a"]
    services.interest_set(actor=investor, investor=fin["fund_a"], project=fin["project"], state="considering")
    services.interest_set(actor=investor, investor=fin["fund_a"], project=fin["project"], state="committed")
    steps = list(Interest.objects.get(pk=interest.pk).steps.values_list("state", "by_label"))
    assert steps == [("observing", investor.username), ("considering", investor.username),
                     ("committed", investor.username)]
    with pytest.raises(PermissionRefused):
        services.interest_set(actor=fin["users"]["investor_b"], investor=fin["fund_a"], project=fin["project"],
                              state="invested")
    assert Interest.objects.get(pk=interest.pk).state == "committed"


def test_an_introduction_notifies_both_sides_and_mails_them_after_the_commit(
        fin, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        intro = services.introduction_create(actor=fin["users"]["operator"], project=fin["project"],
                                             investor=fin["fund_a"], message="Meet them")
    notices = sorted(Notification.objects.filter(introduction=intro).values_list("recipient__username", "kind"))
    assert notices == sorted([(fin["users"]["investor_a"].username, "intro_investor"),
                              (fin["users"]["member"].username, "intro_project")])
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "member@example.org"]
    assert mailoutbox[0].subject == "BioPark：园区为您引荐"


def test_an_operator_of_another_park_cannot_introduce(fin, mailoutbox):
    with pytest.raises(PermissionRefused):
        services.introduction_create(actor=fin["users"]["other_operator"], project=fin["project"],
                                     investor=fin["fund_a"])
    assert not Introduction.objects.filter(project=fin["project"]).exists()
    assert not Notification.objects.exists()
    with pytest.raises(PermissionRefused):
        services.introduction_create(actor=fin["users"]["member"], project=fin["project"], investor=fin["fund_a"])


def test_introducing_twice_is_a_conflict(fin):
    services.introduction_create(actor=fin["users"]["operator"], project=fin["project"], investor=fin["fund_a"])
    with pytest.raises(Conflict):
        services.introduction_create(actor=fin["users"]["operator"], project=fin["project"], investor=fin["fund_a"])


def test_feedback_with_a_follow_up_becomes_a_financing_lead(fin):
    app = fin["application"]
    services.application_decide(actor=fin["users"]["operator"], application=app, status="selected")
    feedback = services.feedback_give(actor=fin["users"]["investor_a"], roadshow=fin["roadshow"],
                                      investor=fin["fund_a"], project=fin["project"], rating="4",
                                      comment="Good data", follow_up=True)
    assert (feedback.rating, feedback.follow_up) == (4, True)
    assert Interest.objects.get(investor=fin["fund_a"], project=fin["project"]).state == "considering"


def test_feedback_needs_an_attending_investor_a_selected_project_and_a_rating(fin):
    app = fin["application"]
    with pytest.raises(ValidationFailed) as not_selected:
        services.feedback_give(actor=fin["users"]["investor_a"], roadshow=fin["roadshow"], investor=fin["fund_a"],
                               project=fin["project"], rating=3)
    assert list(not_selected.value.fields) == ["project"]
    services.application_decide(actor=fin["users"]["operator"], application=app, status="selected")
    with pytest.raises(ValidationFailed) as absent:
        services.feedback_give(actor=fin["users"]["investor_b"], roadshow=fin["roadshow"], investor=fin["fund_b"],
                               project=fin["project"], rating=3)
    assert list(absent.value.fields) == ["investor"]
    with pytest.raises(ValidationFailed) as rating:
        services.feedback_give(actor=fin["users"]["investor_a"], roadshow=fin["roadshow"], investor=fin["fund_a"],
                               project=fin["project"], rating="9")
    assert list(rating.value.fields) == ["rating"]


def test_only_the_roadshow_operators_select_and_the_applicant_cannot(fin):
    app = fin["application"]
    before = row(app)
    for who in ("member", "other_operator", "investor_a"):
        with pytest.raises(PermissionRefused):
            services.application_decide(actor=fin["users"][who], application=app, status="selected")
    assert row(app) == before


def test_applications_close_at_the_deadline(fin):
    roadshow = fin["roadshow"]
    roadshow.deadline = timezone.localdate() - dt.timedelta(days=1)
    roadshow.save()
    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=fin["users"]["other_member"], roadshow=roadshow,
                                    project=fin["other_project"])
    assert exc.value.fields == {"project": "报名截止日期已过"}
    assert not RoadshowApplication.objects.filter(project=fin["other_project"]).exists()
