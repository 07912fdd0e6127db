"""KPIs the deals records answer live (registered with biopark.core.kpis in DealsConfig.ready)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from biopark.core.kpis import Scope, register_kpi
from biopark.deals.models import Agreement, AgreementParty, IPAsset
from biopark.ecosystem.models import Relation


def cooperating_organisations(scope: Scope) -> Decimal:
    """Distinct organisations that are a party to an agreement of the park signed in the period, or that the
    registry records as partner of the park (a relation either way round; relations carry no date, so every
    one counts whatever the period)."""
    parks = list(scope.park_ids)
    signed = AgreementParty.objects.filter(
        agreement__park_id__in=parks, agreement__signed_on__gte=scope.start, agreement__signed_on__lte=scope.end
    ).values_list("organisation_id", flat=True)
    partners = Relation.objects.filter(
        Q(subject_type="organisation", object_type="park", object_id__in=parks)
        | Q(subject_type="park", subject_id__in=parks, object_type="organisation"),
        predicate=Relation.Predicate.PARTNER_OF,
    ).values_list("subject_type", "subject_id", "object_id")
    ids = set(signed)
    for subject_type, subject_id, object_id in partners:
        ids.add(subject_id if subject_type == "organisation" else object_id)
    return Decimal(len(ids))


def agreements_signed(scope: Scope) -> Decimal:
    return Decimal(Agreement.objects.filter(
        park_id__in=list(scope.park_ids), signed_on__gte=scope.start, signed_on__lte=scope.end).count())


def _ip_assets_of(scope: Scope) -> QuerySet[IPAsset]:
    """IP assets of the parks: recorded against one of them, or owned by an organisation settled in one."""
    parks = list(scope.park_ids)
    owned = IPAsset.owners.through.objects.filter(organisation__park_id__in=parks).values("ipasset_id")
    return IPAsset.objects.filter(Q(park_id__in=parks) | Q(pk__in=owned))


def ip_rights(scope: Scope) -> Decimal | None:
    """Patents in force at the end of the period: granted (not lapsed, expired or withdrawn) with a grant date
    on or before the period's end (or, without a grant date, filed by then). None when the parks hold no IP
    asset at all, so that a park whose patents are not recorded keeps the figure it reported (observations)."""
    assets = _ip_assets_of(scope)
    if not assets.exists():
        return None
    in_force = assets.filter(status=IPAsset.Status.GRANTED).filter(
        Q(granted_on__lte=scope.end) | Q(granted_on__isnull=True, filed_on__lte=scope.end))
    return Decimal(in_force.count())


def register() -> None:
    register_kpi(
        "cooperating_organisations", cooperating_organisations, label=_("Cooperating organisations"),
        definition=_("Distinct organisations that signed an agreement of the park (or a zone below it) dated "
                     "within the period, together with those the registry records as partners of the park (partner relations "
                     "carry no date: each counts whatever the period)."),
        unit=_("organisations"),
    )
    register_kpi(
        "agreements_signed", agreements_signed, label=_("Agreements signed"),
        definition=_("Agreements of the park (or a zone below it) with a signing date within the period."),
        unit=_("agreements"),
    )
    register_kpi(
        "ip_rights", ip_rights, stock=True, label=_("Independent IP rights"),
        definition=_("Granted patents in force at the end of the period, recorded for the park (or a zone below "
                     "it) or owned by an organisation settled there; patents that lapsed, expired or were "
                     "withdrawn do not count. Where the park has no IP asset recorded, the figure comes from "
                     "entered observations."),
        unit=_("rights"),
    )
