"""Observations: import (all or nothing, bad rows by line), computed indicators, permissions, API."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from biopark.accounts.policy import SYSTEM
from biopark.core.errors import PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.ecosystem.models import Organisation
from biopark.ecosystem.tabular import read_table
from biopark.metrics.models import Indicator, Observation
from biopark.metrics.services import (
    indicator_create,
    indicator_ensure_catalogue,
    observations_compute,
    observations_import,
)
from tests.factories import OrganisationFactory, PlatformFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parks(roles):
    roles["park"].key, roles["zone"].key, roles["other_park"].key = "hitech", "biocity", "other"
    for p in (roles["park"], roles["zone"], roles["other_park"]):
        p.save()
    indicator_create(actor=SYSTEM, data={"key": "output", "name_en": "Output", "name_zh": "产值", "unit": "100M CNY"})
    indicator_create(actor=SYSTEM, data={"key": "days", "name_en": "Days", "unit": "days", "direction": -1})
    return roles


def _csv(text: str):
    return read_table(text.encode(), "csv")


GOOD = "park,indicator,year,value,unit,source\nhitech,output,2024,12.5,100M CNY,annual report\n" \
       "高新区,days,2024,3,,\nother,output,2024,\"1,234.5\",,stats bureau\n"


def test_import_creates_then_updates_with_history(parks):
    report = observations_import(actor=parks["users"]["admin"], table=_csv(GOOD))
    assert report.as_dict() == {"created": 3, "updated": 0, "unchanged": 0}
    obs = Observation.objects.get(park__key="other", indicator__key="output", year=2024)
    assert obs.value == Decimal("1234.5") and obs.unit == "100M CNY" and obs.source == "stats bureau"
    assert Observation.objects.get(indicator__key="days").park == parks["park"]  # found by Chinese name
    assert ChangeRecord.objects.filter(action="import").count() == 3
    changed = GOOD.replace("12.5", "13")
    before = list(Observation.objects.values_list("value", flat=True).order_by("id"))
    dry = observations_import(actor=parks["users"]["admin"], table=_csv(changed), dry_run=True)
    assert dry.as_dict() == {"created": 0, "updated": 1, "unchanged": 2}
    assert list(Observation.objects.values_list("value", flat=True).order_by("id")) == before
    report = observations_import(actor=parks["users"]["admin"], table=_csv(changed))
    assert report.as_dict() == {"created": 0, "updated": 1, "unchanged": 2}
    assert ChangeRecord.objects.filter(action="update").get().changes == {"value": ["12.500000", "13.000000"]}


def test_bad_rows_are_all_reported_by_line_and_nothing_is_written(parks):
    bad = ("park,indicator,year,value\nhitech,output,2024,1\nnowhere,output,2024,2\nhitech,nothing,2024,3\n"
           "hitech,output,24x,4\nhitech,days,2024,many\nhitech,output,2024,5\n")
    with pytest.raises(ValidationFailed) as err, translation.override("en"):
        observations_import(actor=SYSTEM, table=_csv(bad))
    assert err.value.message.startswith("5 bad row(s), nothing imported")
    assert err.value.fields == {
        "line 3": "park: no park 'nowhere'",
        "line 4": "indicator: no indicator 'nothing'",
        "line 5": "year: '24x' is not a year",
        "line 6": "value: value 'many' is not a number",
        "line 7": "the same park, indicator and year as line 2",
    }
    assert Observation.objects.count() == 0 and not ChangeRecord.objects.filter(action="import").exists()


def test_missing_column_and_unit_mismatch(parks):
    with pytest.raises(ValidationFailed) as err:
        observations_import(actor=SYSTEM, table=_csv("park,indicator,value\nhitech,output,1\n"))
    assert err.value.message == "第 1 行：缺少列 year" and list(err.value.fields) == ["file"]
    with pytest.raises(ValidationFailed) as err, translation.override("en"):
        observations_import(actor=SYSTEM, table=_csv("park,indicator,year,value,unit\nhitech,output,2024,1,CNY\n"))
    assert err.value.fields == {"line 2": "unit: 'CNY' differs from the indicator's unit '100M CNY'"}
    assert Observation.objects.count() == 0


def test_xlsx_import(parks):
    wb = Workbook()
    ws = wb.active
    ws.append(["park_key", "indicator", "year", "value"])
    ws.append(["biocity", "output", 2023, 7.25])
    buffer = io.BytesIO()
    wb.save(buffer)
    observations_import(actor=SYSTEM, table=read_table(buffer.getvalue(), "xlsx"))
    assert Observation.objects.get().value == Decimal("7.25")


def test_operator_imports_only_for_its_own_parks_and_viewer_not_at_all(parks):
    operator = parks["users"]["operator"]  # attached to hitech (with zone biocity)
    observations_import(actor=operator, table=_csv("park,indicator,year,value\nbiocity,output,2024,1\n"))
    with pytest.raises(PermissionRefused) as err, translation.override("en"):
        observations_import(actor=operator, table=_csv("park,indicator,year,value\nhitech,output,2024,2\n"
                                                        "other,output,2024,1\n"))
    assert err.value.fields == {"line 3": "this observation is not about your park"}
    assert list(Observation.objects.values_list("park__key", "value")) == [("biocity", Decimal("1"))]
    for role in ("viewer", "investor", "enterprise_member"):
        with pytest.raises(PermissionRefused):
            observations_import(actor=parks["users"][role], table=_csv(GOOD))
    assert Observation.objects.count() == 1


def test_computed_indicators_count_the_park_subtree(parks):
    indicator_ensure_catalogue(actor=SYSTEM)
    PlatformFactory(operator=parks["enterprise"], park=parks["zone"])  # zone of hitech
    PlatformFactory(operator=parks["enterprise"], park=parks["park"])
    PlatformFactory(operator=parks["other_enterprise"], park=parks["other_park"])
    OrganisationFactory(park=parks["zone"], kind=Organisation.Kind.UNIVERSITY)
    OrganisationFactory(park=parks["park"], kind=Organisation.Kind.HOSPITAL)
    # roles: one enterprise in the zone, one in other_park (plus the platforms' operators above)
    observations_compute(actor=SYSTEM, year=2024, parks=[parks["park"], parks["other_park"]])

    def value(park: str, code: str) -> Decimal:
        return Observation.objects.get(park__key=park, indicator__key=code, year=2024).value

    assert value("hitech", "tech_platforms") == 2
    assert value("other", "tech_platforms") == 1
    assert value("hitech", "tech_research_orgs") == 2
    assert value("hitech", "ind_enterprises") == 1
    assert value("other", "ind_enterprises") == 1
    assert Observation.objects.get(park__key="hitech", indicator__key="tech_platforms").source == "registry"
    with pytest.raises(PermissionRefused):
        observations_compute(actor=parks["users"]["viewer"], year=2025)
    assert not Observation.objects.filter(year=2025).exists()


def test_indicator_validation(parks):
    with pytest.raises(ValidationFailed) as err:
        indicator_create(actor=SYSTEM, data={"key": "output", "name_en": "Again"})
    assert list(err.value.fields) == ["key"]
    with pytest.raises(ValidationFailed) as err:
        indicator_create(actor=SYSTEM, data={"key": "x1", "name_en": "X", "direction": 0})
    assert list(err.value.fields) == ["direction"]
    with pytest.raises(ValidationFailed) as err:
        indicator_create(actor=SYSTEM, data={"key": "x1", "name_en": "X", "computation": "organisations"})
    assert list(err.value.fields) == ["computation_kinds"]
    with pytest.raises(PermissionRefused):
        indicator_create(actor=parks["users"]["viewer"], data={"key": "x1", "name_en": "X"})
    assert Indicator.objects.count() == 2


def test_api_import_list_and_errors(client, parks):
    client.force_login(parks["users"]["admin"])
    upload = SimpleUploadedFile("obs.csv", GOOD.encode(), content_type="text/csv")
    resp = client.post("/api/v1/metrics/observations/import", {"file": upload})
    assert resp.status_code == 200, resp.content
    assert resp.json() == {"created": 3, "updated": 0, "unchanged": 0, "dry_run": False}
    body = client.get("/api/v1/metrics/observations?indicator=output").json()
    assert body["count"] == 2 and [r["park_key"] for r in body["results"]] == ["hitech", "other"]
    bad = SimpleUploadedFile("obs.csv", b"park,indicator,year,value\nnowhere,output,2024,1\n")
    resp = client.post("/api/v1/metrics/observations/import", {"file": bad})
    assert resp.status_code == 422
    assert resp.json()["error"] == {"code": "validation_error",
                                    "message": "1 行有误，未导入任何数据：第 2 行: park：没有园区 'nowhere'",
                                    "fields": {"第 2 行": "park：没有园区 'nowhere'"}}
    wrong = SimpleUploadedFile("obs.pdf", b"%PDF")
    assert client.post("/api/v1/metrics/observations/import", {"file": wrong}).json()["error"]["fields"] == {
        "file": "不支持的文件类型 pdf：请使用 .csv、.xlsx 或 .json。"}
    client.force_login(parks["users"]["viewer"])
    resp = client.post("/api/v1/metrics/observations/import",
                       {"file": SimpleUploadedFile("obs.csv", GOOD.replace("12.5", "99").encode())})
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
    assert not Observation.objects.filter(value=99).exists()
    assert len(client.get("/api/v1/metrics/indicators").json()) == 2


def test_metrics_pages_and_command(client, parks, tmp_path, monkeypatch):
    monkeypatch.setenv("BIOPARK_LANGUAGE", "zh-hans")  # the command speaks the terminal's language
    client.force_login(parks["users"]["viewer"])
    html = client.get("/metrics/").content.decode()
    assert '<table class="sortable" id="indicators">' in html and "<code>output</code>" in html
    assert client.get("/metrics/import/").status_code == 403
    path = tmp_path / "obs.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("metrics-import", str(path), stdout=out)
    assert "新增 3，更新 0，未变 0" in out.getvalue()
    path.write_text("park,indicator,year,value\nhitech,output,2024,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行: 数值：数值 'x' 不是数字"):
        call_command("metrics-import", str(path))
    assert Observation.objects.count() == 3


def test_compute_refuses_impossible_years(parks):
    for year in (-125353716536643136, 1, 99999):
        with pytest.raises(ValidationFailed) as exc:
            observations_compute(actor=SYSTEM, year=year)
        assert "year" in exc.value.fields
    assert Observation.objects.count() == 0
