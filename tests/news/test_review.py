"""The review queue: accepting goes through the registry's services with a citation of the passage (document,
span, reviewer) and history; editing accepts the reviewer's values; rejecting writes nothing to the registry;
bulk accept takes only what is at or above the chosen confidence; a record's page lists the documents that
mention it."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from biopark.core.models import ChangeRecord, Citation
from biopark.deals.models import Agreement
from biopark.ecosystem.models import Figure, Organisation, Person, Position
from biopark.news import services
from biopark.news.models import Proposal
from tests.news.conftest import ARTICLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(world):
    document = services.document_ingest(actor=world["operator"], incoming=services.Incoming(
        text=ARTICLE, publisher="亦庄发布", published="2025-05-01"))
    client = Client()
    client.force_login(world["operator"])
    return {**world, "document": document, "client": client,
            "p": {(p.type, p.fields.get("name", "")): p for p in document.proposals.all()}}


def registry_rows() -> tuple:
    return (list(Organisation.objects.values()), list(Person.objects.values()), list(Position.objects.values()),
            list(Agreement.objects.values()), list(Figure.objects.values()), list(Citation.objects.values()))


def _citation(record, proposal) -> tuple:
    c = Citation.objects.get(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)
    return (c.source_id, c.span_start, c.span_end, c.accepted_by_id)


def _accept(queue, proposal, data=None):
    return queue["client"].post(f"/news/{queue['document'].pk}/proposals/{proposal.pk}/accept", data or {})


def test_accepting_a_new_organisation_creates_it_with_citation_and_history(queue):
    proposal = queue["p"][("organisation", "苏州沐光生物科技有限公司")]
    response = _accept(queue, proposal)
    assert response.status_code == 302
    org = Organisation.objects.get(name_zh="苏州沐光生物科技有限公司")
    assert (org.park_id, org.name_en) == (queue["park"].pk, "")
    assert _citation(org, proposal) == (queue["document"].source_id, 18, 30, queue["operator"].pk)
    created = ChangeRecord.objects.get(content_type=ContentType.objects.get_for_model(org), object_id=org.pk)
    assert (created.action, created.actor_id) == ("create", queue["operator"].pk)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.record, proposal.reviewer_id) == (
        "accepted", f"organisation:{org.pk}", queue["operator"].pk)
    # The document's page shows what was accepted; the organisation's page shows the document.
    assert "苏州沐光生物科技有限公司" in queue["client"].get(f"/news/{queue['document'].pk}/").content.decode()
    detail = queue["client"].get(f"/organisations/{org.pk}/").content.decode()
    assert 'id="news-mentions"' in detail and f"/news/{queue['document'].pk}/" in detail


def test_editing_a_matched_person_adds_the_alias_through_the_service(queue):
    proposal = queue["p"][("person", "严明")]
    response = _accept(queue, proposal, {"edited": "1", "name_zh": "严明", "name_en": "Yan Ming",
                                         "existing": f"person:{queue['person'].pk}", "alias": "Yen Ming"})
    assert response.status_code == 302
    person = Person.objects.get(pk=queue["person"].pk)
    assert person.aliases == ["Yen Ming"]
    assert _citation(person, proposal) == (queue["document"].source_id, 13, 15, queue["operator"].pk)
    change = ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(person),
                                         object_id=person.pk).get()
    assert change.changes == {"aliases": [[], ["Yen Ming"]]}
    proposal.refresh_from_db()
    assert (proposal.status, proposal.fields["reviewed"]["alias"]) == ("edited", "Yen Ming")


def test_accepting_a_position_and_an_agreement_and_a_figure(queue):
    _accept(queue, queue["p"][("organisation", "苏州沐光生物科技有限公司")])
    position = queue["p"][("position", "")]
    assert _accept(queue, position).status_code == 302
    made = Position.objects.get()
    assert (made.person_id, made.organisation_id, made.title_zh) == (queue["person"].pk, queue["org"].pk, "主任")
    assert _citation(made, position)[1:] == (0, 15, queue["operator"].pk)
    agreement_p = queue["p"][("agreement", "")]
    assert _accept(queue, agreement_p).status_code == 302
    agreement = Agreement.objects.get()
    assert (agreement.kind, str(agreement.value_amount), agreement.value_currency) == (
        "cooperation", "300000000.00", "CNY")
    assert sorted(agreement.parties.values_list("name_zh", flat=True)) == ["北京亦庄生物医药管委会", "苏州沐光生物科技有限公司"]
    assert _citation(agreement, agreement_p)[1:] == (18, 57, queue["operator"].pk)
    figure_p = queue["p"][("figure", "")]
    assert _accept(queue, figure_p).status_code == 302
    figure = Figure.objects.get()
    assert (figure.subject_type, figure.subject_id, figure.kind, str(figure.amount), figure.currency,
            figure.qualifier, figure.label_zh) == ("organisation", queue["org"].pk, "investment",
                                                   "300000000.0000", "CNY", "about", "约3亿元")
    assert _citation(figure, figure_p)[1:] == (52, 56, queue["operator"].pk)


def test_rejecting_writes_nothing_to_the_registry(queue):
    before = registry_rows()
    proposal = queue["p"][("organisation", "苏州沐光生物科技有限公司")]
    response = queue["client"].post(f"/news/{queue['document'].pk}/proposals/{proposal.pk}/reject")
    assert response.status_code == 302
    assert registry_rows() == before
    proposal.refresh_from_db()
    assert (proposal.status, proposal.record, proposal.reviewer_id) == ("rejected", "", queue["operator"].pk)
    # A reviewed proposal is not reviewed again.
    before_p = list(Proposal.objects.filter(pk=proposal.pk).values())
    assert _accept(queue, proposal).status_code == 422
    assert (registry_rows(), list(Proposal.objects.filter(pk=proposal.pk).values())) == (before, before_p)


def test_an_edit_naming_an_unknown_party_is_refused_and_writes_nothing(queue):
    before = registry_rows()
    proposal = queue["p"][("agreement", "")]
    response = _accept(queue, proposal, {"edited": "1", "title_zh": "协议", "kind": "cooperation",
                                         "parties": "不存在的公司XYZ", "amount": "", "currency": "", "signed_on": ""})
    assert response.status_code == 422
    assert "没有与 不存在的公司XYZ 匹配的机构" in response.content.decode()
    assert registry_rows() == before
    assert Proposal.objects.get(pk=proposal.pk).status == "proposed"


def test_bulk_accept_takes_only_proposals_at_or_above_the_threshold(queue):
    response = queue["client"].post(f"/news/{queue['document'].pk}/accept-above", {"threshold": "0.9"})
    assert response.status_code == 302
    statuses = {key: p.status for key, p in
                ((k, Proposal.objects.get(pk=v.pk)) for k, v in queue["p"].items())}
    assert statuses == {("organisation", "北京亦庄生物医药管委会"): "accepted", ("person", "严明"): "accepted",
                        ("position", ""): "proposed", ("agreement", ""): "proposed",
                        ("organisation", "苏州沐光生物科技有限公司"): "proposed", ("figure", ""): "proposed"}
    assert Organisation.objects.count() == 1


def test_a_bad_threshold_is_refused_naming_the_field(queue):
    before = (registry_rows(), list(Proposal.objects.values()))
    response = queue["client"].post(f"/news/{queue['document'].pk}/accept-above", {"threshold": "lots"})
    assert response.status_code == 422 and 'id="error-threshold"' in response.content.decode()
    assert (registry_rows(), list(Proposal.objects.values())) == before
