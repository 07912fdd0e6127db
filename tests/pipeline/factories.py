"""Factories of the pipeline app."""

from __future__ import annotations

import factory

from biopark.core.text import search_blob
from biopark.pipeline.models import Indication, Project
from tests.factories import OrganisationFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name_zh = factory.Sequence(lambda n: f"测试项目{n}")
    name_en = factory.Sequence(lambda n: f"Test project {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    park = factory.SelfAttribute("organisation.park")
    modality = "antibody"
    visibility = "private"

    @factory.lazy_attribute
    def search_text(self) -> str:
        return search_blob(self.name_zh, self.name_en)


class IndicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indication

    project = factory.SubFactory(ProjectFactory)
    name_en = factory.Sequence(lambda n: f"Indication {n}")
    therapeutic_area = "oncology"
