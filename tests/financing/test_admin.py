"""The financing admin: a financing need saved there goes through need_update (history, policy); everything else
is read-only; an operator outside the project's park changes nothing; administrators read investor notes there
(read-only) and an operator does not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from biopark.core.models import ChangeRecord
from biopark.financing.models import FinancingNeed, InvestorNote, Mandate, RoadshowFeedback
from tests.admin_forms import admin_url, form_post, staff_client

pytestmark = pytest.mark.django_db


def row(pk):
    return FinancingNeed.objects.values().get(pk=pk)


def history(obj):
    return list(ChangeRecord.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
                .order_by("id").values_list("action", "actor_label", "changes"))


def test_a_need_saved_in_the_admin_goes_through_need_update(fin):
    operator, need = fin["users"]["operator"], fin["need"]
    data = form_post(FinancingNeed, operator, need, amount=Decimal("60000000"), use_of_funds="Phase 2 and CMC")
    response = staff_client(operator).post(admin_url(FinancingNeed, "change", need.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = row(need.pk)
    assert (stored["amount"], stored["use_of_funds"]) == (Decimal("60000000.00"), "Phase 2 and CMC")
    assert history(need)[-1] == ("update", operator.username, {
        "amount": ["50000000.00", "60000000.00"], "use_of_funds": ["Phase 2 trial", "Phase 2 and CMC"]})


def test_an_operator_of_another_park_changes_nothing(fin):
    other, need = fin["users"]["other_operator"], fin["need"]
    before, written = row(need.pk), history(need)
    data = form_post(FinancingNeed, fin["users"]["admin"], need, use_of_funds="Taken over")
    response = staff_client(other).post(admin_url(FinancingNeed, "change", need.pk), data)
    assert response.status_code in (302, 403, 404)
    assert row(need.pk) == before and history(need) == written


def test_a_bad_amount_is_refused_on_the_form_and_nothing_is_written(fin):
    admin_user, need = fin["users"]["admin"], fin["need"]
    before = row(need.pk)
    data = form_post(FinancingNeed, admin_user, need)
    data["amount"] = "-5"
    response = staff_client(admin_user).post(admin_url(FinancingNeed, "change", need.pk), data,
                                             HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert row(need.pk) == before


@pytest.mark.parametrize("model", [Mandate, InvestorNote, RoadshowFeedback])
def test_the_other_screens_are_read_only_for_an_administrator(fin, model):
    client = staff_client(fin["users"]["admin"])
    assert client.get(admin_url(model)).status_code == 200
    assert client.get(admin_url(model, "add")).status_code == 403


def test_an_administrator_reads_an_investor_note_and_an_operator_does_not(fin):
    note = fin["note"]
    page = staff_client(fin["users"]["admin"]).get(admin_url(InvestorNote, "change", note.pk))
    assert page.status_code == 200 and "Strong team" in page.content.decode()
    assert 'name="text"' not in page.content.decode()  # shown, not editable
    operator = staff_client(fin["users"]["operator"])
    assert operator.get(admin_url(InvestorNote, "change", note.pk)).status_code in (302, 403)
    assert InvestorNote.objects.get(pk=note.pk).text == "Strong team"
