"""The transition policy of leads and the stage history the moves leave."""

from __future__ import annotations

import datetime as dt

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone, translation

from biopark.accounts.models import Role
from biopark.core.errors import ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.promotion import services
from biopark.promotion.models import Lead, StageChange
from biopark.promotion.rules import TRANSITIONS
from tests.factories import ParkFactory, make_user
from tests.promotion.factories import LeadFactory, stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def setup():
    park = ParkFactory()
    return {"operator": make_user(Role.OPERATOR, park=park), "admin": make_user(Role.ADMIN),
            "lead": LeadFactory(park=park)}


def row(lead):
    return model_to_dict(Lead.objects.get(pk=lead.pk))


def test_forward_moves_are_free_and_recorded(setup):
    op, lead = setup["operator"], setup["lead"]
    t0 = timezone.now()
    services.lead_move(actor=op, lead=lead, to_stage=stage("contacted"), now=t0)
    services.lead_move(actor=op, lead=lead, to_stage=stage("negotiating"), now=t0 + dt.timedelta(days=3))
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.stage.code, fresh.stage_entered_at) == ("negotiating", t0 + dt.timedelta(days=3))
    assert [(c.from_stage.code, c.to_stage.code, c.by_id) for c in StageChange.objects.filter(lead=lead)] == [
        ("lead", "contacted", op.pk), ("contacted", "negotiating", op.pk)]
    last = ChangeRecord.objects.filter(object_id=lead.pk, content_type__model="lead").order_by("id").last()
    assert last.changes["stage_id"] == [stage("contacted").pk, stage("negotiating").pk]


@pytest.mark.parametrize(
    ("start", "to", "kwargs", "field", "message"),
    [
        ("contacted", "lost", {}, "lost_reason", "say why the lead was lost: choose a reason from the list"),
        ("contacted", "lost", {"lost_reason": "other"}, "note", "the reason “other” needs a note"),
        ("visited", "contacted", {}, "note", "moving a lead back to an earlier stage needs a note"),
        ("signed", "negotiating", {"note": "deal reopened"}, "stage",
         "a signed lead goes back before signing only by an administrator; if the deal fell through, record it "
         "as lost"),
        ("lost", "signed", {"note": "back"}, "stage", "a lost lead is reopened only to a stage before signing"),
        ("lost", "contacted", {}, "note", "reopening a lost lead needs a note"),
        ("contacted", "contacted", {}, "stage", "the lead is already in the stage Contacted"),
    ],
)
def test_refused_moves_name_their_field_and_change_nothing(setup, start, to, kwargs, field, message):
    lead = setup["lead"]
    Lead.objects.filter(pk=lead.pk).update(stage=stage(start))
    lead.refresh_from_db()
    before = row(lead)
    with pytest.raises(ValidationFailed) as info:
        services.lead_move(actor=setup["operator"], lead=lead, to_stage=stage(to), **kwargs)
    assert info.value.fields == {field: message}
    assert row(lead) == before
    assert not StageChange.objects.filter(lead=lead).exists()


def test_lose_with_a_reason_and_reopen_with_a_note(setup):
    op, lead = setup["operator"], setup["lead"]
    services.lead_lose(actor=op, lead=lead, reason="other_location", note="Went to Suzhou")
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.stage.code, fresh.lost_reason, fresh.lost_note) == ("lost", "other_location", "Went to Suzhou")
    services.lead_move(actor=op, lead=lead, to_stage=stage("contacted"), note="They came back")
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.stage.code, fresh.lost_reason, fresh.lost_note) == ("contacted", "", "")


def test_an_administrator_may_take_a_signed_lead_back(setup):
    lead = setup["lead"]
    Lead.objects.filter(pk=lead.pk).update(stage=stage("signed"))
    lead.refresh_from_db()
    services.lead_move(actor=setup["admin"], lead=lead, to_stage=stage("negotiating"), note="Signed in error")
    assert Lead.objects.get(pk=lead.pk).stage.code == "negotiating"


def test_targets_for_buttons(setup):
    lead = setup["lead"]
    stages = list(lead.pipeline.stages.all())
    assert [s.code for s in TRANSITIONS.targets(setup["operator"], lead, stages)] == [
        "contacted", "visited", "negotiating", "signed", "registered", "construction", "operating", "lost"]
    outsider = make_user(Role.OPERATOR, park=ParkFactory())
    assert TRANSITIONS.targets(outsider, lead, stages) == []
