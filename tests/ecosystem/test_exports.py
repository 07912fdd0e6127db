"""Registry exports are safe to open in a spreadsheet (issue 9, item 7): a name that is a formula stays
quoted text, a control character no longer breaks the XLSX (it answered 500), numbers stay numbers, JSON is
unchanged, and our own CSV/XLSX imports back without the quote becoming part of a name."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from biopark.accounts.policy import SYSTEM
from biopark.ecosystem import importer, tabular
from biopark.ecosystem.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def hostile(roles):
    return OrganisationFactory(park=roles["zone"], name_en=FORMULA, name_zh="+1+1", aliases=["@a", "b"],
                               description_en="one\x01two", description_zh="-负责")


def _xlsx_row(content: bytes, pk: int) -> dict:
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    for row in rows[1:]:
        if row[0].value == pk:
            return dict(zip(header, row, strict=True))
    raise AssertionError(f"no row {pk}")


def test_xlsx_export_answers_and_keeps_text_as_text(client, roles, hostile):
    client.force_login(roles["users"]["operator"])
    resp = client.get("/export/organisations.xlsx")
    assert resp.status_code == 200
    row = _xlsx_row(resp.content, hostile.pk)
    assert (row["id"].data_type, row["id"].value) == ("n", hostile.pk)
    assert (row["name_en"].data_type, row["name_en"].value) == ("s", "'" + FORMULA)
    assert (row["name_zh"].data_type, row["name_zh"].value) == ("s", "'+1+1")
    assert (row["aliases"].data_type, row["aliases"].value) == ("s", "'@a; b")
    assert (row["description_en"].data_type, row["description_en"].value) == ("s", "onetwo")
    assert (row["description_zh"].data_type, row["description_zh"].value) == ("s", "'-负责")


def test_csv_export_quotes_formulas(client, roles, hostile):
    client.force_login(roles["users"]["operator"])
    resp = client.get("/export/organisations.csv")
    assert resp.status_code == 200
    rows = list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["id"] == str(hostile.pk))
    assert (row["name_en"], row["name_zh"], row["aliases"]) == ("'" + FORMULA, "'+1+1", "'@a; b")
    assert (row["description_en"], row["description_zh"]) == ("onetwo", "'-负责")


def test_json_export_is_data_and_unchanged(client, roles, hostile):
    client.force_login(roles["users"]["operator"])
    resp = client.get("/export/organisations.json")
    assert resp.status_code == 200
    record = next(r for r in json.loads(resp.content)["records"] if r["id"] == hostile.pk)
    assert (record["name_en"], record["name_zh"], record["aliases"]) == (FORMULA, "+1+1", ["@a", "b"])
    assert record["description_en"] == "one\x01two"


def test_cli_export_with_a_control_character(tmp_path, hostile):
    out = tmp_path / "orgs.xlsx"
    call_command("export", "organisations", str(out))
    row = _xlsx_row(out.read_bytes(), hostile.pk)
    assert (row["name_en"].data_type, row["name_en"].value) == ("s", "'" + FORMULA)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_our_own_export_imports_back_unchanged(roles, fmt):
    """The quote is ours: reading our own file drops it again, so names round-trip exactly."""
    org = OrganisationFactory(park=roles["zone"], name_en=FORMULA, name_zh="+1+1", aliases=["@a", "b"],
                              description_en="-minus", description_zh="'=already quoted")
    before = Organisation.objects.filter(pk=org.pk).values().get()
    columns, rows = importer.export_records(user=SYSTEM, type_name="organisation")
    table = tabular.read_table(tabular.write_table(columns, rows, fmt), fmt)
    report = importer.plan_and_apply(actor=SYSTEM, type_name="organisation", table=table, dry_run=False)
    assert report.counts == {"create": 0, "update": 0, "unchanged": len(rows), "merge": 0, "skipped": 0, "error": 0}
    assert Organisation.objects.filter(pk=org.pk).values().get() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("type_name", ["park", "person", "platform"])
def test_every_type_round_trips_with_formula_names(roles, fmt, type_name):
    from biopark.ecosystem.fields import TYPE_NAMES
    from tests.factories import ParkFactory, PersonFactory, PlatformFactory

    factory = {"park": ParkFactory, "person": PersonFactory, "platform": PlatformFactory}[type_name]
    obj = factory(name_en=FORMULA, name_zh="-甲", aliases=["+b"], description_en="@x")
    model = TYPE_NAMES[type_name]
    before = model.objects.filter(pk=obj.pk).values().get()
    columns, rows = importer.export_records(user=SYSTEM, type_name=type_name)
    data = tabular.write_table(columns, rows, fmt)
    written = next(r for _line, r in tabular.read_table(data, fmt).rows if str(r["id"]) == str(obj.pk))
    assert (written["name_en"], written["name_zh"], written["aliases"]) == (FORMULA, "-甲", "+b")
    report = importer.plan_and_apply(actor=SYSTEM, type_name=type_name, table=tabular.read_table(data, fmt),
                                     dry_run=False)
    assert report.counts["unchanged"] == len(rows) and report.counts["update"] == 0
    assert model.objects.filter(pk=obj.pk).values().get() == before
