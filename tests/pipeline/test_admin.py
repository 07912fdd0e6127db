"""The pipeline admin writes only through the pipeline services (history, policy), never the stage fields;
stage events are read-only; what the policy refuses leaves the row unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from biopark.core.models import ChangeRecord
from biopark.pipeline import services
from biopark.pipeline.models import Project, StageEvent
from tests.admin_forms import admin_url, form_post, staff_client
from tests.factories import PersonFactory
from tests.pipeline.factories import IndicationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def history(obj):
    return list(
        ChangeRecord.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
        .order_by("id")
        .values_list("action", "actor_label", "changes")
    )


def row(pk):
    return Project.objects.values().get(pk=pk)


@pytest.fixture
def staged(roles):
    project = ProjectFactory(organisation=roles["enterprise"], park=roles["zone"])
    indication = IndicationFactory(project=project)
    services.stage_record(actor=roles["users"]["admin"], project=project, indication=indication,
                          stage="preclinical", date="2020-05", today=dt.date(2024, 6, 1))
    project.refresh_from_db()
    return {**roles, "project": project, "indication": indication}


@pytest.mark.parametrize("role", ["admin", "operator", "enterprise_member"])
def test_a_project_saved_in_the_admin_goes_through_project_update(staged, role):
    user = staged["users"][role]
    project = staged["project"]
    person = PersonFactory()
    data = form_post(Project, user, project, description_en="Bispecific antibody", team=[person])
    response = staff_client(user).post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert (project.description_en, list(project.team.all())) == ("Bispecific antibody", [person])
    assert history(project)[-1] == (
        "update", user.username, {"description_en": ["", "Bispecific antibody"], "team": [[], [person.pk]]}
    )


def test_stage_organisation_and_park_are_read_only(staged):
    user = staged["users"]["admin"]
    project = staged["project"]
    before, written = row(project.pk), history(project)
    data = form_post(Project, user, project, highest_stage="approved", last_event_on=dt.date(2024, 1, 1),
                     organisation=staged["other_enterprise"], park=staged["other_park"], synthetic=True)
    response = staff_client(user).post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 302
    assert row(project.pk) == before
    assert (before["highest_stage"], before["organisation_id"]) == ("preclinical", staged["enterprise"].pk)
    assert history(project) == written


def test_a_project_added_in_the_admin_goes_through_project_create(roles):
    member = roles["users"]["enterprise_member"]
    data = form_post(Project, member, organisation=roles["enterprise"], name_en="New antibody",
                     modality="antibody", visibility="private")
    response = staff_client(member).post(admin_url(Project, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    project = Project.objects.get(name_en="New antibody")
    assert (project.organisation, project.park, project.search_text != "") == (roles["enterprise"], roles["zone"],
                                                                               True)
    action, who, changes = history(project)[0]
    assert (action, who, changes["name_en"]) == ("create", member.username, [None, "New antibody"])


def test_a_project_for_another_organisation_is_refused_on_the_form(roles):
    member = roles["users"]["enterprise_member"]
    data = form_post(Project, member, organisation=roles["other_enterprise"], name_en="Not ours",
                     modality="antibody", visibility="private")
    response = staff_client(member).post(admin_url(Project, "add"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "only the project&#x27;s own organisation may change it" in response.content.decode()
    assert not Project.objects.filter(name_en="Not ours").exists()


@pytest.mark.parametrize("role", ["platform_manager", "operator"])
def test_another_organisations_project_is_not_changed_or_listed(roles, role):
    foreign = ProjectFactory(organisation=roles["other_enterprise"], park=roles["other_park"], name_en="Secret")
    before = row(foreign.pk)
    user = roles["users"][role]
    client = staff_client(user)
    data = form_post(Project, roles["users"]["admin"], foreign, name_en="Taken over", visibility="public")
    assert client.post(admin_url(Project, "change", foreign.pk), data).status_code in (302, 403)
    assert row(foreign.pk) == before
    listing = client.get(admin_url(Project))
    assert listing.status_code == 200 and "Secret" not in listing.content.decode()


def test_stage_events_and_indications_are_read_only(staged):
    user = staged["users"]["admin"]
    event = StageEvent.objects.get()
    before = StageEvent.objects.values().get(pk=event.pk)
    client = staff_client(user)
    assert client.get(admin_url(StageEvent, "change", event.pk)).status_code == 200
    assert client.post(admin_url(StageEvent, "change", event.pk), {"stage": "approved"}).status_code == 403
    assert client.post(admin_url(StageEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    client.post(admin_url(StageEvent), {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert StageEvent.objects.values().get(pk=event.pk) == before
    # The indication inline on the project cannot be edited either.
    indication = staged["indication"]
    project = staged["project"]
    data = form_post(Project, user, project)
    data.update({"indications-TOTAL_FORMS": "1", "indications-INITIAL_FORMS": "1",
                 "indications-0-id": str(indication.pk), "indications-0-project": str(project.pk),
                 "indications-0-name_en": "Renamed", "indications-0-current_stage": "approved"})
    client.post(admin_url(Project, "change", project.pk), data)
    indication.refresh_from_db()
    assert (indication.name_en, indication.current_stage) != ("Renamed", "approved")
    assert indication.current_stage == "preclinical"


def test_projects_are_not_deleted_in_the_admin(staged):
    project = staged["project"]
    client = staff_client(staged["users"]["admin"])
    assert client.post(admin_url(Project, "delete", project.pk), {"post": "yes"}).status_code == 403
    client.post(admin_url(Project), {"action": "delete_selected", "_selected_action": [project.pk], "post": "yes"})
    assert Project.objects.filter(pk=project.pk).exists()
