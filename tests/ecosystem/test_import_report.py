"""The import report (issue 11): every problem of every row at once, a park for the whole file, merges
accepted or rejected row by row, skipped rows said, templates per type; real CSV and XLSX files."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from biopark.accounts.models import Role
from biopark.core import spreadsheet
from biopark.ecosystem import importer, tabular
from biopark.ecosystem.models import Organisation
from tests.factories import OrganisationFactory, ParkFactory, make_user

pytestmark = pytest.mark.django_db

BAD_ROWS = [
    ["name_zh", "name_en", "kind", "park", "founded"],
    ["", "", "biotech", "Nowhere Park", "2016-13-45"],
    ["好企业", "", "enterprise", "Bio-City", "2019"],
    ["坏日期企业", "", "enterprise", "Bio-City", "2019-02-30"],
]
PROBLEMS_EN = {
    2: [
        "a Chinese or an English name is required",
        "Kind: Value 'biotech' is not a valid choice.",
        "Park: there is no park Nowhere Park.",
        "Founded (YYYY, YYYY-MM or YYYY-MM-DD): 2016-13-45 is not a day of the calendar.",
    ],
    4: ["Founded (YYYY, YYYY-MM or YYYY-MM-DD): 2019-02-30 is not a day of the calendar."],
}


@pytest.fixture
def world(db):
    park = ParkFactory(name_zh="生物城", name_en="Bio-City")
    other = ParkFactory(name_zh="别的园区", name_en="Other Park")
    return {"park": park, "other": other, "operator": make_user(Role.OPERATOR, park=park)}


def _file(rows: list[list[str]], fmt: str) -> bytes:
    return spreadsheet.csv_bytes(rows) if fmt == "csv" else spreadsheet.xlsx_bytes({"records": rows})


def _state() -> list[tuple]:
    return sorted(Organisation.objects.values_list("pk", "name_zh", "name_en", "park_id", "aliases"))


def client_for(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_problem_of_every_row_is_reported_at_once(world, fmt):
    before = _state()
    table = tabular.read_table(_file(BAD_ROWS, fmt), fmt)
    with translation.override("en"):
        report = importer.plan_and_apply(actor=world["operator"], type_name="organisation", table=table, dry_run=False)
    assert {r.line: r.problems for r in report.errors} == PROBLEMS_EN
    assert [r.status for r in report.rows] == ["error", "create", "error"]
    assert report.errors[0].message == "; ".join(PROBLEMS_EN[2])
    assert not report.applied and _state() == before


def test_the_page_lists_each_problem_of_a_row_in_chinese(world):
    before = _state()
    page = client_for(world["operator"], "zh-hans").post("/import/", {
        "type": "organisations", "apply": "1", "park": "",
        "file": SimpleUploadedFile("bad.xlsx", _file(BAD_ROWS, "xlsx"))})
    html = page.content.decode()
    assert page.status_code == 422
    row = html[html.index('id="line-2"'):html.index('id="line-3"')]
    assert re.findall(r"<li>(.*?)</li>", row) == [
        "需要填写中文或英文名称",
        "类型：值 &#x27;biotech&#x27; 不是有效选项。",
        "园区：没有园区 Nowhere Park。",
        "成立时间（YYYY、YYYY-MM 或 YYYY-MM-DD）：2016-13-45 不是日历上存在的日期。",
    ]
    assert _state() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_without_a_park_column_goes_into_the_park_chosen_on_the_form(world, fmt):
    rows = [["name_zh", "kind"], ["无园区甲", "enterprise"], ["无园区乙", "hospital"]]
    client = client_for(world["operator"])
    before = _state()
    refused = client.post("/import/", {"type": "organisations", "apply": "1", "park": "",
                                       "file": SimpleUploadedFile(f"p.{fmt}", _file(rows, fmt))})
    html = refused.content.decode()
    assert refused.status_code == 422
    assert html.count("Park: required; fill it in or choose the park for the whole file") == 2
    assert _state() == before
    # The form offers the operator's park, chosen by default.
    assert f'<option value="{world["park"].pk}" selected>' in client.get("/import/").content.decode()
    done = client.post("/import/", {"type": "organisations", "apply": "1", "park": str(world["park"].pk),
                                    "file": SimpleUploadedFile(f"p.{fmt}", _file(rows, fmt))})
    assert done.status_code == 200 and "<h2>Imported</h2>" in done.content.decode()
    assert sorted(Organisation.objects.filter(name_zh__startswith="无园区").values_list("name_zh", "park_id")) == [
        ("无园区乙", world["park"].pk), ("无园区甲", world["park"].pk)]


def test_a_park_outside_the_operators_scope_cannot_be_chosen(world):
    before = _state()
    page = client_for(world["operator"]).post("/import/", {
        "type": "organisations", "apply": "1", "park": str(world["other"].pk),
        "file": SimpleUploadedFile("p.csv", _file([["name_zh"], ["越界企业"]], "csv"))})
    assert page.status_code == 422 and "Choose one of the listed parks." in page.content.decode()
    assert _state() == before


def test_merges_are_accepted_or_rejected_row_by_row_and_skipped_rows_are_said(world):
    keep = OrganisationFactory(name_zh="康诺亚生物医药科技有限公司", name_en="Keymed Biosciences", aliases=["Konoya"],
                               park=world["park"])
    rows = [["name_en", "name_zh", "park"], ["Konoya", "", "Bio-City"], ["", "康諾亞生物醫藥科技", "Bio-City"],
            ["", "全新企业", "Bio-City"]]
    client = client_for(world["operator"])
    before = _state()
    dry = client.post("/import/", {"type": "organisations", "apply": "0", "park": str(world["park"].pk),
                                   "file": SimpleUploadedFile("m.csv", _file(rows, "csv"))})
    html = dry.content.decode()
    assert dry.status_code == 200 and _state() == before
    assert 'name="merge-2" value="accept"' in html and 'name="merge-3" value="reject" checked' in html
    assert 'name="merge-4"' not in html
    staged = re.search(r'name="staged" value="([^"]+)"', html).group(1)
    done = client.post("/import/", {"staged": staged, "type": "organisations", "park": str(world["park"].pk),
                                    "apply": "1", "merge-2": "accept", "merge-3": "reject"})
    html = done.content.decode()
    assert done.status_code == 200 and "<h2>Imported; 1 row skipped</h2>" in html
    skipped = html[html.index('id="line-3"'):html.index('id="line-4"')]
    assert (f"not imported: the merge was not accepted (looks like the existing record #{keep.pk} "
            "康诺亚生物医药科技有限公司") in skipped
    keep.refresh_from_db()
    assert keep.aliases == ["Konoya"]  # the accepted row brought no new name: Konoya was already an alias
    assert Organisation.objects.filter(name_zh="全新企业", park=world["park"]).count() == 1
    assert not Organisation.objects.filter(name_zh="康諾亞生物醫藥科技").exists()


def test_a_kept_file_belongs_to_who_checked_it(world):
    other = make_user(Role.OPERATOR, park=world["park"])
    dry = client_for(world["operator"]).post("/import/", {
        "type": "organisations", "apply": "0", "file": SimpleUploadedFile("k.csv", _file([["name_zh", "park"],
                                                                                          ["保管企业", "Bio-City"]], "csv"))})
    staged = re.search(r'name="staged" value="([^"]+)"', dry.content.decode()).group(1)
    before = _state()
    stolen = client_for(other).post("/import/", {"staged": staged, "type": "organisations", "apply": "1"})
    assert stolen.status_code == 422
    assert "The checked file is no longer kept; choose the file again." in stolen.content.decode()
    assert _state() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_name_the_columns_by_label_and_import_back(world, fmt):
    client = client_for(world["operator"], "zh-hans")
    response = client.get(f"/import/template/organisations.{fmt}")
    assert response.status_code == 200
    table = tabular.read_table(response.content, fmt)
    assert table.columns == ["key", "name_zh", "name_en", "aliases", "kind", "park", "city_zh", "city_en", "country",
                             "website", "credit_code", "founded", "description_zh", "description_en"]
    if fmt == "csv":
        assert response.content.decode("utf-8-sig").splitlines()[0].startswith("标识,中文名称,英文名称,别名,类型,园区,")
    filled = [["中文名称", "类型", "园区"], ["模板企业", "enterprise", "生物城"]]
    report = importer.plan_and_apply(actor=world["operator"], type_name="organisation",
                                     table=tabular.read_table(_file(filled, fmt), fmt), dry_run=False)
    assert report.applied and Organisation.objects.filter(name_zh="模板企业", park=world["park"]).count() == 1


def test_the_page_explains_the_columns_before_upload(world):
    html = client_for(world["operator"]).get("/import/").content.decode()
    assert 'href="/import/template/organisations.xlsx"' in html and 'href="/import/template/people.csv"' in html
    assert "the park by name, key or id; park operators must give one, or choose the park for the whole file" in html


def test_a_kind_may_be_given_by_its_label_in_either_language(world):
    rows = [["name_zh", "kind", "park"], ["标签企业", "医院", "Bio-City"], ["Label Co", "University", "Bio-City"]]
    report = importer.plan_and_apply(actor=world["operator"], type_name="organisation",
                                     table=tabular.read_table(_file(rows, "csv"), "csv"), dry_run=False)
    assert report.applied
    assert sorted(Organisation.objects.filter(name_zh__in=["标签企业", "Label Co"]).values_list("name_zh", "kind")) == [
        ("Label Co", "university"), ("标签企业", "hospital")]
