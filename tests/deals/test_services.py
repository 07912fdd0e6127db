"""Deals services: bad input is refused naming the field and writes nothing; licence terms; event totals
computed from the agreements; history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from biopark.accounts.policy import SYSTEM
from biopark.core.errors import ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.deals import selectors, services
from biopark.deals.models import Agreement, LicenceTerms, Milestone, RoyaltyTier
from biopark.deals.views import totals_text

pytestmark = pytest.mark.django_db


def _agreement(world, **data):
    return services.agreement_create(
        actor=SYSTEM, data={"title_en": "Deal", "kind": "investment", "confidentiality": "public", **data},
        parties=[(world["own"], "investee"), (world["abroad"], "investor")],
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value_amount": "12,5x"}, "value_amount", "'12,5x' 不是金额；请填写完整金额，例如 1,200,000,000 或 27.5"),
        ({"value_amount": "-3", "value_currency": "CNY"}, "value_amount", "金额不能为负数"),
        ({"value_amount": "10"}, "value_currency", "金额需要填写币种"),
        ({"value_currency": "BTC"}, "value_currency", "未知币种 'BTC'；可选：CNY, USD, EUR"),
        ({"signed_on": "2023-13"}, "signed_on", "2023-13 不是日历上存在的日期。"),
        ({"kind": "merger"}, "kind", None),
        ({"title_en": ""}, "title_zh", "协议需要中文或英文标题"),
        ({"value_qualifier": "about"}, "value_amount", "金额限定需要填写金额"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(deals_world, data, field, message):
    count, history = Agreement.objects.count(), ChangeRecord.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        _agreement(deals_world, **data)
    assert field in caught.value.fields
    if message is not None:
        assert caught.value.fields[field] == message
    assert (Agreement.objects.count(), ChangeRecord.objects.count()) == (count, history)


def test_an_amount_is_stored_exactly_with_its_qualifier_and_the_history_records_it(deals_world):
    agreement = _agreement(deals_world, value_amount="27,700,000,000", value_currency="CNY", value_qualifier="about",
                           signed_on="2023-10")
    stored = Agreement.objects.get(pk=agreement.pk)
    assert (stored.value_amount, stored.value_qualifier, stored.signed_on.isoformat(), stored.signed_precision) == (
        Decimal("27700000000.00"), "about", "2023-10-01", "month")
    record = ChangeRecord.objects.filter(object_id=agreement.pk, content_type__model="agreement").get()
    assert record.changes["value_amount"] == [None, "27700000000"]
    assert record.changes["parties"][1] == sorted([f"{deals_world['own'].pk}:investee",
                                                   f"{deals_world['abroad'].pk}:investor"])


def test_licence_terms_with_milestones_and_royalty_tiers(deals_world):
    agreement = deals_world["agreements"]["public"]
    services.licence_terms_set(
        actor=deals_world["users"]["member"], agreement=agreement,
        data={"upfront_amount": "63000000", "currency": "USD", "exclusivity": "exclusive", "territory_en": "Worldwide"},
        milestones=[{"kind": "development", "amount": "100000000", "reached": True},
                    {"kind": "commercial", "amount": "500000000", "qualifier": "up_to"}],
        royalty_tiers=[{"sales_from": "0", "sales_to": "1000000000", "rate": "8"},
                       {"sales_from": "1000000000", "rate": "12.5"}],
    )
    terms = LicenceTerms.objects.get(agreement=agreement)
    assert (terms.upfront_amount, terms.currency, terms.exclusivity) == (Decimal("63000000"), "USD", "exclusive")
    assert list(Milestone.objects.filter(terms=terms).values_list("kind", "amount", "reached", "qualifier")) == [
        ("development", Decimal("100000000.00"), True, ""), ("commercial", Decimal("500000000.00"), False, "up_to")]
    assert list(RoyaltyTier.objects.filter(terms=terms).values_list("sales_from", "sales_to", "rate")) == [
        (Decimal("0.00"), Decimal("1000000000.00"), Decimal("8.000")), (Decimal("1000000000.00"), None,
                                                                         Decimal("12.500"))]


@pytest.mark.parametrize(
    ("milestones", "tiers", "field"),
    [
        ([{"kind": "scientific"}], [], "milestones.0.kind"),
        ([{"kind": "regulatory", "amount": "abc"}], [], "milestones.0.amount"),
        ([], [{"sales_from": "0", "sales_to": "10", "rate": "5"}, {"sales_from": "5", "rate": "6"}], "royalty_tiers"),
        ([], [{"sales_from": "10", "sales_to": "5", "rate": "5"}], "royalty_tiers.0.sales_to"),
        ([], [{"rate": "101"}], "royalty_tiers.0.rate"),
    ],
)
def test_bad_licence_terms_are_refused_and_leave_the_terms_unchanged(deals_world, milestones, tiers, field):
    agreement = deals_world["agreements"]["park"]
    services.licence_terms_set(actor=SYSTEM, agreement=agreement, data={"currency": "CNY"},
                               milestones=[{"kind": "regulatory", "amount": "5"}])
    before = (list(LicenceTerms.objects.filter(agreement=agreement).values()),
              list(Milestone.objects.filter(terms__agreement=agreement).values("kind", "amount")))
    with pytest.raises(ValidationFailed) as caught:
        services.licence_terms_set(actor=SYSTEM, agreement=agreement, data={"currency": "CNY"},
                                   milestones=milestones, royalty_tiers=tiers)
    assert field in caught.value.fields
    assert (list(LicenceTerms.objects.filter(agreement=agreement).values()),
            list(Milestone.objects.filter(terms__agreement=agreement).values("kind", "amount"))) == before


def test_only_a_licence_has_licence_terms(deals_world):
    agreement = _agreement(deals_world)
    with pytest.raises(ValidationFailed) as caught:
        services.licence_terms_set(actor=SYSTEM, agreement=agreement, data={})
    assert caught.value.fields == {"kind": "只有许可协议才有许可条款"}


def test_event_totals_are_computed_from_the_agreements_the_reader_may_see(deals_world):
    event = services.event_create(actor=SYSTEM, data={"kind": "signing", "title_zh": "签约大会",
                                                      "park": deals_world["park"]})
    for amount, level in (("17000000000", "public"), ("10700000000", "public"), ("500", "parties")):
        _agreement(deals_world, value_amount=amount, value_currency="CNY", event=event, confidentiality=level)
    _agreement(deals_world, value_amount="1000000", value_currency="USD", event=event)
    _agreement(deals_world, event=event)
    viewer_totals = selectors.totals_by_event(deals_world["users"]["viewer"], [event.pk])[event.pk]
    assert (viewer_totals.count, viewer_totals.sums, viewer_totals.without_amount) == (
        4, [("CNY", Decimal("27700000000.00")), ("USD", Decimal("1000000.00"))], 1)
    assert totals_text(viewer_totals) == "4 项协议，277 亿元，100 万美元"
    admin_totals = selectors.totals_by_event(deals_world["users"]["admin"], [event.pk])[event.pk]
    assert (admin_totals.count, admin_totals.sums[0]) == (5, ("CNY", Decimal("27700000500.00")))


def test_signatories_take_their_title_at_the_time_from_the_registry(deals_world):
    from biopark.ecosystem.models import Position

    Position.objects.create(person=deals_world["person"], organisation=deals_world["own"], title_en="CEO",
                            title_zh="首席执行官")
    agreement = services.agreement_create(
        actor=SYSTEM, data={"title_en": "Lease", "kind": "lease"}, parties=[(deals_world["own"], "tenant")],
        signatories=[services.SignatoryIn(person=deals_world["person"], organisation=deals_world["own"]),
                     services.SignatoryIn(person=deals_world["person"], role="witness", title_en="Guest")],
    )
    assert list(agreement.signatories.values_list("role", "title_zh", "title_en")) == [
        ("signatory", "首席执行官", "CEO"), ("witness", "", "Guest")]


def _rows(related, *fields):
    return list(related.order_by("id").values_list("id", *fields))


def test_saving_an_agreement_unchanged_keeps_its_parties_and_signatories_rows(deals_world):
    signatories = [services.SignatoryIn(person=deals_world["person"], organisation=deals_world["own"],
                                        title_en="Chair")]
    agreement = services.agreement_create(
        actor=SYSTEM, data={"title_en": "Lease", "kind": "lease"}, parties=[(deals_world["own"], "tenant")],
        signatories=signatories,
    )
    parties_before = _rows(agreement.party_links, "organisation_id", "role")
    signatories_before = _rows(agreement.signatories, "person_id", "role", "organisation_id", "title_en")
    services.agreement_update(actor=SYSTEM, agreement=agreement, data={"title_en": "Lease of lab 3"},
                              parties=[(deals_world["own"], "tenant")], signatories=signatories)
    assert _rows(agreement.party_links, "organisation_id", "role") == parties_before
    assert _rows(agreement.signatories, "person_id", "role", "organisation_id", "title_en") == signatories_before


def test_a_signatory_whose_title_changes_is_written_again(deals_world):
    person, own = deals_world["person"], deals_world["own"]
    agreement = services.agreement_create(
        actor=SYSTEM, data={"title_en": "Lease", "kind": "lease"}, parties=[(own, "tenant")],
        signatories=[services.SignatoryIn(person=person, organisation=own, title_en="Chair")],
    )
    services.agreement_update(actor=SYSTEM, agreement=agreement, data={},
                              signatories=[services.SignatoryIn(person=person, organisation=own, title_en="CEO")])
    assert list(agreement.signatories.values_list("person_id", "organisation_id", "title_en")) == [
        (person.pk, own.pk, "CEO")]


def test_saving_an_event_unchanged_keeps_its_participant_rows(deals_world):
    participants = [services.ParticipantIn(person=deals_world["person"], organisation=deals_world["own"],
                                           title_zh="主任")]
    event = services.event_create(actor=SYSTEM, data={"kind": "signing", "title_zh": "签约大会",
                                                      "park": deals_world["park"]}, participants=participants)
    before = _rows(event.participants, "person_id", "organisation_id", "title_zh")
    services.event_update(actor=SYSTEM, event=event, data={"title_zh": "签约大会（第二场）"}, participants=participants)
    assert _rows(event.participants, "person_id", "organisation_id", "title_zh") == before
    services.event_update(actor=SYSTEM, event=event, data={}, participants=[
        services.ParticipantIn(person=deals_world["person"], organisation=None, title_zh="嘉宾")])
    assert list(event.participants.values_list("person_id", "organisation_id", "title_zh")) == [
        (deals_world["person"].pk, None, "嘉宾")]
