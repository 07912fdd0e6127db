"""A small world for the merge tests: two organisation records of one company, each with rows of every app
attached, and collisions between them (the same alias, relation, citation, agreement party, partner link)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from biopark.accounts.models import Role
from biopark.accounts.policy import SYSTEM
from biopark.core.merge import references_to
from biopark.core.models import ChangeRecord, Citation, Source
from biopark.deals.models import Agreement, AgreementParty
from biopark.ecosystem import services
from biopark.ecosystem.models import Figure, Organisation, Relation
from biopark.facilities.models import Booking, BookingSeries, UsageRecord, WaitlistEntry
from biopark.pipeline.models import StageEvent
from biopark.services.models import ServiceRequest
from tests.facilities.factories import ResourceFactory
from tests.factories import (
    OrganisationFactory,
    ParkFactory,
    PersonFactory,
    PlatformFactory,
    PositionFactory,
    make_user,
)
from tests.pipeline.factories import IndicationFactory, ProjectFactory
from tests.services.factories import ServiceFactory

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _attach(org: Organisation, park: Any, third: Organisation, user: Any, tag: str) -> None:
    """Rows of every app pointing at `org`."""
    PositionFactory(organisation=org, title_en=f"CEO {tag}")
    platform = PlatformFactory(operator=org, park=park)
    project = ProjectFactory(organisation=org, park=park, name_zh=f"{tag}项目", name_en=f"Project {tag}")
    indication = IndicationFactory(project=project)
    StageEvent.objects.create(
        project=project, indication=indication, stage="discovery", occurred_on=dt.date(2024, 1, 1),
        organisation=org, park=park, modality="antibody",
    )
    ProjectFactory(organisation=third, park=park).partners.add(org)
    resource = ResourceFactory(platform=platform)
    series = BookingSeries.objects.create(resource=resource, user=user, organisation=org, frequency="weekly", count=2)
    booking = Booking.objects.create(
        resource=resource, user=user, organisation=org, project=project, series=series,
        start=T0, end=T0 + dt.timedelta(hours=1),
    )
    WaitlistEntry.objects.create(resource=resource, user=user, organisation=org, start=T0, end=T0 + dt.timedelta(hours=1))
    UsageRecord.objects.create(
        booking=booking, resource=resource, organisation=org, start=T0, end=T0 + dt.timedelta(hours=1),
        rate="member", price_unit="hour", unit_price=Decimal("100.00"), billed_units=Decimal("1"),
        amount=Decimal("100.00"),
    )
    service = ServiceFactory(provider_organisation=org, park=park)
    ServiceRequest.objects.create(
        service=service, requester_organisation=third, provider_organisation=org, park=park,
        title=f"received {tag}", submitted_at=timezone.now(),
    )
    ServiceRequest.objects.create(
        service=ServiceFactory(provider_organisation=third, park=park), requester_organisation=org, park=park,
        title=f"made {tag}", submitted_at=timezone.now(),
    )
    agreement = Agreement.objects.create(key=f"agreement-{tag}", title_en=f"Agreement {tag}", kind="cooperation")
    AgreementParty.objects.create(agreement=agreement, organisation=org, role="partner")
    Figure.objects.create(subject_type="organisation", subject_id=org.pk, kind="investment", amount=Decimal("5"))
    make_user(Role.ENTERPRISE_MEMBER, organisation=org)
    services.relation_create(actor=SYSTEM, subject=org, predicate="located_in", obj=park)
    services.relation_create(actor=SYSTEM, subject=PersonFactory(), predicate="member_of", obj=org)


def build() -> dict[str, Any]:
    park = ParkFactory(name_en="Bio Park")
    other_park = ParkFactory(name_en="Elsewhere")
    keep = OrganisationFactory(
        park=park, name_zh="康诺亚", name_en="Keymed Biosciences", aliases=["Keymed"], website="", key=None
    )
    duplicate = OrganisationFactory(
        park=park, name_zh="康诺亚生物", name_en="Keymed", aliases=["KM Bio"], website="https://keymed.example",
        key="keymed-dup", founded_on=dt.date(2016, 1, 1), founded_precision="year",
    )
    third = OrganisationFactory(park=park, name_en="Third")
    operator = make_user(Role.OPERATOR, park=park)
    booker = make_user(Role.ENTERPRISE_MEMBER, organisation=third)
    _attach(keep, park, third, booker, "keep")
    _attach(duplicate, park, third, booker, "dup")
    # Collisions: a relation between the two, an agreement naming both as partners, a project of the
    # survivor partnered by the duplicate, one passage cited for both.
    services.relation_create(actor=SYSTEM, subject=duplicate, predicate="partner_of", obj=keep)
    both = Agreement.objects.create(key="agreement-both", title_en="Both sign", kind="licensing")
    AgreementParty.objects.create(agreement=both, organisation=keep, role="partner")
    AgreementParty.objects.create(agreement=both, organisation=duplicate, role="partner")
    AgreementParty.objects.create(agreement=both, organisation=duplicate, role="licensor")
    keep.projects.first().partners.add(duplicate)
    source = Source.objects.create(key="news-1.html", title_en="News")
    ct = ContentType.objects.get_for_model(Organisation)
    for org in (keep, duplicate):
        Citation.objects.create(source=source, content_type=ct, object_id=org.pk, span_start=0, span_end=10)
    Citation.objects.create(source=source, content_type=ct, object_id=duplicate.pk, span_start=20, span_end=30)
    return {
        "park": park, "other_park": other_park, "keep": keep, "duplicate": duplicate, "third": third,
        "operator": operator, "booker": booker,
    }


def _through_or_model(label: str, field: str) -> tuple[Any, str]:
    model = apps.get_model(label)
    fld = model._meta.get_field(field)
    if fld.many_to_many:
        through = fld.remote_field.through  # type: ignore[union-attr]
        return through, through._meta.get_field(fld.m2m_reverse_field_name()).attname  # type: ignore[union-attr]
    return model, fld.attname


def rows_everywhere() -> dict[str, dict[int, dict[str, Any]]]:
    """Every row of every table that can point at an organisation, and the organisations themselves, with
    all their values: what a refused or failed merge must leave exactly as it was."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    tables = {_through_or_model(label, field)[0] for label, field in references_to(Organisation)}
    for model in [*sorted(tables, key=lambda m: m._meta.label), Organisation, Relation, Figure, Citation, ChangeRecord]:
        out[model._meta.label] = {row["id"]: row for row in model._default_manager.values()}
    return out


def expected_after(before: dict[str, dict[int, dict[str, Any]]], keep: int, dup: int, dropped: dict[str, set[int]]) -> dict:
    """The referencing rows as the merge must leave them: every reference to `dup` now names `keep`,
    the rows in `dropped` (by table label) gone, every other value unchanged."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    columns: dict[str, list[str]] = {}
    for label, field in references_to(Organisation):
        model, column = _through_or_model(label, field)
        columns.setdefault(model._meta.label, []).append(column)
    for table, cols in columns.items():
        out[table] = {}
        for pk, row in before[table].items():
            if pk in dropped.get(table, set()):
                continue
            out[table][pk] = {k: (keep if k in cols and v == dup else v) for k, v in row.items()}
    return out
