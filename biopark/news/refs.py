"""Names and pages of the records accepting an event, project, stage, target or relation made ("event:4",
"stage:9"…), for the review page; the registry's own types are named by selectors.registry_labels."""

from __future__ import annotations

from biopark.deals.models import Event
from biopark.ecosystem.fields import TYPE_NAMES
from biopark.ecosystem.models import Relation
from biopark.metrics.models import Target
from biopark.pipeline.models import Project, StageEvent, stage_label

_PAGES = {"event": "/deals/events/{}/", "project": "/pipeline/{}/", "target": "/metrics/targets/{}/"}


def _ids(refs: list[str]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {}
    for ref in refs:
        type_name, _sep, pk = (ref or "").partition(":")
        if pk.isdigit() and len(pk) < 19:
            wanted.setdefault(type_name, set()).add(int(pk))
    return wanted


def _relation_labels(ids: set[int]) -> dict[str, str]:
    relations = list(Relation.objects.filter(pk__in=ids))
    ends: dict[str, set[int]] = {}
    for r in relations:
        ends.setdefault(r.subject_type, set()).add(r.subject_id)
        ends.setdefault(r.object_type, set()).add(r.object_id)
    names = {(t, pk): str(obj) for t, pks in ends.items() if t in TYPE_NAMES
             for pk, obj in TYPE_NAMES[t]._default_manager.in_bulk(list(pks)).items()}
    return {f"relation:{r.pk}": f"{names.get((r.subject_type, r.subject_id), '—')} {r.get_predicate_display()} "
            f"{names.get((r.object_type, r.object_id), '—')}" for r in relations}


def labels(refs: list[str]) -> dict[str, str]:
    """What each reference names, one query per type; references to records that are gone are left out."""
    wanted = _ids(refs)
    out: dict[str, str] = {}
    for event in Event.objects.filter(pk__in=wanted.get("event", ())):
        out[f"event:{event.pk}"] = event.title
    for project in Project.objects.filter(pk__in=wanted.get("project", ())):
        out[f"project:{project.pk}"] = str(project)
    for stage in StageEvent.objects.filter(pk__in=wanted.get("stage", ())).select_related("project", "indication"):
        out[f"stage:{stage.pk}"] = f"{stage.project} · {stage.indication} · {stage_label(stage.stage)}"
    for target in Target.objects.filter(pk__in=wanted.get("target", ())).select_related("indicator", "park"):
        out[f"target:{target.pk}"] = f"{target.park} · {target}"
    if wanted.get("relation"):
        out.update(_relation_labels(wanted["relation"]))
    return out


def url(ref: str, stage_projects: dict[str, int] | None = None) -> str:
    """The page of the record: a stage event is shown on its project's page (`stage_projects` maps it)."""
    type_name, _sep, pk = (ref or "").partition(":")
    if type_name == "stage" and stage_projects and ref in stage_projects:
        return _PAGES["project"].format(stage_projects[ref])
    return _PAGES[type_name].format(pk) if type_name in _PAGES and pk.isdigit() else ""


def stage_projects(refs: list[str]) -> dict[str, int]:
    ids = _ids(refs).get("stage", set())
    return {f"stage:{pk}": project for pk, project in
            StageEvent.objects.filter(pk__in=ids).values_list("pk", "project_id")} if ids else {}

