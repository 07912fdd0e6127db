"""The registry of KPIs computed live from the platform.

Each app that holds the data registers what it can count (``register_kpi`` in its ``AppConfig.ready``) and
the metrics app reads the registry to show targets' progress. The kernel only keeps the registry, so an
app of any layer can register without metrics importing it (deals, metrics and pipeline share one layer).

A KPI's ``compute(scope)`` returns a Decimal, or None when the platform holds no data to answer it. The
scope names the parks (a park and the zones below it), optionally one platform, and the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Scope:
    """What a KPI is computed for: these parks (already expanded to their zones), optionally one platform,
    between ``start`` and ``end`` (both days included)."""

    park_ids: frozenset[int]
    start: dt.date
    end: dt.date
    platform_id: int | None = None

    def start_datetime(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0), tzinfo=dt.UTC)

    def end_datetime(self) -> dt.datetime:
        """The first moment after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)


Compute = Callable[[Scope], Decimal | None]


@dataclass(frozen=True)
class Kpi:
    key: str
    compute: Compute
    definition: Any  # a lazy translation: how the figure is computed, shown beside it
    unit: Any  # a lazy translation
    label: Any = ""  # a lazy translation; the key when empty
    # Whether the figure counts what exists at the end of the period (a stock, e.g. organisations settled)
    # or what happened within it (a flow, e.g. bookings made).
    stock: bool = False


_KPIS: dict[str, Kpi] = {}


def register_kpi(key: str, compute: Compute, definition: Any, unit: Any, *, label: Any = "",
                 stock: bool = False) -> None:
    """Register (or replace, by key) a computed KPI. Called from an app's ``AppConfig.ready``."""
    _KPIS[key] = Kpi(key=key, compute=compute, definition=definition, unit=unit, label=label or key, stock=stock)


def kpi(key: str) -> Kpi | None:
    return _KPIS.get(key)


def all_kpis() -> list[Kpi]:
    return sorted(_KPIS.values(), key=lambda k: k.key)


def compute(key: str, scope: Scope) -> Decimal | None:
    """The KPI's value for the scope; None when the key is not registered or the data do not exist."""
    found = _KPIS.get(key)
    return None if found is None else found.compute(scope)
