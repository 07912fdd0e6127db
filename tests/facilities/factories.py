"""Facilities factories (the shared ones are in tests/factories.py)."""

from __future__ import annotations

from decimal import Decimal

import factory

from biopark.facilities.models import Resource
from tests.factories import PlatformFactory


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    platform = factory.SubFactory(PlatformFactory)
    name_zh = factory.Sequence(lambda n: f"测试仪器{n}")
    name_en = factory.Sequence(lambda n: f"Test instrument {n}")
    search_text = factory.LazyAttribute(lambda o: f"{o.name_zh} {o.name_en}".lower())
    kind = Resource.Kind.INSTRUMENT
    capacity = 1
    min_minutes = 30
    max_minutes = 8 * 60
    max_advance_days = 60
    notice_minutes = 0
    buffer_minutes = 0
    opening_hours: dict = {}
    price_unit = Resource.PriceUnit.HOUR
    price_member = Decimal("100.00")
    price_non_member = Decimal("150.00")
