"""What keeps an import inside its writer's scope and keeps two imports from racing each other.

- `row_refusal` asks the policy's one write check (`policy.require_write`) for a row that changes a record:
  may the actor edit the record as it is AND as the row would leave it? (A row naming another park's
  organisation with the operator's own park would otherwise pass a check made on either state alone.)
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
from biopark.core.errors import PermissionRefused
from biopark.core.models import ChangeRecord
from biopark.ecosystem.models import Organisation, Park, Person, Platform, Position

# The field a refused row names when the policy's refusal names none: the one that places the record.
SCOPE_FIELD: dict[type[models.Model], str] = {
    Organisation: "park",
    Platform: "park",
    Park: "parent",
    Person: "organisation",
}


def scope_field(model: type[models.Model]) -> str:
    return SCOPE_FIELD.get(model, "park")


def row_refusal(actor: Any, before: models.Model, after: models.Model) -> PermissionRefused | None:
    """Why `actor` may not turn `before` (the stored record) into `after` (the record with the row applied),
    or None when it may. The policy's one write check decides: CHANGE on both states, MOVE on both when a
    scope-carrying field (park, parent, operator) changes, LINK on the record newly named by one."""
    try:
        policy.require_write(actor, before=before, after=after)
    except PermissionRefused as exc:
        return exc
    return None


def position_decision(actor: Any, person: Person | None, organisation: Organisation | None) -> policy.Decision:
    """May `actor` give `person` (None: a person the same import creates) a position at `organisation`?
    Asked as creating the position: the policy wants CHANGE on the person and LINK on the organisation."""
    return policy.decide(actor, policy.CREATE, Position(person=person or Person(), organisation=organisation))


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
