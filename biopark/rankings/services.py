"""Writes of frameworks (versioned) and runs: atomic, checked against the policy, recorded in the history."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.audit import record_change
from biopark.core.errors import Conflict, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.ecosystem.models import Park
from biopark.metrics import selectors as metric_selectors
from biopark.metrics.models import Indicator
from biopark.metrics.services import indicator_ensure_catalogue
from biopark.rankings import defaults, engine, jobs
from biopark.rankings.coverage import SYNTHETIC_ROOT_KEY
from biopark.rankings.models import Framework, FrameworkVersion, JobStatus, Run, RunScore

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
TEXT_FIELDS = ("name_zh", "name_en", "description_zh", "description_en", "credit")


_user = policy.user_of


def _check_definition(kind: str, imeta: Any, recipe: Any) -> None:
    engine.check_imeta(imeta)
    engine.parse_recipe(recipe)
    if kind == Framework.Kind.PARK:
        codes = [str(r.get("iCode")) for r in imeta if r.get("Type") == "Indicator"]
        known = set(Indicator.objects.filter(key__in=codes).values_list("key", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ValidationFailed(f"imeta: indicator {unknown[0]!r} is not a defined indicator "
                                   "(define it under /metrics/ first)", field="imeta")


def _default_owner(actor: Any) -> Park | None:
    """Whose a new framework is when the caller does not say: an operator's park, else the platform."""
    acting = policy.actor_for(actor)
    if acting.is_admin or acting.park_id is None:
        return None
    return Park.objects.filter(pk=acting.park_id).first()


def _insert(*, actor: Any, key: str, imeta: Sequence[Mapping[str, Any]], recipe: Mapping[str, Any], kind: str,
            name_zh: str, name_en: str, description_zh: str, description_en: str, synthetic: bool, credit: str,
            note: str, scope: Park | None, owner_park: Park | None, copied_from: Framework | None) -> Framework:
    """Check and write a new framework with its version 1 (the caller is inside a transaction)."""
    framework = Framework(key=key, kind=kind, name_zh=name_zh, name_en=name_en, description_zh=description_zh,
                          description_en=description_en, synthetic=synthetic, credit=credit, scope=scope,
                          owner_park=owner_park, copied_from=copied_from)
    # Checked on the framework as it would be written: an operator may not give it to another park.
    policy.require(actor, policy.CREATE, framework)
    if not KEY_RE.match(key or ""):
        raise ValidationFailed(_("key: use lower-case letters, digits and '-' (at most 100)"), field="key")
    if kind not in Framework.Kind.values:
        raise ValidationFailed(_("kind must be one of %(kinds)s") % {"kinds": ", ".join(Framework.Kind.values)},
                               field="kind")
    if not (name_zh or name_en):
        raise ValidationFailed(_("a Chinese or an English name is required"), field="name_zh")
    if Framework.objects.filter(key=key).exists():
        raise Conflict(_("a framework %(key)r exists already") % {"key": key}, field="key")
    _check_definition(kind, imeta, recipe)
    framework.save()
    FrameworkVersion.objects.create(framework=framework, number=1, imeta=copy.deepcopy(list(imeta)),
                                    recipe=copy.deepcopy(dict(recipe)), note=note or "created",
                                    created_by=_user_or_none(actor))
    changes: dict[str, list[Any]] = {"key": [None, key], "kind": [None, kind], "version": [None, 1],
                                     "owner_park": [None, owner_park.pk if owner_park else None]}
    if copied_from is not None:
        changes["copied_from"] = [None, copied_from.key]
    record_change(actor=_user(actor), obj=framework, action=ChangeRecord.CREATE, changes=changes, note=note)
    return framework


_UNSET: Any = object()


@transaction.atomic
def framework_create(*, actor: Any, key: str, imeta: Sequence[Mapping[str, Any]], recipe: Mapping[str, Any],
                     kind: str = Framework.Kind.PARK, name_zh: str = "", name_en: str = "",
                     description_zh: str = "", description_en: str = "", synthetic: bool = False,
                     credit: str = "", note: str = "", scope: Park | None = None,
                     owner_park: Park | None = _UNSET) -> Framework:
    """A new framework with its version 1. Its owner is ``owner_park`` (None: the platform's analysts); when
    not given, an operator's park, or the platform for administrators and the system."""
    owner = _default_owner(actor) if owner_park is _UNSET else owner_park
    return _insert(actor=actor, key=key, imeta=imeta, recipe=recipe, kind=kind, name_zh=name_zh, name_en=name_en,
                   description_zh=description_zh, description_en=description_en, synthetic=synthetic,
                   credit=credit, note=note, scope=scope, owner_park=owner, copied_from=None)


@transaction.atomic
def framework_copy(*, actor: Any, framework: Framework, key: str, name_zh: str | None = None,
                   name_en: str | None = None, owner_park: Park | None = _UNSET, note: str = "") -> Framework:
    """A new framework from another one's current version (hierarchy, weights, directions, recipe, texts),
    owned by the copier (an operator's park, or as ``framework_create`` decides) and free to change."""
    policy.require(actor, policy.VIEW, framework)
    current = latest_version(framework)
    owner = _default_owner(actor) if owner_park is _UNSET else owner_park
    return _insert(
        actor=actor, key=key, imeta=current.imeta, recipe=current.recipe, kind=framework.kind,
        name_zh=framework.name_zh if name_zh is None else name_zh,
        name_en=framework.name_en if name_en is None else name_en,
        description_zh=framework.description_zh, description_en=framework.description_en,
        synthetic=framework.synthetic, credit=framework.credit,
        note=note or f"copied from {framework.key} v{current.number}", scope=framework.scope, owner_park=owner,
        copied_from=framework,
    )


def _user_or_none(actor: Any) -> Any:
    user = _user(actor)
    return user if getattr(user, "pk", None) else None


def latest_version(framework: Framework) -> FrameworkVersion:
    version = framework.versions.order_by("-number").first()
    if version is None:  # pragma: no cover - framework_create always writes version 1
        raise ValidationFailed("this framework has no version", field="framework")
    return version


@transaction.atomic
def framework_update(*, actor: Any, framework: Framework, imeta: Sequence[Mapping[str, Any]] | None = None,
                     recipe: Mapping[str, Any] | None = None, weights: Mapping[str, float] | None = None,
                     directions: Mapping[str, int] | None = None, note: str = "",
                     **texts: str) -> FrameworkVersion:
    """Change a framework. A change to the hierarchy, directions, weights or recipe makes a new version
    (old versions are kept, runs keep pointing at theirs); names and descriptions change in place.
    Returns the current version."""
    # Lock the row, then decide on its owner as stored now (not as the caller last read it).
    locked = Framework.objects.select_for_update().filter(pk=framework.pk).first()
    policy.require(actor, policy.CHANGE, locked or framework)
    unknown = [k for k in texts if k not in TEXT_FIELDS]
    if unknown:
        raise ValidationFailed(_("unknown field %(field)r") % {"field": unknown[0]}, field=unknown[0])
    current = latest_version(framework)
    new_imeta: list[dict[str, Any]] = [dict(r) for r in copy.deepcopy(list(imeta) if imeta is not None
                                                                       else current.imeta)]
    new_recipe = copy.deepcopy(dict(recipe) if recipe is not None else current.recipe)
    by_code = {str(r.get("iCode")): r for r in new_imeta}
    for label, changes in (("Weight", weights or {}), ("Direction", directions or {})):
        for code, value in changes.items():
            if code not in by_code or by_code[code].get("Type") not in ("Indicator", "Aggregate"):
                raise ValidationFailed(f"{label.lower()}s: no indicator or aggregate {code!r}",
                                       field=f"{label.lower()}s.{code}")
            by_code[code][label] = value
    text_changes = {k: [getattr(framework, k), v] for k, v in texts.items() if getattr(framework, k) != v}
    if text_changes:
        if not ((texts.get("name_zh", framework.name_zh)) or texts.get("name_en", framework.name_en)):
            raise ValidationFailed(_("a Chinese or an English name is required"), field="name_zh")
        for k, (_old, new) in text_changes.items():
            setattr(framework, k, new)
        framework.save(update_fields=list(text_changes))
    version = current
    if new_imeta != current.imeta or new_recipe != current.recipe:
        _check_definition(framework.kind, new_imeta, new_recipe)
        version = FrameworkVersion.objects.create(
            framework=framework, number=current.number + 1, imeta=new_imeta, recipe=new_recipe,
            note=note, created_by=_user_or_none(actor),
        )
        text_changes["version"] = [current.number, version.number]
    if text_changes:
        record_change(actor=_user(actor), obj=framework, action=ChangeRecord.UPDATE, changes=text_changes,
                      note=note)
    return version


@transaction.atomic
def framework_ensure_default(*, actor: Any) -> Framework:
    """The default five-pillar park framework (and the documented indicators it needs)."""
    existing = Framework.objects.filter(key=defaults.DEFAULT_KEY).first()
    if existing is not None:
        return existing
    indicator_ensure_catalogue(actor=actor)
    return framework_create(
        actor=actor, key=defaults.DEFAULT_KEY, kind=Framework.Kind.PARK,
        name_zh="生物医药园区竞争力指数", name_en="Biomedical park competitiveness index",
        description_zh="综合竞争力与环境、产业、技术、人才、合作五项分指数。",
        description_en="A comprehensive index and five pillars: environment, industry, technology, talent, "
                       "cooperation.",
        imeta=defaults.default_imeta(), recipe=defaults.DEFAULT_RECIPE, note="default framework",
    )


# --- runs --------------------------------------------------------------------------------------


def unit_code(park: Park) -> str:
    return park.key or f"park-{park.pk}"


def park_idata(version: FrameworkVersion, year: int) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """iData rows for a park framework: one row per park with observations of its indicators that year."""
    codes = [str(r["iCode"]) for r in version.imeta if r.get("Type") == "Indicator"]
    scope = version.framework.scope
    parks, values = metric_selectors.observation_matrix(year=year, codes=codes, parent=scope)
    if not parks:
        raise ValidationFailed(f"no observations of this framework's indicators in {year}", field="year")
    rows, unit_parks = [], {}
    if not version.framework.synthetic:  # the demo's fictional parks are never ranked among the real ones
        parks = [p for p in parks if p.key != SYNTHETIC_ROOT_KEY]
    for park in parks:
        code = unit_code(park)
        unit_parks[code] = park.pk
        row: dict[str, Any] = {"uCode": code, "uName": park.name_zh or park.name_en}
        for c in codes:
            row[c] = values.get((park.pk, c))
        rows.append(row)
    return rows, unit_parks


def _json_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    return str(value)


def _inputs(framework: Framework, version: FrameworkVersion, year: int | None,
            idata: Sequence[Mapping[str, Any]] | None) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The iData rows a run builds on, and uCode -> park id (park frameworks read the year's observations;
    external frameworks need ``idata`` rows)."""
    if version.framework_id != framework.pk:
        raise ValidationFailed(_("this version belongs to another framework"), field="version")
    if framework.kind == Framework.Kind.PARK:
        if year is None:
            raise ValidationFailed(_("a park framework needs the year of the observations"), field="year")
        if idata is not None:
            raise ValidationFailed(_("a park framework reads its data from the observations"), field="idata")
        return park_idata(version, year)
    if not idata:
        raise ValidationFailed(_("an external framework needs iData rows"), field="idata")
    return [{str(k): _json_cell(v) for k, v in r.items()} for r in idata], {}


def _build(version: FrameworkVersion, rows: list[dict[str, Any]]) -> tuple[list[str], dict[str, Any]]:
    """Build ``version`` on ``rows``: the column order and the summary a run stores (writes nothing)."""
    columns = engine.column_order(rows)
    return columns, engine.summarise(engine.build_stored(rows, version.imeta, version.recipe, columns))


def _store(run: Run, rows: list[dict[str, Any]], built: tuple[list[str], dict[str, Any]],
           unit_parks: dict[str, int], publish: bool) -> Run:
    """Store a build's results and inputs on ``run`` (saved, scores written)."""
    version = run.version
    columns, summary = built
    run.status = Run.Status.PUBLISHED if publish else Run.Status.DRAFT
    run.synthetic = run.framework.synthetic
    run.idata, run.idata_columns, run.imeta, run.recipe = rows, columns, version.imeta, version.recipe
    run.unit_parks, run.codes, run.n_units = unit_parks, summary["codes"], summary["n_units"]
    run.uncertainty, run.sensitivity, run.strengths = (summary["uncertainty"], summary["sensitivity"],
                                                       summary["strengths"])
    run.warnings = summary["warnings"]
    run.save()
    RunScore.objects.bulk_create([
        RunScore(run=run, code=s["code"], level=s["level"], unit_code=s["unit"], unit_name=s["name"][:300],
                 park_id=unit_parks.get(s["unit"]), score=s["score"], rank=s["rank"])
        for s in summary["scores"]
    ])
    return run


@transaction.atomic
def run_create(*, actor: Any, framework: Framework, year: int | None = None,
               idata: Sequence[Mapping[str, Any]] | None = None, label: str = "", publish: bool = True,
               version: FrameworkVersion | None = None) -> Run:
    """Build the framework's current (or given) version now and store the run with its exact inputs.

    Park frameworks read the year's observations; external frameworks need ``idata`` rows."""
    # Building a run of a framework is its owners' business: checked on the run as it would be.
    policy.require(actor, policy.CREATE, Run(framework=framework))
    version = version or latest_version(framework)
    rows, unit_parks = _inputs(framework, version, year, idata)
    run = Run(framework=framework, version=version, year=year, label=label[:200], created_by=_user_or_none(actor))
    _store(run, rows, _build(version, rows), unit_parks, publish)
    record_change(actor=_user(actor), obj=run, action=ChangeRecord.CREATE,
                  changes={"framework": [None, framework.key], "version": [None, version.number],
                           "year": [None, year], "status": [None, run.status], "units": [None, run.n_units]})
    return run


# A run built in the request (the API's "background": false) must stay small: at most this many builds
# (the nominal one, the uncertainty replications and the sensitivity runs) and this many units.
SYNC_MAX_BUILDS = 200
SYNC_MAX_UNITS = 500


def run_builds(recipe: Mapping[str, Any]) -> int:
    """How many builds a run of ``recipe`` makes: 1 + replications + N × (factors + 2) of the sensitivity."""
    unc = recipe.get("uncertainty") or {}
    sens = recipe.get("sensitivity") or {}
    factors = len(unc.get("vary") or {})
    return 1 + int(unc.get("replications") or 0) + int(sens.get("replications") or 0) * (factors + 2)


def run_check_in_request(*, actor: Any, framework: Framework,
                         idata: Sequence[Mapping[str, Any]] | None = None) -> None:
    """Refuse (naming ``background``) a run too large to build in a request; who may is checked first."""
    policy.require(actor, policy.CREATE, Run(framework=framework))
    builds = run_builds(latest_version(framework).recipe)
    units = len(idata or [])
    if builds > SYNC_MAX_BUILDS or units > SYNC_MAX_UNITS:
        raise ValidationFailed(
            _("background: only runs of at most %(max_builds)d builds (uncertainty and sensitivity runs included) "
              "and %(max_units)d units are built in the request; this one makes %(builds)d builds on %(units)d "
              "rows. Leave out \"background\" to queue it for the worker.")
            % {"builds": builds, "units": units, "max_builds": SYNC_MAX_BUILDS, "max_units": SYNC_MAX_UNITS},
            field="background")


@transaction.atomic
def run_queue(*, actor: Any, framework: Framework, year: int | None = None,
              idata: Sequence[Mapping[str, Any]] | None = None, label: str = "", publish: bool = False) -> Run:
    """Queue a run of the framework's current version for a background worker (biopark.rankings.jobs).

    The inputs are checked now (who may, the year, the rows); a park framework's observations are read
    when the worker builds it. The run stays a draft, invisible to non-owners, until it is built."""
    policy.require(actor, policy.CREATE, Run(framework=framework))
    version = latest_version(framework)
    rows: list[dict[str, Any]] = []
    if framework.kind == Framework.Kind.PARK:
        if year is None or not 1900 <= year <= 2200:
            raise ValidationFailed(_("year: give the year of the observations (1900–2200)"), field="year")
        if idata is not None:
            raise ValidationFailed(_("a park framework reads its data from the observations"), field="idata")
    else:
        rows, _parks = _inputs(framework, version, year, idata)
        engine.make_input(rows, version.imeta)  # a malformed table is refused now, not in the worker
    run = Run.objects.create(
        framework=framework, version=version, year=year, label=label[:200], status=Run.Status.DRAFT,
        synthetic=framework.synthetic, idata=rows, idata_columns=engine.column_order(rows), imeta=version.imeta,
        recipe=version.recipe, publish_on_success=publish, job_status=JobStatus.QUEUED,
        created_by=_user_or_none(actor),
    )
    record_change(actor=_user(actor), obj=run, action=ChangeRecord.CREATE,
                  changes={"framework": [None, framework.key], "version": [None, version.number],
                           "year": [None, year], "job_status": [None, JobStatus.QUEUED]})
    transaction.on_commit(lambda: jobs.enqueue(run.pk))
    return run


def run_build_queued(*, run: Run, stage: Callable[[str], None]) -> Run:
    """Build a queued run (called by the worker once the run is marked running): read its inputs, build,
    then store results and scores in one transaction. ``stage`` is told which stage starts."""
    framework = run.framework
    stage("data")
    if framework.kind == Framework.Kind.PARK:
        rows, unit_parks = _inputs(framework, run.version, run.year, None)
    else:
        rows, unit_parks = list(run.idata), {}
    stage("build")
    # Built outside the transaction (a long uncertainty analysis holds no lock); stored inside it.
    built = _build(run.version, rows)
    stage("store")
    with transaction.atomic():
        _store(run, rows, built, unit_parks, run.publish_on_success)
        run.job_status, run.finished_at, run.job_error = JobStatus.SUCCEEDED, timezone.now(), ""
        run.save(update_fields=["job_status", "finished_at", "job_error"])
        record_change(actor=run.created_by, obj=run, action=ChangeRecord.UPDATE,
                      changes={"job_status": [JobStatus.RUNNING, JobStatus.SUCCEEDED], "units": [0, run.n_units],
                               "status": [Run.Status.DRAFT, run.status]})
    return run


@transaction.atomic
def run_publish(*, actor: Any, run: Run) -> Run:
    locked = Run.objects.select_for_update().select_related("framework").filter(pk=run.pk).first()
    policy.require(actor, policy.CHANGE, locked or run)
    if locked is not None:
        run.status = locked.status
    if run.status == Run.Status.PUBLISHED:
        return run
    if (locked or run).job_status != JobStatus.SUCCEEDED:
        raise ValidationFailed(_("only a run that was built can be published"), field="status")
    run.status = Run.Status.PUBLISHED
    run.save(update_fields=["status"])
    record_change(actor=_user(actor), obj=run, action=ChangeRecord.UPDATE,
                  changes={"status": [Run.Status.DRAFT, Run.Status.PUBLISHED]})
    return run


def run_reproduce(*, run: Run) -> dict[str, Any]:
    """Rebuild a stored run from its stored inputs (a read: nothing is written). Returns the rebuilt
    summary (scores, uncertainty, strengths) in the stored form and whether it matches the stored run."""
    summary = engine.summarise(engine.build_stored(run.idata, run.imeta, run.recipe, run.idata_columns))
    stored_scores = sorted(
        ({"code": s.code, "level": s.level, "unit": s.unit_code, "name": s.unit_name, "score": s.score,
          "rank": s.rank} for s in run.scores.all()), key=lambda s: (s["code"], s["unit"]))
    rebuilt_scores = sorted(summary["scores"], key=lambda s: (s["code"], s["unit"]))
    identical = (
        stored_scores == rebuilt_scores and summary["uncertainty"] == run.uncertainty
        and summary["sensitivity"] == run.sensitivity and summary["strengths"] == run.strengths
        and summary["codes"] == run.codes and summary["warnings"] == run.warnings
    )
    return {"identical": identical, "summary": summary}
