"""KPIs the deals records answer live (registered with biopark.core.kpis in DealsConfig.ready)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from biopark.core.kpis import Scope, register_kpi
from biopark.deals.models import Agreement, AgreementParty
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


def ip_rights(scope: Scope) -> Decimal | None:
    # IP assets are not recorded by the deals app yet: until they are, the figure comes from observations.
    return None


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
        definition=_("Intellectual property rights held in the park. The platform does not record IP assets "
                     "yet, so this figure comes from entered observations."),
        unit=_("rights"),
    )
