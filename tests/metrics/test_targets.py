"""Targets: progress (status, pace, the straight line), permissions (refused writes change nothing), history,
figure requests, the SVG chart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.utils import translation

from biopark.accounts.policy import SYSTEM
from biopark.core.errors import PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.metrics import charts, progress
from biopark.metrics.models import Indicator, Observation, ObservationRequest, Target
from biopark.metrics.services import indicator_create
from biopark.metrics.targets import (
    observation_request_create,
    observation_request_report,
    target_create,
    target_update,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(roles):
    output = indicator_create(actor=SYSTEM, data={"key": "output", "name_en": "Output value", "name_zh": "产值",
                                                  "unit": "亿元"})
    orgs = indicator_create(actor=SYSTEM, data={"key": "orgs", "name_en": "Organisations", "unit": "家"})
    orgs.kpi_key = "organisations_settled"
    orgs.save()
    return {**roles, "output": output, "orgs": orgs}


def _target(setup, **kw) -> Target:
    data = {"park": setup["park"].pk, "indicator": "output", "start_year": "2021", "end_year": "2025",
            "baseline_value": "100", "baseline_on": "2020-12-31", "target_value": "1,000", "qualifier": "at_least"}
    data.update(kw)
    return target_create(actor=setup["users"]["operator"], data=data)


def _obs(setup, year: int, value: str, park=None) -> None:
    Observation.objects.create(park=park or setup["park"], indicator=setup["output"], year=year,
                               value=Decimal(value))


def test_on_track_behind_and_reached_against_the_straight_line(setup):
    target = _target(setup)
    assert target.unit == "亿元" and target.owner == setup["users"]["operator"]
    assert progress.progress_of(target, today=dt.date(2023, 6, 1)).status == progress.NO_DATA
    _obs(setup, 2022, "500")  # the line at 2022-12-31: 100 + 900 × 730/1826 = 459.80…
    p = progress.progress_of(target, today=dt.date(2023, 6, 1))
    assert (p.status, p.latest, p.latest_on) == (progress.ON_TRACK, Decimal("500"), dt.date(2022, 12, 31))
    assert p.expected.quantize(Decimal("0.01")) == Decimal("459.80")
    # Pace: 500 still missing over the 944 days from 2023-06-01 to 2025-12-31.
    assert p.pace_per_year.quantize(Decimal("0.01")) == Decimal("193.46")
    _obs(setup, 2023, "600")  # the line at 2023-12-31: 100 + 900 × 1095/1826 = 639.70…
    assert progress.progress_of(target, today=dt.date(2024, 2, 1)).status == progress.BEHIND
    _obs(setup, 2024, "1000")
    p = progress.progress_of(target, today=dt.date(2025, 2, 1))
    assert (p.status, p.pace_per_year) == (progress.REACHED, Decimal(0))


def test_qualifiers_over_and_about_and_a_lower_is_better_indicator(setup):
    over = _target(setup, qualifier="over")
    about = _target(setup, qualifier="about")
    _obs(setup, 2025, "1000")
    assert progress.progress_of(over, today=dt.date(2026, 1, 5)).status == progress.BEHIND  # period over
    assert progress.progress_of(about, today=dt.date(2026, 1, 5)).status == progress.REACHED
    Observation.objects.filter(year=2025).update(value=Decimal("949"))
    assert progress.progress_of(about, today=dt.date(2026, 1, 5)).status == progress.BEHIND
    setup["output"].direction = Indicator.Direction.LOWER_BETTER
    setup["output"].save()
    lower = _target(setup, target_value="950", baseline_value="2000")
    assert progress.progress_of(lower, today=dt.date(2026, 1, 5)).status == progress.REACHED


def test_live_kpi_value_wins_over_observations(setup):
    target = _target(setup, indicator="orgs", target_value="10", baseline_value="", baseline_on="")
    Observation.objects.create(park=setup["park"], indicator=setup["orgs"], year=2022, value=Decimal(1),
                               synthetic=True)
    p = progress.progress_of(target, today=dt.date(2023, 7, 1))
    # The roles fixture settles one enterprise in the zone below the park.
    assert (p.live, p.latest, p.latest_on) == (True, Decimal(1), dt.date(2023, 7, 1))
    assert [(pt.value, pt.live, pt.synthetic) for pt in p.points] == [(Decimal(1), False, True),
                                                                       (Decimal(1), True, False)]
    svg = str(charts.history_chart(p))
    assert svg.startswith("<svg") and "<polyline" in svg and 'role="img"' in svg
    with translation.override("en"):
        assert "31 Dec 2022: 1 (synthetic); 1 Jul 2023: 1 (live)" in charts.chart_text(p)
    with translation.override("zh-hans"):
        assert "2022年12月31日: 1（虚构）；2023年7月1日: 1（实时）" in charts.chart_text(p)
        assert "2022-12-31" not in str(charts.history_chart(p))


def test_every_bad_field_is_reported_at_once_and_nothing_is_written(setup):
    with pytest.raises(ValidationFailed) as caught:
        _target(setup, park="999999", indicator="nope", start_year="20x", target_value="lots",
                baseline_on="2020-13-01", qualifier="maybe")
    assert set(caught.value.fields) == {"park", "indicator", "start_year", "target_value", "baseline_on",
                                        "qualifier"}
    with pytest.raises(ValidationFailed) as caught, translation.override("en"):
        _target(setup, start_year="2025", end_year="2021")
    assert caught.value.fields == {"end_year": "the last year comes before the first"}
    assert not Target.objects.exists()


def test_only_the_park_operator_and_admins_set_targets_and_refusals_change_nothing(setup):
    target = _target(setup, park=setup["zone"].pk)  # the operator's zone
    before = model_to_dict(Target.objects.get(pk=target.pk))
    for role in ("viewer", "investor", "enterprise_member", "platform_manager"):
        with pytest.raises(PermissionRefused):
            target_update(actor=setup["users"][role], target=target, data={"target_value": "5"})
        with pytest.raises(PermissionRefused):
            _target_as(setup, role)
    with pytest.raises(PermissionRefused):  # moving it to a park not the operator's
        target_update(actor=setup["users"]["operator"], target=target, data={"park": setup["other_park"].pk})
    assert model_to_dict(Target.objects.get(pk=target.pk)) == before
    with pytest.raises(PermissionRefused):
        _target(setup, park=setup["other_park"].pk)
    changes = target_update(actor=setup["users"]["operator"], target=target,
                            data={"target_value": "1200", "qualifier": "strive"})
    assert changes == {"target_value": ["1000.000000", "1200.000000"], "qualifier": ["at_least", "strive"]}
    assert list(ChangeRecord.objects.filter(object_id=target.pk, content_type__model="target")
                .order_by("id").values_list("action", flat=True)) == ["create", "update"]


def _target_as(setup, role):
    return target_create(actor=setup["users"][role], data={
        "park": setup["park"].pk, "indicator": "output", "start_year": "2021", "end_year": "2025",
        "target_value": "1"})


def test_an_enterprise_reports_its_own_figure_when_asked(setup):
    enterprise = setup["enterprise"]
    with pytest.raises(PermissionRefused):
        observation_request_create(actor=setup["users"]["enterprise_member"], organisation=enterprise,
                                   indicator=setup["output"], year=2024)
    request = observation_request_create(actor=setup["users"]["operator"], organisation=enterprise,
                                         indicator=setup["output"], year=2024)
    other = OrganisationFactory(park=setup["park"])
    other_request = observation_request_create(actor=setup["users"]["operator"], organisation=other,
                                               indicator=setup["output"], year=2024)
    before = model_to_dict(ObservationRequest.objects.get(pk=other_request.pk))
    with pytest.raises(PermissionRefused):
        observation_request_report(actor=setup["users"]["enterprise_member"], request=other_request, value="3")
    assert model_to_dict(ObservationRequest.objects.get(pk=other_request.pk)) == before
    with pytest.raises(ValidationFailed) as caught:
        observation_request_report(actor=setup["users"]["enterprise_member"], request=request, value="many")
    assert list(caught.value.fields) == ["value"]
    observation_request_report(actor=setup["users"]["enterprise_member"], request=request, value="12.5",
                               note="audited accounts")
    request.refresh_from_db()
    assert (request.status, request.value, request.reported_by) == (
        "reported", Decimal("12.5"), setup["users"]["enterprise_member"])
    with pytest.raises(PermissionRefused):
        observation_request_create(actor=setup["users"]["operator"], organisation=setup["other_enterprise"],
                                   indicator=setup["output"], year=2024)


def test_import_reports_every_bad_row_at_once_in_the_readers_language(setup):
    from biopark.ecosystem.tabular import read_table
    from biopark.metrics.services import observations_import

    rows = "".join(f"nowhere{i},output,2024,1\n" for i in range(25))
    table = read_table(("park,indicator,year,value\n" + rows + "Hi-tech Zone,output,20x,many\n").encode(), "csv")
    with pytest.raises(ValidationFailed) as caught, translation.override("en"):
        observations_import(actor=setup["users"]["admin"], table=table)
    assert len(caught.value.fields) == 26  # every bad row, not only the first twenty
    assert caught.value.fields["line 27"] == "year: '20x' is not a year; value: value 'many' is not a number"
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        observations_import(actor=setup["users"]["admin"], table=table)
    assert caught.value.fields["第 27 行"] == "年份：'20x' 不是年份; 数值：数值 'many' 不是数字"
    assert not Observation.objects.exists()
