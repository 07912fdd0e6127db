"""core.writes.Editable + apply_changes: the one helper the registry, facilities, pipeline and services use to
change a record (read each value, check the record, save only the changed columns, history with old and new)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from biopark.core.errors import ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.core.policy import SYSTEM
from biopark.core.writes import Attributes, Editable, apply_changes, one_of
from biopark.ecosystem.models import Organisation, Park, Person, Platform
from biopark.ecosystem.services import REGISTRY_EDITABLE
from biopark.facilities.services import RESOURCE_EDITABLE
from biopark.pipeline.services import PROJECT_EDITABLE
from biopark.services.services import SERVICE_EDITABLE
from tests.factories import OrganisationFactory


def _row(obj) -> dict:
    return type(obj).objects.filter(pk=obj.pk).values().get()


def test_values_are_read_per_field_and_unknown_fields_refused():
    editable = Editable(
        fields=["name_en", "kind", "founded"],
        convert={"kind": one_of(["a", "b"], "kind"), "founded": lambda value, name: Attributes(year=value, exact=True)},
    )
    assert editable.converted({"name_en": "  Acme ", "kind": "a", "founded": 1999}) == {
        "name_en": "Acme", "kind": "a", "year": 1999, "exact": True,
    }
    with pytest.raises(ValidationFailed) as refused, translation.override("en"):
        editable.converted({"colour": "red"})
    assert (refused.value.message, refused.value.fields) == ("unknown field 'colour'", {"colour": "unknown field 'colour'"})
    with pytest.raises(ValidationFailed) as refused, translation.override("en"):
        editable.converted({"kind": "c"})
    assert refused.value.message == "unknown kind 'c'; known: a, b" and list(refused.value.fields) == ["kind"]


def test_the_four_apps_use_it():
    assert set(REGISTRY_EDITABLE) == {Park, Organisation, Person, Platform}
    for editable in (*REGISTRY_EDITABLE.values(), RESOURCE_EDITABLE, PROJECT_EDITABLE, SERVICE_EDITABLE):
        assert isinstance(editable, Editable) and editable.check is not None


@pytest.mark.django_db
def test_changes_only_the_named_columns_and_records_old_and_new():
    org = OrganisationFactory(name_en="Acme", city_en="Chengdu")
    changes = apply_changes(
        actor=SYSTEM, instance=org, data={"city_en": " Shanghai ", "name_en": "Acme"},
        editable=REGISTRY_EDITABLE[Organisation], audited=["name_en", "city_en"],
    )
    assert changes == {"city_en": ["Chengdu", "Shanghai"]}
    assert org.city_en == "Shanghai" and _row(org)["city_en"] == "Shanghai"
    record = ChangeRecord.objects.get(object_id=org.pk, action=ChangeRecord.UPDATE)
    assert record.changes == {"city_en": ["Chengdu", "Shanghai"]}
    with CaptureQueriesContext(connection) as queries:
        assert apply_changes(actor=SYSTEM, instance=org, data={"city_en": "Shanghai"},
                             editable=REGISTRY_EDITABLE[Organisation], audited=["city_en"]) == {}
    assert not any(q["sql"].startswith("UPDATE") for q in queries)  # nothing changed, nothing written


@pytest.mark.django_db
def test_a_refused_value_changes_nothing():
    org = OrganisationFactory(name_en="Acme")
    before = _row(org)
    with pytest.raises(ValidationFailed) as refused:
        apply_changes(actor=SYSTEM, instance=org, data={"name_en": "Renamed", "park": "no such park"},
                      editable=REGISTRY_EDITABLE[Organisation], audited=["name_en"])
    assert list(refused.value.fields) == ["park"]
    assert _row(org) == before
    assert not ChangeRecord.objects.filter(object_id=org.pk, action=ChangeRecord.UPDATE).exists()
