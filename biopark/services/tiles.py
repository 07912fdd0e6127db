"""The service desk's home tiles: the operator's queue (overdue first), an enterprise's requests awaiting it
and the services that fit its projects' stages; and the overdue requests as an alert."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from biopark.core import tiles
from biopark.core.demo_texts import shown
from biopark.core.formatting import format_date
from biopark.core.policy import Actor
from biopark.core.roles import Role
from biopark.pipeline.models import Project
from biopark.services import selectors
from biopark.services.models import OPEN_STATES, Category, ServiceRequest, State

OPERATORS = frozenset({Role.OPERATOR.value, Role.ADMIN.value})
MEMBERS = frozenset({Role.ENTERPRISE_MEMBER.value})
LIST_LENGTH = 5
# The queue is stale after a write to a request or to the name of a requesting organisation (Tile.reads).
QUEUE_READS = frozenset({"services.servicerequest", "ecosystem.organisation"})


def queue(actor: Actor) -> tiles.TileData:
    """Open requests the actor may see, the overdue ones first (earliest due date first)."""
    today = timezone.localdate()
    open_qs = selectors.visible_requests(actor).filter(state__in=OPEN_STATES)
    # The open and the overdue requests counted in one pass over the open ones.
    counts = open_qs.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    overdue = counts["overdue"]
    # The ids first (a sort over narrow rows), then the few rows with their organisation.
    ids = list(open_qs.order_by(F("due_on").asc(nulls_last=True), "submitted_at", "id")
               .values_list("id", flat=True)[:LIST_LENGTH])
    rows = {r.pk: r for r in ServiceRequest.objects.filter(pk__in=ids).select_related("requester_organisation")}
    listed = [rows[pk] for pk in ids]
    lang = get_language()
    items = []
    for r in listed:
        late = r.due_on is not None and r.due_on < today
        due = format_date(r.due_on, lang) if r.due_on else ""
        detail = _("overdue since %(day)s") % {"day": due} if late else (_("due %(day)s") % {"day": due} if due else "")
        items.append(tiles.TileItem(label=f"#{r.pk} {shown(r.title)}", href=f"/services/requests/{r.pk}/",
                                    detail=f"{r.requester_organisation.display_name} · {detail}".strip(" ·"),
                                    status="overdue" if late else r.state))
    return tiles.TileData(
        value=tiles.count_text(counts["open"], lang),
        value_label=_("open requests"),
        href="/services/requests/?state=open",
        items=items,
        empty_text=_("The queue is empty."),
        extra={"overdue": overdue, "overdue_href": "/services/requests/?overdue=1"},
    )


def awaiting_me(actor: Actor) -> tiles.TileData | None:
    """Requests of my organisation delivered by the provider: confirm, rate, or send back."""
    if not actor.organisation_id:
        return None
    qs = selectors.visible_requests(actor).filter(
        requester_organisation_id=actor.organisation_id, state=State.DELIVERED
    )
    listed = list(qs.select_related("service").order_by("delivered_at", "id")[:LIST_LENGTH])
    return tiles.TileData(
        value=tiles.count_text(qs.count()),
        value_label=_("delivered requests to confirm"),
        href="/services/requests/?state=delivered",
        items=[tiles.TileItem(label=f"#{r.pk} {shown(r.title)}", href=f"/services/requests/{r.pk}/",
                              detail=r.service.display_name, status=r.state) for r in listed],
        empty_text=_("No request is waiting for you."),
    )


def fitting_services(actor: Actor) -> tiles.TileData | None:
    """Services offered for the stages my organisation's projects are at, one line per stage."""
    if not actor.organisation_id:
        return None
    projects = list(Project.objects.filter(organisation_id=actor.organisation_id)
                    .only("id", "highest_stage", "park_id")[:200])
    if not projects:
        return None
    stages = sorted({selectors.project_stage(p) for p in projects})
    services = selectors.catalogue()  # one query; the stage lists are matched in Python as the catalogue does
    items = []
    total = 0
    for stage in stages:
        fit = [s for s in services if stage in s.stages]
        total += len(fit)
        for s in fit[:2]:
            items.append(tiles.TileItem(label=s.display_name, href=f"/services/{s.pk}/",
                                        detail=str(dict(Category.choices).get(s.category, s.category))))
    first = stages[0] if stages else ""
    return tiles.TileData(
        value=tiles.count_text(total),
        value_label=_("services for your projects' stages"),
        href=f"/services/?stage={first}" if first else "/services/",
        items=items[:LIST_LENGTH],
        empty_text=_("No service is offered for your projects' stages yet."),
    )


def overdue_alert(actor: Actor) -> list[tiles.TileItem]:
    n = selectors.visible_requests(actor).filter(state__in=OPEN_STATES, due_on__lt=timezone.localdate()).count()
    if not n:
        return []
    return [tiles.TileItem(label=_("%(n)s service requests overdue") % {"n": tiles.count_text(n)},
                           href="/services/requests/?overdue=1", status="overdue")]


def register() -> None:
    tiles.register_tile(tiles.Tile("services.queue", gettext_lazy("Service desk queue"), OPERATORS, queue, order=30,
                                   cache_seconds=60, reads=QUEUE_READS))
    tiles.register_tile(tiles.Tile("services.awaiting", gettext_lazy("Requests awaiting me"), MEMBERS, awaiting_me,
                                   order=30))
    tiles.register_tile(tiles.Tile("services.fit", gettext_lazy("Services for my projects"), MEMBERS,
                                   fitting_services, order=40))
    tiles.register_alert(tiles.AlertSource("services.overdue", OPERATORS, overdue_alert, order=20))
