"""Stage events through the service: rules, derived highest stage, refusals that change nothing, roles."""

from __future__ import annotations

import datetime as dt

import pytest

from biopark.accounts import policy
from biopark.core.errors import PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord, Source
from biopark.pipeline import services
from biopark.pipeline.models import Project, StageEvent
from tests.pipeline.factories import IndicationFactory, ProjectFactory

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def project(roles):
    return ProjectFactory(organisation=roles["enterprise"], park=roles["zone"])


def record(actor, project, indication, stage, date, **kw):
    return services.stage_record(
        actor=actor, project=project, indication=indication, stage=stage, date=date, today=TODAY, **kw
    )


def test_highest_stage_is_derived_from_indications(roles, project):
    member = roles["users"]["enterprise_member"]
    a = IndicationFactory(project=project)
    b = IndicationFactory(project=project)
    record(member, project, a, "discovery", "2020")
    record(member, project, b, "preclinical", "2020-05")
    project.refresh_from_db()
    assert project.highest_stage == "preclinical"
    assert project.last_event_on == dt.date(2020, 5, 1)
    record(member, project, b, "discontinued", "2021-01-10", reason="toxicity")
    project.refresh_from_db()
    assert project.highest_stage == "discovery"
    record(member, project, a, "suspended", "2021-02-01", reason="funding")
    project.refresh_from_db()
    assert project.highest_stage == "suspended"
    first = StageEvent.objects.get(indication=b, stage="preclinical")
    assert (first.next_stage, first.duration_days) == ("discontinued", 254)


def test_skip_and_back_need_a_reason_and_show_in_history(roles, project):
    member = roles["users"]["enterprise_member"]
    ind = IndicationFactory(project=project)
    record(member, project, ind, "discovery", "2020-01-01")
    with pytest.raises(ValidationFailed) as exc:
        record(member, project, ind, "ind", "2020-06-01")
    assert "reason" in exc.value.fields
    event = record(member, project, ind, "ind", "2020-06-01", reason="preclinical package licensed in")
    assert event.direction == "skip"
    back = record(member, project, ind, "preclinical", "2020-07-01", reason="regulator asked for more tox data")
    assert back.direction == "back"
    notes = list(ChangeRecord.objects.filter(object_id=project.pk).values_list("note", flat=True))
    assert "regulator asked for more tox data" in notes
    assert "preclinical package licensed in" in notes
    changes = ChangeRecord.objects.filter(object_id=project.pk).latest("id").changes
    assert changes["direction"] == [None, "back"]  # the move, shown by its label in the history


@pytest.mark.parametrize(
    ("stage", "date", "kw", "field"),
    [
        ("phase9", "2020-01-01", {}, "stage"),
        ("discovery", "2999-01-01", {}, "date"),
        ("discovery", "2020-13-01", {}, "date"),
        ("discovery", "", {}, "date"),
        ("approved", "2020-01-01", {"trial_id": "NCT01"}, "approval_number"),
        ("registration", "2020-01-01", {}, "approval_number"),
        ("phase1", "2020-01-01", {"approval_number": "X"}, "trial_id"),
    ],
)
def test_bad_stage_input_names_the_field_and_writes_nothing(roles, project, stage, date, kw, field):
    member = roles["users"]["enterprise_member"]
    ind = IndicationFactory(project=project)
    before = (StageEvent.objects.count(), ChangeRecord.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        record(member, project, ind, stage, date, **kw)
    assert field in exc.value.fields
    assert (StageEvent.objects.count(), ChangeRecord.objects.count()) == before
    project.refresh_from_db()
    assert project.highest_stage == ""


def test_phase_with_document_and_dates_in_order(roles, project):
    member = roles["users"]["enterprise_member"]
    ind = IndicationFactory(project=project)
    doc = Source.objects.create(key="protocol.pdf")
    record(member, project, ind, "ind", "2021-03")
    record(member, project, ind, "phase1", "2021-09-15", document=doc)
    with pytest.raises(ValidationFailed) as exc:
        record(member, project, ind, "phase2", "2021-08-01", trial_id="CTR2021")
    assert "date" in exc.value.fields
    assert StageEvent.objects.filter(indication=ind).count() == 2


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("operator", True),
        ("enterprise_member", True),
        ("platform_manager", True),  # a member of the same organisation
        ("investor", False),
        ("viewer", False),
    ],
)
def test_who_records_stages(roles, project, role, allowed):
    ind = IndicationFactory(project=project)
    user = roles["users"][role]
    if allowed:
        record(user, project, ind, "discovery", "2020")
        assert StageEvent.objects.count() == 1
    else:
        with pytest.raises(PermissionRefused):
            record(user, project, ind, "discovery", "2020")
        assert StageEvent.objects.count() == 0
        assert ChangeRecord.objects.count() == 0


def test_other_park_operator_and_other_enterprise_are_refused(roles):
    from biopark.accounts.models import Role
    from tests.factories import make_user

    project = ProjectFactory(organisation=roles["other_enterprise"], park=roles["other_park"])
    ind = IndicationFactory(project=project)
    for user in (roles["users"]["operator"], roles["users"]["enterprise_member"]):
        with pytest.raises(PermissionRefused):
            record(user, project, ind, "discovery", "2020")
    other_member = make_user(Role.ENTERPRISE_MEMBER, organisation=roles["other_enterprise"])
    record(other_member, project, ind, "discovery", "2020")
    assert StageEvent.objects.count() == 1


def test_visibility_matrix(roles):
    from biopark.pipeline.selectors import visible_projects

    own = roles["enterprise"]
    mk = lambda vis, org=own: ProjectFactory(organisation=org, park=org.park, visibility=vis)  # noqa: E731
    private_own, park_own, public_other = mk("private"), mk("park"), mk("public", roles["other_enterprise"])
    private_other = mk("private", roles["other_enterprise"])
    park_other = mk("park", roles["other_enterprise"])
    users = roles["users"]
    expect = {
        "admin": {private_own, park_own, public_other, private_other, park_other},
        "operator": {private_own, park_own, public_other},
        "enterprise_member": {private_own, park_own, public_other},
        "investor": {public_other},
        "viewer": {public_other},
    }
    for role, wanted in expect.items():
        seen = set(visible_projects(users[role]))
        assert seen == wanted, role
        for p in Project.objects.all():
            assert policy.decide(users[role], policy.VIEW, p).allowed == (p in wanted), (role, p)
    # A member of another enterprise in the same park tree sees the park-shared project, not the private one.
    from biopark.accounts.models import Role
    from tests.factories import OrganisationFactory, make_user

    neighbour = make_user(Role.ENTERPRISE_MEMBER, organisation=OrganisationFactory(park=roles["park"]))
    assert set(visible_projects(neighbour)) == {park_own, public_other}


def test_project_create_records_history_and_refuses_bad_modality(roles):
    member = roles["users"]["enterprise_member"]
    project = services.project_create(
        actor=member,
        organisation=roles["enterprise"],
        data={"name_en": "X-101", "modality": "adc", "targets": ["CLDN18.2"], "visibility": "park"},
        indications=[{"name_en": "Gastric cancer", "therapeutic_area": "oncology"}],
    )
    assert project.park_id == roles["zone"].pk
    assert project.therapeutic_areas == ["oncology"]
    assert ChangeRecord.objects.filter(object_id=project.pk, action="create").count() == 1
    count = Project.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.project_create(actor=member, organisation=roles["enterprise"], data={"name_en": "Y", "modality": "pill"})
    assert "modality" in exc.value.fields
    with pytest.raises(PermissionRefused):
        services.project_create(actor=member, organisation=roles["other_enterprise"], data={"name_en": "Z"})
    assert Project.objects.count() == count
