"""Proposals follow an organisation merged into another: the record they match, the record accepting them
made, and the references inside their fields (parties, subjects, a reviewer's typed values) name the survivor
afterwards; the queue shows and accepts them against the survivor."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from biopark.core.models import ChangeRecord
from biopark.ecosystem.merge import merge_preview, organisation_merge
from biopark.ecosystem.models import Organisation
from biopark.news import accept, selectors, services
from biopark.news.models import Proposal
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db

TEXT = "沐光生物与北京亦庄生物医药管委会签署合作协议。"


@pytest.fixture
def pair(world):
    keep = OrganisationFactory(name_zh="苏州沐光生物科技有限公司", name_en="Muguang Bio", aliases=[], park=world["park"])
    duplicate = OrganisationFactory(name_zh="沐光生物", name_en="", aliases=[], park=world["park"])
    other = OrganisationFactory(name_zh="沐光生物研究院", name_en="", aliases=[], park=world["park"])
    document = services.document_ingest(actor=world["operator"], incoming=services.Incoming(text=TEXT))
    document.proposals.all().delete()
    dup, far = f"organisation:{duplicate.pk}", f"organisation:{other.pk}"
    matched = Proposal.objects.create(document=document, type="organisation", fields={"name": "沐光生物"},
                                      span_start=0, span_end=4, confidence=0.9, match=dup)
    accepted = Proposal.objects.create(document=document, type="organisation", fields={"name": "沐光生物"},
                                       span_start=0, span_end=4, confidence=0.9, match=dup, record=dup,
                                       status=Proposal.Status.ACCEPTED)
    agreement = Proposal.objects.create(
        document=document, type="agreement", span_start=0, span_end=23, confidence=0.6, fields={
            "kind": "cooperation", "parties": [{"name": "沐光生物", "match": dup},
                                               {"name": "北京亦庄生物医药管委会", "match": f"organisation:{world['org'].pk}"}],
            "reviewed": {"parties": f"{dup}\n{far}"}})
    untouched = Proposal.objects.create(document=document, type="organisation", fields={"name": "沐光生物研究院"},
                                        span_start=0, span_end=4, confidence=0.9, match=far)
    return {**world, "keep": keep, "duplicate": duplicate, "other": other, "document": document,
            "matched": matched, "accepted": accepted, "agreement": agreement, "untouched": untouched}


def test_merging_moves_every_reference_to_the_survivor(pair):
    admin = make_user("admin")
    keep, dup_ref = pair["keep"], f"organisation:{pair['duplicate'].pk}"
    preview = {k.kind: k.count for k in merge_preview(keep=keep, duplicate=pair["duplicate"]).kinds}
    assert preview["news_proposals"] == 3
    before_untouched = list(Proposal.objects.filter(pk=pair["untouched"].pk).values())
    summary = organisation_merge(actor=admin, keep=keep, duplicate=pair["duplicate"])
    assert summary.moved["news_proposals"].moved == sorted(
        [pair["matched"].pk, pair["accepted"].pk, pair["agreement"].pk])
    ref, far = f"organisation:{keep.pk}", f"organisation:{pair['other'].pk}"
    matched, accepted, agreement = (Proposal.objects.get(pk=pair[k].pk) for k in ("matched", "accepted", "agreement"))
    assert (matched.match, matched.record) == (ref, "")
    assert (accepted.match, accepted.record) == (ref, ref)
    assert [p["match"] for p in agreement.fields["parties"]] == [ref, f"organisation:{pair['org'].pk}"]
    assert agreement.fields["reviewed"]["parties"] == f"{ref}\n{far}"
    assert list(Proposal.objects.filter(pk=pair["untouched"].pk).values()) == before_untouched
    assert not Proposal.objects.filter(match=dup_ref).exists()
    # The survivor's page lists the document; the merge's history counts the proposals moved.
    assert [d.pk for d in selectors.mentions_of(admin, keep)] == [pair["document"].pk]
    merge_row = ChangeRecord.objects.get(content_type=ContentType.objects.get_for_model(Organisation),
                                         object_id=keep.pk, action=ChangeRecord.MERGE)
    assert merge_row.changes["news_proposals"] == [None, summary.moved["news_proposals"].moved]


def test_a_proposal_of_the_duplicate_is_shown_and_accepted_against_the_survivor(pair):
    organisation_merge(actor=make_user("admin"), keep=pair["keep"], duplicate=pair["duplicate"])
    keep = pair["keep"]
    proposal = Proposal.objects.get(pk=pair["matched"].pk)
    assert accept.form_values(proposal)["existing"] == f"organisation:{keep.pk}"
    client = Client()
    client.force_login(pair["operator"])
    page = client.get(f"/news/{pair['document'].pk}/").content.decode()
    assert f'href="/organisations/{keep.pk}/"' in page
    assert client.post(f"/news/{pair['document'].pk}/proposals/{proposal.pk}/accept").status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.record) == ("accepted", f"organisation:{keep.pk}")
    # The duplicate's name is already an alias of the survivor (the merge added it): nothing is added twice.
    assert Organisation.objects.get(pk=keep.pk).aliases == ["沐光生物"]
