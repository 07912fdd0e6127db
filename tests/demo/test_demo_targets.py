"""The demo's targets: article 004's three, citing their passage, and the synthetic ones labelled so."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from biopark.demo.loader import load_demo
from biopark.ecosystem.selectors import citations_of, passage
from biopark.metrics.models import Observation, Target

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(registry_demo_data):
    """load_demo and ensure_demo_users, once for the module (tests/conftest.py)."""


def test_article_targets_cite_their_span_and_synthetic_ones_are_marked(loaded, db):
    real = Target.objects.filter(synthetic=False).select_related("indicator", "park", "platform")
    assert sorted((t.indicator.key, str(t.target_value.normalize()), t.qualifier) for t in real) == [
        ("kpi_cooperating_units", "6E+2", "over"), ("kpi_ip_rights", "1E+3", "over"),
        ("kpi_precision_output", "1E+3", "over")]
    for target in real:
        assert (target.park.key, target.platform.key, target.start_year) == ("park:tianfu-biocity",
                                                                            "platform:npmiic", 2022)
        [citation] = citations_of(target)
        assert (citation.source.key, citation.span_start, citation.span_end) == (
            "004_21ac50b1eb6903b7.txt", 4000, 4684)
    assert Target.objects.filter(synthetic=True, park__key="park:bda").count() == 3
    invested = Observation.objects.get(indicator__key="kpi_investment")
    assert [(c.span_start, c.span_end) for c in citations_of(invested)] == [(3197, 3254)]
    assert not Observation.objects.filter(source__startswith="synthetic", synthetic=False).exists()


def test_the_cited_passages_state_the_numbers(loaded, db, corpus_dir, settings):
    settings.CORPUS_DIR = corpus_dir
    target = Target.objects.get(indicator__key="kpi_ip_rights")
    text = passage(citations_of(target)[0])
    assert "more than 600 industry-university-research cooperative units" in text
    assert "more than 1,000 important independent intellectual property rights" in text
    assert "exceed 100 billion yuan in output value" in text
    invested = Observation.objects.get(indicator__key="kpi_investment")
    assert passage(citations_of(invested)[0]) == "Total investment: 1.052billion yuan at the initial stage."


def test_demo_targets_load_twice_without_change(loaded, db):
    before = list(Target.objects.values_list("id", "target_value").order_by("id"))
    observations = Observation.objects.count()
    load_demo(log=lambda _msg: None)
    assert list(Target.objects.values_list("id", "target_value").order_by("id")) == before
    assert Observation.objects.count() == observations


def test_the_operator_sees_the_demo_targets_with_their_status(loaded, db):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(get_user_model().objects.get(username="operator"))
    body = client.get("/metrics/targets/").content.decode()
    assert "精准医学产业产值" in body and "虚构" in body and "超过" in body
    target = Target.objects.get(indicator__key="kpi_precision_output")
    detail = client.get(f"/metrics/targets/{target.pk}/").content.decode()
    assert "<svg" in detail and "004_21ac50b1eb6903b7.txt" in detail
