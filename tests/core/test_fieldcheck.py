"""FieldChecker must answer exactly as Django's clean_fields: same fields refused, same messages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from biopark.core.fieldcheck import FieldChecker
from biopark.ecosystem.models import Organisation, Park, Person, Platform

TEXT = st.one_of(
    st.text(max_size=12),
    st.text(min_size=95, max_size=105),  # around the 100-character limit of the city fields
    st.sampled_from(["", "CN", "enterprise", "hospital", "nonsense", "year", "month", "a\x00b", "x" * 301]),
)
# What an import can put in a field: text, nothing, a flag, a date, a list of names, or a stray type.
VALUE = st.one_of(
    TEXT,
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.dates(),
    st.lists(st.text(max_size=5), max_size=3),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def django_errors(model, values, names):
    instance = model()
    for attname, value in values.items():
        setattr(instance, attname, value)
    fields = {f.name for f in model._meta.concrete_fields}
    try:
        instance.clean_fields(exclude=sorted(fields - set(names)))
    except ValidationError as exc:
        return {k: "; ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
    return {}


@pytest.mark.parametrize("model", [Organisation, Park, Person, Platform])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_same_answers_as_clean_fields(model, data):
    checker = FieldChecker(model)
    names = [
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.is_relation and not f.primary_key and not getattr(f, "auto_now", False)
    ]
    values = {model._meta.get_field(n).attname: data.draw(VALUE, label=n) for n in names}
    try:
        expected = django_errors(model, dict(values), names)
    except (TypeError, ValueError) as exc:  # Django itself fails on some stray types (False as a date)
        with pytest.raises(type(exc)):
            checker.errors(dict(values), names)
        return
    assert checker.errors(dict(values), names) == expected


def test_ordinary_values_pass_and_bad_ones_get_djangos_message():
    checker = FieldChecker(Organisation)
    good = {"name_zh": "甲", "kind": "hospital", "country": "CN", "aliases": ["a"], "founded_on": dt.date(2001, 5, 1)}
    assert checker.errors(dict(good), list(good.keys())) == {}
    bad = {"kind": "castle", "country": "CHN", "website": "not a url"}
    with translation.override("en"):
        found = checker.errors(dict(bad), list(bad))
    assert found == {
        "kind": "Value 'castle' is not a valid choice.",
        "country": "Ensure this value has at most 2 characters (it has 3).",
        "website": "Enter a valid URL.",
    }
