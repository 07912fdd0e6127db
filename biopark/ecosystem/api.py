"""REST endpoints of the registry: /api/v1/parks, /organisations, /people, /platforms, /relations."""


import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from biopark.accounts import policy
from biopark.core.errors import NotFound, PermissionRefused, ValidationFailed
from biopark.core.pagination import COUNT_CAP, Page, paginate
from biopark.core.schema_types import SafeText
from biopark.core.writes import etag_of, version_from_etag
from biopark.ecosystem import api_home, merge, selectors, services
from biopark.ecosystem.fields import MODEL_TYPE, TYPE_LABELS, TYPE_NAMES
from biopark.ecosystem.merge_schemas import MergeIn, MergeOut, MergePreviewOut
from biopark.ecosystem.models import Organisation, Park, Person, Platform, Relation
from biopark.ecosystem.schemas import (
    ChangeOut,
    CitationOut,
    OrganisationIn,
    OrganisationOut,
    ParkIn,
    ParkOut,
    PersonIn,
    PersonOut,
    PlatformIn,
    PlatformOut,
    PositionIn,
    RelationIn,
    RelationOut,
)

router = Router(tags=["registry"])


class ListFilters(Schema):
    q: SafeText | None = None
    kind: SafeText | None = None  # the kinds differ per type (people have none): checked by the selector
    park: int | None = None
    page: int = 1
    page_size: int = 50


def _get_visible(model: type, pk: int, user: Any) -> Any:
    obj = model.objects.filter(pk=pk).first()
    # A record the caller may not see answers exactly like one that does not exist.
    if obj is None or not policy.decide(user, policy.VIEW, obj):
        raise NotFound(_("There is no %(type)s %(id)s.") % {"type": TYPE_LABELS[MODEL_TYPE[model]], "id": pk})
    return obj


def _register(path: str, model: type, out_schema: type, in_schema: type) -> None:
    """List, read, create and update endpoints for one registry type."""
    name = model.__name__.lower()

    @router.get(f"/{path}", response=Page[out_schema],  # type: ignore[valid-type]
                operation_id=f"list_{path}", summary=f"List {path}")
    def list_records(request: HttpRequest, filters: Query[ListFilters]) -> Any:
        policy.require(request.auth, policy.VIEW, model)
        qs = selectors.record_list(
            model=model, user=request.auth, q=filters.q, kind=filters.kind, park_id=filters.park,
            with_related=False,
        )
        rows = selectors.api_rows(model, list(out_schema.model_fields))
        # Searches count their matches up to a cap; plain listings count exactly.
        page = paginate(qs, filters.page, filters.page_size, rows=rows, count_cap=COUNT_CAP if filters.q else None)
        if rows is not None:
            # Plain rows already have the documented shape; skipping per-object schema validation
            # halves the time this busiest endpoint spends in Python.
            return HttpResponse(json.dumps(page, ensure_ascii=False), content_type="application/json")
        return page

    @router.get(f"/{path}/{{int:pk}}", response=out_schema, operation_id=f"get_{name}", summary=f"Read a {name}")
    def get_record(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
        obj = _get_visible(model, pk, request.auth)
        response["ETag"] = etag_of(obj)
        return obj

    @router.post(f"/{path}", response={201: out_schema}, operation_id=f"create_{name}", summary=f"Create a {name}")
    def create_record(request: HttpRequest, payload: in_schema) -> Any:  # type: ignore[valid-type]
        data = payload.dict(exclude_unset=True)  # type: ignore[attr-defined]
        return Status(201, services.record_create(actor=request.auth, model=model, data=data))

    @router.patch(f"/{path}/{{int:pk}}", response=out_schema, operation_id=f"update_{name}", summary=f"Update a {name}")
    def update_record(
        request: HttpRequest, pk: int, payload: in_schema, response: HttpResponse  # type: ignore[valid-type]
    ) -> Any:
        obj = _get_visible(model, pk, request.auth)
        data = payload.dict(exclude_unset=True)  # type: ignore[attr-defined]
        expected = version_from_etag(request.headers.get("If-Match"), obj)
        services.record_update(actor=request.auth, instance=obj, data=data, expected_version=expected)
        response["ETag"] = etag_of(obj)
        return obj

    @router.get(f"/{path}/{{int:pk}}/history", response=list[ChangeOut], operation_id=f"history_{name}")
    def record_history(request: HttpRequest, pk: int) -> Any:
        return selectors.history_of(_get_visible(model, pk, request.auth))

    @router.get(f"/{path}/{{int:pk}}/citations", response=list[CitationOut], operation_id=f"citations_{name}")
    def record_citations(request: HttpRequest, pk: int) -> Any:
        return selectors.citations_of(_get_visible(model, pk, request.auth))

    @router.get(f"/{path}/{{int:pk}}/relations", response=list[RelationOut], operation_id=f"relations_{name}")
    def record_relations(request: HttpRequest, pk: int) -> Any:
        return [rv.relation for rv in selectors.relations_of(_get_visible(model, pk, request.auth))]


_register("parks", Park, ParkOut, ParkIn)
_register("organisations", Organisation, OrganisationOut, OrganisationIn)
_register("people", Person, PersonOut, PersonIn)
_register("platforms", Platform, PlatformOut, PlatformIn)


@router.post("/people/{int:pk}/positions", response={201: PersonOut}, operation_id="add_position")
def add_position(request: HttpRequest, pk: int, payload: PositionIn) -> Any:
    person = _get_visible(Person, pk, request.auth)
    organisation = None
    if payload.organisation is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation).first()
        if organisation is None or not policy.decide(request.auth, policy.VIEW, organisation):
            raise ValidationFailed(
                _("There is no %(type)s %(id)s.") % {"type": TYPE_LABELS["organisation"], "id": payload.organisation},
                field="organisation",
            )
    services.position_add(
        actor=request.auth,
        person=person,
        organisation=organisation,
        title_zh=payload.title_zh,
        title_en=payload.title_en,
        start=payload.start,
        end=payload.end,
        is_current=payload.is_current,
    )
    return Status(201, Person.objects.prefetch_related("positions").get(pk=person.pk))


@router.post("/relations", response={201: RelationOut}, operation_id="create_relation")
def create_relation(request: HttpRequest, payload: RelationIn) -> Any:
    ends = []
    for side in ("subject", "object"):
        type_name = getattr(payload, f"{side}_type")
        if type_name not in TYPE_NAMES:
            raise ValidationFailed(
                _("Unknown record type %(type)s; known: %(known)s.") % {"type": type_name, "known": ", ".join(TYPE_NAMES)},
                field=f"{side}_type",
            )
        target = TYPE_NAMES[type_name].objects.filter(pk=getattr(payload, f"{side}_id")).first()
        if target is None or not policy.decide(request.auth, policy.VIEW, target):
            raise ValidationFailed(
                _("There is no %(type)s %(id)s.") % {"type": TYPE_LABELS[type_name], "id": getattr(payload, f"{side}_id")},
                field=f"{side}_id",
            )
        ends.append(target)
    relation = services.relation_create(
        actor=request.auth, subject=ends[0], predicate=payload.predicate, obj=ends[1], note=payload.note
    )
    return Status(201, relation)


@router.delete("/relations/{int:pk}", response={204: None}, operation_id="delete_relation")
def delete_relation(request: HttpRequest, pk: int) -> Any:
    relation = Relation.objects.filter(pk=pk).first()
    if relation is None or not policy.decide(request.auth, policy.VIEW, relation):  # hidden answers like missing
        raise NotFound(_("There is no relation %(id)s.") % {"id": pk})
    services.relation_delete(actor=request.auth, relation=relation)
    return Status(204, None)


def _merge_pair(request: HttpRequest, pk: int, into: int) -> tuple[Organisation, Organisation]:
    """The duplicate (from the path) and the survivor (named in the query or body), both visible."""
    duplicate = _get_visible(Organisation, pk, request.auth)
    if into == duplicate.pk:
        raise ValidationFailed(_("an organisation cannot be merged into itself"), field="into")
    keep = Organisation.objects.filter(pk=into).first()
    if keep is None or not policy.decide(request.auth, policy.VIEW, keep):
        raise ValidationFailed(_("no organisation %(id)s") % {"id": into}, field="into")
    return keep, duplicate


def _filled_text(filled: dict[str, list[Any]]) -> dict[str, str]:
    return {name: str(pair[1]) for name, pair in filled.items()}


@router.get("/organisations/{int:pk}/merge", response=MergePreviewOut, operation_id="preview_organisation_merge",
            summary="Preview merging an organisation into another")
def preview_merge(request: HttpRequest, pk: int, into: int) -> Any:
    keep, duplicate = _merge_pair(request, pk, into)
    decision = merge.merge_decision(request.auth, keep, duplicate)
    if not decision:
        raise PermissionRefused(str(decision.reason))
    plan = merge.merge_preview(keep=keep, duplicate=duplicate)
    return {
        "duplicate": duplicate.pk, "into": keep.pk, "kinds": plan.kinds, "aliases_added": plan.aliases_added,
        "fields_filled": _filled_text(plan.fields_filled),
    }


@router.post("/organisations/{int:pk}/merge", response=MergeOut, operation_id="merge_organisation",
             summary="Merge an organisation into another (it is deleted; its rows follow the survivor)")
def merge_organisation(request: HttpRequest, pk: int, payload: MergeIn) -> Any:
    keep, duplicate = _merge_pair(request, pk, payload.into)
    summary = merge.organisation_merge(actor=request.auth, keep=keep, duplicate=duplicate)
    return {
        "into": summary.keep.pk,
        "merged": summary.duplicate_id,
        "merged_name": summary.duplicate_name,
        "moved": [
            {"app": summary.apps[kind], "kind": kind, "label": summary.labels[kind], "moved": o.moved,
             "dropped": o.dropped}
            for kind, o in summary.moved.items()
        ],
        "aliases_added": summary.aliases_added,
        "fields_filled": _filled_text(summary.fields_filled),
    }


# The home page's tiles (biopark.ecosystem.api_home) answer under the registry's router: /api/v1/home.
api_home.mount(router)
