"""Writes to the pipeline: projects, indications and stage events. Atomic, checked against the policy,
recorded in the history; the derived highest stage is re-cached in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core import formatting
from biopark.core.audit import change_record_for, diff, record_change, snapshot
from biopark.core.dates import PartialDate
from biopark.core.errors import ValidationFailed
from biopark.core.models import ChangeRecord, Source
from biopark.core.params import clean_text
from biopark.core.text import han_bigrams, search_blob
from biopark.core.writes import Editable, apply_changes, one_of, optional_key
from biopark.ecosystem.models import Organisation, Person
from biopark.pipeline import stages as rules
from biopark.pipeline.models import Indication, Modality, Project, StageEvent, Visibility, stage_label
from biopark.pipeline.vocabulary import complete_indication, normalise_area

PROJECT_FIELDS = [
    "key",
    "name_zh",
    "name_en",
    "aliases",
    "modality",
    "targets",
    "therapeutic_areas",
    "visibility",
    "description_zh",
    "description_en",
]
_AUDITED = [f for f in PROJECT_FIELDS] + ["organisation_id", "park_id"]


_user = policy.user_of


def _label(name: str) -> str:
    """A project field's name for people (its verbose name), for messages that name the field."""
    try:
        return str(getattr(Project._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def _when(date: PartialDate) -> str:
    return formatting.format_date(date.value, get_language(), precision=date.precision)


def _str_list(value: Any, field: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace("；", ";").replace("，", ",").replace(",", ";").split(";")
    if not isinstance(value, Iterable):
        raise ValidationFailed(_("%(field)s must be a list of names") % {"field": _label(field)}, field=field)
    return list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))


def _areas(value: Any, field: str) -> list[str]:
    """Therapeutic areas: a known area (in either language, or its code) is stored as its code; free text as typed."""
    return list(dict.fromkeys(normalise_area(a) for a in _str_list(value, field)))


def _check(project: Project) -> None:
    if not (project.name_zh or project.name_en):
        raise ValidationFailed(_("a Chinese or an English name is required"), field="name_zh")
    if project.key and Project.objects.filter(key=project.key).exclude(pk=project.pk).exists():
        raise ValidationFailed(_("the key %(key)s is taken") % {"key": repr(project.key)}, field="key")
    _index_text(project)


def _index_text(project: Project) -> None:
    """The project's search text, as the registry's (every language, pinyin, aliases, bigrams): its names,
    aliases, targets and its indications' names, so that a new or edited project is found at once."""
    indications: list[str] = []
    if project.pk:
        for zh, en in project.indications.values_list("name_zh", "name_en"):
            indications += [zh, en]
    project.search_text = search_blob(
        project.name_zh, project.name_en, aliases=[*project.aliases, *project.targets, *filter(None, indications)]
    )
    project.search_grams = han_bigrams(project.search_text)


def reindex(project: Project) -> None:
    """Rewrite the search text after the project's indications changed."""
    _index_text(project)
    Project.objects.filter(pk=project.pk).update(search_text=project.search_text, search_grams=project.search_grams)


PROJECT_EDITABLE = Editable(
    fields=PROJECT_FIELDS,
    convert={
        **dict.fromkeys(("aliases", "targets"), _str_list),
        "therapeutic_areas": _areas,
        "modality": one_of(Modality, gettext_lazy("modality")),
        "visibility": one_of(Visibility, gettext_lazy("visibility")),
        "key": optional_key,
    },
    check=_check,
)


@transaction.atomic
def project_create(
    *,
    actor: Any,
    organisation: Organisation,
    data: Mapping[str, Any],
    indications: Sequence[Mapping[str, str]] = (),
    team: Sequence[Person] = (),
    partners: Sequence[Organisation] = (),
    team_roles: Mapping[int, str] | None = None,
    synthetic: bool = False,
) -> Project:
    """Register a project of `organisation` (in the organisation's park), with its first indications, its team
    (with each member's role in the project, by person id) and partners."""
    if organisation is None:
        raise ValidationFailed(_("a project belongs to an organisation"), field="organisation")
    project = Project(organisation=organisation, park_id=organisation.park_id, synthetic=synthetic)
    project.team_roles = _roles(team_roles or {}, team)
    PROJECT_EDITABLE.apply(project, data)
    policy.require(actor, policy.CREATE, project)
    project.save()
    if team:
        project.team.set(team)
    if partners:
        project.partners.set([p for p in partners if p.pk != organisation.pk])
    for item in indications:
        _indication_new(project, item)
    _refresh_areas(project)
    if indications:
        reindex(project)
    after = snapshot(project, _AUDITED)
    changes = diff({}, after)
    if indications:
        changes["indications"] = [None, [str(i) for i in project.indications.all()]]
    record_change(actor=_user(actor), obj=project, action=ChangeRecord.CREATE, changes=changes)
    return project


def project_update(
    *,
    actor: Any,
    project: Project,
    data: Mapping[str, Any],
    team: Sequence[Person] | None = None,
    partners: Sequence[Organisation] | None = None,
    team_roles: Mapping[int, str] | None = None,
    expected_version: int | None = None,
) -> Project:
    """Change the fields `data` names (and the team or partners when given); refused on a stale
    `expected_version`, and unless the actor may change the project as it is and as it would be."""

    def links_of(locked: Project) -> dict[str, list[Any]]:
        links: dict[str, list[Any]] = {}
        for name, given in (("team", team), ("partners", partners)):
            before = sorted(getattr(locked, name).values_list("pk", flat=True))
            if given is not None and sorted(p.pk for p in given) != before:
                getattr(locked, name).set(given)
                links[name] = [before, sorted(p.pk for p in given)]
        if team_roles is not None:
            members = team if team is not None else list(locked.team.all())
            roles = _roles(team_roles, members)
            if roles != locked.team_roles:
                links["team_roles"] = [locked.team_roles, roles]
                locked.team_roles = roles
                Project.objects.filter(pk=locked.pk).update(team_roles=roles)
        return links

    with transaction.atomic():
        changes = apply_changes(
            actor=actor, instance=project, data=data, editable=PROJECT_EDITABLE, audited=_AUDITED,
            expected_version=expected_version, also=links_of,
        )
        if {"modality", "park_id", "organisation_id"} & changes.keys():
            sync_event_scope(project)
        if changes:
            _refresh_areas(project)
    return project


def _roles(roles: Mapping[int, str], team: Sequence[Person]) -> dict[str, str]:
    """Each team member's role in the project (free text, trimmed), kept only for people on the team."""
    members = {p.pk for p in team}
    out: dict[str, str] = {}
    for pk, role in roles.items():
        text = str(role or "").strip()
        if len(text) > 100:
            raise ValidationFailed(_("a team role has at most 100 characters"), field="team")
        if text and int(pk) in members:
            out[str(int(pk))] = text
    return out


def _indication_new(project: Project, item: Mapping[str, str]) -> Indication:
    # Names are checked like every typed text (control characters, the column's length) before they reach
    # the database: PostgreSQL refuses an over-long value with an error, not a message.
    typed = {
        name: clean_text(f"indications.{name}", item.get(name) or "", max_length=300)  # the columns' length
        for name in ("name_zh", "name_en")
    }
    name_zh, name_en = complete_indication(typed["name_zh"], typed["name_en"])
    if not (name_zh or name_en):
        raise ValidationFailed(
            _("an indication needs a Chinese or an English name"), field="indications.name_zh"
        )
    for field, value in (("name_zh", name_zh), ("name_en", name_en)):
        if len(value) > 300:
            raise ValidationFailed(_("an indication name has at most 300 characters"), field=field)
    clash = project.indications.filter(name_zh=name_zh, name_en=name_en).exists()
    if clash:
        raise ValidationFailed(
            _("the project already has the indication %(name)s") % {"name": repr(name_zh or name_en)}, field="name_en"
        )
    return Indication.objects.create(
        project=project,
        name_zh=name_zh,
        name_en=name_en,
        therapeutic_area=normalise_area(item.get("therapeutic_area")),
    )


def _refresh_areas(project: Project) -> None:
    """Indication areas join the project's therapeutic areas."""
    areas = list(project.therapeutic_areas)
    for area in project.indications.exclude(therapeutic_area="").values_list("therapeutic_area", flat=True):
        if area not in areas:
            areas.append(area)
    if areas != project.therapeutic_areas:
        project.therapeutic_areas = areas
        Project.objects.filter(pk=project.pk).update(therapeutic_areas=areas)


@transaction.atomic
def indication_add(
    *, actor: Any, project: Project, name_zh: str = "", name_en: str = "", therapeutic_area: str = ""
) -> Indication:
    policy.require(actor, policy.CHANGE, project)
    indication = _indication_new(
        project, {"name_zh": name_zh, "name_en": name_en, "therapeutic_area": therapeutic_area}
    )
    _refresh_areas(project)
    reindex(project)
    record_change(
        actor=_user(actor),
        obj=project,
        action=ChangeRecord.UPDATE,
        changes={"indications": [None, f"+ {indication}"]},
    )
    return indication


def _stage_step(
    *, stage: str, date: str | PartialDate, approval_number: str, trial_id: str, document: Source | None,
    reason: str, today: dt.date,
) -> tuple[PartialDate, str, str, str]:
    """The checks of one stage event on its own (a known stage, a past date, its evidence): its date and its
    stripped approval number, trial id and reason."""
    if stage not in rules.ALL_CODES:
        raise ValidationFailed(
            _("unknown stage %(value)s; known stages: %(known)s")
            % {"value": repr(stage), "known": ", ".join(stage_label(c) for c in rules.ALL_CODES)}, field="stage"
        )
    when = date
    if not isinstance(when, PartialDate):
        try:
            when = PartialDate.parse(when)  # type: ignore[assignment]
        except ValueError as exc:
            raise ValidationFailed(
                _("not a date: %(value)s (use YYYY, YYYY-MM or YYYY-MM-DD)") % {"value": repr(str(when))}, field="date"
            ) from exc
        if when is None:
            raise ValidationFailed(_("a stage needs a date (YYYY, YYYY-MM or YYYY-MM-DD)"), field="date")
    assert isinstance(when, PartialDate)
    if when.value > today:
        raise ValidationFailed(_("the date %(date)s is in the future") % {"date": _when(when)}, field="date")
    approval_number, trial_id, reason = approval_number.strip(), trial_id.strip(), reason.strip()
    missing = rules.missing_evidence(
        stage, approval_number=approval_number, trial_id=trial_id, has_document=document is not None
    )
    if missing:
        what = {
            rules.APPROVAL: _("an approval or filing number"),
            rules.TRIAL: _("a trial registry id or a document"),
        }[missing]
        raise ValidationFailed(_("%(stage)s needs %(what)s as evidence") % {"stage": stage_label(stage), "what": what}, field=missing)
    return when, approval_number, trial_id, reason


def _stage_move(stages: list[str], previous_on: PartialDate | None, stage: str, when: PartialDate, reason: str) -> str:
    """The checks of a stage event against the indication's history (its stages so far, the date of the last
    one): the move's direction."""
    move = rules.classify(stages, stage)
    if move.direction == "same":
        raise ValidationFailed(move.why, field="stage")
    if move.needs_reason and not reason:
        raise ValidationFailed(move.why, field="reason")
    if previous_on is not None and when.value < previous_on.value:
        raise ValidationFailed(
            _(
                "the date %(date)s is before the indication's last event (%(last)s); "
                "stages are recorded in the order they happened"
            )
            % {"date": _when(when), "last": _when(previous_on)},
            field="date",
        )
    return move.direction


def _stage_event(
    *, project: Project, indication: Indication, stage: str, when: PartialDate, approval_number: str, trial_id: str,
    document: Source | None, reason: str, direction: str, user: Any,
) -> StageEvent:
    return StageEvent(
        project=project,
        indication=indication,
        stage=stage,
        occurred_on=when.value,
        occurred_precision=when.precision,
        approval_number=approval_number,
        trial_id=trial_id,
        document=document,
        reason=reason,
        direction=direction,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
        recorded_label=(user.get_username() if getattr(user, "is_authenticated", False) else "system")[:150],
        park_id=project.park_id,
        organisation_id=project.organisation_id,
        modality=project.modality,
    )


def _event_date(event: StageEvent) -> PartialDate:
    return PartialDate(event.occurred_on, event.occurred_precision)


@transaction.atomic
def stage_record(
    *,
    actor: Any,
    project: Project,
    indication: Indication,
    stage: str,
    date: str | PartialDate,
    approval_number: str = "",
    trial_id: str = "",
    document: Source | None = None,
    reason: str = "",
    today: dt.date | None = None,
) -> StageEvent:
    """Record that an indication reached (or went back to, or halted at) a stage on a (partial) date."""
    policy.require(actor, policy.CHANGE, project)
    if indication.project_id != project.pk:
        raise ValidationFailed(_("this indication belongs to another project"), field="indication")
    when, approval_number, trial_id, reason = _stage_step(
        stage=stage, date=date, approval_number=approval_number, trial_id=trial_id, document=document,
        reason=reason, today=today or timezone.localdate(),
    )
    # Lock the indication's row so two recorders cannot both append after the same event.
    locked = Indication.objects.select_for_update().get(pk=indication.pk)
    history = list(locked.events.order_by("occurred_on", "id"))
    previous = history[-1] if history else None
    direction = _stage_move(
        [e.stage for e in history], _event_date(previous) if previous else None, stage, when, reason
    )
    user = _user(actor)
    event = _stage_event(
        project=project, indication=locked, stage=stage, when=when, approval_number=approval_number,
        trial_id=trial_id, document=document, reason=reason, direction=direction, user=user,
    )
    event.save(force_insert=True)
    if previous is not None:
        StageEvent.objects.filter(pk=previous.pk).update(
            next_stage=stage, duration_days=(when.value - previous.occurred_on).days
        )
    Indication.objects.filter(pk=locked.pk).update(current_stage=stage)
    indication.current_stage = stage
    before = snapshot(project, ["highest_stage", "last_event_on"])
    refresh_cache(project)
    changes = {f"stage[{indication}]": [previous.stage if previous else None, stage]}
    changes.update(diff(before, snapshot(project, ["highest_stage", "last_event_on"])))
    changes["direction"] = [None, direction]  # shown by its label (see apps.py), never as the code
    record_change(actor=user, obj=project, action=ChangeRecord.UPDATE, changes=changes, note=reason)
    return event


@transaction.atomic
def stages_record(
    *, actor: Any, project: Project, indication: Indication, steps: Sequence[Mapping[str, Any]],
    today: dt.date | None = None,
) -> list[StageEvent]:
    """`stage_record` for several events of one indication in the order they happened (each step a mapping of
    stage_record's keyword arguments: stage, date, approval_number, trial_id, document, reason), written in
    a few statements instead of ten per event: the same checks of every step, the same rows, the same history
    entries (one per event, with the same changes). Nothing is written if any step is refused."""
    policy.require(actor, policy.CHANGE, project)
    if indication.project_id != project.pk:
        raise ValidationFailed(_("this indication belongs to another project"), field="indication")
    today = today or timezone.localdate()
    locked = Indication.objects.select_for_update().get(pk=indication.pk)
    history = list(locked.events.order_by("occurred_on", "id"))
    stages = [e.stage for e in history]
    previous_on = _event_date(history[-1]) if history else None
    # What refresh_cache would read after each event: every indication's current stage, the latest event date.
    current = dict(project.indications.values_list("pk", "current_stage"))
    last = project.stage_events.order_by("-occurred_on").values_list("occurred_on", flat=True).first()
    user = _user(actor)
    events: list[StageEvent] = []
    entries: list[ChangeRecord] = []
    for step in steps:
        document = step.get("document")
        when, approval_number, trial_id, reason = _stage_step(
            stage=step["stage"], date=step["date"], approval_number=step.get("approval_number") or "",
            trial_id=step.get("trial_id") or "", document=document, reason=step.get("reason") or "", today=today,
        )
        stage = step["stage"]
        direction = _stage_move(stages, previous_on, stage, when, reason)
        event = _stage_event(
            project=project, indication=locked, stage=stage, when=when, approval_number=approval_number,
            trial_id=trial_id, document=document, reason=reason, direction=direction, user=user,
        )
        if events:
            events[-1].next_stage, events[-1].duration_days = stage, (when.value - events[-1].occurred_on).days
        before = snapshot(project, ["highest_stage", "last_event_on"])
        current[locked.pk] = stage
        last = when.value if last is None else max(last, when.value)
        project.highest_stage, project.last_event_on = rules.derive_highest(list(current.values())), last
        changes = {f"stage[{indication}]": [stages[-1] if stages else None, stage]}
        changes.update(diff(before, snapshot(project, ["highest_stage", "last_event_on"])))
        changes["direction"] = [None, direction]
        entries.append(change_record_for(
            actor=user, obj=project, action=ChangeRecord.UPDATE, changes=changes, note=reason
        ))
        events.append(event)
        stages.append(stage)
        previous_on = when
    if not events:
        return []
    if history:
        StageEvent.objects.filter(pk=history[-1].pk).update(
            next_stage=events[0].stage, duration_days=(events[0].occurred_on - history[-1].occurred_on).days
        )
    StageEvent.objects.bulk_create(events)
    Indication.objects.filter(pk=locked.pk).update(current_stage=events[-1].stage)
    indication.current_stage = events[-1].stage
    Project.objects.filter(pk=project.pk).update(highest_stage=project.highest_stage, last_event_on=last)
    ChangeRecord.objects.bulk_create(entries)
    return events


def sync_event_scope(project: Project) -> int:
    """Rewrite the copies of the project's park, organisation and modality on its stage events."""
    return StageEvent.objects.filter(project=project).update(
        park_id=project.park_id, organisation_id=project.organisation_id, modality=project.modality
    )


def refresh_cache(project: Project) -> None:
    """Recompute the project's cached highest stage and latest event date from its indications."""
    current = list(project.indications.values_list("current_stage", flat=True))
    last = project.stage_events.order_by("-occurred_on").values_list("occurred_on", flat=True).first()
    project.highest_stage = rules.derive_highest(current)
    project.last_event_on = last
    Project.objects.filter(pk=project.pk).update(highest_stage=project.highest_stage, last_event_on=last)
