"""Writes to indicators and observations: atomic, checked against the policy, recorded in the history."""

from __future__ import annotations

import decimal
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core import kpis
from biopark.core.audit import diff, record_change, snapshot
from biopark.core.errors import PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.core.text import search_blob
from biopark.ecosystem.models import Organisation, Park, Platform
from biopark.ecosystem.tabular import Table
from biopark.metrics import catalogue
from biopark.metrics.models import Indicator, Observation

INDICATOR_FIELDS = ["key", "name_zh", "name_en", "unit", "direction", "pillar", "description_zh",
                    "description_en", "computation", "computation_kinds", "kpi_key", "standard"]
OBSERVATION_FIELDS = ["value", "unit", "source"]
MAX_REPORTED_ERRORS = 20
# Largest magnitude a DecimalField(24, 6) holds.
_VALUE_LIMIT = decimal.Decimal(10) ** 18


_user = policy.user_of


def _clean_indicator(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = [k for k in data if k not in INDICATOR_FIELDS]
    if unknown:
        raise ValidationFailed(f"unknown field {unknown[0]!r}", field=unknown[0])
    out = dict(data)
    key = str(out.get("key") or "").strip()
    if not key or not key.replace("_", "").isalnum() or not key[0].isalpha() or not key.isascii():
        raise ValidationFailed("key must start with a letter and hold only letters, digits and _", field="key")
    out["key"] = key
    if not (out.get("name_zh") or out.get("name_en")):
        raise ValidationFailed(_("a Chinese or an English name is required"), field="name_zh")
    if out.get("direction", 1) not in (1, -1):
        raise ValidationFailed("direction must be 1 (higher is better) or -1 (lower is better)", field="direction")
    computation = out.get("computation", "") or ""
    if computation not in Indicator.Computation.values:
        raise ValidationFailed(f"unknown computation {computation!r}", field="computation")
    kinds = list(out.get("computation_kinds") or [])
    bad = [k for k in kinds if k not in Organisation.Kind.values]
    if bad:
        raise ValidationFailed(f"unknown organisation kind {bad[0]!r}", field="computation_kinds")
    if computation == Indicator.Computation.ORGANISATIONS and not kinds:
        raise ValidationFailed("an organisation count needs the kinds it counts", field="computation_kinds")
    out["computation"], out["computation_kinds"] = computation, kinds
    kpi_key = str(out.get("kpi_key") or "").strip()
    if kpi_key and kpis.kpi(kpi_key) is None:
        raise ValidationFailed(_("no KPI %(key)s is computed by the platform") % {"key": repr(kpi_key)},
                               field="kpi_key")
    out["kpi_key"], out["standard"] = kpi_key, str(out.get("standard") or "").strip()[:300]
    return out


@transaction.atomic
def indicator_create(*, actor: Any, data: Mapping[str, Any]) -> Indicator:
    policy.require(actor, policy.CREATE, Indicator)
    clean = _clean_indicator(data)
    if Indicator.objects.filter(key=clean["key"]).exists():
        raise ValidationFailed(f"an indicator {clean['key']!r} exists already", field="key")
    indicator = Indicator(**clean)
    indicator.search_text = search_blob(indicator.name_zh, indicator.name_en, aliases=[])
    indicator.save()
    record_change(actor=_user(actor), obj=indicator, action=ChangeRecord.CREATE,
                  changes=diff({}, snapshot(indicator, INDICATOR_FIELDS)))
    return indicator


@transaction.atomic
def indicator_ensure_catalogue(*, actor: Any) -> int:
    """Create the documented indicators that are missing (existing ones are left as they are)."""
    existing = set(Indicator.objects.filter(key__in=catalogue.INDICATOR_KEYS).values_list("key", flat=True))
    created = 0
    for spec in catalogue.INDICATORS:
        if spec["key"] not in existing:
            indicator_create(actor=actor, data=spec)
            created += 1
    return created


# --- observations ------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class _Planned:
    line: int
    park: Park
    indicator: Indicator
    year: int
    value: decimal.Decimal
    unit: str
    source: str


PARK_COLUMNS = ("park", "park_key", "park_id")
REQUIRED_COLUMNS = ("indicator", "year", "value")


def _park_lookup(parks: Iterable[Park]) -> dict[str, Park]:
    by: dict[str, Park] = {}
    for park in parks:
        for name in (park.name_en, park.name_zh):
            if name:
                by.setdefault(name.strip(), park)
        by[str(park.pk)] = park
        if park.key:
            by[str(park.key)] = park  # keys win over names
    return by


def _parse_value(raw: Any) -> decimal.Decimal:
    text = str(raw).strip().replace(",", "")
    try:
        value = decimal.Decimal(text)
    except decimal.InvalidOperation:
        raise ValueError(_("value %(value)s is not a number") % {"value": repr(raw)}) from None
    if not value.is_finite():
        raise ValueError(_("value %(value)s is not a finite number") % {"value": repr(raw)})
    if abs(value) >= _VALUE_LIMIT:
        raise ValueError(_("value %(value)s is too large") % {"value": repr(raw)})
    return value.quantize(decimal.Decimal("0.000001"), rounding=decimal.ROUND_HALF_EVEN)


@dataclass
class _Checked:
    park: Park | None
    indicator: Indicator | None
    year: int | None
    value: decimal.Decimal | None
    unit: str
    problems: dict[str, str]  # field name -> its problem (the message names the field)


def _check_row(row: Mapping[str, Any], park_column: str, parks: Mapping[str, Park],
               indicators: Mapping[str, Indicator]) -> _Checked:
    """Check one row of observations (the import's rows and the one-observation form alike)."""
    problems: dict[str, str] = {}
    park_ref = str(row.get(park_column, "") or "").strip()
    park = parks.get(park_ref)
    if park is None:
        problems["park"] = (_("%(column)s: no park %(value)s") % {"column": park_column, "value": repr(park_ref)}
                            if park_ref else _("%(column)s: empty") % {"column": park_column})
    code = str(row.get("indicator", "") or "").strip()
    indicator = indicators.get(code)
    if indicator is None:
        problems["indicator"] = (_("indicator: no indicator %(value)s") % {"value": repr(code)} if code
                                 else _("indicator: empty"))
    year_raw = str(row.get("year", "") or "").strip()
    year = int(year_raw) if year_raw.isascii() and year_raw.isdigit() and len(year_raw) <= 6 else None
    if year is None or not 1900 <= year <= 2200:
        problems["year"] = _("year: %(value)s is not a year") % {"value": repr(year_raw)}
        year = None
    value: decimal.Decimal | None = None
    try:
        value = _parse_value(row.get("value", ""))
    except ValueError as exc:
        problems["value"] = _("value: %(problem)s") % {"problem": exc}
    unit = str(row.get("unit", "") or "").strip()
    if indicator is not None and unit and indicator.unit and unit != indicator.unit:
        problems["unit"] = (_("unit: %(unit)s differs from the indicator's unit %(expected)s")
                            % {"unit": repr(unit), "expected": repr(indicator.unit)})
    return _Checked(park, indicator, year, value, unit, problems)


def _plan(table: Table) -> tuple[list[_Planned], list[tuple[str, str]]]:
    columns = set(table.columns)
    park_column = next((c for c in PARK_COLUMNS if c in columns), None)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if park_column is None:
        missing.insert(0, "park")
    if missing:
        raise ValidationFailed(_("line 1: missing column(s) %(columns)s") % {"columns": ", ".join(missing)},
                               field="file")
    allowed = {*PARK_COLUMNS, *REQUIRED_COLUMNS, "unit", "source"}
    extra = sorted(columns - allowed)
    if extra:
        raise ValidationFailed(_("line 1: unknown column %(column)s; the columns are %(columns)s")
                               % {"column": repr(extra[0]), "columns": "park, indicator, year, value, unit, source"},
                               field="file")
    parks = _park_lookup(Park.objects.all())
    indicators = {str(i.key): i for i in Indicator.objects.all()}
    planned: list[_Planned] = []
    errors: list[tuple[str, str]] = []  # (line label, its problems)
    seen: dict[tuple[int, int, int], int] = {}
    for line, row in table.rows:
        checked = _check_row(row, str(park_column), parks, indicators)
        problems = list(checked.problems.values())
        park, indicator, year, value, unit = checked.park, checked.indicator, checked.year, checked.value, checked.unit
        if not problems and park is not None and indicator is not None and year is not None:
            ident = (park.pk, indicator.pk, year)
            if ident in seen:
                problems.append(_("the same park, indicator and year as line %(line)s") % {"line": seen[ident]})
            seen[ident] = line
        if problems:
            errors.append((_("line %(line)s") % {"line": line}, "; ".join(problems)))
            continue
        assert park is not None and indicator is not None and year is not None and value is not None
        planned.append(_Planned(line, park, indicator, year, value, unit or indicator.unit,
                                str(row.get("source", "") or "").strip()[:500]))
    return planned, errors


@transaction.atomic
def observations_import(*, actor: Any, table: Table, dry_run: bool = False) -> ImportReport:
    """Import observations (columns park, indicator, year, value, unit, source). Every row is checked
    first; if any row is bad nothing is written and the error names every bad line (up to 20)."""
    policy.require(actor, policy.IMPORT, Observation)
    if not table.rows:
        raise ValidationFailed(_("the file has no data rows"), field="file")
    planned, errors = _plan(table)
    if errors:
        # The message quotes the first rows; ``fields`` names every bad row, so the page lists them all at once.
        shown = [f"{where}: {problems}" for where, problems in errors[:MAX_REPORTED_ERRORS]]
        more = _(" (and %(n)s more)") % {"n": len(errors) - len(shown)} if len(errors) > len(shown) else ""
        raise ValidationFailed(_("%(n)s bad row(s), nothing imported: ") % {"n": len(errors)} + " | ".join(shown)
                               + more, fields=dict(errors))
    for item in planned:
        decision = policy.decide(actor, policy.IMPORT, Observation(park=item.park, indicator=item.indicator))
        if not decision:
            where = _("line %(line)s") % {"line": item.line}
            raise PermissionRefused(f"{where}: {decision.reason}", fields={where: decision.reason})
    report = ImportReport()
    # What is stored for the rows' parks and indicators, read once (not one query per row).
    stored = {
        (o.park_id, o.indicator_id, o.year): o
        for o in Observation.objects.filter(
            park__in={i.park.pk for i in planned}, indicator__in={i.indicator.pk for i in planned}
        )
    }
    if dry_run:
        # Say what the import would do, without writing: compare each row with what is stored.
        for item in planned:
            obs = stored.get((item.park.pk, item.indicator.pk, item.year))
            if obs is None:
                status = "created"
            elif (obs.value, obs.unit, obs.source) == (item.value, item.unit, item.source):
                status = "unchanged"
            else:
                status = "updated"
            setattr(report, status, getattr(report, status) + 1)
        return report
    for item in planned:
        _saved, status = _upsert(actor=actor, park=item.park, indicator=item.indicator, year=item.year,
                                 value=item.value, unit=item.unit, source=item.source, action=ChangeRecord.IMPORT,
                                 stored=stored)
        setattr(report, status, getattr(report, status) + 1)
    return report


OBSERVATION_FORM_FIELDS = ("park", "indicator", "year", "value", "unit", "source")


@transaction.atomic
def observation_create(*, actor: Any, data: Mapping[str, Any]) -> Observation:
    """Enter one observation (``data``: park id or key, indicator code, year, value, unit, source), checked
    like an imported row and by the same policy rule, scoped to the actor's park. An observation that
    already exists for the park, indicator and year is not overwritten: it is named as the year's problem."""
    policy.require(actor, policy.CREATE, Observation)
    row = {name: data.get(name, "") for name in OBSERVATION_FORM_FIELDS}
    park_ref = str(row["park"] or "").strip()
    parks = _park_lookup(Park.objects.filter(pk=int(park_ref)) if park_ref.isascii() and park_ref.isdigit()
                         and len(park_ref) <= 12 else Park.objects.filter(key=park_ref) if park_ref
                         else Park.objects.none())
    indicators = {str(i.key): i for i in Indicator.objects.filter(key=str(row["indicator"] or "").strip())}
    checked = _check_row(row, "park", parks, indicators)
    problems = dict(checked.problems)
    if "park" in problems:
        problems["park"] = _("choose a park")
    if "indicator" in problems and not str(row["indicator"] or "").strip():
        problems["indicator"] = _("choose an indicator")
    source = str(row["source"] or "").strip()
    if len(source) > 500:
        problems["source"] = _("source: at most %(n)s characters") % {"n": 500}
    if problems:
        raise ValidationFailed(_("%(n)s field(s) to correct") % {"n": len(problems)}, fields=problems)
    park, indicator, year, value = checked.park, checked.indicator, checked.year, checked.value
    assert park is not None and indicator is not None and year is not None and value is not None
    decision = policy.decide(actor, policy.CREATE, Observation(park=park, indicator=indicator))
    if not decision:
        raise PermissionRefused(str(decision.reason), field="park")
    if Observation.objects.select_for_update().filter(park=park, indicator=indicator, year=year).exists():
        raise ValidationFailed(_("year: this park already has a value of this indicator for %(year)s")
                               % {"year": year}, field="year")
    obs, _status = _upsert(actor=actor, park=park, indicator=indicator, year=year, value=value,
                           unit=checked.unit or indicator.unit, source=source, action=ChangeRecord.CREATE)
    return obs


def _upsert(*, actor: Any, park: Park, indicator: Indicator, year: int, value: decimal.Decimal, unit: str,
            source: str, action: str,
            stored: dict[tuple[int, int, int], Observation] | None = None) -> tuple[Observation, str]:
    """Create or update one observation. `stored`: the observations already read by the caller, by (park id,
    indicator id, year), kept up to date here (a later row of the same import may name the same one)."""
    if stored is None:
        obs = Observation.objects.filter(park=park, indicator=indicator, year=year).first()
    else:
        obs = stored.get((park.pk, indicator.pk, year))
    user = _user(actor)
    if obs is None:
        obs = Observation.objects.create(park=park, indicator=indicator, year=year, value=value, unit=unit,
                                         source=source, updated_by=user if getattr(user, "pk", None) else None)
        if stored is not None:
            stored[(park.pk, indicator.pk, year)] = obs
        record_change(actor=user, obj=obs, action=action,
                      changes=diff({}, snapshot(obs, OBSERVATION_FIELDS)))
        return obs, "created"
    before = snapshot(obs, OBSERVATION_FIELDS)
    obs.value, obs.unit, obs.source = value, unit, source
    changes = diff(before, snapshot(obs, OBSERVATION_FIELDS))
    if not changes:
        return obs, "unchanged"
    obs.updated_by = user if getattr(user, "pk", None) else None
    obs.save()
    record_change(actor=user, obj=obs, action=ChangeRecord.UPDATE, changes=changes)
    return obs, "updated"


def registry_counts(indicator: Indicator, parks: Iterable[Park]) -> dict[int, int]:
    """What a computed indicator counts for each park, over the park and every zone nested below it."""
    all_parks = list(Park.objects.values_list("id", "parent_id"))
    children: dict[int | None, list[int]] = defaultdict(list)
    for pid, parent in all_parks:
        children[parent].append(pid)
    if indicator.computation == Indicator.Computation.PLATFORMS:
        qs: models.QuerySet = Platform.objects.filter(park__isnull=False)
    elif indicator.computation == Indicator.Computation.ORGANISATIONS:
        qs = Organisation.objects.filter(park__isnull=False, kind__in=indicator.computation_kinds)
    else:
        raise ValidationFailed(f"indicator {indicator.key} is reported, not computed", field="indicator")
    direct = dict(qs.values("park_id").annotate(n=models.Count("id")).values_list("park_id", "n"))

    def subtree_total(root: int) -> int:
        total, stack, seen = 0, [root], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            total += direct.get(current, 0)
            stack.extend(children.get(current, []))
        return total

    return {park.pk: subtree_total(park.pk) for park in parks}


@transaction.atomic
def observations_compute(*, actor: Any, year: int, parks: Iterable[Park] | None = None,
                         progress: Callable[[int], None] | None = None) -> ImportReport:
    """Write this year's observations of every computed indicator from the registry (for the given
    parks, by default every top-level park)."""
    policy.require(actor, policy.IMPORT, Observation)
    if not 1900 <= year <= 2200:
        raise ValidationFailed(f"year: {year} is not a year between 1900 and 2200", field="year")
    park_list = list(parks) if parks is not None else list(Park.objects.filter(parent__isnull=True))
    report = ImportReport()
    for indicator in Indicator.objects.exclude(computation=""):
        counts = registry_counts(indicator, park_list)
        for park in park_list:
            policy.require(actor, policy.CHANGE, Observation(park=park, indicator=indicator))
            _saved, status = _upsert(actor=actor, park=park, indicator=indicator, year=year,
                                value=decimal.Decimal(counts[park.pk]), unit=indicator.unit,
                                source="registry", action=ChangeRecord.CREATE)
            setattr(report, status, getattr(report, status) + 1)
        if progress:
            progress(1)
    return report
