"""Import failure modes and guarantees: every bad row reported with its line, all or nothing,
dry runs, idempotent re-imports, merge proposals instead of twins; real CSV, XLSX and JSON files."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from biopark.accounts.policy import SYSTEM
from biopark.core.errors import PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.ecosystem import import_names, importer, tabular
from biopark.ecosystem.models import Organisation, Person
from tests.factories import OrganisationFactory, ParkFactory

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "name_zh,name_en,kind,aliases,founded\n"
    "甲生物科技,Jia Biotech,enterprise,Jia Bio; 甲生物,2019\n"
    "乙医院,Yi Hospital,hospital,,2001-05\n"
)



def run(data: bytes, fmt: str = "csv", *, dry_run: bool = False, type_name: str = "organisation", **kw):
    table = tabular.read_table(data, fmt, **kw)
    return importer.plan_and_apply(actor=SYSTEM, type_name=type_name, table=table, dry_run=dry_run)


def state():
    return (
        sorted(Organisation.objects.values_list("name_zh", "name_en", "kind", "aliases")),
        ChangeRecord.objects.count(),
    )


def test_import_creates_and_reimport_changes_nothing():
    report = run(GOOD_CSV.encode())
    assert report.applied and report.counts["create"] == 2
    assert Organisation.objects.get(name_en="Jia Biotech").aliases == ["Jia Bio", "甲生物"]
    assert Organisation.objects.get(name_en="Yi Hospital").founded == "2001-05"
    before = state()
    again = run(GOOD_CSV.encode())
    assert again.counts == {"create": 0, "update": 0, "unchanged": 2, "merge": 0, "skipped": 0, "error": 0}
    assert state() == before


def test_dry_run_writes_nothing():
    before = state()
    report = run(GOOD_CSV.encode(), dry_run=True)
    assert report.ok and not report.applied and report.counts["create"] == 2
    assert state() == before


def test_every_bad_row_reported_with_its_line_and_nothing_written():
    OrganisationFactory(name_zh="已有", name_en="Existing")
    data = (
        "name_zh,name_en,kind,founded,website\n"
        "好企业,Good One,enterprise,2020,\n"        # line 2: fine
        "坏类型,Bad Kind,spaceship,,\n"              # line 3: unknown kind
        "坏日期,Bad Date,enterprise,2020-14,\n"      # line 4: bad date
        ",,enterprise,,\n"                            # line 5: no name
        "好企业,Good Again,enterprise,,\n"            # line 6: duplicate of line 2 within the file
        "坏网址,Bad URL,enterprise,,not-a-url\n"      # line 7: bad website
    ).encode()
    before = state()
    report = run(data)
    assert not report.applied
    errors = {r.line: r.message for r in report.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7]
    assert errors[3].startswith("类型：")  # the field by its label, in the site's language
    assert "2020-14" in errors[4]
    assert errors[5] == "需要填写中文或英文名称"
    assert "第 2 行" in errors[6]
    assert errors[7].startswith("网站：")
    assert state() == before


def test_bad_encoding_is_named_with_its_line():
    data = "name_zh,name_en\n甲,A\n".encode("gb18030")
    with pytest.raises(ValidationFailed) as exc:
        tabular.read_table(data, "csv")
    assert "第 2 行" in exc.value.message and "UTF-8" in exc.value.message
    table = tabular.read_table(data, "csv", encoding="gb18030")
    assert table.rows == [(2, {"name_zh": "甲", "name_en": "A"})]


def test_missing_and_unknown_columns_and_empty_files():
    assert "缺少列" in run(b"kind,city_en\nenterprise,Chengdu\n").file_error
    assert "未知的列 'nmae_en'" in run(b"name_zh,nmae_en\n\xe7\x94\xb2,A\n").file_error
    assert run(b"name_zh,name_en\n").file_error == "文件只有表头，没有数据行"
    with pytest.raises(ValidationFailed, match="文件为空"):
        tabular.read_table(b"", "csv")
    assert Organisation.objects.count() == 0


def test_wrong_types_in_json_and_xlsx():
    payload = json.dumps([{"name_zh": "甲", "aliases": 5}, {"name_zh": "乙", "kind": ["x"]}]).encode()
    report = run(payload, "json")
    assert [r.line for r in report.errors] == [1, 2]
    assert Organisation.objects.count() == 0
    with pytest.raises(ValidationFailed, match="XLSX"):
        tabular.read_table(b"not a zip", "xlsx")
    with pytest.raises(ValidationFailed, match="第 2 项"):
        tabular.read_table(b'[{"name_zh": "a"}, 3]', "json")


def test_alias_match_across_languages_is_proposed_not_duplicated():
    keep = OrganisationFactory(name_zh="康诺亚生物医药科技有限公司", name_en="Keymed Biosciences", aliases=["Konoya"])
    data = "name_en,kind\nKonoya,enterprise\n康諾亞生物醫藥科技,enterprise\n".encode()
    report = run(data, dry_run=True)
    assert [r.status for r in report.rows] == ["merge", "merge"]
    assert all(r.record_id == keep.pk for r in report.rows)
    report = run(data)  # applied without accepting the merges: both rows are skipped, and say so
    assert [r.status for r in report.rows] == ["skipped", "skipped"]
    assert all(r.record_id == keep.pk for r in report.rows)
    assert Organisation.objects.count() == 1
    table = tabular.read_table(data, "csv")
    accepted = importer.plan_and_apply(actor=SYSTEM, type_name="organisation", table=table, dry_run=False,
                                       accept_merges=True)
    assert accepted.applied and Organisation.objects.count() == 1
    keep.refresh_from_db()
    assert "康諾亞生物醫藥科技" in keep.aliases


def test_export_round_trips_through_every_format(tmp_path):
    park = ParkFactory(key="park:x")
    OrganisationFactory(name_zh="甲", name_en="Jia", park=park, aliases=["J1", "J2"])
    OrganisationFactory(name_zh="乙", name_en="Yi", park=None)
    for fmt in tabular.FORMATS:
        columns, rows = importer.export_records(user=SYSTEM, type_name="organisation")
        data = tabular.write_table(columns, rows, fmt)
        path = tmp_path / f"orgs.{fmt}"
        path.write_bytes(data)
        report = run(path.read_bytes(), fmt)
        assert report.counts == {"create": 0, "update": 0, "unchanged": 2, "merge": 0, "skipped": 0, "error": 0}, fmt


def test_operator_may_not_import_into_another_park(roles):
    table = tabular.read_table(f"name_zh,park\n外园企业,{roles['other_park'].pk}\n".encode(), "csv")
    with translation.override("en"):
        report = importer.plan_and_apply(actor=roles["users"]["operator"], type_name="organisation", table=table,
                                         dry_run=False)
    assert report.errors[0].line == 2 and "not in your park" in report.errors[0].message
    with pytest.raises(PermissionRefused):
        importer.plan_and_apply(actor=roles["users"]["viewer"], type_name="organisation", table=table, dry_run=False)


def test_people_import_adds_positions():
    org = OrganisationFactory(key="org:icgeb")
    data = "name_zh,name_en,title_en,organisation\n班克斯,Lawrence Banks,Director-General,org:icgeb\n".encode()
    assert run(data, type_name="person").applied
    person = Person.objects.get(name_en="Lawrence Banks")
    assert list(person.positions.values_list("title_en", "organisation")) == [("Director-General", org.pk)]
    assert run(data, type_name="person").counts["unchanged"] == 1
    assert person.positions.count() == 1


def test_cli_import_dry_run_and_errors(tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    call_command("import", "organisations", str(path), "--dry-run")
    assert "would change (dry run): new 2" in capsys.readouterr().out  # outcomes by their labels
    assert Organisation.objects.count() == 0
    call_command("import", "organisations", str(path))
    assert Organisation.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("name_zh,kind\n丙,nonsense\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing imported: 1 bad row"):
        call_command("import", "organisations", str(bad))
    out = tmp_path / "out.xlsx"
    call_command("export", "organisations", str(out))
    assert tabular.read_table(out.read_bytes(), "xlsx").rows[0][1]["name_zh"] in {"甲生物科技", "乙医院"}


def test_created_records_history_holds_every_given_value():
    assert run(GOOD_CSV.encode()).applied
    jia = Organisation.objects.get(name_en="Jia Biotech")
    record = ChangeRecord.objects.get(object_id=jia.pk, content_type__model="organisation")
    assert record.action == ChangeRecord.IMPORT and record.actor_label == "import"
    assert record.object_repr == "甲生物科技"
    assert record.changes == {
        "name_zh": [None, "甲生物科技"],
        "name_en": [None, "Jia Biotech"],
        "aliases": [None, ["Jia Bio", "甲生物"]],
        "kind": [None, "enterprise"],
        "country": [None, "CN"],
        "founded_on": [None, "2019-01-01"],
        "founded_precision": [None, "year"],
    }
    assert jia.search_text and jia.match_key == "jiashengwukeji"


def test_rows_with_id_or_key_update_and_record_old_and_new():
    park = ParkFactory()
    keyed = OrganisationFactory(key="org-k", name_zh="丙", name_en="Bing", city_en="")
    by_id = OrganisationFactory(name_zh="丁", name_en="Ding", city_en="", park=None)
    data = (
        "id,key,name_zh,name_en,city_en,park\n"
        f",org-k,丙,Bing,Chengdu,{park.key or park.pk}\n"
        f"{by_id.pk},,丁,Ding Ltd,,\n"
    ).encode()
    report = run(data)
    assert report.applied and report.counts["update"] == 2
    keyed.refresh_from_db()
    by_id.refresh_from_db()
    assert (keyed.city_en, keyed.park_id) == ("Chengdu", park.pk)
    assert by_id.name_en == "Ding Ltd" and "ding ltd" in by_id.search_text
    latest = ChangeRecord.objects.filter(object_id=by_id.pk, action=ChangeRecord.IMPORT).get()
    assert latest.changes == {"name_en": ["Ding", "Ding Ltd"]}


def test_a_bad_last_row_leaves_nothing_of_the_good_rows_before_it():
    before = state()
    rows = "".join(f"机构{i}号,Org {i},enterprise\n" for i in range(1, 1200))
    report = run(("name_zh,name_en,kind\n" + rows + "坏,Bad,castle\n").encode())
    assert not report.applied and [r.line for r in report.errors] == [1201]
    assert report.counts["create"] == 1199
    assert state() == before


def test_two_rows_naming_one_record_and_clashing_credit_codes_are_errors():
    OrganisationFactory(name_zh="甲", name_en="A", credit_code="91510100MA61234567")
    target = OrganisationFactory(name_zh="乙", name_en="B")
    before = state()
    data = (
        "id,name_zh,name_en,credit_code\n"
        f"{target.pk},乙,B,91510100MA61234567\n"
        f"{target.pk},乙二,B2,\n"
    ).encode()
    report = run(data)
    errors = {r.line: r.message for r in report.errors}
    assert "属于另一家机构" in errors[2]
    assert errors[3] == "与第 2 行指向同一条记录"
    assert state() == before


def test_branches_that_differ_only_by_number_are_not_proposed_as_merges():
    OrganisationFactory(name_zh="成都康华生物股份有限公司第1分公司", name_en="")
    report = run("name_zh\n成都康华生物股份有限公司第2分公司\n成都康华生物股份有限公司弟1分公司\n".encode(), dry_run=True)
    assert [r.status for r in report.rows] == ["create", "merge"]


def test_no_query_may_interrupt_a_copy_stream():
    from django.db import connection, transaction

    from biopark.core.bulk import CopyStream

    if connection.vendor != "postgresql":
        pytest.skip("COPY streams exist on PostgreSQL only")
    with transaction.atomic():
        stream = CopyStream(Organisation, ["name_zh"]).open()
        with pytest.raises(RuntimeError, match="while rows are being streamed"):
            Organisation.objects.count()
        stream.close(RuntimeError("abandoned"))
        transaction.set_rollback(True)
    assert connection.is_usable()


def test_sqlite_search_triggers_survive_the_migrations():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the FTS triggers exist on SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ecosystem_%_fts_%'")
        names = sorted(row[0] for row in cursor.fetchall())
    tables = ["organisation", "park", "person", "platform"]
    assert names == sorted(f"ecosystem_{t}_fts_{s}" for t in tables for s in ("ad", "ai", "au"))


def test_the_name_helper_process_answers_as_name_info_does(monkeypatch):
    import time

    from biopark.core.text import name_info

    monkeypatch.setattr(import_names.NameHelper, "CHUNK", 3)
    items = [("成都康华生物", "Kanghua Bio", ("康華",)), ("重庆医院", "", ()), None, ("", "Tianfu Lab", ("TFL",))] * 3
    helper = import_names.NameHelper(items)
    try:
        deadline = time.monotonic() + 30
        while len(helper.results) < 3 and time.monotonic() < deadline:  # chunks 3, 2, 1 (0 is this process's)
            time.sleep(0.05)
        assert sorted(helper.results) == [1, 2, 3]
        for index in range(3, len(items)):
            if items[index] is not None:
                assert helper.get(index, items[index]) == name_info(*items[index])
        assert helper.get(3, ("other", "", ())) is None  # names that differ from what was sent: not used
        assert helper.get(0, items[0]) is None  # chunk 0 was left to this process
    finally:
        helper.close()
    assert helper.process.returncode is not None


def _someone_saves_meanwhile(monkeypatch):
    """Someone else saves a record with the row's key between the check and the write."""
    from biopark.ecosystem.import_rows import NewRows

    original = NewRows.add

    def add_then_clash(self, result, row, **kw):
        if not Organisation.objects.filter(key="org-race").exists():
            OrganisationFactory(key="org-race", name_zh="别人", name_en="Someone else")
        return original(self, result, row, **kw)

    monkeypatch.setattr(NewRows, "add", add_then_clash)


def test_a_record_saved_while_the_file_was_checked_is_matched_again_under_the_lock(monkeypatch):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("drives the SQLite write path (on PostgreSQL the rows are matched under the lock only)")
    _someone_saves_meanwhile(monkeypatch)
    report = run("key,name_zh,name_en\norg-race,竞速,Race\n".encode())
    assert report.applied and report.counts["update"] == 1 and report.counts["create"] == 0
    assert list(Organisation.objects.values_list("key", "name_zh", "name_en")) == [("org-race", "竞速", "Race")]


def test_a_clash_the_check_could_not_see_is_a_file_error_not_a_crash(monkeypatch):
    from django.db import connection

    from biopark.ecosystem import import_guard

    if connection.vendor != "sqlite":
        pytest.skip("drives the SQLite write path (on PostgreSQL the same clash ends the COPY, handled alike)")
    _someone_saves_meanwhile(monkeypatch)
    monkeypatch.setattr(import_guard, "registry_state", lambda model: "unchanged")  # a change it misses
    with translation.override("en"):
        report = run("key,name_zh,name_en\norg-race,竞速,Race\n".encode())
    assert not report.applied and "registry changed during the import" in report.file_error
    assert list(Organisation.objects.values_list("name_en", flat=True)) == ["Someone else"]


def test_an_update_by_import_bumps_the_version_and_an_unchanged_row_does_not():
    changed = OrganisationFactory(name_zh="版本甲", name_en="Version A")
    same = OrganisationFactory(name_zh="版本乙", name_en="Version B")
    before = dict(Organisation.objects.values_list("pk", "version"))
    report = run(f"id,name_en,website\n{changed.pk},Version A,https://a.example\n{same.pk},Version B,\n".encode())
    assert report.applied and report.counts["update"] == 1 and report.counts["unchanged"] == 1
    after = dict(Organisation.objects.values_list("pk", "version"))
    assert after == {changed.pk: before[changed.pk] + 1, same.pk: before[same.pk]}


def test_an_import_that_waited_too_long_for_sqlites_write_lock_is_a_file_error(monkeypatch):
    from django.db import OperationalError, connection

    from biopark.ecosystem import import_guard

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's one write lock; PostgreSQL's import lock waits for its turn")

    def busy(model):
        raise OperationalError("database is locked")

    monkeypatch.setattr(import_guard, "import_lock", busy)
    before = state()
    with translation.override("en"):
        report = run(GOOD_CSV.encode())
    assert not report.applied
    assert report.file_error == "nothing was imported: another import is being written; try again in a minute"
    assert state() == before
