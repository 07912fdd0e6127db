"""Merging two organisation records that are one: the preview of what would move, and the merge itself.

Every app says how its rows follow the surviving record (biopark.core.merge, registered in each AppConfig.ready);
this module only asks the registry, so the registry app imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.accounts import policy
from biopark.core.audit import record_change
from biopark.core.dates import format_partial
from biopark.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from biopark.core.history import MERGED_FROM
from biopark.core.merge import Outcome, Preview, followers, remaining_references
from biopark.core.models import ChangeRecord
from biopark.ecosystem import selectors, services
from biopark.ecosystem.merge_followers import TARGET
from biopark.ecosystem.models import Organisation

# Fields of the survivor that the duplicate fills when the survivor has none (its own values always win).
# The park is not among them: moving a record into a park is a decision of its own (policy MOVE).
FILLED = ("key", "credit_code", "website", "city_zh", "city_en", "description_zh", "description_en")
FOUNDED = ("founded_on", "founded_precision")
LABELS = {
    "key": gettext_lazy("Key"),
    "credit_code": gettext_lazy("unified social credit code"),
    "website": gettext_lazy("Website"),
    "city_zh": gettext_lazy("City (Chinese)"),
    "city_en": gettext_lazy("City (English)"),
    "description_zh": gettext_lazy("Description (Chinese)"),
    "description_en": gettext_lazy("Description (English)"),
    "founded_on": gettext_lazy("Founded"),
}


@dataclass(frozen=True)
class KindPreview:
    app: str
    kind: str
    label: str
    count: int
    names: list[str]
    conflicts: list[str]


@dataclass(frozen=True)
class MergePlan:
    """What merging `duplicate` into `keep` would do."""

    keep: Organisation
    duplicate: Organisation
    kinds: list[KindPreview]
    aliases_added: list[str]
    fields_filled: dict[str, list[Any]]

    @property
    def moving(self) -> list[KindPreview]:
        return [k for k in self.kinds if k.count]

    @property
    def conflict_count(self) -> int:
        return sum(len(k.conflicts) for k in self.kinds)

    @property
    def fields_shown(self) -> list[tuple[str, str]]:
        """The filled fields as a person reads them: label and value (the founding date as one)."""
        out = []
        for name, (_old, new) in self.fields_filled.items():
            if name == "founded_precision":
                continue
            if name == "founded_on":
                new = format_partial(new, self.fields_filled["founded_precision"][1])
            out.append((str(LABELS[name]), str(new)))
        return out


@dataclass
class MergeSummary:
    """What a merge did, per kind of row: the ids moved to the survivor and the ids dropped as already held."""

    keep: Organisation
    duplicate_id: int
    duplicate_name: str
    moved: dict[str, Outcome] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    apps: dict[str, str] = field(default_factory=dict)
    aliases_added: list[str] = field(default_factory=list)
    fields_filled: dict[str, list[Any]] = field(default_factory=dict)


def merge_decision(user: Any, keep: Organisation, duplicate: Organisation) -> policy.Decision:
    """May `user` fold `duplicate` into `keep`? Changing both and deleting the duplicate must be allowed
    (a park operator within the park, an administrator anywhere)."""
    if keep.pk == duplicate.pk:
        return policy.refuse(_("an organisation cannot be merged into itself"))
    for action, record in ((policy.CHANGE, keep), (policy.CHANGE, duplicate), (policy.DELETE, duplicate)):
        decision = policy.decide(user, action, record)
        if not decision:
            return decision
    return policy.ALLOW


def may_merge_away(user: Any, duplicate: Organisation) -> bool:
    """Whether the "Merge into…" action is offered on the duplicate's page."""
    return bool(policy.decide(user, policy.CHANGE, duplicate) and policy.decide(user, policy.DELETE, duplicate))


def _aliases_added(keep: Organisation, duplicate: Organisation) -> list[str]:
    known = {*keep.aliases, keep.name_zh, keep.name_en}
    added: list[str] = []
    for name in (duplicate.name_zh, duplicate.name_en, *duplicate.aliases):
        name = (name or "").strip()
        if name and name not in known:
            known.add(name)
            added.append(name)
    return added


def _fields_filled(keep: Organisation, duplicate: Organisation) -> dict[str, list[Any]]:
    filled: dict[str, list[Any]] = {}
    for name in FILLED:
        if not getattr(keep, name) and getattr(duplicate, name):
            filled[name] = [getattr(keep, name), getattr(duplicate, name)]
    if keep.founded_on is None and duplicate.founded_on is not None:
        for name in FOUNDED:
            filled[name] = [getattr(keep, name), getattr(duplicate, name)]
    return filled


def merge_preview(*, keep: Organisation, duplicate: Organisation) -> MergePlan:
    """Per app and kind of row: how many would move, a few of their names, and the rows dropped because the
    survivor holds the same one already. Reads only; the caller decides whether the user may see it."""
    kinds = []
    for follower in followers(TARGET):
        preview: Preview = follower.preview(keep, duplicate)
        kinds.append(
            KindPreview(
                app=follower.app, kind=follower.kind, label=str(follower.label), count=preview.count,
                names=preview.names, conflicts=preview.conflicts,
            )
        )
    return MergePlan(
        keep=keep,
        duplicate=duplicate,
        kinds=kinds,
        aliases_added=_aliases_added(keep, duplicate),
        fields_filled={k: [v[0], v[1]] for k, v in _fields_filled(keep, duplicate).items()},
    )


def merge_candidates(*, user: Any, duplicate: Organisation, q: str = "", limit: int = 20) -> list[Organisation]:
    """Organisations `user` may merge `duplicate` into, matching `q`; without a query, those of the same
    park, records with the same duplicate key first."""
    qs = selectors.record_list(model=Organisation, user=user, q=q or None).exclude(pk=duplicate.pk)
    if not q:
        qs = qs.filter(park_id=duplicate.park_id) if duplicate.park_id else qs.filter(match_key=duplicate.match_key)
    same_key = list(qs.filter(match_key=duplicate.match_key)[:limit]) if duplicate.match_key else []
    found: list[Organisation] = []
    # The policy decides per record; scanning a bounded window keeps the page quick on a large registry.
    for org in [*same_key, *qs[: limit * 5]]:
        if org not in found and merge_decision(user, org, duplicate):
            found.append(org)
        if len(found) >= limit:
            break
    return found


def _lock_pair(keep: Organisation, duplicate: Organisation) -> tuple[Organisation, Organisation]:
    # Locked in id order, so two merges of the same pair in opposite directions cannot deadlock.
    rows = {o.pk: o for o in Organisation.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk]).order_by("pk")}
    if keep.pk not in rows or duplicate.pk not in rows:
        raise NotFound(_("this record no longer exists"))
    return rows[keep.pk], rows[duplicate.pk]


@transaction.atomic
def organisation_merge(*, actor: Any, keep: Organisation, duplicate: Organisation) -> MergeSummary:
    """Fold `duplicate` into `keep`: every row of every app that points at it moves (or, when the survivor
    holds the same row already, is dropped), its names become aliases, its empty-on-the-survivor fields
    fill the survivor's, both histories record the merge, and it is deleted. All or nothing."""
    if keep.pk == duplicate.pk:
        raise ValidationFailed(_("an organisation cannot be merged into itself"), field="into")
    keep, duplicate = _lock_pair(keep, duplicate)
    decision = merge_decision(actor, keep, duplicate)
    if not decision:
        raise PermissionRefused(str(decision.reason))
    summary = MergeSummary(keep=keep, duplicate_id=duplicate.pk, duplicate_name=str(duplicate))
    for follower in followers(TARGET):
        summary.moved[follower.kind] = follower.move(keep, duplicate)
        summary.labels[follower.kind] = str(follower.label)
        summary.apps[follower.kind] = follower.app
    left = remaining_references(Organisation, duplicate.pk)
    if left:
        # A reference no app registered: stop rather than let the delete cascade or half-finish.
        raise Conflict(_("rows still point at the duplicate: %(rows)s") % {"rows": ", ".join(left)})
    summary.aliases_added = _aliases_added(keep, duplicate)
    summary.fields_filled = _fields_filled(keep, duplicate)
    _write_survivor(actor, keep, duplicate, summary)
    return summary


def _write_survivor(actor: Any, keep: Organisation, duplicate: Organisation, summary: MergeSummary) -> None:
    """Record the merge on the duplicate, delete it, then update the survivor and record what it gained."""
    user = policy.user_of(actor)
    record_change(
        actor=user, obj=duplicate, action=ChangeRecord.MERGE, changes={"merged_into": [duplicate.pk, keep.pk]},
        note=f"merged into #{keep.pk} {keep}",
    )
    duplicate.delete()  # frees its unique key and credit code for the survivor
    before_aliases = list(keep.aliases)
    keep.aliases = [*keep.aliases, *summary.aliases_added]
    for name, (_old, new) in summary.fields_filled.items():
        setattr(keep, name, new)
    services.refresh_derived(keep)
    keep.version += 1
    columns = ["aliases", "search_text", "search_grams", "match_key", "version", "updated_at", *summary.fields_filled]
    try:
        with transaction.atomic():
            keep.save(update_fields=columns)
    except IntegrityError as exc:
        raise Conflict(_("these values clash with another record")) from exc
    changes: dict[str, list[Any]] = {MERGED_FROM: [None, summary.duplicate_id]}
    if summary.aliases_added:
        changes["aliases"] = [before_aliases, keep.aliases]
    changes.update({name: list(pair) for name, pair in summary.fields_filled.items()})
    for kind, outcome in summary.moved.items():
        if outcome.moved:
            changes[kind] = [None, outcome.moved]
        if outcome.dropped:
            changes[f"{kind}_dropped"] = [outcome.dropped, None]
    for name, pair in changes.items():
        changes[name] = [_plain(v) for v in pair]
    record_change(
        actor=user, obj=keep, action=ChangeRecord.MERGE, changes=changes,
        note=f"merged #{summary.duplicate_id} {summary.duplicate_name}",
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
