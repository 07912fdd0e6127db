"""Factories of the services app."""

from __future__ import annotations

import factory

from biopark.services.models import Service
from tests.factories import OrganisationFactory


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name_zh = factory.Sequence(lambda n: f"测试服务{n}")
    name_en = factory.Sequence(lambda n: f"Test service {n}")
    category = "preclinical"
    stages = ["preclinical", "ind"]
    provider_organisation = factory.SubFactory(OrganisationFactory)
    park = factory.SelfAttribute("provider_organisation.park")
    target_days = 10
