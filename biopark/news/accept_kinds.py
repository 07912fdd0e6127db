"""Accepting events, projects, stages, targets and relations: the review form of each (its fields name what
will be written) and the write, through the owning app's service (deals, pipeline, metrics, ecosystem), with a
citation of the document's passage. A service's refusal (a bad value, the stage rules, the policy) reaches
the form with the field it names, and the transaction around the acceptance writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.core.errors import ValidationFailed
from biopark.deals import services as deals
from biopark.deals.models import Event
from biopark.ecosystem import services as registry
from biopark.ecosystem.models import Relation
from biopark.metrics import targets as metrics
from biopark.metrics.models import Indicator, Qualifier
from biopark.news.accept_base import Field, cite, find_record, nearest_subject, split_name, text_of
from biopark.news.models import Proposal
from biopark.pipeline import services as pipeline
from biopark.pipeline import stages as stage_rules
from biopark.pipeline.models import Modality, Project, Visibility, stage_label

KINDS = ("event", "project", "stage", "target", "relation")
HELP_RECORD = gettext_lazy("id, key or name of a registry record")
HELP_DATE = gettext_lazy("YYYY, YYYY-MM or YYYY-MM-DD")
HELP_LINES = gettext_lazy("one organisation per line: id, key or name of a registry record")

# biopark.extract's words for what it found, in the registry's vocabularies.
_EVENT_KIND = {"meeting": Event.Kind.CONFERENCE}
_EVENT_WORDS = [(re.compile(r"签约仪式|signing ceremony", re.I), Event.Kind.SIGNING),
                (re.compile(r"推介|招商|promotion", re.I), Event.Kind.PROMOTION),
                (re.compile(r"路演|roadshow", re.I), Event.Kind.ROADSHOW),
                (re.compile(r"考察|调研|site visit", re.I), Event.Kind.SITE_VISIT)]
_STAGES = {"ind": "ind", "filing": "registration", "approved": "approved", "marketed": "market",
           "preclinical": "preclinical", "phase_1": "phase1", "phase_2": "phase2", "phase_3": "phase3",
           "phase_1_2": "phase1", "phase_2_3": "phase2"}
_TARGET_QUALIFIER = {"about": Qualifier.ABOUT, "nearly": Qualifier.ABOUT, "up_to": Qualifier.ABOUT,
                     "more_than": Qualifier.OVER, "at_least": Qualifier.AT_LEAST}
_PREDICATE = {"subsidiary_of": Relation.Predicate.PART_OF, "part_of": Relation.Predicate.PART_OF,
              "operates": Relation.Predicate.OPERATES}
# "X operated by Y", "X由Y运营": the extractor's subject is the one operated.
_PASSIVE = re.compile(r"operated by|managed by|由", re.I)
# "Y旗下X", "Y下属X": the owner comes first, and the extractor's subject is the owner.
_OWNER_FIRST = re.compile(r"旗下|下属")


def _owner_first(passage: str, subject: Any, obj: Any) -> bool:
    """Whether the passage reads "subject 旗下 object" (the subject owns the object), unlike "X是Y旗下子公司"."""
    found = _OWNER_FIRST.search(passage)
    names = [text_of(v.get("name")) if isinstance(v, dict) else "" for v in (subject, obj)]
    if found is None or not all(names):
        return False
    return 0 <= passage.find(names[0]) < found.start() and passage.find(names[1], found.end()) >= 0
ENTITY_TYPES = ("organisation", "park", "person", "platform")
# The columns' lengths where they are shorter than accept.MAX_LENGTH's (the database would refuse the row).
MAX_LENGTH = {("stage", "approval_number"): 100, ("stage", "trial_id"): 100, ("stage", "reason"): 500,
              ("relation", "note"): 500, ("target", "unit"): 100}


def _ref(value: Any) -> str:
    """A reference biopark.extract gives ({"name", "match"}) as the form shows it: the match, else the name."""
    if isinstance(value, dict):
        return text_of(value.get("match") or value.get("name"))
    return text_of(value)


def _date(value: Any) -> str:
    text = text_of(value)
    return "" if text.startswith("-") else text


def _passage(proposal: Proposal) -> str:
    return proposal.document.text[proposal.span_start or 0:proposal.span_end or 0].strip()


def _choices(options: Any, blank: bool = False) -> list[tuple[str, Any]]:
    return ([("", "—")] if blank else []) + [(str(code), label) for code, label in options]


def indicator_choices(memo: dict[str, Any] | None = None) -> list[tuple[str, Any]]:
    """The indicators a target can be set for (one query per page: `memo` keeps them)."""
    memo = memo if memo is not None else {}
    if "indicators" not in memo:
        memo["indicators"] = [("", "—")] + [
            (ind.key or "", f"{getattr(ind, 'display_name', '') or ind} ({ind.key})")
            for ind in Indicator.objects.exclude(key__isnull=True).exclude(key="").order_by("key")
        ]
    return list(memo["indicators"])


# --- what the form starts with ----------------------------------------------------------------------------


def _event_values(proposal: Proposal) -> dict[str, str]:
    f = proposal.fields
    passage = _passage(proposal)
    kind = next((k for rx, k in _EVENT_WORDS if rx.search(passage)), None) or _EVENT_KIND.get(
        text_of(f.get("kind")), Event.Kind.OTHER)
    title = text_of(f.get("title")) or passage[:120]
    zh, en = split_name(title)
    organisers = [_ref(p) for p in f.get("participants") or [] if _ref(p)]
    return {"kind": str(kind), "title_zh": zh, "title_en": en, "starts_on": _date(f.get("date")),
            "place_zh": "", "place_en": "", "organisers": "\n".join(dict.fromkeys(organisers)),
            "visibility": Event.Visibility.PUBLIC}


def _project_values(proposal: Proposal, neighbours: list[Proposal] | None) -> dict[str, str]:
    f = proposal.fields
    name = text_of(f.get("name"))
    zh, en = text_of(f.get("name_zh")), text_of(f.get("name_en"))
    if not (zh or en):
        zh, en = split_name(name)
    if neighbours is None:
        neighbours = list(proposal.document.proposals.filter(type="organisation").order_by("span_start"))
    return {"name_zh": zh, "name_en": en, "organisation": nearest_subject(proposal, neighbours),
            "modality": Modality.OTHER, "visibility": Visibility.PUBLIC}


def _stage_values(proposal: Proposal) -> dict[str, str]:
    f = proposal.fields
    published = proposal.document.published_on
    precision = proposal.document.published_precision
    date = ""
    if published is not None:
        date = {"year": published.strftime("%Y"), "month": published.strftime("%Y-%m")}.get(
            precision, published.isoformat())
    return {"project": _ref(f.get("subject")), "indication": "", "stage": _STAGES.get(text_of(f.get("stage")), ""),
            "date": date, "approval_number": "", "trial_id": "", "reason": ""}


def _target_values(proposal: Proposal) -> dict[str, str]:
    f = proposal.fields
    document = proposal.document
    by = text_of(f.get("by"))
    start = document.published_on.year if document.published_on else timezone.localdate().year
    return {"park": f"park:{document.park_id}" if document.park_id else "", "indicator": "",
            "start_year": str(start), "end_year": by[:4] if by[:4].isdigit() else "",
            "target_value": text_of(f.get("amount")), "unit": text_of(f.get("unit") or f.get("currency")),
            "qualifier": str(_TARGET_QUALIFIER.get(text_of(f.get("qualifier")), Qualifier.AT_LEAST)),
            "source_note": document.title[:500]}


def _relation_values(proposal: Proposal) -> dict[str, str]:
    f = proposal.fields
    subject, obj = _ref(f.get("subject")), _ref(f.get("object"))
    predicate = _PREDICATE.get(text_of(f.get("predicate")), "")
    passage = _passage(proposal)
    if (predicate == Relation.Predicate.OPERATES and _PASSIVE.search(passage)) or (
            predicate == Relation.Predicate.PART_OF and _owner_first(passage, f.get("subject"), f.get("object"))):
        subject, obj = obj, subject
    return {"subject": subject, "predicate": str(predicate), "object": obj, "note": ""}


def form_values(proposal: Proposal, neighbours: list[Proposal] | None = None) -> dict[str, str]:
    t = proposal.type
    if t == "event":
        return _event_values(proposal)
    if t == "project":
        return _project_values(proposal, neighbours)
    if t == "stage":
        return _stage_values(proposal)
    if t == "target":
        return _target_values(proposal)
    return _relation_values(proposal)


# --- the form ---------------------------------------------------------------------------------------------


def form_fields(proposal: Proposal, v: dict[str, str], memo: dict[str, Any] | None = None) -> list[Field]:
    t = proposal.type
    if t == "event":
        return [Field("kind", _("event kind"), v.get("kind", ""), "select", _choices(Event.Kind.choices)),
                Field("title_zh", _("title (Chinese)"), v.get("title_zh", "")),
                Field("title_en", _("title (English)"), v.get("title_en", "")),
                Field("starts_on", _("date"), v.get("starts_on", ""), help=HELP_DATE),
                Field("place_zh", _("place (Chinese)"), v.get("place_zh", "")),
                Field("place_en", _("place (English)"), v.get("place_en", "")),
                Field("organisers", _("organisers"), v.get("organisers", ""), "textarea", help=HELP_LINES),
                Field("visibility", _("visibility"), v.get("visibility", ""), "select",
                      _choices(Event.Visibility.choices))]
    if t == "project":
        return [Field("name_zh", _("project name (Chinese)"), v.get("name_zh", "")),
                Field("name_en", _("project name (English)"), v.get("name_en", "")),
                Field("organisation", _("owner organisation"), v.get("organisation", ""), help=HELP_RECORD),
                Field("modality", _("modality"), v.get("modality", ""), "select", _choices(Modality.choices)),
                Field("visibility", _("visibility"), v.get("visibility", ""), "select",
                      _choices(Visibility.choices))]
    if t == "stage":
        stages = [(code, stage_label(code)) for code in stage_rules.ALL_CODES]
        return [Field("project", _("project"), v.get("project", ""),
                      help=_("id, key or name of a project, or of an organisation with one project")),
                Field("indication", _("indication"), v.get("indication", ""),
                      help=_("empty when the project has one indication")),
                Field("stage", _("stage reached"), v.get("stage", ""), "select", _choices(stages, blank=True)),
                Field("date", _("date"), v.get("date", ""), help=HELP_DATE),
                Field("approval_number", _("approval or filing number"), v.get("approval_number", "")),
                Field("trial_id", _("trial registry id"), v.get("trial_id", ""),
                      help=_("the document counts as evidence of a trial stage")),
                Field("reason", _("reason"), v.get("reason", ""), "textarea",
                      help=_("needed to skip a stage, go back or halt"))]
    if t == "target":
        return [Field("park", _("park"), v.get("park", ""), help=HELP_RECORD),
                Field("indicator", _("indicator"), v.get("indicator", ""), "select", indicator_choices(memo)),
                Field("start_year", _("first year"), v.get("start_year", "")),
                Field("end_year", _("last year"), v.get("end_year", "")),
                Field("target_value", _("target value"), v.get("target_value", "")),
                Field("unit", _("unit"), v.get("unit", "")),
                Field("qualifier", _("qualifier"), v.get("qualifier", ""), "select", _choices(Qualifier.choices)),
                Field("source_note", _("source"), v.get("source_note", ""))]
    return [Field("subject", _("subject"), v.get("subject", ""),
                  help=_("an organisation, park, person or platform: its id, key or name")),
            Field("predicate", _("relation"), v.get("predicate", ""), "select",
                  _choices(Relation.Predicate.choices, blank=True)),
            Field("object", _("object"), v.get("object", ""), help=HELP_RECORD),
            Field("note", _("note"), v.get("note", ""))]


# --- the writes -------------------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace("；", "\n").splitlines() if line.strip()]


def _event(actor: Any, proposal: Proposal, v: dict[str, str]) -> str:
    organisers = [find_record("organisation", line, "organisers") for line in _lines(v.get("organisers", ""))]
    data = {name: v.get(name, "").strip() for name in
            ("kind", "title_zh", "title_en", "starts_on", "place_zh", "place_en", "visibility")}
    event = deals.event_create(actor=actor, data={**data, "park": proposal.document.park_id or ""},
                               organisers=list(dict.fromkeys(organisers)))
    cite(actor, event, proposal)
    return f"event:{event.pk}"


def _project(actor: Any, proposal: Proposal, v: dict[str, str]) -> str:
    owner = find_record("organisation", v.get("organisation", ""), "organisation")
    data = {name: v.get(name, "").strip() for name in ("name_zh", "name_en", "modality", "visibility")}
    project = pipeline.project_create(actor=actor, organisation=owner, data=data)
    cite(actor, project, proposal)
    return f"project:{project.pk}"


def find_project(text: str, field_name: str = "project") -> Project:
    """The project `text` names: "project:7", an id, a key, a name; or an organisation with one project."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("name the project"), field=field_name)
    raw = text.split(":", 1)[1] if text.startswith("project:") else text
    found = Project.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 10 else None
    found = found or Project.objects.filter(models.Q(key=raw) | models.Q(name_zh=raw) | models.Q(name_en=raw)).first()
    if found is None and not text.startswith("project:"):
        try:
            owner = find_record("organisation", text, field_name)
        except ValidationFailed:
            owner = None
        projects = list(Project.objects.filter(organisation=owner)[:2]) if owner is not None else []
        found = projects[0] if len(projects) == 1 else None
    if found is None:
        raise ValidationFailed(_("no project matches %(text)s") % {"text": text}, field=field_name)
    return found


def _indication(project: Project, text: str) -> Any:
    indications = list(project.indications.all())
    text = (text or "").strip()
    chosen = [i for i in indications if text in (i.name_zh, i.name_en, str(i.pk))] if text else indications
    if len(chosen) == 1:
        return chosen[0]
    known = ", ".join(str(i) for i in indications)
    if not indications:
        raise ValidationFailed(_("the project has no indication yet: add one on the project's page first"),
                               field="indication")
    raise ValidationFailed(_("choose one of the project's indications: %(known)s") % {"known": known},
                           field="indication")


def _stage(actor: Any, proposal: Proposal, v: dict[str, str]) -> str:
    project = find_project(v.get("project", ""))
    indication = _indication(project, v.get("indication", ""))
    if not v.get("stage"):
        raise ValidationFailed(_("choose the stage reached"), field="stage")
    event = pipeline.stage_record(
        actor=actor, project=project, indication=indication, stage=v.get("stage", ""), date=v.get("date", ""),
        approval_number=v.get("approval_number", ""), trial_id=v.get("trial_id", ""),
        document=proposal.document.source, reason=v.get("reason", ""),
    )
    cite(actor, event, proposal)
    return f"stage:{event.pk}"


def _target(actor: Any, proposal: Proposal, v: dict[str, str]) -> str:
    park = find_record("park", v.get("park", ""), "park")
    data = {name: v.get(name, "") for name in
            ("indicator", "start_year", "end_year", "target_value", "unit", "qualifier", "source_note")}
    target = metrics.target_create(actor=actor, data={**data, "park": str(park.pk)})
    cite(actor, target, proposal)
    return f"target:{target.pk}"


def find_entity(text: str, field_name: str) -> models.Model:
    """A registry record of any type a relation links: "park:3" names its type; a bare id or name is read
    as an organisation first, then as a park."""
    text = (text or "").strip()
    type_name = text.split(":", 1)[0]
    if type_name in ENTITY_TYPES and ":" in text:
        return find_record(type_name, text, field_name)
    try:
        return find_record("organisation", text, field_name)
    except ValidationFailed as first:
        try:
            return find_record("park", text, field_name)
        except ValidationFailed:
            raise first from None


def _relation(actor: Any, proposal: Proposal, v: dict[str, str]) -> str:
    subject = find_entity(v.get("subject", ""), "subject")
    predicate = v.get("predicate", "")
    if predicate not in Relation.Predicate.values:
        raise ValidationFailed(_("choose the relation from the list"), field="predicate")
    obj = find_entity(v.get("object", ""), "object")
    relation = registry.relation_create(actor=actor, subject=subject, predicate=predicate, obj=obj,
                                        note=v.get("note", "").strip())
    cite(actor, relation, proposal)
    return f"relation:{relation.pk}"


WRITES: dict[str, Callable[[Any, Proposal, dict[str, str]], str]] = {
    "event": _event, "project": _project, "stage": _stage, "target": _target, "relation": _relation}


def apply(*, actor: Any, proposal: Proposal, values: dict[str, str]) -> str:
    """Write what accepting the proposal means; "<type>:<id>" of the record made."""
    return WRITES[proposal.type](actor, proposal, {k: text_of(v) for k, v in values.items()})
