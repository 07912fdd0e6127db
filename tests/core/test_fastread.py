"""core.fastread: the once-built SQL gives the same objects and values as the ORM, with the followed relations
cached (no further query), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from biopark.accounts.auth import token_create
from biopark.accounts.models import ApiToken, Profile, hash_token
from biopark.core.audit import change_record_for
from biopark.core.fastread import JoinedSelect, adapt, fetch, insert, insert_with
from biopark.core.models import ChangeRecord
from biopark.facilities.models import Booking, BookingUnit, Resource
from tests.facilities.factories import ResourceFactory
from tests.factories import OrganisationFactory, ParkFactory, PlatformFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fastread_on(settings):
    """These tests are about the once-built SQL itself (its queries, its cursor), whatever BIOPARK_FASTREAD
    the run has; tests/facilities/test_fastread_orm.py compares it with the ORM."""
    settings.BIOPARK_FASTREAD = True

RESOURCE = JoinedSelect(Resource, ["platform", "platform__park"], by="id")
TOKEN = JoinedSelect(ApiToken, ["user", "user__profile"], by="token_hash")


def _values(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_resource_with_platform_and_park_matches_the_orm_in_one_query():
    park = ParkFactory(time_zone="Europe/Berlin")
    resource = ResourceFactory(
        platform=PlatformFactory(park=park), opening_hours={"mon": [["09:00", "17:00"]]},
        price_member=Decimal("120.50"), aliases=["GLP 中心"],
    )
    expected = Resource.objects.select_related("platform__park").get(pk=resource.pk)
    with CaptureQueriesContext(connection) as queries:
        found = RESOURCE.first(resource.pk)
        assert found is not None
        assert _values(found) == _values(expected)
        assert _values(found.platform) == _values(expected.platform)
        assert _values(found.platform.park) == _values(expected.platform.park)
        assert found.platform.park.time_zone == "Europe/Berlin"
        assert found.price_member == Decimal("120.50") and found.opening_hours == {"mon": [["09:00", "17:00"]]}
    assert len(queries) == 1  # the relations came with the row
    assert found._state.db == "default" and not found._state.adding


def test_a_missing_row_and_a_null_relation():
    assert RESOURCE.first(987654) is None
    resource = ResourceFactory(platform=PlatformFactory(park=None))
    with CaptureQueriesContext(connection) as queries:
        found = RESOURCE.first(resource.pk)
        assert found is not None and found.platform.park is None
    assert len(queries) == 1


def test_token_with_user_and_reverse_one_to_one_profile():
    with_profile = UserFactory()
    Profile.objects.create(user=with_profile, role="investor")
    without = UserFactory()
    raw_with = token_create(user=with_profile, name="a")
    raw_without = token_create(user=without, name="b")
    with CaptureQueriesContext(connection) as queries:
        token = TOKEN.first(hash_token(raw_with))
        assert token is not None and token.user.pk == with_profile.pk
        assert token.user.profile.role == "investor"
        assert token.user.profile.user is token.user  # both sides cached, as select_related does
        other = TOKEN.first(hash_token(raw_without))
        assert other is not None
        with pytest.raises(Profile.DoesNotExist):
            other.user.profile  # noqa: B018 - the access itself is what is tested
    assert len(queries) == 2
    assert TOKEN.first(hash_token("bp_nope")) is None


def test_locking_sql_per_database():
    locking = JoinedSelect(Resource, ["platform"], by="id", for_update=True)
    sql = locking.sql()
    if connection.vendor == "postgresql":
        assert sql.endswith('FOR UPDATE OF "t0"')
    else:
        assert "FOR UPDATE" not in sql  # SQLite has no row locks (writes are serialised instead)
    resource = ResourceFactory()
    with transaction.atomic():
        assert locking.first(resource.pk).pk == resource.pk


def test_relations_that_do_not_exist_or_are_not_to_one_are_refused_at_once():
    with pytest.raises(ValueError, match="park: follow platform first"):
        JoinedSelect(Resource, ["platform__park"], by="id")
    with pytest.raises(ValueError, match="not a to-one relation"):
        JoinedSelect(Resource, ["bookings"], by="id")


def test_fetch_converts_values_like_the_orm():
    resource = ResourceFactory()
    start = dt.datetime(2031, 3, 4, 1, 30, tzinfo=dt.UTC)
    booking = Booking.objects.create(
        resource=resource, user=UserFactory(), organisation=OrganisationFactory(), start=start,
        end=start + dt.timedelta(hours=1), status="confirmed",
    )
    BookingUnit.objects.create(booking=booking, resource=resource, unit_no=1, start=booking.start,
                               blocked_until=booking.end)
    fields = [BookingUnit._meta.get_field(n) for n in ("unit_no", "start", "blocked_until", "active")]
    rows = fetch(
        'SELECT "unit_no", "start", "blocked_until", "active" FROM "facilities_bookingunit" '
        'WHERE "resource_id" = %s AND "start" >= %s',
        [resource.pk, adapt(fields[1], start - dt.timedelta(minutes=1))],
        fields,
    )
    assert rows == list(BookingUnit.objects.filter(pk__isnull=False).values_list(
        "unit_no", "start", "blocked_until", "active"
    ))
    assert rows == [(1, start, start + dt.timedelta(hours=1), True)]
    assert rows[0][1].tzinfo is not None


def test_insert_writes_what_save_would_and_sets_the_key():
    resource = ResourceFactory()
    user = UserFactory()
    before = timezone.now()
    record = insert(ChangeRecord(
        content_type_id=1, object_id=resource.pk, object_repr="仪器", action="create", actor=user,
        actor_label=user.username, changes={"price": [None, "12.50"], "名称": [None, "GLP"]},
    ))
    assert record.pk is not None and not record._state.adding
    assert record.at is not None and record.at >= before  # auto_now_add applied as save() applies it
    stored = ChangeRecord.objects.get(pk=record.pk)
    assert _values(stored) == _values(record)
    assert stored.changes == {"price": [None, "12.50"], "名称": [None, "GLP"]}
    with pytest.raises(ValueError, match="only new rows are inserted"):
        insert(stored)


def test_database_errors_come_as_django_errors():
    user = UserFactory()
    insert(ApiToken(user=user, name="a", token_hash="x" * 64, prefix="bp_x"))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(ApiToken(user=user, name="b", token_hash="x" * 64, prefix="bp_x"))  # token_hash is unique
    assert ApiToken.objects.filter(token_hash="x" * 64).count() == 1


@pytest.mark.django_db(transaction=True)  # closing the connection inside the test's transaction would end it
def test_a_closed_connection_is_opened_again_with_a_new_cursor():
    user = UserFactory()
    raw = token_create(user=user, name="a")
    assert TOKEN.first(hash_token(raw)).user.pk == user.pk
    before = connection.connection
    kept = connection._biopark_fastread_cursor[1]
    connection.close()  # (an in-memory SQLite test database keeps its connection: Django does not close it)
    assert TOKEN.first(hash_token(raw)).user.pk == user.pk
    assert connection._biopark_fastread_cursor[0] is connection.connection
    assert (connection._biopark_fastread_cursor[1] is kept) == (connection.connection is before)


def _booking_rows(resource, user, org, start):
    booking = Booking(resource=resource, user=user, organisation=org, start=start,
                      end=start + dt.timedelta(hours=1), status="confirmed")
    units = [BookingUnit(resource=resource, unit_no=n, start=start, blocked_until=booking.end) for n in (1, 2)]
    history = change_record_for(actor=user, obj=booking, action="create", changes={"quantity": [None, 2]})
    return booking, units, history


def test_insert_with_writes_the_row_and_those_that_refer_to_it():
    resource, user, org = ResourceFactory(capacity=2), UserFactory(), OrganisationFactory()
    start = dt.datetime(2031, 5, 6, 2, 0, tzinfo=dt.UTC)
    booking, units, history = _booking_rows(resource, user, org, start)
    with CaptureQueriesContext(connection) as queries:
        insert_with(booking, [*((u, "booking_id") for u in units), (history, "object_id")])
    assert len(queries) == (1 if connection.vendor == "postgresql" else 4)  # one statement on PostgreSQL
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.start, stored.status, stored.organisation_id) == (start, "confirmed", org.pk)
    assert stored.created_at is not None and stored.created_at == booking.created_at
    assert sorted(BookingUnit.objects.filter(booking=stored).values_list("unit_no", "resource_id")) == [
        (1, resource.pk), (2, resource.pk)
    ]
    record = ChangeRecord.objects.get(object_id=booking.pk, action="create")
    assert record.changes == {"quantity": [None, 2]} and record.actor_id == user.pk
    assert record.object_repr == str(booking)
    assert all(u.booking_id == booking.pk for u in units) and history.object_id == booking.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no exclusion constraint to break")
def test_insert_with_is_all_or_nothing_when_a_dependent_row_is_refused():
    resource, user, org = ResourceFactory(capacity=2), UserFactory(), OrganisationFactory()
    start = dt.datetime(2031, 5, 6, 2, 0, tzinfo=dt.UTC)
    first = _booking_rows(resource, user, org, start)
    insert_with(first[0], [*((u, "booking_id") for u in first[1]), (first[2], "object_id")])
    second = _booking_rows(resource, user, org, start + dt.timedelta(minutes=30))  # units 1 and 2 overlap
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with(second[0], [*((u, "booking_id") for u in second[1]), (second[2], "object_id")])
    assert Booking.objects.count() == 1 and BookingUnit.objects.count() == 2
    assert ChangeRecord.objects.filter(action="create", changes={"quantity": [None, 2]}).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_first_statement_of_a_transaction_fails_as_a_django_error_and_rolls_back():
    """A failure of the first statement of a transaction comes as django.db's IntegrityError and leaves nothing
    behind; the next transaction works."""
    user = UserFactory()
    insert(ApiToken(user=user, name="a", token_hash="y" * 64, prefix="bp_y"))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(ApiToken(user=user, name="b", token_hash="y" * 64, prefix="bp_y"))
    with transaction.atomic():
        token = TOKEN.first("y" * 64)
        assert token is not None and token.name == "a"
        insert(ApiToken(user=user, name="c", token_hash="z" * 64, prefix="bp_z"))
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["a", "c"]
