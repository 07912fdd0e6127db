"""The financing demo: synthetic mandates for the registry's investors, the article's roadshow cited to its
passage with Legend Capital (Junlian Capital) attending, and nothing added by a second run."""

from __future__ import annotations

import pytest

from biopark.core.models import Citation, Source
from biopark.demo import financing
from biopark.ecosystem.models import Organisation
from biopark.financing.models import Mandate, Roadshow
from tests.factories import OrganisationFactory, ParkFactory

pytestmark = pytest.mark.django_db


def test_the_demo_cites_the_roadshow_and_labels_its_mandates_synthetic():
    Source.objects.create(key=financing.ARTICLE, title_en="2023 China Biotechnology Innovation Conference")
    ParkFactory(key="park:chengdu-hitech")
    junlian = OrganisationFactory(key="org:junlian-capital", kind=Organisation.Kind.INVESTOR, park=None)
    assert financing.load(log=lambda _m: None) == {"mandates": 1}
    mandate = Mandate.objects.get(organisation=junlian)
    assert (mandate.synthetic, mandate.name, mandate.stages, str(mandate.ticket_min)) == (
        True, "合成示例：创新药早中期", ["preclinical", "ind", "phase1", "phase2"], "20000000.00")
    roadshow = Roadshow.objects.get(event__key=financing.REAL_EVENT)
    assert roadshow.synthetic is False
    assert list(roadshow.investor_links.values_list("organisation__key", flat=True)) == ["org:junlian-capital"]
    spans = sorted(Citation.objects.filter(object_id__in=[roadshow.pk, roadshow.event_id])
                   .values_list("field", "span_start", "span_end"))
    assert spans == [("", 4863, 5172), ("", 4863, 5172), ("starts_on", 1, 167)]
    assert financing.load(log=lambda _m: None) == {"mandates": 0}
    assert Mandate.objects.count() == 1 and Roadshow.objects.count() == 1


def test_the_cited_passages_say_what_the_demo_takes_from_them(corpus_dir):
    text = (corpus_dir / financing.ARTICLE).read_text(encoding="utf-8")
    assert "Junlian Capital" in text[slice(*financing.BRANCH_SPAN)]
    assert "roadshow" in text[slice(*financing.BRANCH_SPAN)]
    assert "October 19th" in text[slice(*financing.OPENING_SPAN)]
