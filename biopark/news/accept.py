"""Accepting one proposal: the form a reviewer sees for each record type, and the registry service that
accepting it calls. Organisations, people, positions, agreements and figures become registry records (or
aliases of existing ones); events, projects, stages, targets and relations are written by accept_kinds.py
through their own apps' services. Every record made or changed cites the document's passage."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.core.errors import ValidationFailed
from biopark.core.text import has_han
from biopark.deals import services as deals
from biopark.deals.models import Agreement, AgreementParty
from biopark.ecosystem import services as registry
from biopark.ecosystem.models import CURRENCIES as REGISTRY_CURRENCIES
from biopark.ecosystem.models import Figure, Park
from biopark.news import accept_kinds
from biopark.news.accept_base import Field
from biopark.news.accept_base import cite as _cite
from biopark.news.accept_base import find_record as _find
from biopark.news.accept_base import nearest_subject as _nearest_subject
from biopark.news.accept_base import split_name as _split_name
from biopark.news.accept_base import text_of as _s
from biopark.news.models import Proposal

ACCEPTED_TYPES = ("organisation", "person", "position", "agreement", "figure")
# Types no form writes yet (a future extractor type) are accepted as a reviewed note on the document.
NOTE_TYPES: tuple[str, ...] = ()
TYPE_LABELS = {
    "organisation": gettext_lazy("organisation"), "person": gettext_lazy("person"),
    "position": gettext_lazy("position"), "agreement": gettext_lazy("agreement"),
    "figure": gettext_lazy("figure"), "event": gettext_lazy("event"), "project": gettext_lazy("project"),
    "stage": gettext_lazy("stage"), "target": gettext_lazy("target"), "relation": gettext_lazy("relation"),
}
QUALIFIERS = [("", gettext_lazy("exactly")), ("about", gettext_lazy("about")),
              ("more_than", gettext_lazy("more than")), ("at_least", gettext_lazy("at least")),
              ("nearly", gettext_lazy("nearly")), ("up_to", gettext_lazy("up to"))]
CURRENCIES = [("", "—"), *REGISTRY_CURRENCIES]
YES_NO = [("yes", gettext_lazy("yes")), ("no", gettext_lazy("no"))]


def headline(proposal: Proposal) -> str:
    """The words of the document a proposal is about (a name, a title, an amount as written)."""
    f = proposal.fields
    if proposal.type == "agreement":
        return "、".join(str(p.get("name") or "") for p in f.get("parties") or [] if isinstance(p, dict))
    if proposal.type == "position":
        return " · ".join(str(f.get(k) or "") for k in ("person", "title", "organisation") if f.get(k))
    if proposal.type == "relation":
        return " · ".join(str(f[k].get("name") or "") for k in ("subject", "object") if isinstance(f.get(k), dict))
    if proposal.type == "event":
        return "、".join(str(p.get("name") or "") for p in f.get("participants") or [] if isinstance(p, dict))
    return str(f.get("name") or f.get("title") or f.get("text") or f.get("stage") or "")


def summary(proposal: Proposal) -> str:
    return f"{TYPE_LABELS.get(proposal.type, proposal.type)} {headline(proposal)}".strip()


def form_values(proposal: Proposal, neighbours: list[Proposal] | None = None) -> dict[str, str]:
    """The values the review form starts with (what accepting as proposed uses)."""
    f = proposal.fields
    t = proposal.type
    if t in ("organisation", "person"):
        name = f.get("name") or ""
        zh, en = f.get("name_zh") or "", f.get("name_en") or ""
        if not (zh or en):
            zh, en = _split_name(name)
        values = {"name_zh": _s(zh), "name_en": _s(en), "existing": proposal.match,
                  "alias": _s(f.get("proposed_alias") or (name if proposal.match else ""))}
        if t == "organisation":
            values["in_park"] = "yes" if proposal.document.park_id else "no"
        return values
    if t == "position":
        title = _s(f.get("title"))
        zh, en = _split_name(title)
        return {"person": _s(f.get("person_match") or f.get("person")),
                "organisation": _s(f.get("organisation_match") or f.get("organisation")),
                "title_zh": zh, "title_en": en}
    if t == "agreement":
        parties = f.get("parties") or []
        names = [_s(p.get("match") or p.get("name")) for p in parties if isinstance(p, dict)]
        kind = f.get("kind") if f.get("kind") in Agreement.Kind.values else Agreement.Kind.COOPERATION
        plain = [_s(p.get("name")) for p in parties if isinstance(p, dict)]
        title = "、".join(plain) + "合作协议" if has_han(proposal.document.text[:200]) else \
            " – ".join(plain) + " agreement"
        date = _s(f.get("date"))
        return {"title_zh": title if has_han(title) else "", "title_en": "" if has_han(title) else title,
                "kind": kind, "parties": "\n".join(names), "amount": _s(f.get("amount")),
                "currency": _s(f.get("currency")), "signed_on": "" if date.startswith("-") else date}
    if t == "figure":
        if neighbours is None:
            neighbours = list(proposal.document.proposals.filter(type="organisation").order_by("span_start"))
        text = _s(f.get("text"))
        zh, en = _split_name(text)
        kind = Figure.Kind.INVESTMENT if f.get("currency") else Figure.Kind.COUNT
        return {"subject": _s(f.get("subject")) or _nearest_subject(proposal, neighbours), "kind": kind,
                "amount": _s(f.get("amount")), "currency": _s(f.get("currency")), "unit": _s(f.get("unit")),
                "qualifier": _s(f.get("qualifier")), "label_zh": zh, "label_en": en, "as_of": ""}
    if t in accept_kinds.KINDS:
        return accept_kinds.form_values(proposal, neighbours)
    return {"note": _s(f.get("text") or f.get("name") or f.get("stage") or "")}


def form_fields(proposal: Proposal, values: dict[str, str] | None = None,
                neighbours: list[Proposal] | None = None, memo: dict[str, Any] | None = None) -> list[Field]:
    """The review form of a proposal: labelled fields with the given (or proposed) values. `memo` keeps
    what every form of a page shares (the indicators a target may use) to one query."""
    v = values if values is not None else form_values(proposal, neighbours)
    t = proposal.type
    if t in ("organisation", "person"):
        out = [Field("name_zh", _("name (Chinese)"), v.get("name_zh", "")),
               Field("name_en", _("name (English)"), v.get("name_en", "")),
               Field("existing", _("existing record"), v.get("existing", ""),
                     help=_("an existing record (its id, key or name) gets the name as an alias; leave empty to "
                            "create a new record")),
               Field("alias", _("alias to add"), v.get("alias", ""))]
        if t == "organisation":
            out.append(Field("in_park", _("in this document's park"), v.get("in_park", "no"), "select", YES_NO))
        return out
    if t == "position":
        return [Field("person", _("person"), v.get("person", ""), help=_("id, key or name of a registry record")),
                Field("organisation", _("organisation"), v.get("organisation", "")),
                Field("title_zh", _("title (Chinese)"), v.get("title_zh", "")),
                Field("title_en", _("title (English)"), v.get("title_en", ""))]
    if t == "agreement":
        return [Field("title_zh", _("title (Chinese)"), v.get("title_zh", "")),
                Field("title_en", _("title (English)"), v.get("title_en", "")),
                Field("kind", _("type"), v.get("kind", ""), "select", list(Agreement.Kind.choices)),
                Field("parties", _("parties"), v.get("parties", ""), "textarea",
                      help=_("one organisation per line: id, key or name of a registry record")),
                Field("amount", _("amount"), v.get("amount", "")),
                Field("currency", _("currency"), v.get("currency", ""), "select", CURRENCIES),
                Field("signed_on", _("signed on"), v.get("signed_on", ""), help=_("YYYY, YYYY-MM or YYYY-MM-DD"))]
    if t == "figure":
        return [Field("subject", _("about"), v.get("subject", ""),
                      help=_("the organisation or park the figure is about: id, key or name")),
                Field("kind", _("kind"), v.get("kind", ""), "select", list(Figure.Kind.choices)),
                Field("amount", _("amount"), v.get("amount", "")),
                Field("currency", _("currency"), v.get("currency", ""), "select", CURRENCIES),
                Field("unit", _("unit"), v.get("unit", "")),
                Field("qualifier", _("qualifier"), v.get("qualifier", ""), "select", QUALIFIERS),
                Field("label_zh", _("label (Chinese)"), v.get("label_zh", "")),
                Field("label_en", _("label (English)"), v.get("label_en", "")),
                Field("as_of", _("as of"), v.get("as_of", ""), help=_("YYYY, YYYY-MM or YYYY-MM-DD"))]
    if t in accept_kinds.KINDS:
        return accept_kinds.form_fields(proposal, v, memo)
    return [Field("note", _("note"), v.get("note", ""), "textarea")]


def _entity(actor: Any, proposal: Proposal, v: dict[str, str]) -> str:
    type_name = proposal.type
    existing = _find(type_name, v.get("existing", ""), "existing", required=False)
    names = [n.strip() for n in (v.get("name_zh", ""), v.get("name_en", "")) if n.strip()]
    if existing is not None:
        known = {existing.name_zh, existing.name_en, *(existing.aliases or [])}
        new = [n for n in [v.get("alias", "").strip(), *names] if n and n not in known]
        if new:
            aliases = {"aliases": [*(existing.aliases or []), *dict.fromkeys(new)]}
            if type_name == "organisation":
                registry.organisation_update(actor=actor, organisation=existing, data=aliases)
            else:
                registry.person_update(actor=actor, person=existing, data=aliases)
        _cite(actor, existing, proposal)
        return f"{type_name}:{existing.pk}"
    if not names:
        raise ValidationFailed(_("give a name in Chinese or English"), field="name_zh")
    data: dict[str, Any] = {"name_zh": v.get("name_zh", "").strip(), "name_en": v.get("name_en", "").strip()}
    if type_name == "organisation":
        if v.get("in_park") == "yes" and proposal.document.park_id:
            data["park"] = proposal.document.park_id
        record: models.Model = registry.organisation_create(actor=actor, data=data)
    else:
        record = registry.person_create(actor=actor, data=data)
    _cite(actor, record, proposal)
    return f"{type_name}:{record.pk}"


def _position(actor: Any, proposal: Proposal, v: dict[str, str]) -> str:
    person = _find("person", v.get("person", ""), "person")
    organisation = _find("organisation", v.get("organisation", ""), "organisation", required=False)
    position = registry.position_add(actor=actor, person=person, organisation=organisation,
                                     title_zh=v.get("title_zh", "").strip(), title_en=v.get("title_en", "").strip())
    _cite(actor, position, proposal)
    return f"position:{position.pk}"


def _agreement(actor: Any, proposal: Proposal, v: dict[str, str]) -> str:
    lines = [line.strip() for line in (v.get("parties") or "").replace("；", "\n").splitlines() if line.strip()]
    if not lines:
        raise ValidationFailed(_("name at least one party"), field="parties")
    parties = [(_find("organisation", line, "parties"), AgreementParty.Role.PARTNER) for line in lines]
    data: dict[str, Any] = {"title_zh": v.get("title_zh", ""), "title_en": v.get("title_en", ""),
                            "kind": v.get("kind", ""), "value_amount": v.get("amount", ""),
                            "value_currency": v.get("currency", ""), "signed_on": v.get("signed_on", "")}
    if proposal.document.park_id:
        data["park"] = proposal.document.park_id
    agreement = deals.agreement_create(actor=actor, data=data, parties=parties)
    _cite(actor, agreement, proposal)
    return f"agreement:{agreement.pk}"


def _figure(actor: Any, proposal: Proposal, v: dict[str, str]) -> str:
    text = (v.get("subject") or "").strip()
    subject: models.Model | None = None
    if text.startswith("park:"):
        subject = _find("park", text, "subject")
    else:
        try:
            subject = _find("organisation", text, "subject")
        except ValidationFailed:
            subject = Park.objects.filter(models.Q(name_zh=text) | models.Q(name_en=text)).first()
            if subject is None:
                raise
    figure = registry.figure_create(
        actor=actor, subject=subject, kind=v.get("kind", ""), amount=v.get("amount", ""),
        currency=v.get("currency", ""), unit=v.get("unit", ""), qualifier=v.get("qualifier", ""),
        label_zh=v.get("label_zh", ""), label_en=v.get("label_en", ""), as_of=v.get("as_of") or None,
    )
    _cite(actor, figure, proposal)
    return f"figure:{figure.pk}"


# The longest value each form field takes (the columns' lengths; a party list is checked line by line).
MAX_LENGTH = {"title_zh": 300, "title_en": 300, "name_zh": 300, "name_en": 300, "alias": 300, "unit": 50,
              "label_zh": 300, "label_en": 300, "parties": 20_000, "note": 5_000,
              "organisers": 20_000, "place_zh": 300, "place_en": 300}


def _check_lengths(proposal: Proposal, values: dict[str, str]) -> None:
    labels = {f.name: f.label for f in form_fields(proposal, values, [])}
    for name, value in values.items():
        if any(ord(c) < 32 and c not in "\t\n\r" for c in value or ""):
            raise ValidationFailed(_("%(field)s contains a control character that is not allowed")
                                   % {"field": labels.get(name, name)}, field=name)
        limit = accept_kinds.MAX_LENGTH.get((proposal.type, name)) or MAX_LENGTH.get(name, 500)
        if len(value or "") > limit:
            raise ValidationFailed(_("%(field)s is longer than %(n)d characters")
                                   % {"field": labels.get(name, name), "n": limit}, field=name)


def apply(*, actor: Any, proposal: Proposal, values: dict[str, str]) -> str:
    """Write what accepting the proposal means; returns "<type>:<id>" of the record ("" for a note)."""
    _check_lengths(proposal, values)
    if proposal.type in ("organisation", "person"):
        return _entity(actor, proposal, values)
    if proposal.type == "position":
        return _position(actor, proposal, values)
    if proposal.type == "agreement":
        return _agreement(actor, proposal, values)
    if proposal.type == "figure":
        return _figure(actor, proposal, values)
    if proposal.type in accept_kinds.KINDS:
        return accept_kinds.apply(actor=actor, proposal=proposal, values=values)
    return ""

