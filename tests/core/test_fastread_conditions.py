"""core.fastread writes some rows without Model.save(): a test fails as soon as one of those models gains a
custom save() or a signal receiver, which the fast path would silently skip (issue 16, section 3)."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models import signals
from django.db.utils import DatabaseError

from biopark.core import fastread
from biopark.core.fastread import Template
from biopark.core.models import ChangeRecord
from biopark.facilities import policy as booking_policy
from biopark.facilities import selectors as facility_selectors
from biopark.facilities.models import Booking, BookingUnit, Outage

# Every model written through core.fastread.insert / insert_with (history rows, bookings and their units).
WRITTEN_BY_FASTREAD = [ChangeRecord, Booking, BookingUnit]


@pytest.mark.parametrize("model", WRITTEN_BY_FASTREAD, ids=lambda m: m._meta.label)
def test_models_written_by_fastread_keep_the_plain_save(model):
    assert model.save is models.Model.save, f"{model._meta.label} has a custom save(); fastread would skip it"
    assert model.save_base is models.Model.save_base


@pytest.mark.parametrize("model", WRITTEN_BY_FASTREAD, ids=lambda m: m._meta.label)
def test_models_written_by_fastread_have_no_signal_receivers(model):
    for signal in (signals.pre_init, signals.post_init, signals.pre_save, signals.post_save):
        assert not signal.has_listeners(model), f"{model._meta.label} has a {signal} receiver; fastread skips it"


def test_the_check_notices_a_receiver():
    """The check above can fail: a receiver connected for a moment is seen."""

    def receiver(**_kwargs):
        return None

    signals.post_save.connect(receiver, sender=Booking)
    try:
        assert signals.post_save.has_listeners(Booking)
    finally:
        signals.post_save.disconnect(receiver, sender=Booking)
    assert not signals.post_save.has_listeners(Booking)


@pytest.mark.django_db
def test_fastread_runs_djangos_health_and_thread_sharing_checks(monkeypatch):
    """The kept cursor does not skip what `connection.cursor()` checks: each check is called, and its refusal
    stops the query."""
    connection = connections["default"]  # the wrapper itself, not the proxy, so that monkeypatch can undo
    calls: list[str] = []
    monkeypatch.setattr(connection, "close_if_health_check_failed", lambda: calls.append("health"))
    monkeypatch.setattr(connection, "validate_thread_sharing", lambda: calls.append("threads"))
    fastread._run(connection, "SELECT 1", [])
    assert calls == ["health", "threads"]

    def refuse() -> None:
        raise DatabaseError("shared between threads")

    monkeypatch.setattr(connection, "validate_thread_sharing", refuse)
    with pytest.raises(DatabaseError, match="shared between threads"):
        fastread._run(connection, "SELECT 1", [])


@pytest.mark.django_db
def test_fastread_refuses_a_model_with_a_receiver_when_it_writes_one(settings):
    """Beside the list above, fastread itself checks each model the first time it builds its INSERT: a model
    that gained a receiver is refused there, so any test that books or records history fails."""
    settings.BIOPARK_FASTREAD = True

    def receiver(**_kwargs):
        return None

    fastread._INSERTS.pop((ChangeRecord, "default"), None)
    signals.pre_save.connect(receiver, sender=ChangeRecord)
    try:
        with pytest.raises(TypeError, match="core.ChangeRecord has signal receivers"):
            fastread.insert(ChangeRecord(content_type_id=1, object_id=1, object_repr="x", action="create"))
    finally:
        signals.pre_save.disconnect(receiver, sender=ChangeRecord)
    assert ChangeRecord.objects.count() == 0


def test_the_hand_written_queries_take_their_names_from_the_models():
    """The two UNION queries are Templates: their table and column names come from model metadata."""
    assert isinstance(booking_policy._BUSY_SQL, Template) and isinstance(facility_selectors._BUSY_SQL, Template)
    assert booking_policy._BUSY_SQL.tables == {"u": BookingUnit, "b": Booking, "o": Outage}
    sql = booking_policy._BUSY_SQL.sql()
    quote = connections["default"].ops.quote_name
    assert f"{quote('b')}.{quote('id')} = {quote('u')}.{quote('booking_id')}" in sql  # a foreign key's column
    assert f"FROM {quote('facilities_outage')} {quote('o')}" in sql


def test_a_renamed_field_fails_where_the_query_is_built():
    with pytest.raises(FieldDoesNotExist):
        Template("SELECT {u.unit_number} FROM {u}", u=BookingUnit)  # BookingUnit's field is unit_no
    with pytest.raises(FieldDoesNotExist):
        Template("SELECT {b.ends} FROM {b} WHERE {b.resource} IN ({ids})", b=Booking)
    built = Template("SELECT {b.end} FROM {b} WHERE {b.resource} IN ({ids})", b=Booking).sql(ids="%s, %s")
    quote = connections["default"].ops.quote_name
    assert built == (
        f"SELECT {quote('b')}.{quote('end')} FROM {quote('facilities_booking')} {quote('b')} "
        f"WHERE {quote('b')}.{quote('resource_id')} IN (%s, %s)"
    )
