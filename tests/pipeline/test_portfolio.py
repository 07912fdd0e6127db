"""Portfolio statistics on a small example computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from biopark.core.errors import PermissionRefused
from biopark.pipeline import selectors, services
from tests.pipeline.factories import IndicationFactory, ProjectFactory

TODAY = dt.date(2022, 1, 1)


@pytest.fixture
def example(roles, settings):
    settings.BIOPARK_NO_DEVELOPMENT_MONTHS = 24
    sys = roles["users"]["admin"]
    org = roles["enterprise"]

    def rec(p, ind, stage, date, **kw):
        services.stage_record(actor=sys, project=p, indication=ind, stage=stage, date=date, today=TODAY, **kw)

    a = ProjectFactory(organisation=org, park=org.park, modality="antibody")
    a1 = IndicationFactory(project=a, therapeutic_area="oncology")
    rec(a, a1, "discovery", "2020-01-01")
    rec(a, a1, "preclinical", "2020-03-01")  # 60 days in discovery
    rec(a, a1, "ind", "2020-05-01")  # 61 days in preclinical
    rec(a, a1, "phase1", "2020-07-01", trial_id="CTR20201234")  # 61 days at IND
    b = ProjectFactory(organisation=org, park=org.park, modality="vaccine")
    b1 = IndicationFactory(project=b, therapeutic_area="infectious disease")
    b2 = IndicationFactory(project=b, therapeutic_area="infectious disease")
    rec(b, b1, "discovery", "2021-01-01")
    rec(b, b1, "preclinical", "2021-01-11")  # 10 days
    rec(b, b1, "discontinued", "2021-02-10", reason="no efficacy")  # 30 days
    rec(b, b2, "discovery", "2021-01-01")
    c = ProjectFactory(organisation=org, park=org.park, modality="antibody")
    c1 = IndicationFactory(project=c, therapeutic_area="oncology")
    rec(c, c1, "discovery", "2019-01-01")
    rec(c, c1, "preclinical", "2019-01-21")  # 20 days
    ProjectFactory(organisation=org, park=org.park, modality="other")  # nothing reported yet
    d = ProjectFactory(organisation=roles["other_enterprise"], park=roles["other_park"], modality="vaccine")
    rec(d, IndicationFactory(project=d), "discovery", "2020-01-01")  # another park: not in the operator's view
    return roles


def test_portfolio_exact_values(example):
    data = selectors.portfolio(user=example["users"]["operator"], today=TODAY)
    assert data.total == 4
    funnel = {row["stage"]: (row["count"], row["reached"]) for row in data.funnel}
    assert funnel["discovery"] == (1, 3)
    assert funnel["preclinical"] == (1, 2)
    assert funnel["ind"] == (0, 1)
    assert funnel["phase1"] == (1, 1)
    assert funnel["phase2"] == (0, 0)
    assert funnel["none"] == (1, None)
    assert funnel["discontinued"] == (0, None)
    modalities = {m["modality"]: m["count"] for m in data.modalities}
    assert (modalities["antibody"], modalities["vaccine"], modalities["other"], modalities["adc"]) == (2, 1, 1, 0)
    assert data.areas == [{"area": "oncology", "count": 2}, {"area": "infectious disease", "count": 1}]
    times = {t.stage: (t.n, t.q1, t.median, t.q3) for t in data.stage_times}
    assert times["discovery"] == (3, 15.0, 20.0, 40.0)
    assert times["preclinical"] == (2, 37.75, 45.5, 53.25)
    assert times["ind"] == (1, 61.0, 61.0, 61.0)
    assert times["phase1"] == (0, None, None, None)
    tr = {t.stage: (t.entered, t.advanced, t.halted, t.back, t.pending, t.rate) for t in data.transitions}
    assert tr["discovery"] == (4, 3, 0, 0, 1, Decimal("1.0000"))
    assert tr["preclinical"] == (3, 1, 1, 0, 1, Decimal("0.5000"))
    assert tr["ind"] == (1, 1, 0, 0, 0, Decimal("1.0000"))
    assert tr["phase1"] == (1, 0, 0, 0, 1, None)
    # Cut-off 2020-01-01: only C (last event 2019-01-21) has no development reported.
    assert data.cutoff == dt.date(2020, 1, 1)
    assert data.no_development == 1


def test_portfolio_filters_and_admin_scope(example):
    admin = example["users"]["admin"]
    assert selectors.portfolio(user=admin, today=TODAY).total == 5
    assert selectors.portfolio(user=admin, modality="vaccine", today=TODAY).total == 2
    assert selectors.portfolio(user=admin, park=example["other_park"].pk, today=TODAY).total == 1
    assert selectors.portfolio(user=admin, organisation=example["enterprise"].pk, today=TODAY).total == 4


def test_no_development_setting(example, settings):
    settings.BIOPARK_NO_DEVELOPMENT_MONTHS = 6  # cut-off 2021-07-01: A, B and C are stale
    assert selectors.portfolio(user=example["users"]["operator"], today=TODAY).no_development == 3


@pytest.mark.parametrize("role", ["enterprise_member", "investor", "viewer", "platform_manager"])
def test_portfolio_is_for_operators(example, role):
    with pytest.raises(PermissionRefused):
        selectors.portfolio(user=example["users"][role], today=TODAY)


def test_quantile_matches_statistics():
    import statistics

    values = [3, 1, 4, 1, 5, 9, 2, 6]
    counts = sorted((v, values.count(v)) for v in set(values))
    expected = statistics.quantiles(values, n=4, method="inclusive")
    assert [selectors.quantile(counts, q) for q in (0.25, 0.5, 0.75)] == expected


def test_events_carry_their_projects_scope_and_follow_a_modality_change(example):
    from biopark.pipeline.models import Project, StageEvent

    admin = example["users"]["admin"]
    for event in StageEvent.objects.select_related("project"):
        assert (event.park_id, event.organisation_id, event.modality) == (
            event.project.park_id, event.project.organisation_id, event.project.modality)
    a = Project.objects.filter(modality="antibody").order_by("id").first()
    assert selectors.portfolio(user=admin, modality="adc", today=TODAY).stage_times[0].n == 0
    services.project_update(actor=admin, project=a, data={"modality": "adc"})
    assert set(StageEvent.objects.filter(project=a).values_list("modality", flat=True)) == {"adc"}
    adc = selectors.portfolio(user=admin, modality="adc", today=TODAY)
    # A's discovery lasted 60 days, preclinical 61, IND 61; phase 1 is still open.
    assert {t.stage: (t.n, t.median) for t in adc.stage_times if t.n} == {
        "discovery": (1, 60.0), "preclinical": (1, 61.0), "ind": (1, 61.0)}
    assert {t.stage: t.pending for t in adc.transitions if t.entered} == {
        "discovery": 0, "preclinical": 0, "ind": 0, "phase1": 1}
