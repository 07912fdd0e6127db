"""Factories of the promotion app: a lead of the seeded investment-promotion pipeline, in its first stage."""

from __future__ import annotations

import factory
from django.utils import timezone

from biopark.promotion.models import Lead, Pipeline, Stage
from tests.factories import OrganisationFactory, ParkFactory


def pipeline() -> Pipeline:
    return Pipeline.objects.get(key="investment-promotion")


def stage(code: str) -> Stage:
    return Stage.objects.get(pipeline=pipeline(), code=code)


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    pipeline = factory.LazyFunction(pipeline)
    park = factory.SubFactory(ParkFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    project = factory.Sequence(lambda n: f"Antibody plant {n}")
    source = "referral"
    stage = factory.LazyFunction(lambda: stage("lead"))
    stage_entered_at = factory.LazyFunction(timezone.now)
