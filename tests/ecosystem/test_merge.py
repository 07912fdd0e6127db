"""Merging two organisation records: every app's rows follow the survivor, collisions are resolved on
purpose, history keeps both, and a refused or failing merge writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from biopark.accounts.models import Role
from biopark.accounts.policy import SYSTEM
from biopark.core import merge as registry
from biopark.core.errors import Conflict, PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.deals.models import AgreementParty
from biopark.ecosystem import merge, services
from biopark.ecosystem.models import Organisation, Relation
from biopark.pipeline.models import Project
from tests.ecosystem import merge_world
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory, make_user
from tests.pipeline.factories import ProjectFactory

pytestmark = pytest.mark.django_db
TARGET = "ecosystem.Organisation"


def test_every_reference_to_an_organisation_has_a_follower():
    # A new foreign key or many-to-many field to Organisation that no app registers fails here.
    assert registry.references_to(Organisation) == registry.covered(TARGET)
    assert {f.app for f in registry.followers(TARGET)} == {
        "accounts", "deals", "ecosystem", "facilities", "financing", "metrics", "news", "pipeline", "promotion",
        "services",
    }


@pytest.fixture
def world():
    return merge_world.build()


def _moved(summary):
    return {kind: (o.moved, o.dropped) for kind, o in summary.moved.items()}


def test_merge_moves_every_app_s_rows_and_resolves_collisions(world):
    keep, dup = world["keep"], world["duplicate"]
    before = merge_world.rows_everywhere()
    dup_relation_self = Relation.objects.get(subject_id=dup.pk, predicate="partner_of")
    dup_located = Relation.objects.get(subject_type="organisation", subject_id=dup.pk, predicate="located_in")
    member_of_dup = Relation.objects.get(object_type="organisation", object_id=dup.pk)
    both_partner = AgreementParty.objects.get(agreement__key="agreement-both", organisation=dup, role="partner")
    keep_project = Project.objects.get(organisation=keep)
    citations = {c.span_start: c.pk for c in merge_world.Citation.objects.filter(object_id=dup.pk)}

    summary = merge.organisation_merge(actor=world["operator"], keep=keep, duplicate=dup)

    after = merge_world.rows_everywhere()
    through = Project.partners.through._meta.label
    dropped = {
        "deals.AgreementParty": {both_partner.pk},
        through: {
            pk for pk, row in before[through].items()
            if (row["project_id"], row["organisation_id"]) == (keep_project.pk, dup.pk)
        },
    }
    expected = merge_world.expected_after(before, keep.pk, dup.pk, dropped)
    for table, rows in expected.items():
        assert after[table] == rows, table
    # Generic links: relations, figures and citations now name the survivor; the colliding ones are gone.
    assert dup.pk not in after["ecosystem.Organisation"]
    assert not Relation.objects.filter(pk__in=[dup_relation_self.pk, dup_located.pk]).exists()
    assert Relation.objects.get(pk=member_of_dup.pk).object_id == keep.pk
    assert sorted(r["subject_id"] for r in after["ecosystem.Figure"].values()) == [keep.pk, keep.pk]
    assert after["core.Citation"][citations[20]]["object_id"] == keep.pk
    assert citations[0] not in after["core.Citation"]
    moved = _moved(summary)
    assert moved["relations"] == ([member_of_dup.pk], sorted([dup_relation_self.pk, dup_located.pk]))
    assert moved["citations"] == ([citations[20]], [citations[0]])
    assert moved["agreements"][1] == [both_partner.pk]
    assert moved["partner_projects"][1] == [keep_project.pk]
    assert len(moved["projects"][0]) == 1 and len(moved["bookings"][0]) == 1 and len(moved["members"][0]) == 1
    # The survivor: names as aliases, its empty fields filled, a new version; values it had are kept.
    survivor = after["ecosystem.Organisation"][keep.pk]
    assert survivor["aliases"] == ["Keymed", "康诺亚生物", "KM Bio"]
    assert summary.aliases_added == ["康诺亚生物", "KM Bio"]
    assert (survivor["key"], survivor["website"]) == ("keymed-dup", "https://keymed.example")
    assert (survivor["founded_on"], survivor["founded_precision"]) == (dt.date(2016, 1, 1), "year")
    assert (survivor["name_zh"], survivor["name_en"]) == ("康诺亚", "Keymed Biosciences")
    assert survivor["version"] == before["ecosystem.Organisation"][keep.pk]["version"] + 1
    assert "km bio" in survivor["search_text"]


def test_history_of_both_records_says_what_came_from_where(world):
    keep, dup = world["keep"], world["duplicate"]
    dup_id = dup.pk
    summary = merge.organisation_merge(actor=world["operator"], keep=keep, duplicate=dup)
    ct = ContentType.objects.get_for_model(Organisation)
    on_keep = ChangeRecord.objects.get(content_type=ct, object_id=keep.pk, action="merge")
    on_dup = ChangeRecord.objects.get(content_type=ct, object_id=dup_id, action="merge")
    assert on_dup.changes == {"merged_into": [dup_id, keep.pk]}
    assert on_dup.actor == world["operator"] and on_keep.actor == world["operator"]
    assert on_keep.changes["merged_from"] == [None, dup_id]
    assert on_keep.changes["projects"] == [None, summary.moved["projects"].moved]
    assert on_keep.changes["relations_dropped"] == [summary.moved["relations"].dropped, None]
    assert on_keep.changes["aliases"] == [["Keymed"], ["Keymed", "康诺亚生物", "KM Bio"]]
    assert on_keep.changes["founded_on"] == [None, "2016-01-01"]
    assert on_keep.note == f"merged #{dup_id} 康诺亚生物"


def test_preview_counts_names_and_conflicts_without_writing(world):
    keep, dup = world["keep"], world["duplicate"]
    before = merge_world.rows_everywhere()
    with translation.override("en"):
        plan = merge.merge_preview(keep=keep, duplicate=dup)
    assert merge_world.rows_everywhere() == before
    kinds = {k.kind: k for k in plan.kinds}
    assert {k: (v.app, v.count) for k, v in kinds.items()} == {
        "positions": ("ecosystem", 1), "platforms": ("ecosystem", 1), "relations": ("ecosystem", 3),
        "figures": ("ecosystem", 1), "citations": ("ecosystem", 2), "members": ("accounts", 1),
        "agreements": ("deals", 3), "bookings": ("facilities", 1), "booking_series": ("facilities", 1),
        "waitlist": ("facilities", 1), "usage": ("facilities", 1), "projects": ("pipeline", 1),
        "partner_projects": ("pipeline", 2), "stage_events": ("pipeline", 1),
        "services_provided": ("services", 1), "requests_made": ("services", 1),
        "requests_received": ("services", 1), "mandates": ("financing", 0), "interests": ("financing", 0),
        "investor_notes": ("financing", 0), "introductions": ("financing", 0),
        "roadshow_investors": ("financing", 0), "roadshow_feedback": ("financing", 0),
        "signatories": ("deals", 0), "event_participants": ("deals", 0), "organised_events": ("deals", 0),
        "ip_owners": ("deals", 0), "leads": ("promotion", 0), "figure_requests": ("metrics", 0),
        "news_proposals": ("news", 0),
    }
    assert kinds["agreements"].conflicts == ["Both sign (Partner)"]
    assert sorted(kinds["relations"].conflicts) == sorted(
        ["Keymed located in Bio Park", "Keymed partner of Keymed Biosciences"]
    )
    assert kinds["partner_projects"].conflicts == ["Project keep"]
    assert kinds["projects"].names == ["Project dup"]
    assert kinds["requests_received"].names == [f"#{dup.service_requests_received.get().pk} received dup"]
    assert plan.aliases_added == ["康诺亚生物", "KM Bio"]
    assert plan.fields_filled == {
        "key": [None, "keymed-dup"], "website": ["", "https://keymed.example"],
        "founded_on": [None, dt.date(2016, 1, 1)], "founded_precision": ["", "year"],
    }
    assert plan.conflict_count == 5


def _refusal_cases(world):
    other = world["other_park"]
    return {
        "member of the duplicate (may edit it, not delete it)": (
            make_user(Role.ENTERPRISE_MEMBER, organisation=world["duplicate"]), world["keep"], world["duplicate"]
        ),
        "operator of another park": (make_user(Role.OPERATOR, park=other), world["keep"], world["duplicate"]),
        "viewer": (make_user(Role.VIEWER), world["keep"], world["duplicate"]),
        "survivor in another park": (
            world["operator"], OrganisationFactory(park=other), world["duplicate"]
        ),
        "duplicate in another park": (world["operator"], world["keep"], OrganisationFactory(park=other)),
        "platform manager": (
            make_user(Role.PLATFORM_MANAGER, organisation=world["duplicate"]), world["keep"], world["duplicate"]
        ),
        "operator with no park": (make_user(Role.OPERATOR), world["keep"], world["duplicate"]),
    }


def test_refused_merges_change_nothing(world):
    cases = _refusal_cases(world)
    before = merge_world.rows_everywhere()
    for name, (user, keep, dup) in cases.items():
        with pytest.raises(PermissionRefused):
            merge.organisation_merge(actor=user, keep=keep, duplicate=dup)
        assert merge_world.rows_everywhere() == before, name


def test_administrator_merges_across_parks(world):
    admin = make_user(Role.ADMIN)
    elsewhere = OrganisationFactory(park=world["other_park"], name_en="Keymed Shanghai")
    summary = merge.organisation_merge(actor=admin, keep=elsewhere, duplicate=world["duplicate"])
    assert Project.objects.filter(organisation=elsewhere).count() == 1
    assert summary.keep.pk == elsewhere.pk
    elsewhere.refresh_from_db()
    assert elsewhere.park_id == world["other_park"].pk  # the park is never taken from the duplicate


def test_merge_into_itself_is_refused(world):
    with pytest.raises(ValidationFailed) as err:
        merge.organisation_merge(actor=world["operator"], keep=world["keep"], duplicate=world["keep"])
    assert err.value.fields == {"into": "机构不能合并到自身"}


class _Boom:
    app, kind, label, covers = "tests", "boom", "boom", ()

    def preview(self, keep, duplicate):
        raise AssertionError("not asked")

    def move(self, keep, duplicate):
        raise RuntimeError("disk full")


def test_a_failure_midway_writes_nothing(world, monkeypatch):
    # Registered last, the failing follower runs after every app moved its rows: all of it is undone.
    monkeypatch.setitem(registry._followers[TARGET.lower()], "boom", _Boom())
    before = merge_world.rows_everywhere()
    with pytest.raises(RuntimeError):
        merge.organisation_merge(actor=world["operator"], keep=world["keep"], duplicate=world["duplicate"])
    assert merge_world.rows_everywhere() == before


def test_a_reference_nobody_moves_stops_the_merge(world, monkeypatch):
    # Without the services follower, service requests would still point at the duplicate (and PROTECT it).
    for kind in ("requests_made",):
        monkeypatch.delitem(registry._followers[TARGET.lower()], kind)
    before = merge_world.rows_everywhere()
    with pytest.raises(Conflict) as err:
        merge.organisation_merge(actor=world["operator"], keep=world["keep"], duplicate=world["duplicate"])
    assert err.value.message == "仍有记录指向重复机构：services.ServiceRequest.requester_organisation"
    assert merge_world.rows_everywhere() == before


def test_preview_and_merge_read_a_fixed_number_of_queries(world, django_assert_num_queries):
    keep, dup = world["keep"], world["duplicate"]
    with CaptureQueriesContext(connection) as few:
        merge.merge_preview(keep=keep, duplicate=dup)
    # More rows of every kind on the duplicate: the same number of queries.
    for _n in range(4):
        ProjectFactory(organisation=dup, park=world["park"])
        PositionFactory(organisation=dup)
        services.relation_create(actor=SYSTEM, subject=PersonFactory(), predicate="member_of", obj=dup)
    with django_assert_num_queries(len(few)):
        merge.merge_preview(keep=keep, duplicate=dup)
    with CaptureQueriesContext(connection) as merging:
        merge.organisation_merge(actor=world["operator"], keep=keep, duplicate=dup)
    # A fixed budget that grows with the followers, not the rows: 90 before financing's six followers,
    # 125 before the deals' four (signatories, participants, organisers, IP owners), promotion's leads and
    # metrics' figure requests.
    assert len(merging) <= 146


def test_survivor_history_includes_the_merged_records_history_labelled_by_its_name(world):
    from biopark.ecosystem.selectors import history_of

    keep, dup, third = world["keep"], world["duplicate"], world["third"]
    operator = world["operator"]
    dup_city, third_name = dup.city_en, str(third)
    services.record_update(actor=operator, instance=dup, data={"city_en": "Chengdu"})
    services.record_update(actor=operator, instance=keep, data={"city_en": "Suzhou"})
    merge.organisation_merge(actor=operator, keep=dup, duplicate=third)  # the duplicate absorbed a record first
    dup_id, third_id = dup.pk, third.pk
    merge.organisation_merge(actor=operator, keep=keep, duplicate=Organisation.objects.get(pk=dup_id))

    ct = ContentType.objects.get_for_model(Organisation)
    shown = history_of(keep)
    expected = list(
        ChangeRecord.objects.filter(content_type=ct, object_id__in=[keep.pk, dup_id, third_id]).order_by("-at", "-id")
    )
    assert [r.pk for r in shown] == [r.pk for r in expected]
    names = {keep.pk: "", dup_id: "康诺亚生物", third_id: third_name}
    assert [(r.object_id, r.merged_from) for r in shown] == [(r.object_id, names[r.object_id]) for r in expected]
    # The merged records' own rows, the nested one's included, are all there.
    dup_rows = [(r.action, r.changes) for r in shown if r.object_id == dup_id]
    assert [action for action, _changes in dup_rows[:3]] == ["merge", "merge", "update"]
    assert dup_rows[0][1] == {"merged_into": [dup_id, keep.pk]}
    assert dup_rows[1][1]["merged_from"] == [None, third_id]
    assert dup_rows[2][1] == {"city_en": [dup_city, "Chengdu"]}
    assert [(r.action, r.changes) for r in shown if r.object_id == third_id] == [
        ("merge", {"merged_into": [third_id, dup_id]})
    ]


def test_history_without_merges_is_one_query(world, django_assert_num_queries):
    from biopark.ecosystem.selectors import history_of

    keep = world["keep"]
    services.record_update(actor=world["operator"], instance=keep, data={"city_en": "Suzhou"})
    ContentType.objects.get_for_model(Organisation)
    with django_assert_num_queries(1):
        shown = history_of(keep)
    own = ChangeRecord.objects.filter(object_id=keep.pk, content_type=ContentType.objects.get_for_model(Organisation))
    assert [r.pk for r in shown] == list(own.order_by("-at", "-id").values_list("pk", flat=True))
    assert (shown[0].changes, {r.merged_from for r in shown}) == ({"city_en": ["", "Suzhou"]}, {""})
