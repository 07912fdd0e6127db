"""KPIs the registry answers live (registered with biopark.core.kpis in EcosystemConfig.ready).

The registry records where an organisation is settled but not since when, so these counts are of today's
registry whatever the period asked for; their definitions say so.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from biopark.core.kpis import Scope, register_kpi
from biopark.ecosystem.models import Organisation, Platform


def organisations_settled(kind: str | None = None):  # type: ignore[no-untyped-def]
    def compute(scope: Scope) -> Decimal:
        qs = Organisation.objects.filter(park_id__in=scope.park_ids)
        if kind:
            qs = qs.filter(kind=kind)
        return Decimal(qs.count())

    return compute


def functional_platforms(scope: Scope) -> Decimal:
    qs = Platform.objects.filter(park_id__in=scope.park_ids)
    if scope.platform_id is not None:
        qs = qs.filter(pk=scope.platform_id)
    return Decimal(qs.count())


def high_tech_enterprises(scope: Scope) -> Decimal | None:
    # The registry has no high-tech enterprise qualification to count: the figure is entered as observations.
    return None


def register() -> None:
    register_kpi(
        "organisations_settled", organisations_settled(), stock=True, label=_("Organisations settled"),
        definition=_("Organisations of every kind whose registry entry places them in the park or a zone "
                     "below it. The registry keeps no settlement date, so this is today's count."),
        unit=_("organisations"),
    )
    for code, name in Organisation.Kind.choices:
        register_kpi(
            f"organisations_settled.{code}", organisations_settled(code), stock=True,
            label=format_lazy(_("Organisations settled: {kind}"), kind=name),
            definition=_("Organisations of this kind whose registry entry places them in the park or a zone "
                         "below it. The registry keeps no settlement date, so this is today's count."),
            unit=_("organisations"),
        )
    register_kpi(
        "functional_platforms", functional_platforms, stock=True, label=_("Functional platforms"),
        definition=_("Platforms of the registry located in the park or a zone below it (or the one platform a "
                     "target is about). Today's count."),
        unit=_("platforms"),
    )
    register_kpi(
        "high_tech_enterprises", high_tech_enterprises, stock=True, label=_("High-tech enterprises"),
        definition=_("The registry does not record the high-tech enterprise qualification yet, so this figure "
                     "cannot be computed: it is entered as observations."),
        unit=_("enterprises"),
    )
