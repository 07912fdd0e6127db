"""What keeps an import inside its writer's scope and keeps two imports from racing each other.

- `row_decision` is the one permission question an import asks for a row that changes a record: may the
  actor edit the record as it is AND as the row would leave it? (A row naming another park's organisation
  with the operator's own park would otherwise pass a check made on either state alone.)
- `import_lock` serialises the writing imports of one record type; the importer matches the rows to the
  registry again under it, so the second of two imports of the same file finds the first one's records.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Count, Max

from biopark.accounts import policy
from biopark.core.models import ChangeRecord
from biopark.ecosystem.models import Organisation, Park, Person, Platform

# The field whose value places a record in a park (what a refused row names).
SCOPE_FIELD: dict[type[models.Model], str] = {
    Organisation: "park",
    Platform: "park",
    Park: "parent",
    Person: "organisation",
}
# Foreign keys that place a record in a scope (a park, a park tree, an operating organisation).
SCOPE_CARRYING = ("park", "parent", "operator")


def scope_field(model: type[models.Model]) -> str:
    return SCOPE_FIELD.get(model, "park")


def moved(before: models.Model, after: models.Model) -> list[str]:
    """The scope-carrying fields whose value differs between the two states."""
    return [
        name for name in SCOPE_CARRYING
        if hasattr(after, f"{name}_id") and getattr(before, f"{name}_id") != getattr(after, f"{name}_id")
    ]


def row_decision(actor: Any, before: models.Model, after: models.Model) -> policy.Decision:
    """May `actor` turn `before` (the stored record) into `after` (the same record with the row applied)?

    Both states are asked about. A row that changes a scope-carrying field is asked as the policy's
    "move" when the policy has that action, otherwise as a change of the record as it would be; and the
    record it now points to (the new park, parent park or operator) must be the actor's to edit too, so
    an operator cannot hang its park under another park's tree.
    """
    decision = policy.decide(actor, policy.CHANGE, before)
    if not decision:
        return decision
    fields = moved(before, after)
    action = getattr(policy, "MOVE", policy.CHANGE) if fields else policy.CHANGE
    decision = policy.decide(actor, action, after)
    for name in fields:
        if not decision:
            break
        target = getattr(after, name)
        if target is not None:
            decision = policy.decide(actor, policy.CHANGE, target)
    return decision


def position_decision(actor: Any, person: Person | None, organisation: Organisation | None) -> policy.Decision:
    """May `actor` give `person` (None: a person the same import creates) a position at `organisation`?
    Both ends must be the actor's to edit: the person, and the organisation the position ties them to."""
    if person is not None:
        decision = policy.decide(actor, policy.CHANGE, person)
        if not decision:
            return decision
    if organisation is not None:
        return policy.decide(actor, policy.CHANGE, organisation)
    return policy.ALLOW


def lock_key(model: type[models.Model]) -> int:
    """A signed 64-bit advisory-lock key for imports of `model` (stable across processes and versions)."""
    digest = hashlib.blake2b(f"biopark-import:{model._meta.label_lower}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def import_lock(model: type[models.Model]) -> None:
    """Serialise writing imports of `model` until the caller's transaction ends.

    The key is the record type alone, not the park: rows are matched by name across the whole registry
    (a row for park A updates the same-named record of park B, or is refused), so two imports into
    different parks can still collide on one name and must not run their matching side by side.

    PostgreSQL: a transaction-scoped advisory lock (released at commit or rollback; other writers are not
    blocked). SQLite has one writer at a time: the transaction must hold the write lock from its start
    (settings open every transaction with BEGIN IMMEDIATE); a no-op write takes it if it was not.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("import_lock must be taken inside the import's transaction")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(model)])
        elif connection.vendor == "sqlite":
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"UPDATE {table} SET id = id WHERE id IS NULL")  # noqa: S608 - a model's own table


def registry_state(model: type[models.Model]) -> tuple[Any, ...]:
    """A cheap fingerprint of what an import's matching read: the records of `model` (how many, the
    highest id) and the last change recorded on any of them. Equal fingerprints before the check and
    under the lock mean the check still holds."""
    counts = model._default_manager.aggregate(n=Count("pk"), top=Max("pk"))
    ct = ContentType.objects.get_for_model(model)
    last = ChangeRecord.objects.filter(content_type=ct).aggregate(top=Max("pk"))["top"]
    return counts["n"], counts["top"], last
