"""Accepting an event, a project, a stage, a target or a relation writes the real record through its app's
service, cites the passage (document, span, reviewer) and records history; a bad value is refused naming its
field and writes nothing; the stage rules refuse what they refuse, with the reason beside the form's field;
enterprises accept nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from biopark.core.models import ChangeRecord, Citation
from biopark.deals.models import Event
from biopark.ecosystem.models import Relation
from biopark.metrics.models import Indicator, Target
from biopark.news import services
from biopark.news.models import Proposal
from biopark.pipeline import services as pipeline
from biopark.pipeline.models import Indication, Project, StageEvent
from tests.conftest import assert_api_error
from tests.factories import OrganisationFactory, make_user
from tests.pipeline.factories import IndicationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

TEXT = ("北京亦庄生物医药管委会举办招商推介会，沐光生物参会。沐光生物的MG-101进入临床III期。"
        "园区目标到2028年企业超过500家。沐光生物是亦庄集团旗下子公司。")


def _span(text: str, words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


@pytest.fixture
def desk(world):
    park, org = world["park"], world["org"]
    mg = OrganisationFactory(name_zh="苏州沐光生物科技有限公司", name_en="Muguang Bio", aliases=["沐光生物"], park=park)
    group = OrganisationFactory(name_zh="亦庄集团", name_en="Yizhuang Group", aliases=[], park=park)
    document = services.document_ingest(actor=world["operator"], incoming=services.Incoming(
        text=TEXT, publisher="亦庄发布", published="2025-05-01"))
    document.proposals.all().delete()  # the test's own proposals, not the extractor's: the values are exact

    def proposal(type_name: str, words: str, fields: dict, match: str = "") -> Proposal:
        start, end = _span(TEXT, words)
        return Proposal.objects.create(document=document, type=type_name, fields=fields, span_start=start,
                                       span_end=end, confidence=0.5, match=match)

    ref = {"name": "沐光生物", "match": f"organisation:{mg.pk}"}
    p = {
        "org": proposal("organisation", "沐光生物", {"name": "沐光生物"}, f"organisation:{mg.pk}"),
        "event": proposal("event", "北京亦庄生物医药管委会举办招商推介会，沐光生物参会。", {
            "kind": "meeting", "date": "2025-03",
            "participants": [{"name": "北京亦庄生物医药管委会", "match": f"organisation:{org.pk}"}, ref]}),
        "project": proposal("project", "MG-101", {"name": "MG-101", "name_zh": None, "name_en": None}),
        "stage": proposal("stage", "临床III期", {"stage": "phase_3", "subject": ref, "text": "临床III期"}),
        "target": proposal("target", "超过500家", {"amount": "500", "currency": None, "unit": "家",
                                                "qualifier": "more_than", "by": "2028", "subject": None}),
        "relation": proposal("relation", "沐光生物是亦庄集团旗下子公司", {
            "subject": ref, "predicate": "subsidiary_of", "object": {"name": "亦庄集团", "match": None}}),
    }
    client = Client()
    client.force_login(world["operator"])
    return {**world, "mg": mg, "group": group, "document": document, "p": p, "client": client}


def rows() -> tuple:
    """Every row accepting one of these types could write (and the proposals and history)."""
    return (list(Event.objects.values()), list(Event.organisers.through.objects.values()),
            list(Project.objects.values()), list(Indication.objects.values()), list(StageEvent.objects.values()),
            list(Target.objects.values()), list(Relation.objects.values()), list(Citation.objects.values()),
            list(ChangeRecord.objects.values()), list(Proposal.objects.values()))


def _post(desk, proposal, data=None, client=None):
    return (client or desk["client"]).post(
        f"/news/{desk['document'].pk}/proposals/{proposal.pk}/accept", data or {}, HTTP_ACCEPT_LANGUAGE="en")


def _edit(desk, proposal, **values):
    """The form as the page shows it (the proposed values), with `values` typed over them."""
    from biopark.news import accept

    data = {f.name: f.value for f in accept.form_fields(proposal)}
    return _post(desk, proposal, {**data, **values, "edited": "1"})


def _citation(record, proposal) -> tuple:
    c = Citation.objects.get(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)
    return (c.source_id, c.span_start, c.span_end, c.accepted_by_id)


def _history(record) -> list[tuple]:
    return list(ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(record),
                                            object_id=record.pk).values_list("action", "actor_id"))


def _done(desk, key: str) -> Proposal:
    return Proposal.objects.get(pk=desk["p"][key].pk)


def test_an_event_is_accepted_as_a_deals_event_with_organisers_and_citation(desk):
    proposal = desk["p"]["event"]
    assert _post(desk, proposal).status_code == 302
    event = Event.objects.get()
    assert (event.kind, event.title_zh, event.title_en, event.starts_on, event.starts_precision, event.park_id,
            event.visibility) == ("promotion", "北京亦庄生物医药管委会举办招商推介会，沐光生物参会。", "",
                                  dt.date(2025, 3, 1), "month", desk["park"].pk, "public")
    assert sorted(event.organisers.values_list("pk", flat=True)) == sorted([desk["org"].pk, desk["mg"].pk])
    assert _citation(event, proposal) == (desk["document"].source_id, 0, 26, desk["operator"].pk)
    assert _history(event) == [("create", desk["operator"].pk)]
    done = _done(desk, "event")
    assert (done.status, done.record, done.reviewer_id) == ("accepted", f"event:{event.pk}", desk["operator"].pk)
    page = desk["client"].get(f"/news/{desk['document'].pk}/").content.decode()
    assert f'href="/deals/events/{event.pk}/"' in page


def test_an_event_with_a_bad_date_is_refused_naming_the_field(desk):
    before = rows()
    response = _edit(desk, desk["p"]["event"], starts_on="2025-13-45")
    assert response.status_code == 422
    assert list(response.context["fields"]) == ["starts_on"]
    assert rows() == before


def test_a_project_is_registered_for_the_organisation_named_before_it(desk):
    proposal = desk["p"]["project"]
    assert _post(desk, proposal).status_code == 302
    project = Project.objects.get()
    assert (project.name_zh, project.name_en, project.organisation_id, project.park_id, project.modality,
            project.visibility) == ("", "MG-101", desk["mg"].pk, desk["park"].pk, "other", "public")
    assert _citation(project, proposal) == (desk["document"].source_id, 31, 37, desk["operator"].pk)
    assert _history(project) == [("create", desk["operator"].pk)]
    assert _done(desk, "project").record == f"project:{project.pk}"


def test_a_project_of_an_unknown_owner_is_refused_and_nothing_is_written(desk):
    before = rows()
    response = _edit(desk, desk["p"]["project"], organisation="不存在的公司XYZ")
    assert response.status_code == 422
    assert list(response.context["fields"]) == ["organisation"]
    assert 'id="f-{}-organisation"'.format(desk["p"]["project"].pk) in response.content.decode()
    assert rows() == before


@pytest.fixture
def at_phase2(desk):
    project = ProjectFactory(organisation=desk["mg"], name_en="MG-101", name_zh="")
    indication = IndicationFactory(project=project, name_en="Haemophilia A")
    pipeline.stage_record(actor=desk["operator"], project=project, indication=indication, stage="phase2",
                          date="2024-06", trial_id="CTR20240001")
    return project, indication


def test_a_stage_is_recorded_on_the_project_with_the_document_as_evidence(desk, at_phase2):
    project, indication = at_phase2
    proposal = desk["p"]["stage"]
    # The proposal names the organisation, which has this one project with one indication.
    assert _post(desk, proposal).status_code == 302
    event = StageEvent.objects.get(stage="phase3")
    assert (event.project_id, event.indication_id, event.occurred_on, event.occurred_precision, event.document_id,
            event.direction, event.recorded_by_id) == (project.pk, indication.pk, dt.date(2025, 5, 1), "day",
                                                       desk["document"].source_id, "forward", desk["operator"].pk)
    assert Indication.objects.get(pk=indication.pk).current_stage == "phase3"
    assert _citation(event, proposal) == (desk["document"].source_id, 39, 45, desk["operator"].pk)
    assert _done(desk, "stage").record == f"stage:{event.pk}"
    page = desk["client"].get(f"/news/{desk['document'].pk}/").content.decode()
    assert f'href="/pipeline/{project.pk}/"' in page


def test_going_back_a_stage_without_a_reason_is_refused_beside_the_reason_field(desk, at_phase2):
    before = rows()
    response = _edit(desk, desk["p"]["stage"], stage="phase1")
    assert response.status_code == 422
    assert response.context["fields"] == {"reason": "going back from Phase 2 to Phase 1 needs a reason"}
    html = response.content.decode()
    assert '<span class="error">going back from Phase 2 to Phase 1 needs a reason</span>' in html
    assert rows() == before
    # With the reason the same move is recorded.
    assert _edit(desk, desk["p"]["stage"], stage="phase1", reason="the phase 2 trial was stopped").status_code == 302
    assert list(StageEvent.objects.order_by("id").values_list("stage", "direction", "reason")) == [
        ("phase2", "first", ""), ("phase1", "back", "the phase 2 trial was stopped")]


def test_approval_without_its_number_is_refused_naming_the_field(desk, at_phase2):
    before = rows()
    response = _edit(desk, desk["p"]["stage"], stage="approved", reason="skipping")
    assert response.status_code == 422
    assert list(response.context["fields"]) == ["approval_number"]
    assert rows() == before


@pytest.fixture
def indicator(db):
    return Indicator.objects.create(key="ent_count", name_zh="企业数量", name_en="Enterprises", unit="家")


def test_a_target_needs_its_indicator_then_is_set_for_the_park(desk, indicator):
    proposal = desk["p"]["target"]
    before = rows()
    response = _post(desk, proposal)  # as proposed: no indicator chosen yet
    assert response.status_code == 422
    assert list(response.context["fields"]) == ["indicator"]
    assert rows() == before
    assert '<option value="ent_count"' in response.content.decode()
    assert _edit(desk, proposal, indicator="ent_count").status_code == 302
    target = Target.objects.get()
    assert (target.park_id, target.indicator_id, target.start_year, target.end_year, target.target_value,
            target.unit, target.qualifier, target.owner_id) == (
        desk["park"].pk, indicator.pk, 2025, 2028, Decimal("500.000000"), "家", "over", desk["operator"].pk)
    assert _citation(target, proposal) == (desk["document"].source_id, 58, 64, desk["operator"].pk)
    assert _history(target) == [("create", desk["operator"].pk)]
    assert _done(desk, "target").status == "edited"


def test_a_target_with_years_the_wrong_way_round_is_refused(desk, indicator):
    before = rows()
    response = _edit(desk, desk["p"]["target"], indicator="ent_count", start_year="2030", end_year="2028")
    assert response.status_code == 422
    assert list(response.context["fields"]) == ["end_year"]
    assert rows() == before


def test_a_relation_is_accepted_with_the_controlled_predicate(desk):
    proposal = desk["p"]["relation"]
    assert _post(desk, proposal).status_code == 302
    relation = Relation.objects.get()
    assert (relation.subject_type, relation.subject_id, relation.predicate, relation.object_type,
            relation.object_id) == ("organisation", desk["mg"].pk, "part_of", "organisation", desk["group"].pk)
    assert _citation(relation, proposal) == (desk["document"].source_id, 65, 79, desk["operator"].pk)
    assert _history(desk["mg"])[-1] == ("update", desk["operator"].pk)
    assert _done(desk, "relation").record == f"relation:{relation.pk}"


@pytest.mark.parametrize("values, field", [({"predicate": "owns"}, "predicate"),
                                           ({"object": "沐光生物"}, "object"),
                                           ({"subject": "park:999999"}, "subject")])
def test_a_bad_relation_is_refused_naming_the_field(desk, values, field):
    before = rows()
    response = _edit(desk, desk["p"]["relation"], **values)
    assert response.status_code == 422
    assert list(response.context["fields"]) == [field]
    assert rows() == before


@pytest.mark.parametrize("kind", ["event", "project", "stage", "target", "relation"])
def test_an_enterprise_member_accepts_nothing(desk, kind, indicator):
    member = make_user("enterprise_member", organisation=desk["mg"])
    client = Client()
    client.force_login(member)
    before = rows()
    assert _post(desk, desk["p"][kind], client=client).status_code == 403
    assert rows() == before


def test_an_owner_named_first_is_read_as_the_object_of_part_of(desk):
    """"亦庄集团旗下沐光生物": the extractor's subject is the owner; the form proposes the subsidiary as the subject."""
    from biopark.news import accept

    document = desk["document"]
    document.text = "亦庄集团旗下沐光生物启动新平台。"
    proposal = Proposal(document=document, type="relation", span_start=0, span_end=10, fields={
        "subject": {"name": "亦庄集团", "match": f"organisation:{desk['group'].pk}"}, "predicate": "subsidiary_of",
        "object": {"name": "沐光生物", "match": f"organisation:{desk['mg'].pk}"}})
    assert accept.form_values(proposal) == {"subject": f"organisation:{desk['mg'].pk}", "predicate": "part_of",
                                            "object": f"organisation:{desk['group'].pk}", "note": ""}


def test_the_api_accepts_a_relation_and_names_the_bad_field(desk):
    proposal = desk["p"]["relation"]
    url = f"/api/v1/news/documents/{desk['document'].pk}/proposals/{proposal.pk}/accept"
    before = rows()
    bad = desk["client"].post(url, {"fields": {"subject": f"organisation:{desk['mg'].pk}", "predicate": "owns",
                                               "object": "亦庄集团", "note": ""}}, content_type="application/json")
    assert list(assert_api_error(bad, 422, "predicate")["fields"]) == ["predicate"]
    assert rows() == before
    done = desk["client"].post(url, {"fields": {"subject": f"organisation:{desk['mg'].pk}", "predicate": "member_of",
                                                "object": "亦庄集团", "note": "集团成员"}},
                               content_type="application/json")
    assert done.status_code == 200, done.content
    relation = Relation.objects.get()
    assert (relation.subject_id, relation.predicate, relation.object_id, relation.note) == (
        desk["mg"].pk, "member_of", desk["group"].pk, "集团成员")
    assert (done.json()["status"], done.json()["record"]) == ("edited", f"relation:{relation.pk}")


@pytest.mark.parametrize("kind, values, field", [
    ("stage", {"trial_id": "T" * 101, "stage": "phase3"}, "trial_id"),
    ("stage", {"reason": "r" * 501, "stage": "phase1"}, "reason"),
    ("relation", {"note": "n" * 501}, "note"),
])
def test_a_value_longer_than_its_column_is_refused_naming_the_field(desk, at_phase2, kind, values, field):
    before = rows()
    response = _edit(desk, desk["p"][kind], **values)
    assert response.status_code == 422
    assert list(response.context["fields"]) == [field]
    assert rows() == before
