"""`stages_record` (an indication's events written together) against `stage_record` once per event: the same
rows, the same history entries, the same refusals, and nothing written when a step is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from biopark.core.errors import PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord, Source
from biopark.pipeline import services
from biopark.pipeline.models import Indication, Project, StageEvent
from tests.pipeline.factories import IndicationFactory, ProjectFactory

TODAY = dt.date(2024, 6, 1)
EVENT_COLUMNS = ["stage", "occurred_on", "occurred_precision", "approval_number", "trial_id", "document_id",
                 "reason", "direction", "next_stage", "duration_days", "recorded_by_id", "recorded_label", "park_id",
                 "organisation_id", "modality"]
HISTORY_COLUMNS = ["content_type_id", "object_repr", "action", "actor_id", "actor_label", "changes", "note"]


def _steps(document):
    return [
        {"stage": "preclinical", "date": "2020-03"},
        {"stage": "ind", "date": "2020-06-02"},
        {"stage": "phase1", "date": "2020-09-15", "document": document},
        {"stage": "phase3", "date": "2021-02-01", "trial_id": " CTR2021 ", "reason": "phase 2 waived"},
        {"stage": "phase2", "date": "2021-05", "trial_id": "CTR2021B", "reason": "regulator asked for it"},
        {"stage": "discontinued", "date": "2022", "reason": "portfolio decision"},
    ]


def _world(roles, name):
    """A project with two indications of the same names (the history names the indication), the second with
    one event already, so that the first new event of `main` has no predecessor and the project's cached
    highest stage and last date come from both indications."""
    project = ProjectFactory(organisation=roles["enterprise"], park=roles["zone"], name_zh=name, name_en=name)
    main = IndicationFactory(project=project, name_en="Asthma")
    other = IndicationFactory(project=project, name_en="Eczema")
    member = roles["users"]["enterprise_member"]
    services.stage_record(actor=member, project=project, indication=other, stage="phase1", date="2021-01",
                          trial_id="CTR-OTHER", today=TODAY)
    project.refresh_from_db()
    return project, main


def _written(project):
    events = list(StageEvent.objects.filter(project=project).order_by("id").values_list(*EVENT_COLUMNS))
    history = list(ChangeRecord.objects.filter(object_id=project.pk, content_type__model="project")
                   .order_by("id").values_list(*HISTORY_COLUMNS))
    stored = Project.objects.get(pk=project.pk)
    indications = list(stored.indications.order_by("id").values_list("name_en", "current_stage"))
    return events, [(*row[:1], row[1].replace(project.name_en, "P"), *row[2:]) for row in history], \
        (stored.highest_stage, stored.last_event_on), indications


def test_bulk_writes_what_one_call_per_event_writes(roles):
    member = roles["users"]["enterprise_member"]
    document = Source.objects.create(key="protocol.pdf")
    one, one_main = _world(roles, "One by one")
    for step in _steps(document):
        services.stage_record(actor=member, project=one, indication=one_main, today=TODAY, **step)
    bulk, bulk_main = _world(roles, "Together")
    made = services.stages_record(actor=member, project=bulk, indication=bulk_main, steps=_steps(document),
                                  today=TODAY)

    assert [e.stage for e in made] == ["preclinical", "ind", "phase1", "phase3", "phase2", "discontinued"]
    assert _written(bulk) == _written(one)
    events, history, cached, indications = _written(bulk)
    assert cached == ("phase1", dt.date(2022, 1, 1))  # the other indication is still in phase 1
    assert indications == [("Asthma", "discontinued"), ("Eczema", "phase1")]
    assert [e[7] for e in events] == ["first", "first", "forward", "forward", "skip", "back", "halt"]
    assert history[-1][5] == {"stage[Asthma]": ["phase2", "discontinued"], "highest_stage": ["phase2", "phase1"],
                              "last_event_on": ["2021-05-01", "2022-01-01"], "direction": [None, "halt"]}
    assert (bulk.highest_stage, bulk_main.current_stage) == ("phase1", "discontinued")


def test_bulk_continues_an_indication_history(roles):
    member = roles["users"]["enterprise_member"]
    project, main = _world(roles, "Continued")
    services.stage_record(actor=member, project=project, indication=main, stage="discovery", date="2019-12-01",
                          today=TODAY)
    services.stages_record(actor=member, project=project, indication=main, today=TODAY,
                           steps=[{"stage": "preclinical", "date": "2020-03-01"}])
    first = StageEvent.objects.get(indication=main, stage="discovery")
    assert (first.next_stage, first.duration_days) == ("preclinical", 91)
    assert services.stages_record(actor=member, project=project, indication=main, steps=[], today=TODAY) == []


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"stage": "phase9", "date": "2021-01"}, "stage"),
        ({"stage": "phase2", "date": "2999-01-01", "trial_id": "X"}, "date"),
        ({"stage": "phase2", "date": "2019-01-01", "trial_id": "X"}, "date"),  # before the step before it
        ({"stage": "phase3", "date": "2021-01-01", "trial_id": "X"}, "reason"),  # a skip without a reason
        ({"stage": "phase2", "date": "2021-01-01"}, "trial_id"),
        ({"stage": "phase1", "date": "2021-01-01", "trial_id": "X"}, "stage"),  # the same stage again
    ],
)
def test_a_refused_step_writes_nothing(roles, bad, field):
    member = roles["users"]["enterprise_member"]
    project, main = _world(roles, "Refused")
    before = (list(StageEvent.objects.values_list("id", *EVENT_COLUMNS)),
              list(ChangeRecord.objects.values_list("id", *HISTORY_COLUMNS)),
              Project.objects.filter(pk=project.pk).values_list("highest_stage", "last_event_on").get(),
              list(Indication.objects.values_list("id", "current_stage")))
    steps = [{"stage": "phase1", "date": "2020-01-01", "trial_id": "CTR1"}, bad]
    with pytest.raises(ValidationFailed) as exc:
        services.stages_record(actor=member, project=project, indication=main, steps=steps, today=TODAY)
    assert field in exc.value.fields
    after = (list(StageEvent.objects.values_list("id", *EVENT_COLUMNS)),
             list(ChangeRecord.objects.values_list("id", *HISTORY_COLUMNS)),
             Project.objects.filter(pk=project.pk).values_list("highest_stage", "last_event_on").get(),
             list(Indication.objects.values_list("id", "current_stage")))
    assert after == before


def test_bulk_is_refused_to_who_may_not_record(roles):
    project, main = _world(roles, "Not yours")
    before = list(StageEvent.objects.values_list("id", *EVENT_COLUMNS))
    with pytest.raises(PermissionRefused):
        services.stages_record(actor=roles["users"]["investor"], project=project, indication=main, today=TODAY,
                               steps=[{"stage": "discovery", "date": "2020"}])
    assert list(StageEvent.objects.values_list("id", *EVENT_COLUMNS)) == before
