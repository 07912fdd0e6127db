"""Writes of the service desk: the catalogue, requests and their transitions, comments, attachments,
assignment and rating. Atomic, checked against the policy, recorded in the history, and every state change
is announced by e-mail once the transaction commits."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import Profile, Role
from biopark.core import formatting, mail
from biopark.core.audit import diff, record_change, snapshot
from biopark.core.errors import Conflict, PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.core.text import han_bigrams, search_blob
from biopark.core.writes import Editable, apply_changes, clean_names, one_of, optional_key
from biopark.ecosystem.models import STAGE_CODES, STAGES, Organisation, Park, Platform
from biopark.pipeline.models import Project
from biopark.services import files
from biopark.services.models import (
    Attachment,
    Category,
    PriceModel,
    RequestEvent,
    Service,
    ServiceRequest,
    State,
    state_label,
)
from biopark.services.rules import ADMIN, OPERATOR, PROVIDER, REQUESTER, TRANSITIONS, parties

SERVICE_FIELDS = [
    "key",
    "name_zh",
    "name_en",
    "aliases",
    "category",
    "stages",
    "description_zh",
    "description_en",
    "price_model",
    "price_amount",
    "currency",
    "target_days",
    "active",
]


_user = policy.user_of


def _label(user: Any) -> str:
    return user.get_username()[:150] if getattr(user, "is_authenticated", False) else "system"


def _auth_user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


# --- catalogue --------------------------------------------------------------------------------


def _stages(value: Any, name: str) -> list[str]:
    stages = list(value or [])
    bad = [s for s in stages if s not in STAGE_CODES]
    if bad:
        raise ValidationFailed(
            _("unknown stage %(value)s; known stages: %(known)s")
            % {"value": repr(bad[0]), "known": ", ".join(str(label) for _code, label in STAGES)}, field=name
        )
    return list(dict.fromkeys(stages))


def _price(value: Any, name: str) -> Decimal | None:
    try:
        amount = None if value in (None, "") else Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationFailed(
            _("the price must be a decimal number, got %(value)s") % {"value": repr(value)}, field=name
        ) from exc
    if amount is not None and (not amount.is_finite() or amount < 0):
        raise ValidationFailed(_("the price must be 0 or more"), field=name)
    return amount


def _currency(value: Any, name: str) -> str:
    code = (value or "").upper()
    if code and code not in ("CNY", "USD", "EUR"):
        raise ValidationFailed(_("unknown currency %(value)s (CNY, USD or EUR)") % {"value": repr(value)}, field=name)
    return code


def _target_days(value: Any, name: str) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("the target time must be a whole number of days"), field=name) from exc
    if not 1 <= days <= 3650:
        raise ValidationFailed(_("the target time must be between 1 and 3650 days"), field=name)
    return days


def _check_service(service: Service) -> None:
    if not (service.name_zh or service.name_en):
        raise ValidationFailed(_("a Chinese or an English name is required"), field="name_zh")
    if service.price_amount is not None and not service.currency:
        raise ValidationFailed(_("a price needs its currency"), field="currency")
    if service.key and Service.objects.filter(key=service.key).exclude(pk=service.pk).exists():
        raise ValidationFailed(_("the key %(key)s is taken") % {"key": repr(service.key)}, field="key")
    service.search_text = search_blob(service.name_zh, service.name_en, aliases=service.aliases)
    service.search_grams = han_bigrams(service.search_text)


SERVICE_EDITABLE = Editable(
    fields=SERVICE_FIELDS,
    convert={
        "category": one_of(Category, gettext_lazy("category")),
        "price_model": one_of(PriceModel, gettext_lazy("price model")),
        "stages": _stages, "aliases": clean_names, "price_amount": _price, "currency": _currency,
        "target_days": _target_days, "active": lambda value, name: bool(value), "key": optional_key,
    },
    check=_check_service,
)


@transaction.atomic
def service_create(
    *,
    actor: Any,
    data: Mapping[str, Any],
    provider_organisation: Organisation | None = None,
    provider_platform: Platform | None = None,
) -> Service:
    policy.require(actor, policy.CREATE, Service)
    if provider_organisation is None and provider_platform is None:
        raise ValidationFailed(_("a service needs a provider: an organisation or a platform"), field="provider")
    service = Service(provider_organisation=provider_organisation, provider_platform=provider_platform)
    service.park_id = (provider_platform.park_id if provider_platform else None) or (
        provider_organisation.park_id if provider_organisation else None
    )
    if "category" not in data:
        raise ValidationFailed(_("a service needs a category"), field="category")
    SERVICE_EDITABLE.apply(service, data)
    policy.require(actor, policy.CREATE, service)
    service.save()
    record_change(
        actor=_user(actor),
        obj=service,
        action=ChangeRecord.CREATE,
        changes=diff({}, snapshot(service, SERVICE_FIELDS)),
    )
    return service


def service_update(
    *, actor: Any, service: Service, data: Mapping[str, Any], expected_version: int | None = None
) -> Service:
    apply_changes(
        actor=actor, instance=service, data=data, editable=SERVICE_EDITABLE, audited=SERVICE_FIELDS,
        expected_version=expected_version,
    )
    return service


# --- requests -------------------------------------------------------------------------------


def recipient_users(request: ServiceRequest) -> list[Any]:
    """Who hears of a state change: the requester, the assignee and the provider's members (once each)."""
    users: list[Any] = [request.requester, request.assignee]
    if request.provider_organisation_id:
        users.extend(
            p.user
            for p in Profile.objects.filter(organisation_id=request.provider_organisation_id).select_related(
                "user__profile"
            )
        )
    out: list[Any] = []
    for user in users:
        email = getattr(user, "email", "") if user is not None else ""
        if email and email not in [u.email for u in out]:
            out.append(user)
    return out


def recipients(request: ServiceRequest) -> list[str]:
    """The addresses of recipient_users."""
    return [user.email for user in recipient_users(request)]


def _notify_text(request: ServiceRequest, from_state: str, to_state: str, note: str) -> tuple[str, str]:
    """(subject, body) in the active language: states by their labels, the due date formatted."""
    frm, to_label = state_label(from_state) if from_state else _("new"), state_label(to_state)
    subject = (
        _("[BioPark] request #%(id)s %(from)s → %(to)s: %(title)s")
        % {"id": request.pk, "from": frm, "to": to_label, "title": request.title}
    )[:200]
    lines = [_("Service request #%(id)s (%(service)s) is now %(to)s.") % {
        "id": request.pk, "service": request.service, "to": to_label}]
    if from_state:
        lines.append(_("It was %(from)s.") % {"from": frm})
    if note:
        lines.append(_("Note: %(note)s") % {"note": note})
    if request.due_on:
        lines.append(_("Due: %(date)s") % {"date": formatting.format_date(request.due_on, get_language())})
    return subject, "\n".join(lines) + "\n"


def _notify(request: ServiceRequest, from_state: str, to_state: str, note: str) -> None:
    users = recipient_users(request)
    if not users:
        return
    # Each recipient reads the message in their own language (biopark.core.mail).
    transaction.on_commit(lambda: mail.send_to_users(
        users, lambda _user: _notify_text(request, from_state, to_state, note)))


def _event(
    request: ServiceRequest, *, actor: Any, kind: str, frm: str = "", to: str = "", text: str = ""
) -> None:
    user = _user(actor)
    RequestEvent.objects.create(
        request=request,
        kind=kind,
        from_state=frm,
        to_state=to,
        text=text,
        actor=_auth_user(user),
        actor_label=_label(user),
    )


@transaction.atomic
def request_submit(
    *,
    actor: Any,
    service: Service,
    title: str,
    details: str = "",
    project: Project | None = None,
    attachment: tuple[str, bytes] | None = None,
    now: dt.datetime | None = None,
) -> ServiceRequest:
    """An enterprise member asks for a service, optionally for one of its organisation's projects and with a
    file (name, content) attached; a file that fails its checks refuses the whole request."""
    actor_ = policy.actor_for(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("a request needs a title"), field="title")
    if attachment is not None:
        files.check(os.path.basename((attachment[0] or "").replace("\\", "/")).strip(), attachment[1])
    if not service.active:
        raise ValidationFailed(_("this service is not offered any more"), field="service")
    if not actor_.organisation_id:
        policy.require(actor, policy.CREATE, ServiceRequest)
        raise ValidationFailed(_("your account is not attached to an organisation"), field="organisation")
    requester_org = Organisation.objects.get(pk=actor_.organisation_id)
    if project is not None and project.organisation_id != requester_org.pk:
        raise ValidationFailed(_("the project must belong to your organisation"), field="project")
    now = now or timezone.now()
    request = ServiceRequest(
        service=service,
        project=project,
        requester=_auth_user(_user(actor)),
        requester_organisation=requester_org,
        provider_organisation_id=service.provider_org_id,
        park_id=requester_org.park_id or service.park_id,
        title=title[:300],
        details=(details or "").strip(),
        state=State.SUBMITTED,
        submitted_at=now,
        due_on=timezone.localtime(now).date() + dt.timedelta(days=service.target_days),
    )
    policy.require(actor, policy.CREATE, request)
    request.save()
    _event(request, actor=actor, kind="state", to=State.SUBMITTED)
    record_change(
        actor=_user(actor),
        obj=request,
        action=ChangeRecord.CREATE,
        changes={"state": [None, State.SUBMITTED], "service": [None, service.pk]},
    )
    if attachment is not None:
        attachment_add(actor=actor, request=request, name=attachment[0], content=attachment[1])
    _notify(request, "", State.SUBMITTED, "")
    return request


_STAMP = {
    State.ACCEPTED: "accepted_at",
    State.IN_PROGRESS: "started_at",
    State.DELIVERED: "delivered_at",
    State.CLOSED: "ended_at",
    State.REJECTED: "ended_at",
    State.CANCELLED: "ended_at",
    State.WITHDRAWN: "ended_at",
}


@transaction.atomic
def request_transition(
    *,
    actor: Any,
    request: ServiceRequest,
    to_state: str,
    reason: str = "",
    rating: int | None = None,
    now: dt.datetime | None = None,
) -> ServiceRequest:
    """Move a request to another state, if the transition policy allows this actor to."""
    locked = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    decision = TRANSITIONS.check(actor, locked, to_state, reason=reason)
    if not decision:
        if to_state not in State.values:
            raise ValidationFailed(decision.reason, field="state")
        hats = parties(policy.actor_for(actor), locked)
        if (locked.state, to_state) in TRANSITIONS.steps and hats & TRANSITIONS.steps[
            (locked.state, to_state)
        ].allowed:
            raise ValidationFailed(decision.reason, field="reason")
        if (locked.state, to_state) not in TRANSITIONS.steps:
            raise Conflict(decision.reason, field="state")
        policy.require(actor, policy.VIEW, locked)
        raise PermissionRefused(decision.reason)
    if rating is not None:
        if to_state != State.CLOSED:
            raise ValidationFailed(_("a rating is given when the request is closed"), field="rating")
        _check_rating(rating)
    now = now or timezone.now()
    frm = locked.state
    before = snapshot(locked, ["state", "rating"])
    locked.state = to_state
    if to_state == State.IN_PROGRESS:
        locked.started_at = locked.started_at or now
        locked.delivered_at = None  # sent back after delivery: delivered again later
    else:
        setattr(locked, _STAMP[State(to_state)], now)
    if rating is not None:
        locked.rating = rating
    locked.save()
    _event(locked, actor=actor, kind="state", frm=frm, to=to_state, text=reason.strip())
    record_change(
        actor=_user(actor),
        obj=locked,
        action=ChangeRecord.UPDATE,
        changes=diff(before, snapshot(locked, ["state", "rating"])),
        note=reason.strip(),
    )
    _notify(locked, frm, to_state, reason.strip())
    request.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


def _check_rating(rating: Any) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed(_("the rating is a whole number from 1 to 5"), field="rating")
    return rating


@transaction.atomic
def request_rate(*, actor: Any, request: ServiceRequest, rating: int, comment: str = "") -> ServiceRequest:
    hats = parties(policy.actor_for(actor), request)
    if REQUESTER not in hats and ADMIN not in hats:
        raise PermissionRefused(_("only the requesting enterprise rates the service"))
    if request.state not in (State.DELIVERED, State.CLOSED):
        raise ValidationFailed(_("a request is rated once it is delivered"), field="rating")
    _check_rating(rating)
    before = snapshot(request, ["rating", "rating_comment"])
    request.rating, request.rating_comment = rating, (comment or "").strip()[:500]
    request.save(update_fields=["rating", "rating_comment"])
    record_change(
        actor=_user(actor),
        obj=request,
        action=ChangeRecord.UPDATE,
        changes=diff(before, snapshot(request, ["rating", "rating_comment"])),
    )
    return request


@transaction.atomic
def request_comment(*, actor: Any, request: ServiceRequest, text: str) -> RequestEvent:
    policy.require(actor, policy.CHANGE, request)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("the comment is empty"), field="text")
    user = _user(actor)
    return RequestEvent.objects.create(
        request=request, kind="comment", text=text[:5000], actor=_auth_user(user), actor_label=_label(user)
    )


@transaction.atomic
def request_assign(*, actor: Any, request: ServiceRequest, assignee: Any) -> ServiceRequest:
    hats = parties(policy.actor_for(actor), request)
    if not hats & {ADMIN, OPERATOR, PROVIDER}:
        raise PermissionRefused(_("only the provider, the park operator or an administrator assigns a request"))
    if not request.is_open:
        raise ValidationFailed(_("a request in state %(state)s cannot be reassigned") % {"state": request.get_state_display()}, field="assignee")
    if assignee is not None and assignee.pk not in {u.pk for u in assignable_users(request)}:
        raise ValidationFailed(
            _("the assignee must be an account of the provider or an operator of the request's park"),
            field="assignee",
        )
    before = snapshot(request, ["assignee_id"])
    request.assignee = assignee
    request.save(update_fields=["assignee"])
    changes = diff(before, snapshot(request, ["assignee_id"]))
    if changes:
        _event(
            request,
            actor=actor,
            kind="assign",  # shown as "assigned to …" in the reader's language
            text=assignee.get_username() if assignee else "",
        )
        record_change(actor=_user(actor), obj=request, action=ChangeRecord.UPDATE, changes=changes)
    return request


@transaction.atomic
def attachment_add(*, actor: Any, request: ServiceRequest, name: str, content: bytes) -> Attachment:
    """Store a checked file (size, extension, first bytes) under MEDIA_ROOT for this request."""
    policy.require(actor, policy.CHANGE, request)
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    kind = files.check(base, content)
    user = _user(actor)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in base)[-120:]
    attachment = Attachment(
        request=request, original_name=base[:255], size=len(content), kind=kind, uploaded_by=_auth_user(user)
    )
    attachment.file.save(safe, ContentFile(content), save=False)
    attachment.save()
    _event(request, actor=actor, kind="file", text=base[:255])
    return attachment


def _park_and_ancestors(park_id: int | None) -> list[int]:
    """The request's park and the parks it is nested in: their operators' scope covers the request."""
    found: list[int] = []
    parents = dict(Park.objects.values_list("id", "parent_id")) if park_id else {}
    current = park_id
    while current is not None and current not in found:
        found.append(current)
        current = parents.get(current)
    return found


def assignable_users(request: ServiceRequest) -> list[Any]:
    """Who may take a request: the accounts of the provider (the organisation, or the platform's operator),
    and the operators of the request's park, who run the desk and may take a request themselves when the
    provider has no account on the platform yet."""
    user_model = get_user_model()
    condition = Q(pk__in=[])
    if request.provider_organisation_id:
        condition |= Q(profile__organisation_id=request.provider_organisation_id)
    parks = _park_and_ancestors(request.park_id)
    if parks:
        condition |= Q(profile__role=Role.OPERATOR, profile__park_id__in=parks)
    return list(user_model.objects.filter(condition, is_active=True).select_related("profile").order_by("username"))


# --- training requests (called by the facilities pages) ----------------------------------------

TRAINING_KEY = "service:training-platform-{pk}"


def _training_service(platform: Platform) -> Service:
    """The platform's training service: an active one of the talent category it offers, else the one made for
    training requests (created once, by the system, so that a qualification can always be asked for)."""
    offered = (
        Service.objects.filter(provider_platform=platform, active=True, category=Category.TALENT)
        .order_by("id")
        .first()
    )
    if offered is not None:
        return offered
    key = TRAINING_KEY.format(pk=platform.pk)
    found = Service.objects.filter(key=key).first()
    if found is not None:
        if not found.active:
            raise ValidationFailed(_("this platform does not offer training requests any more"), field="platform")
        return found
    return service_create(
        actor=policy.SYSTEM,
        provider_platform=platform,
        provider_organisation=platform.operator,
        data={
            "key": key,
            "name_zh": f"{platform.name_zh or platform.name_en}仪器培训",
            "name_en": f"{platform.name_en or platform.name_zh} instrument training",
            "category": Category.TALENT,
            "price_model": PriceModel.FREE,
            "target_days": 10,
        },
    )


@transaction.atomic
def training_request_create(*, actor: Any, resource_name: str, platform_id: int, note: str = "") -> ServiceRequest:
    """Ask a platform for the training a resource's qualification needs: a service request to the platform,
    titled after the resource, that its staff answer on the service desk like any other request."""
    resource_name = (resource_name or "").strip()
    if not resource_name:
        raise ValidationFailed(_("name the resource the training is for"), field="resource_name")
    platform = Platform.objects.filter(pk=platform_id).select_related("operator").first()
    if platform is None:
        raise ValidationFailed(_("No such platform"), field="platform")
    policy.require(actor, policy.CREATE, ServiceRequest)
    service = _training_service(platform)
    title = _("Training request: %(resource)s") % {"resource": resource_name}
    return request_submit(actor=actor, service=service, title=title[:300], details=(note or "").strip())
