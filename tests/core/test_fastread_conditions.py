"""core.fastread writes some rows without Model.save(): a test fails as soon as one of those models gains a
custom save() or a signal receiver, which the fast path would silently skip (issue 16, section 3)."""

from __future__ import annotations

import pytest
from django.db import models
from django.db.models import signals

from biopark.core.models import ChangeRecord
from biopark.facilities.models import Booking, BookingUnit

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
    from django.db import connections
    from django.db.utils import DatabaseError

    from biopark.core import fastread

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
