"""The `biopark` commands speak the terminal's language: output and errors through translation."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from biopark.core.cli_language import cli_language

pytestmark = pytest.mark.django_db


def test_the_terminal_locale_chooses_the_language():
    assert cli_language({"LANG": "zh_CN.UTF-8"}) == "zh-hans"
    assert cli_language({"LANG": "en_GB.UTF-8"}) == "en"
    assert cli_language({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"  # LC_ALL wins, as in POSIX
    assert cli_language({"BIOPARK_LANGUAGE": "zh-hans", "LANG": "C"}) == "zh-hans"
    assert cli_language({}) == "en"


@pytest.mark.parametrize(("command", "args", "chinese", "english"), [
    ("import", ["organisations", "/no/such.csv"], "/no/such.csv：文件不存在", "/no/such.csv: no such file"),
    ("metrics-import", ["/no/such.csv"], "/no/such.csv：文件不存在", "/no/such.csv: no such file"),
    ("token", ["nobody"], "没有用户 'nobody'", "no user 'nobody'"),
])
def test_command_errors_are_translated(monkeypatch, command, args, chinese, english):
    monkeypatch.setenv("BIOPARK_LANGUAGE", "zh-hans")
    with pytest.raises(CommandError) as refused:
        call_command(command, *args)
    assert str(refused.value) == chinese
    monkeypatch.setenv("BIOPARK_LANGUAGE", "en")
    with pytest.raises(CommandError) as refused:
        call_command(command, *args)
    assert str(refused.value) == english


def test_an_import_summary_names_outcomes_by_their_labels(monkeypatch, tmp_path):
    monkeypatch.setenv("BIOPARK_LANGUAGE", "zh-hans")
    table = tmp_path / "orgs.csv"
    table.write_text("name_en,name_zh\nCli Bio,命令行生物\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import", "organisations", str(table), "--dry-run", stdout=out)
    assert f"{table}：将会变更（试运行）：新建 1" in out.getvalue()
