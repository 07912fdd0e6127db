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


def _serve_banner(monkeypatch, language: str) -> list[str]:
    from biopark.core.management.commands import serve

    monkeypatch.setenv("BIOPARK_LANGUAGE", language)
    started: list[list[str]] = []
    monkeypatch.setattr(serve.os, "execvp", lambda program, argv: started.append(argv))
    out = io.StringIO()
    call_command("serve", "--port", "8131", "--no-control-socket", stdout=out)
    assert started and started[0][-1] == "--no-control-socket"  # gunicorn would have started
    return out.getvalue().splitlines()


def test_serve_greets_in_the_terminal_language(monkeypatch):
    assert _serve_banner(monkeypatch, "zh-hans") == [
        "BioPark 已在 http://127.0.0.1:8131/ 提供服务（API 文档：http://127.0.0.1:8131/api/v1/docs）",
        "演示账号（密码均为 biopark-demo）：",
        "  平台管理员  admin",
        "  园区运营方  operator",
        "  平台管理者  platform",
        "  企业成员    enterprise",
        "  投资方      investor",
        "  只读用户    viewer",
    ]
    assert _serve_banner(monkeypatch, "en") == [
        "BioPark is serving at http://127.0.0.1:8131/  (API docs: http://127.0.0.1:8131/api/v1/docs)",
        "Demo sign-ins (password for all: biopark-demo):",
        "  Platform administrator  admin",
        "  Park operator           operator",
        "  Platform manager        platform",
        "  Enterprise member       enterprise",
        "  Investor                investor",
        "  Viewer                  viewer",
    ]


def _demo_report(monkeypatch, language: str) -> list[str]:
    """The demo command's report, its steps replaced by stand-ins that return what the real ones do."""
    from biopark.ecosystem.management.commands import demo

    monkeypatch.setenv("BIOPARK_LANGUAGE", language)

    def load_demo(log):
        log(demo._("Financing: %(count)s synthetic mandates") % {"count": 2})
        return {"Park": 13, "Organisation": 1062, "promotion fact leads": 1}

    class Step:
        def __init__(self, result):
            self.result = result

        def build_demo(self):
            return self.result

    steps = {"biopark.facilities.demo": Step({"resources": 36, "bookings": 675}),
             "biopark.rankings.demo": Step("HDI: run built"), "biopark.services.demo": Step(None),
             "biopark.pipeline.demo": Step({})}
    monkeypatch.setattr(demo, "load_demo", load_demo)
    monkeypatch.setattr(demo, "ensure_demo_users", lambda: [("admin", "admin"), ("investor", "investor")])
    monkeypatch.setattr(demo, "optional_module", steps.get)
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue().splitlines()


def test_demo_reports_in_the_terminal_language(monkeypatch):
    assert _demo_report(monkeypatch, "zh-hans") == [
        "投融资：2 个虚构委托",
        "登记库：园区 +13，机构 +1,062，来自文章的招商线索 +1",
        "共享平台预约：资源 36，预约 675",
        "创新项目：已是最新",
        "一站式服务：完成",
        "竞争力排行：HDI: run built",  # a step's own sentence is its own (the rankings one is translated there)
        "演示账号（密码 biopark-demo）：admin（平台管理员），investor（投资方）",
    ]
    assert _demo_report(monkeypatch, "en") == [
        "Financing: 2 synthetic mandates",
        "Registry: parks +13, organisations +1,062, leads from the articles +1",
        "Facilities: resources 36, bookings 675",
        "Pipeline: up to date",
        "Services: done",
        "Rankings: HDI: run built",
        "Demo sign-ins (password biopark-demo): admin (Platform administrator), investor (Investor)",
    ]


def test_the_rankings_demo_reports_in_the_active_language(monkeypatch):
    from django.utils import translation

    from biopark.rankings import demo

    monkeypatch.setattr(demo, "_synthetic", lambda: {"created": 901, "run": True})
    monkeypatch.setattr(demo, "observed_run", lambda: None)
    monkeypatch.setattr(demo, "_asem", lambda: False)
    monkeypatch.setattr(demo, "_hdi", lambda: True)
    with translation.override("zh-hans"):
        assert demo.build_demo() == ("虚构园区示例：观测值 +901，已计算；真实园区：没有能区分各园区的有数据指标；"
                                     "ASEM：计算已是最新；HDI：已计算")
    with translation.override("en"):
        assert demo.build_demo() == ("synthetic park example: observations +901, run built; real parks: no indicator "
                                     "with data tells the parks apart; ASEM: run up to date; HDI: run built")
