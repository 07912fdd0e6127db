"""The project form: what the page shows for each field, what a posted form means for the services, and
records chosen by name (organisations, partners, team members, parks) resolved to the one they name.

Validation of the values themselves stays in `biopark.pipeline.services`; here only what a person typed is
turned into records, and every name that names nothing (or several things) is reported against its field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.ecosystem.models import Organisation, Park, Person
from biopark.ecosystem.selectors import search, visible
from biopark.pipeline.models import Modality, Project, Visibility
from biopark.pipeline.vocabulary import area_choices, area_label, area_term

TEAM_ROWS = 3  # blank rows offered for new team members or partners
WHAT = {"organisation": Organisation, "park": Park, "person": Person}


def _what(model: type[models.Model]) -> str:
    labels: dict[type[models.Model], str] = {Organisation: _("organisation"), Park: _("park"), Person: _("person")}
    return labels[model]


def resolve(model: type[models.Model], user: Any, name: str, *, scope: Q | None = None) -> models.Model:
    """The one visible record called `name` (Chinese or English name, alias, any case), else the one the
    registry's search finds for it; a ValueError says what is wrong in the reader's language."""
    name = " ".join((name or "").split())
    qs = visible(model, user)
    if scope is not None:
        qs = qs.filter(scope)
    exact = list(
        qs.filter(Q(name_zh__iexact=name) | Q(name_en__iexact=name) | Q(aliases__icontains=name))[:20]
    )
    # An alias matched by substring only counts when it is the whole alias.
    exact = [r for r in exact if name.lower() in {str(v).lower() for v in (r.name_zh, r.name_en, *r.aliases)}]
    found = exact or list(search(qs, name)[:2])
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValueError(_("no %(what)s called %(name)s; choose one from the suggestions")
                         % {"what": _what(model), "name": name})
    raise ValueError(_("several records match %(name)s; type the full name of the %(what)s")
                     % {"what": _what(model), "name": name})


def suggestions(model: type[models.Model], user: Any, q: str, limit: int = 10) -> list[models.Model]:
    """Records whose names match what was typed so far (any language, pinyin, alias), for a datalist."""
    if len((q or "").strip()) < 1:
        return []
    return list(search(visible(model, user), q).order_by("id")[:limit])


@dataclass
class ProjectForm:
    """A project form's values (as typed) and errors by field."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    team: list[tuple[str, str]] = field(default_factory=list)  # (person name, role)
    partners: list[str] = field(default_factory=list)


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.replace("；", ";").replace("，", ";").replace(",", ";").split(";") if t.strip()]


def initial(project: Project | None) -> ProjectForm:
    if project is None:
        return ProjectForm(values={"modality": "", "visibility": Visibility.PRIVATE, "areas": [], "other_areas": ""})
    known = [a for a in project.therapeutic_areas if area_term(a)]
    other = [a for a in project.therapeutic_areas if not area_term(a)]
    roles = project.team_roles or {}
    return ProjectForm(
        values={
            "name_zh": project.name_zh, "name_en": project.name_en, "aliases": "; ".join(project.aliases),
            "modality": project.modality, "visibility": project.visibility, "targets": "; ".join(project.targets),
            "areas": [t.code for t in map(area_term, known) if t is not None], "other_areas": "; ".join(other),
            "description_zh": project.description_zh, "description_en": project.description_en,
            "organisation": project.organisation.display_name,
        },
        team=[(p.display_name, roles.get(str(p.pk), "")) for p in project.team.all()],
        partners=[o.display_name for o in project.partners.all()],
    )


def from_post(post: QueryDict) -> ProjectForm:
    names, roles = post.getlist("team_name"), post.getlist("team_role")
    team = [(n.strip(), (roles[i] if i < len(roles) else "").strip()) for i, n in enumerate(names)]
    return ProjectForm(
        values={
            "name_zh": post.get("name_zh", "").strip(), "name_en": post.get("name_en", "").strip(),
            "aliases": post.get("aliases", ""), "modality": post.get("modality", ""),
            "visibility": post.get("visibility", ""), "targets": post.get("targets", ""),
            "areas": post.getlist("areas"), "other_areas": post.get("other_areas", ""),
            "description_zh": post.get("description_zh", ""), "description_en": post.get("description_en", ""),
            "organisation": post.get("organisation", "").strip(), "indications": post.get("indications", ""),
        },
        team=[t for t in team if t[0] or t[1]],
        partners=[p.strip() for p in post.getlist("partner") if p.strip()],
    )


def service_data(form: ProjectForm) -> dict[str, Any]:
    """The form's values as the services' data (codes for choices; lists for lists)."""
    v = form.values
    areas = [a for a in v.get("areas", []) if a in dict(area_choices())] + _split(v.get("other_areas", ""))
    if v.get("modality") == "":
        form.errors.setdefault("modality", _("choose a modality"))
    return {
        "name_zh": v.get("name_zh", ""), "name_en": v.get("name_en", ""), "aliases": _split(v.get("aliases", "")),
        "modality": v.get("modality", ""), "visibility": v.get("visibility", ""),
        "targets": _split(v.get("targets", "")), "therapeutic_areas": areas,
        "description_zh": v.get("description_zh", "").strip(), "description_en": v.get("description_en", "").strip(),
    }


def indications_of(form: ProjectForm) -> list[dict[str, str]]:
    """One indication per line of the box; Han characters make it the Chinese name, else the English one."""
    from biopark.core.text import has_han

    out = []
    for line in str(form.values.get("indications", "")).splitlines():
        name = line.strip()
        if name:
            out.append({"name_zh": name} if has_han(name) else {"name_en": name})
    return out


def organisation_choice(form: ProjectForm, user: Any) -> Organisation | None:
    """The project's organisation: an enterprise member's own; for operators and administrators, the one named."""
    actor = policy.actor_for(user)
    if actor.role in (Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER):
        return Organisation.objects.filter(pk=actor.organisation_id or 0).first()
    name = form.values.get("organisation", "")
    if not name:
        form.errors["organisation"] = _("choose the organisation the project belongs to")
        return None
    scope = None if actor.is_admin else Q(park_id__in=actor.park_scope)
    try:
        return resolve(Organisation, user, name, scope=scope)  # type: ignore[return-value]
    except ValueError as exc:
        form.errors["organisation"] = str(exc)
        return None


def people_and_roles(form: ProjectForm, user: Any) -> tuple[list[Person], dict[int, str]]:
    people: list[Person] = []
    roles: dict[int, str] = {}
    problems = []
    for name, role in form.team:
        if not name:
            problems.append(_("a role needs the person's name"))
            continue
        try:
            person = resolve(Person, user, name)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if person not in people:
            people.append(person)  # type: ignore[arg-type]
            roles[person.pk] = role
    if problems:
        form.errors["team"] = "; ".join(problems)
    return people, roles


def partner_list(form: ProjectForm, user: Any) -> list[Organisation]:
    found: list[Organisation] = []
    problems = []
    for name in form.partners:
        try:
            org = resolve(Organisation, user, name)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if org not in found:
            found.append(org)  # type: ignore[arg-type]
    if problems:
        form.errors["partners"] = "; ".join(problems)
    return found


def choices() -> dict[str, Any]:
    return {
        "modalities": [("", _("Choose a modality…")), *Modality.choices],
        "visibilities": list(Visibility.choices),
        "areas": area_choices(),
    }


def areas_shown(codes: list[str]) -> list[str]:
    return [area_label(c) for c in codes]
