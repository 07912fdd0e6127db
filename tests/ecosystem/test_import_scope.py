"""An import may change a record only if its writer may edit the record as it is AND as the row leaves it:
a row naming another park's record, or moving a record into another park, is a row error naming the line
and the field `park`; the import stays all or nothing and the refused record is left exactly as it was."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from biopark.core.models import ChangeRecord
from biopark.ecosystem import importer, tabular
from biopark.ecosystem.models import Organisation, Person, Position
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def rows_of(model) -> list[dict]:
    """Every stored value of every record of `model`: what a refused import must leave unchanged."""
    return list(model.objects.order_by("pk").values())


def everything() -> tuple:
    return rows_of(Organisation), rows_of(Person), rows_of(Position), ChangeRecord.objects.count()


def run(actor, text: str, type_name: str = "organisation", **kw):
    table = tabular.read_table(text.encode(), "csv")
    return importer.plan_and_apply(actor=actor, type_name=type_name, table=table, dry_run=False, **kw)


def test_a_row_naming_another_parks_organisation_with_the_operators_park_is_refused(roles):
    operator, zone = roles["users"]["operator"], roles["zone"]
    theirs, ours = roles["other_enterprise"], roles["enterprise"]
    before = everything()
    report = run(
        operator,
        "id,name_en,park\n"
        f"{ours.pk},Our Renamed Enterprise,{zone.pk}\n"  # line 2: allowed on its own
        f"{theirs.pk},{theirs.name_en},{zone.pk}\n"  # line 3: another park's organisation, pulled into ours
    )
    assert not report.applied
    assert [(r.line, r.status, r.field) for r in report.errors] == [(3, "error", "park")]
    assert report.errors[0].message == "Park: this record is not in your park"
    assert everything() == before


def test_the_refusal_is_worded_in_the_users_language(roles):
    from django.utils import translation

    theirs, zone = roles["other_enterprise"], roles["zone"]
    with translation.override("zh-hans"):
        report = run(roles["users"]["operator"], f"id,name_en,park\n{theirs.pk},{theirs.name_en},{zone.pk}\n")
    assert report.errors[0].message == "园区：该记录不属于您的园区"


def test_moving_an_own_record_into_another_park_is_refused(roles):
    operator, other_park = roles["users"]["operator"], roles["other_park"]
    ours = roles["enterprise"]
    before = everything()
    report = run(operator, f"id,name_en,park\n{ours.pk},{ours.name_en},{other_park.pk}\n")
    assert [(r.line, r.field, r.message) for r in report.errors] == [(2, "park", "Park: this record is not in your park")]
    assert not report.applied and everything() == before


def test_a_row_matching_another_parks_organisation_by_name_is_refused(roles):
    operator, zone = roles["users"]["operator"], roles["zone"]
    theirs = roles["other_enterprise"]
    before = everything()
    report = run(operator, f"name_zh,name_en,park,website\n{theirs.name_zh},{theirs.name_en},{zone.pk},https://x.example\n")
    assert [(r.line, r.field) for r in report.errors] == [(2, "park")]
    assert everything() == before


def test_a_change_to_another_parks_organisation_is_refused_even_without_moving_it(roles):
    operator, theirs = roles["users"]["operator"], roles["other_enterprise"]
    before = everything()
    report = run(operator, f"id,name_en,website\n{theirs.pk},{theirs.name_en},https://taken.example\n")
    assert [(r.line, r.field) for r in report.errors] == [(2, "park")]
    assert everything() == before


def test_an_unchanged_row_of_another_park_writes_nothing_and_is_no_error(roles):
    operator, theirs = roles["users"]["operator"], roles["other_enterprise"]
    before = everything()
    report = run(operator, f"id,name_en\n{theirs.pk},{theirs.name_en}\n")
    assert report.applied and report.counts["unchanged"] == 1 and not report.errors
    assert everything() == before


def test_the_operator_may_still_move_records_within_the_park_tree_and_an_admin_anywhere(roles):
    operator, park, zone, other_park = roles["users"]["operator"], roles["park"], roles["zone"], roles["other_park"]
    ours, theirs = roles["enterprise"], roles["other_enterprise"]
    report = run(operator, f"id,name_en,park\n{ours.pk},{ours.name_en},{park.pk}\n")
    assert report.applied and report.counts["update"] == 1
    assert Organisation.objects.get(pk=ours.pk).park_id == park.pk
    report = run(roles["users"]["admin"], f"id,name_en,park\n{theirs.pk},{theirs.name_en},{zone.pk}\n")
    assert report.applied and Organisation.objects.get(pk=theirs.pk).park_id == zone.pk
    assert other_park.pk != zone.pk


def test_an_operator_may_not_hang_its_park_under_another_parks_tree(roles):
    from biopark.ecosystem.models import Park

    operator, park, zone, other_park = roles["users"]["operator"], roles["park"], roles["zone"], roles["other_park"]
    before = rows_of(Park), everything()
    report = run(operator, f"id,name_en,parent\n{park.pk},{park.name_en},{other_park.pk}\n", type_name="park")
    assert [(r.line, r.field, r.message) for r in report.errors] == [
        (2, "parent", "Within: a park can be placed only under a park you operate")
    ]
    assert (rows_of(Park), everything()) == before
    report = run(operator, f"id,name_en,parent\n{zone.pk},{zone.name_en},{park.pk}\n", type_name="park")
    assert report.applied and report.counts["unchanged"] == 1  # the zone stays where it is: allowed


def test_accepting_a_merge_into_another_parks_organisation_is_refused(roles):
    operator, zone = roles["users"]["operator"], roles["zone"]
    theirs = OrganisationFactory(park=roles["other_park"], name_zh="康诺亚生物", name_en="Keymed", aliases=["Konoya"])
    before = everything()
    report = run(operator, f"name_en,park\nKonoya,{zone.pk}\n", accept_merges=True)
    assert [(r.line, r.field) for r in report.errors] == [(2, "park")]
    assert Organisation.objects.filter(pk=theirs.pk).values().get() == next(
        r for r in before[0] if r["id"] == theirs.pk
    )
    assert everything() == before


def test_a_position_at_another_parks_organisation_is_refused(roles):
    operator, theirs, ours = roles["users"]["operator"], roles["other_enterprise"], roles["enterprise"]
    PositionFactory(person=PersonFactory(name_zh="王五", name_en="Wang Wu"), organisation=ours)
    before = everything()
    report = run(
        operator,
        "name_zh,name_en,title_en,organisation\n"
        f"新人,New Person,CEO,{ours.pk}\n"  # line 2: fine
        f"王五,Wang Wu,Adviser,{theirs.pk}\n",  # line 3: our person, their organisation
        type_name="person",
    )
    assert [(r.line, r.field) for r in report.errors] == [(3, "organisation")]
    assert report.errors[0].message == "organisation: this record is not in your park"
    assert everything() == before


def test_the_import_page_and_the_command_refuse_the_row_alike(roles, tmp_path):
    operator, zone, theirs = roles["users"]["operator"], roles["zone"], roles["other_enterprise"]
    text = f"id,name_en,park\n{theirs.pk},{theirs.name_en},{zone.pk}\n"
    before = everything()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(operator)
    page = client.post("/import/", {"type": "organisations", "apply": "1", "file": SimpleUploadedFile("o.csv", text.encode())})
    assert page.status_code == 422
    assert "Park: this record is not in your park" in page.content.decode()
    path = tmp_path / "o.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="nothing imported: 1 bad row"):
        call_command("import", "organisations", str(path), "--user", operator.username)
    assert everything() == before
